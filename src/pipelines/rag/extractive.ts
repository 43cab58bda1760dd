/**
 * The answer without a language model: the sentences of the context that best match the question, each with
 * its passage number. Sentences come from Intl.Segmenter (ICU, built into Node) and line breaks; a sentence
 * scores the idf-weighted content terms it shares with the question (idf over the candidate sentences, so
 * a term every sentence has counts little), damped by sentence length, plus a small share of its passage's
 * retrieval score to break ties.
 */
import { tokenize } from "../text/index.js";
import type { ContextEntry } from "./context.js";

const MAX_SENTENCE_CHARS = 400;

export interface ScoredSentence {
  text: string;
  n: number;
  sourceId: string;
  score: number;
  /** Position in the context (passage order, then sentence order), for a stable reading order. */
  order: number;
}

let sentenceSegmenter: Intl.Segmenter | undefined;

export function splitSentences(text: string): string[] {
  sentenceSegmenter ??= new Intl.Segmenter(undefined, { granularity: "sentence" });
  const out: string[] = [];
  for (const line of text.split(/\n+/)) {
    const l = line.replace(/\s+/g, " ").trim();
    if (!l) continue;
    for (const s of sentenceSegmenter.segment(l)) {
      const t = s.segment.trim();
      if (t) out.push(t.length > MAX_SENTENCE_CHARS ? `${t.slice(0, MAX_SENTENCE_CHARS - 1).trimEnd()}…` : t);
    }
  }
  return out;
}

/** Every sentence of the context, scored against `query` (best first). */
export function scoreSentences(query: string, entries: readonly ContextEntry[]): ScoredSentence[] {
  const qTerms = new Set(tokenize(query).map((t) => t.term));
  const candidates: { text: string; terms: Set<string>; entry: ContextEntry; order: number }[] = [];
  for (const entry of entries) {
    for (const s of splitSentences(entry.chunk.text)) {
      candidates.push({
        text: s,
        terms: new Set(tokenize(s).map((t) => t.term)),
        entry,
        order: candidates.length,
      });
    }
  }
  const df = new Map<string, number>();
  for (const c of candidates) for (const t of c.terms) if (qTerms.has(t)) df.set(t, (df.get(t) ?? 0) + 1);
  const n = candidates.length;
  const scored = candidates.map((c) => {
    let overlap = 0;
    for (const t of c.terms) {
      const d = df.get(t);
      if (d !== undefined) overlap += Math.log(1 + n / d);
    }
    const lengthDamp = 1 / Math.sqrt(1 + Math.log(1 + c.terms.size));
    return {
      text: c.text,
      n: c.entry.n,
      sourceId: c.entry.chunk.sourceId,
      score: overlap * lengthDamp + 0.05 * Math.max(0, c.entry.score),
      order: c.order,
      overlap,
    };
  });
  return scored
    .sort((a, b) => Number(b.overlap > 0) - Number(a.overlap > 0) || b.score - a.score || a.order - b.order)
    .map(({ overlap: _o, ...s }) => s);
}

/** The best `count` sentences, best first or in reading order, each as "sentence [n]". */
export function pickSentences(
  query: string,
  entries: readonly ContextEntry[],
  count: number,
  order: "relevance" | "reading" = "relevance",
): { lines: string[]; numbers: number[] } {
  const best = scoreSentences(query, entries);
  const seen = new Set<string>();
  const picked: ScoredSentence[] = [];
  for (const s of best) {
    const key = s.text.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    picked.push(s);
    if (picked.length >= count) break;
  }
  if (order === "reading") picked.sort((a, b) => a.order - b.order);
  const numbers: number[] = [];
  for (const s of picked) if (!numbers.includes(s.n)) numbers.push(s.n);
  return { lines: picked.map((s) => `${s.text} [${s.n}]`), numbers };
}
