/**
 * Edges between blocks, reading paths and the ordering rationale (ORIGINAL-PIPELINES §7.2 step 3).
 *
 * Local: FOLLOWS from each block to the next (reading order); a subsection ELABORATES its parent section;
 * non-adjacent blocks sharing key concepts get ELABORATES (later → earlier) or, for sibling sections,
 * PARALLEL; at most MAX_CONCEPT_EDGES_PER_BLOCK concept edges per block. Paths: the reading order, plus one
 * per top-level section when there are several. Edge direction reads "source TYPE target".
 *
 * LLM: one call over the blocks' titles, summaries and key concepts. Types outside the contract's enum,
 * unknown block ids, self-loops and duplicates are dropped; when nothing valid is left the local edges are
 * used (and likewise for paths and the rationale).
 */
import { z } from "zod";
import { BLOCK_EDGE_TYPES, type BlockEdge, type BlockEdgeType } from "../../../contract/files/blockGraph.js";
import { terms } from "../../text/index.js";
import { parseConfidence } from "../extract/filter.js";
import type { ObjectLlm } from "../extract/llm.js";
import { round3 } from "../graph.js";
import { PHRASES, type PhraseLanguage } from "../i18n.js";
import { languageName } from "../language.js";
import { clip } from "../sentences.js";
import type { LabeledBlock } from "./describe.js";

export const MAX_CONCEPT_EDGES_PER_BLOCK = 2;
export const CONCEPT_OVERLAP = 0.4;
export const MAX_ORDER_BLOCKS = 120;
export const MAX_PATHS = 10;
export const ORDER_LABEL = "microscope-block-order";

export interface Ordering {
  edges: BlockEdge[];
  paths: string[][];
  rationale: string;
}

function conceptTerms(b: LabeledBlock): Set<string> {
  return new Set(b.key_concepts.flatMap((c) => terms(c)));
}

function shared(b: LabeledBlock, ta: Set<string>, tb: Set<string>): { score: number; names: string[] } {
  if (!ta.size || !tb.size) return { score: 0, names: [] };
  let n = 0;
  for (const t of tb) if (ta.has(t)) n++;
  const names = b.key_concepts.filter((c) => terms(c).some((t) => ta.has(t)));
  return { score: n / Math.min(ta.size, tb.size), names: names.slice(0, 3) };
}

const isPrefix = (p: string[], q: string[]) => p.length < q.length && p.every((x, i) => q[i] === x);

export function orderLocally(
  blocks: readonly LabeledBlock[],
  lang: PhraseLanguage,
  kind: "document" | "chat",
): Ordering {
  const ph = PHRASES[lang];
  const edges: BlockEdge[] = [];
  for (let i = 0; i + 1 < blocks.length; i++) {
    const a = blocks[i]!;
    const b = blocks[i + 1]!;
    edges.push({
      source: a.block_id,
      target: b.block_id,
      type: "FOLLOWS",
      description: ph.follows(a.title, b.title),
      confidence: 1,
    });
  }
  const termsOf = blocks.map(conceptTerms);
  const extra = new Map<number, number>();
  const seen = new Set(edges.map((e) => `${e.source}|${e.target}`));
  const add = (from: number, to: number, type: BlockEdgeType, description: string, confidence: number) => {
    const key = `${blocks[from]!.block_id}|${blocks[to]!.block_id}`;
    const back = `${blocks[to]!.block_id}|${blocks[from]!.block_id}`;
    if (seen.has(key) || seen.has(back)) return;
    seen.add(key);
    edges.push({
      source: blocks[from]!.block_id,
      target: blocks[to]!.block_id,
      type,
      description,
      confidence: round3(confidence),
    });
    extra.set(from, (extra.get(from) ?? 0) + 1);
  };
  // Structure: a subsection elaborates its direct parent section.
  for (let j = 0; j < blocks.length; j++) {
    const path = blocks[j]!.heading_path;
    if (path.length < 2) continue;
    const parent = path.slice(0, -1);
    for (let i = j - 1; i >= 0; i--) {
      const p = blocks[i]!.heading_path;
      if (p.length === parent.length && p.every((x, k) => x === parent[k])) {
        if (j - i > 1) add(j, i, "ELABORATES", ph.elaborates(blocks[j]!.title, blocks[i]!.title, []), 0.8);
        break;
      }
    }
  }
  // Shared key concepts between non-adjacent blocks.
  const candidates: { i: number; j: number; score: number; names: string[] }[] = [];
  for (let j = 0; j < blocks.length; j++) {
    for (let i = 0; i < j - 1; i++) {
      const s = shared(blocks[j]!, termsOf[i]!, termsOf[j]!);
      if (s.score >= CONCEPT_OVERLAP && s.names.length) candidates.push({ i, j, ...s });
    }
  }
  candidates.sort((x, y) => y.score - x.score || x.j - y.j || x.i - y.i);
  for (const c of candidates) {
    if ((extra.get(c.j) ?? 0) >= MAX_CONCEPT_EDGES_PER_BLOCK) continue;
    const a = blocks[c.i]!;
    const b = blocks[c.j]!;
    const siblings =
      kind === "document" &&
      a.heading_path.length > 1 &&
      a.heading_path.length === b.heading_path.length &&
      a.heading_path.slice(0, -1).every((x, k) => x === b.heading_path[k]);
    if (siblings)
      add(c.j, c.i, "PARALLEL", ph.parallel(a.title, b.title, c.names), 0.3 + 0.6 * Math.min(1, c.score));
    else if (!isPrefix(b.heading_path, a.heading_path))
      add(c.j, c.i, "ELABORATES", ph.elaborates(b.title, a.title, c.names), 0.3 + 0.6 * Math.min(1, c.score));
  }
  return { edges, paths: localPaths(blocks), rationale: ph.rationale(kind, edges.length) };
}

