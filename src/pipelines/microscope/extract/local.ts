/**
 * The no-LLM extractor (provider "none", or a batch the LLM failed on). Deterministic:
 * - entities are each chunk's key phrases (TF-IDF + MMR over the document's chunks), typed with the
 *   ontology's generic node type, described by the first sentence that mentions them;
 * - an entity is mentioned in every chunk whose sentences contain its terms in sequence;
 * - relations are sentence co-occurrences: two entities named close together in a sentence get the
 *   ontology's generic relation (related_to), that sentence as evidence, and a confidence from how strongly
 *   they co-occur over the whole document: 0.3 + 0.6 · Dice(sentences with a, sentences with b).
 */
import { tokenize } from "../../text/index.js";
import { type ChunkRef, type ExtractedGraph, type GraphEdge, type GraphNode, round3 } from "../graph.js";
import { PHRASES, phraseLanguage } from "../i18n.js";
import type { OntologyIndex } from "../ontology.js";
import { clip, plainSentence, sentences } from "../sentences.js";
import { MAX_EVIDENCE_CHARS } from "./evidence.js";
import { keyPhrases, PhraseMatcher } from "./phrases.js";

export interface LocalExtractOptions {
  index: OntologyIndex;
  /** Output language of the relation descriptions; detected from the text when absent. */
  language?: string;
  /**
   * The IDF corpus when `chunks` is only part of a document (a failed LLM batch): key phrases are then
   * relative to the whole document. Default: `chunks`.
   */
  corpus?: readonly ChunkRef[];
}

/** Entities two positions apart or less in a sentence's entity order are related (no all-pairs cliques). */
const PAIR_WINDOW = 3;
const MAX_EDGES_PER_CHUNK = 30;
const MAX_DESCRIPTION_CHARS = 200;

interface Sentence {
  chunk: number;
  text: string;
  /** Entity keys in order of first occurrence. */
  found: string[];
}

export function phrasesPerChunk(tokens: number): number {
  return Math.min(10, Math.max(3, Math.round(tokens / 40)));
}

export function extractLocal(chunks: readonly ChunkRef[], opts: LocalExtractOptions): ExtractedGraph {
  if (!chunks.length) return { nodes: [], edges: [] };
  const corpus = opts.corpus ?? chunks;
  const wanted = new Set(chunks.map((c) => c.index));
  const allPhrases = keyPhrases(
    corpus.map((c) => c.text),
    (i) => phrasesPerChunk(corpus[i]!.tokens),
  );
  // Entities: the key phrases of the chunks asked for; the best-scored spelling names each key.
  const entities = new Map<string, { name: string; score: number }>();
  const matcher = new PhraseMatcher();
  corpus.forEach((c, i) => {
    if (!wanted.has(c.index)) return;
    for (const p of allPhrases[i]!) {
      const e = entities.get(p.key);
      if (!e || p.score > e.score) entities.set(p.key, { name: p.name, score: p.score });
      matcher.add(p.key, p.terms);
    }
  });

  // Sentences of the requested chunks with the entities they mention.
  const sents: Sentence[] = [];
  for (const c of chunks) {
    for (const raw of sentences(c.text)) {
      const s = plainSentence(raw);
      const found = matcher.find(tokenize(s)).map((f) => f.key);
      if (found.length) sents.push({ chunk: c.index, text: s, found });
    }
  }
  // Document-wide sentence counts (each distinct sentence once: chunks overlap).
  const seen = new Set<string>();
  const df = new Map<string, number>();
  const co = new Map<string, number>();
  const pairKey = (a: string, b: string) => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);
  for (const s of sents) {
    if (seen.has(s.text)) continue;
    seen.add(s.text);
    for (const k of s.found) df.set(k, (df.get(k) ?? 0) + 1);
    forPairs(s.found, (a, b) => co.set(pairKey(a, b), (co.get(pairKey(a, b)) ?? 0) + 1));
  }

  const lang = phraseLanguage(
    opts.language,
    chunks
      .map((c) => c.text)
      .join(" ")
      .slice(0, 4000),
  );
  const phrases = PHRASES[lang];
  const nodeType = opts.index.genericNodeType;
  const edgeType = opts.index.genericEdgeType ?? "related_to";
  const relate = !opts.index.isForbidden(edgeType, nodeType, nodeType);
  const firstSentence = new Map<string, string>();
  for (const s of sents) for (const k of s.found) if (!firstSentence.has(k)) firstSentence.set(k, s.text);

  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  for (const c of chunks) {
    const inChunk = sents.filter((s) => s.chunk === c.index);
    const mentioned = new Set(inChunk.flatMap((s) => s.found));
    for (const key of mentioned) {
      const e = entities.get(key)!;
      nodes.push({
        name: e.name,
        type: nodeType,
        description: clip(firstSentence.get(key) ?? "", MAX_DESCRIPTION_CHARS),
        source_chunk_id: c.index,
      });
    }
    if (!relate) continue;
    const chunkEdges = new Map<string, GraphEdge & { n: number }>();
    for (const s of inChunk) {
      forPairs(s.found, (a, b) => {
        const k = pairKey(a, b);
        const prev = chunkEdges.get(k);
        if (prev) {
          prev.n++;
          return;
        }
        const dice = (2 * (co.get(k) ?? 1)) / ((df.get(a) ?? 1) + (df.get(b) ?? 1));
        const ea = entities.get(a)!.name;
        const eb = entities.get(b)!.name;
        chunkEdges.set(k, {
          start: ea,
          target: eb,
          type: edgeType,
          description: phrases.coMentioned(ea, eb, co.get(k) ?? 1),
          source_chunk_id: c.index,
          evidence: clip(s.text, MAX_EVIDENCE_CHARS),
          confidence: round3(0.3 + 0.6 * Math.min(1, dice)),
          n: 1,
        });
      });
    }
    const best = [...chunkEdges.values()]
      .sort((x, y) => y.confidence - x.confidence || y.n - x.n)
      .slice(0, Math.min(MAX_EDGES_PER_CHUNK, 2 * mentioned.size));
    for (const { n: _n, ...edge } of best) edges.push(edge);
  }
  return { nodes, edges };
}

/** Pairs of entities at most PAIR_WINDOW apart in a sentence's order; the earlier one is the start. */
function forPairs(found: readonly string[], fn: (a: string, b: string) => void): void {
  for (let i = 0; i < found.length; i++) {
    for (let j = i + 1; j < found.length && j - i <= PAIR_WINDOW; j++) fn(found[i]!, found[j]!);
  }
}
