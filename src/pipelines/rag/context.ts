/**
 * The numbered context a RAG answer is written from, and the mapping of the answer's `[n]` citations back to
 * chunk ids. Chunk n of the context is `chunks[n - 1]` of the result, so a citation the model invents (a
 * number with no passage) is simply dropped, from the citation list and from the answer text.
 */
import type { AnswerChunk, ExpandedChunk, Expansion, RagChunk, ScoredChunk } from "./types.js";

export const DEFAULT_MAX_CONTEXT_CHARS = 16_000;
export const DEFAULT_MAX_CHUNK_CHARS = 1_500;

export interface ContextEntry {
  n: number;
  chunk: RagChunk;
  score: number;
  hop: number;
  via?: string;
  fromChunkId?: string | null;
}

export interface SelectOptions {
  /** Entries at most (retrieved ones first). */
  maxChunks: number;
  /** Stop adding entries once the context text would pass this many characters (the first always fits). */
  maxChars?: number;
  maxCharsPerChunk?: number;
  /** Renumber so that entries of one source are adjacent (sources in order of their best entry). */
  groupBySource?: boolean;
}

function clip(text: string, max: number): string {
  const t = text.trim();
  return t.length <= max ? t : `${t.slice(0, max - 1).trimEnd()}…`;
}

/** Retrieved chunks (best first), then expansion chunks (best first), without duplicates, numbered from 1. */
export function selectContext(
  hits: readonly ScoredChunk[],
  expansion: Expansion | null | undefined,
  opts: SelectOptions,
): ContextEntry[] {
  const maxChars = opts.maxChars ?? DEFAULT_MAX_CONTEXT_CHARS;
  const perChunk = opts.maxCharsPerChunk ?? DEFAULT_MAX_CHUNK_CHARS;
  const candidates: Omit<ContextEntry, "n">[] = [];
  const seen = new Set<string>();
  for (const h of [...hits].sort((a, b) => b.score - a.score)) {
    if (seen.has(h.id) || !h.text.trim()) continue;
    seen.add(h.id);
    candidates.push({ chunk: h, score: h.score, hop: 0 });
  }
  for (const c of expansion?.chunks ?? ([] as ExpandedChunk[])) {
    if (seen.has(c.id) || !c.text.trim()) continue;
    seen.add(c.id);
    candidates.push({ chunk: c, score: c.score, hop: c.hop, via: c.via, fromChunkId: c.fromChunkId });
  }
  const picked: Omit<ContextEntry, "n">[] = [];
  let chars = 0;
  for (const c of candidates) {
    if (picked.length >= opts.maxChunks) break;
    const size = Math.min(c.chunk.text.trim().length, perChunk) + c.chunk.sourceName.length + 40;
    if (picked.length > 0 && chars + size > maxChars) break;
    chars += size;
    picked.push(c);
  }
  let ordered = picked;
  if (opts.groupBySource) {
    const order = new Map<string, number>();
    for (const p of picked) if (!order.has(p.chunk.sourceId)) order.set(p.chunk.sourceId, order.size);
    ordered = picked
      .map((p, i) => ({ p, i }))
      .sort(
        (a, b) =>
          order.get(a.p.chunk.sourceId)! - order.get(b.p.chunk.sourceId)! ||
          a.p.chunk.chunkIndex - b.p.chunk.chunkIndex ||
          a.i - b.i,
      )
      .map((x) => x.p);
  }
  return ordered.map((e, i) => ({ ...e, n: i + 1 }));
}

function label(chunk: RagChunk): string {
  return chunk.sourceName || chunk.sourceId || "document";
}

/** `[n] Source: name (chunk k)` blocks; grouped under `### name` headings when the entries are grouped. */
export function formatContext(
  entries: readonly ContextEntry[],
  opts: { groupBySource?: boolean; maxCharsPerChunk?: number } = {},
): string {
  const perChunk = opts.maxCharsPerChunk ?? DEFAULT_MAX_CHUNK_CHARS;
  const parts: string[] = [];
  let source: string | undefined;
  for (const e of entries) {
    if (opts.groupBySource && e.chunk.sourceId !== source) {
      source = e.chunk.sourceId;
      parts.push(`### ${label(e.chunk)}`);
    }
    const head = opts.groupBySource
      ? `[${e.n}] (part ${e.chunk.chunkIndex + 1})`
      : `[${e.n}] Source: ${label(e.chunk)} (part ${e.chunk.chunkIndex + 1})`;
    parts.push(`${head}\n${clip(e.chunk.text, perChunk)}`);
  }
  return parts.join("\n\n");
}

// [1], [1, 2], [1,2,3], [1-3], [1–3], 【1】 (some models copy CJK brackets).
const CITATION = /[[【]\s*(\d{1,3}(?:\s*(?:[-–,、]|and)\s*\d{1,3})*)\s*[\]】]/g;

export interface ParsedCitations {
  /** Valid passage numbers, in order of first citation. */
  numbers: number[];
  /** The text with every invalid number removed (and markers left empty removed). */
  text: string;
}

/** Reads the `[n]` markers of an answer; numbers outside 1..count are invented and dropped. */
export function parseCitations(answer: string, count: number): ParsedCitations {
  const numbers: number[] = [];
  const seen = new Set<number>();
  const text = answer.replace(CITATION, (_m, inner: string) => {
    const valid: number[] = [];
    for (const part of inner.split(/\s*(?:,|、|and)\s*/)) {
      const range = /^(\d+)\s*[-–]\s*(\d+)$/.exec(part.trim());
      const nums =
        range && Number(range[2]) - Number(range[1]) < 50
          ? Array.from(
              { length: Math.max(0, Number(range[2]) - Number(range[1]) + 1) },
              (_, i) => Number(range[1]) + i,
            )
          : [Number(part.trim())];
      for (const n of nums) {
        if (Number.isInteger(n) && n >= 1 && n <= count && !valid.includes(n)) valid.push(n);
      }
    }
    for (const n of valid) {
      if (!seen.has(n)) {
        seen.add(n);
        numbers.push(n);
      }
    }
    return valid.length > 0 ? `[${valid.join(", ")}]` : "";
  });
  // Removing a marker can leave "word ." or double spaces behind.
  const tidy = text
    .replace(/[ \t]+([.,;:!?。，、])/g, "$1")
    .replace(/[ \t]{2,}/g, " ")
    .trim();
  return { numbers, text: tidy };
}

/** The result payload's chunks, in context order (chunk n at index n − 1). */
export function toAnswerChunks(entries: readonly ContextEntry[], cited: ReadonlySet<number>): AnswerChunk[] {
  return entries.map((e) => ({
    n: e.n,
    id: e.chunk.id,
    source_id: e.chunk.sourceId,
    source_name: e.chunk.sourceName,
    chunk_index: e.chunk.chunkIndex,
    text: e.chunk.text,
    score: Math.round(e.score * 1e6) / 1e6,
    hop: e.hop,
    ...(e.via !== undefined ? { via: e.via, from_chunk_id: e.fromChunkId ?? null } : {}),
    entity_names: e.chunk.entityNames,
    cited: cited.has(e.n),
  }));
}