function localPaths(blocks: readonly LabeledBlock[]): string[][] {
  const main = blocks.map((b) => b.block_id);
  const byTop = new Map<string, string[]>();
  for (const b of blocks) {
    const top = b.heading_path.length > 1 ? b.heading_path.slice(0, 2).join("\u0000") : undefined;
    const list = top ? byTop.get(top) : undefined;
    if (list) list.push(b.block_id);
    else if (top) byTop.set(top, [b.block_id]);
  }
  const sections = [...byTop.values()].filter((p) => p.length >= 2);
  return sections.length >= 2 ? [main, ...sections.slice(0, MAX_PATHS - 1)] : [main];
}

const orderSchema = z.object({
  edges: z.array(
    z.object({
      source: z.string(),
      target: z.string(),
      type: z.string(),
      description: z.string().nullish(),
      confidence: z.union([z.number(), z.string(), z.null()]).optional(),
    }),
  ),
  paths: z.array(z.array(z.string())).nullish(),
  rationale: z.string().nullish(),
});

const TYPE_ALIASES: Record<string, BlockEdgeType> = {
  PREREQUISITE: "PREREQUISITE_OF",
  PREREQ: "PREREQUISITE_OF",
  REQUIRES: "PREREQUISITE_OF",
  NEXT: "FOLLOWS",
  FOLLOWED_BY: "FOLLOWS",
  ELABORATES_ON: "ELABORATES",
  EXPANDS: "ELABORATES",
  CONTRASTS_WITH: "CONTRASTS",
  CONTRAST: "CONTRASTS",
  PARALLELS: "PARALLEL",
  PARALLEL_TO: "PARALLEL",
};

export function blockEdgeType(raw: string): BlockEdgeType | undefined {
  const t = raw
    .trim()
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  return (BLOCK_EDGE_TYPES as readonly string[]).includes(t) ? (t as BlockEdgeType) : TYPE_ALIASES[t];
}

export interface LlmOrdering {
  /** Each part is null when the LLM gave nothing valid for it. */
  edges: BlockEdge[] | null;
  paths: string[][] | null;
  rationale: string | null;
  dropped: number;
}

export async function orderWithLlm(
  llm: ObjectLlm,
  blocks: readonly LabeledBlock[],
  opts: { language?: string; signal?: AbortSignal; kind: "document" | "chat" },
): Promise<LlmOrdering> {
  const lang = languageName(opts.language);
  const ids = new Set(blocks.map((b) => b.block_id));
  const answer = await llm.generateObject(orderSchema, {
    system: [
      `You map how the blocks of a ${opts.kind === "chat" ? "conversation" : "document"} depend on each other.`,
      `Edge types: PREREQUISITE_OF (source must be understood before target), FOLLOWS (source leads on to target in the flow),`,
      "ELABORATES (source expands on target), CONTRASTS (source opposes or differs from target), PARALLEL (side by side, same level).",
      "Use only these types and the given block ids; no edge from a block to itself. Give a confidence from 0 to 1 and a one-sentence description.",
      "paths: one to five reading paths (lists of block ids) through the blocks. rationale: two or three sentences on the ordering.",
      lang ? `Write descriptions and the rationale in ${lang}.` : "Write in the language of the blocks.",
      'Answer {"edges":[{"source","target","type","description","confidence"}],"paths":[[...]],"rationale":"..."}.',
    ].join(" "),
    prompt: JSON.stringify(
      blocks.map((b) => ({
        block_id: b.block_id,
        order_index: b.order_index,
        title: b.title,
        summary: clip(b.summary, 200),
        key_concepts: b.key_concepts,
      })),
    ),
    label: ORDER_LABEL,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  let dropped = 0;
  const seen = new Set<string>();
  const edges: BlockEdge[] = [];
  for (const e of answer.edges) {
    const type = blockEdgeType(e.type);
    const source = e.source.trim();
    const target = e.target.trim();
    const key = `${source}|${target}|${type}`;
    if (!type || !ids.has(source) || !ids.has(target) || source === target || seen.has(key)) {
      dropped++;
      continue;
    }
    seen.add(key);
    const description = clip(e.description ?? "", 300);
    edges.push({
      source,
      target,
      type,
      ...(description ? { description } : {}),
      confidence: parseConfidence(e.confidence ?? undefined),
    });
  }
  const paths = (answer.paths ?? [])
    .map((p) => p.map((id) => id.trim()).filter((id, k, arr) => ids.has(id) && arr[k - 1] !== id))
    .filter((p) => p.length > 0)
    .slice(0, MAX_PATHS);
  const rationale = clip(answer.rationale ?? "", 1000);
  return {
    edges: edges.length ? edges : null,
    paths: paths.length ? paths : null,
    rationale: rationale || null,
    dropped,
  };
}
