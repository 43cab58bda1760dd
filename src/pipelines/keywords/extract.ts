/**
 * Per-node keywords: TF-IDF over terms and frequent 2–3-term phrases, then MMR for diversity.
 *
 * The Python worker embedded every 1–3-gram of the corpus with the sentence model and ranked by cosine to
 * the document (KeyBERT-style), which costs one model call per vocabulary term (§12 "Keyword candidate
 * explosion"). Plain TF-IDF picks what is specific to a node in its corpus, needs no model, and is
 * deterministic; MMR keeps the list from repeating one word in several phrases.
 */
import type { Token } from "../text/tokenize.js";
import { type Candidate, documentCandidates } from "./candidates.js";
import { mmrSelect, type Scored } from "./mmr.js";
import type { Keyword, KeywordOptions } from "./types.js";

/** Document frequencies of every candidate key in a corpus. Plain data: build once, reuse per node. */
export interface KeywordStats {
  docCount: number;
  df: Map<string, number>;
}

export function buildKeywordStats(docs: readonly (readonly Token[])[], maxNgram = 3): KeywordStats {
  return buildKeywordStatsOf({ size: docs.length, doc: (d) => docs[d]! }, maxNgram);
}

/** Documents read one at a time (a compact corpus gives each one's tokens when asked). */
export interface TokenDocs {
  readonly size: number;
  doc(d: number): readonly Token[];
}

export function buildKeywordStatsOf(docs: TokenDocs, maxNgram = 3): KeywordStats {
  const df = new Map<string, number>();
  for (let d = 0; d < docs.size; d++) {
    for (const key of documentCandidates(docs.doc(d), maxNgram).keys()) df.set(key, (df.get(key) ?? 0) + 1);
  }
  // A key seen in one document only scores exactly as a missing one (df 1 is the default below), so
  // dropping those keeps every result and most of the map: most phrases occur once.
  for (const [key, n] of df) if (n === 1) df.delete(key);
  return { docCount: docs.size, df };
}

function idf(df: number, n: number): number {
  return Math.log((1 + n) / (1 + df)) + 1;
}

/**
 * TF-IDF relevance of a document's candidates, normalised so the best is 1. Phrases must be frequent (see
 * minPhraseDf). A term or shorter phrase that occurs only inside a kept longer phrase (same count in the
 * document) is left out: "opening book" replaces "opening" and "book".
 */
function scoreCandidates(cands: Map<string, Candidate>, stats: KeywordStats, minPhraseDf: number): Scored[] {
  const phraseOk = (c: Candidate) =>
    c.words.length === 1 || (stats.df.get(c.key) ?? 1) >= minPhraseDf || c.tf >= 2;
  const subsumed = new Set<string>();
  for (const c of cands.values()) {
    if (c.words.length < 2 || !phraseOk(c)) continue;
    for (let n = 1; n < c.words.length; n++) {
      for (let i = 0; i + n <= c.words.length; i++) {
        const sub = c.words.slice(i, i + n).join(" ");
        if (cands.get(sub)?.tf === c.tf) subsumed.add(sub);
      }
    }
  }
  const scored: Scored[] = [];
  for (const c of cands.values()) {
    if (!phraseOk(c) || subsumed.has(c.key)) continue;
    const df = stats.df.get(c.key) ?? 1;
    scored.push({
      key: c.key,
      words: c.words,
      display: c.display,
      score: (1 + Math.log(c.tf)) * idf(df, stats.docCount),
    });
  }
  let max = 0;
  for (const s of scored) max = Math.max(max, s.score);
  for (const s of scored) s.score = max > 0 ? s.score / max : 0;
  return scored;
}

/** Keywords of one tokenised document against corpus statistics (which should include the document). */
export function keywordsForDoc(
  doc: readonly Token[],
  stats: KeywordStats,
  opts: KeywordOptions = {},
): Keyword[] {
  const maxNgram = opts.maxNgram ?? 3;
  const scored = scoreCandidates(documentCandidates(doc, maxNgram), stats, opts.minPhraseDf ?? 2);
  return mmrSelect(scored, opts.topN ?? 5, opts.diversity ?? 0.3).map((s) => ({
    term: s.display,
    score: roundScore(s.score),
  }));
}

/** Keywords for every document of a corpus (the corpus is the IDF reference). */
export function extractKeywords(docs: readonly (readonly Token[])[], opts: KeywordOptions = {}): Keyword[][] {
  return extractKeywordsOf({ size: docs.length, doc: (d) => docs[d]! }, opts);
}

/** extractKeywords over documents read one at a time (twice: corpus statistics, then each document's keywords). */
export function extractKeywordsOf(docs: TokenDocs, opts: KeywordOptions = {}): Keyword[][] {
  const stats = buildKeywordStatsOf(docs, opts.maxNgram ?? 3);
  const out: Keyword[][] = new Array(docs.size);
  for (let d = 0; d < docs.size; d++) out[d] = keywordsForDoc(docs.doc(d), stats, opts);
  return out;
}

/** Four decimals are plenty for a display score; keeps result JSON small. Never rounds a positive score to 0. */
export function roundScore(x: number): number {
  return Math.max(1e-4, Math.round(x * 1e4) / 1e4);
}
