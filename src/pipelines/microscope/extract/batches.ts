/**
 * Chunks packed into extraction batches under a token budget (the incumbent packed up to 10 000 tokens,
 * system prompt included, and ran the batches one after another; here they run in parallel, so somewhat
 * smaller batches give more parallelism and better per-chunk coverage for the same number of tokens).
 */
import type { ChunkRef } from "../graph.js";

/** Input tokens per batch, system prompt included. */
export const DEFAULT_BATCH_TOKENS = 8000;
/** Even tiny chunks are not packed more densely than this (coverage drops with many chunks per answer). */
export const MAX_CHUNKS_PER_BATCH = 16;
/** The "[Chunk n]" header and separators around each chunk. */
const PER_CHUNK_OVERHEAD = 8;

export function packBatches(
  chunks: readonly ChunkRef[],
  opts: { budgetTokens?: number; fixedTokens?: number; maxChunks?: number } = {},
): ChunkRef[][] {
  const room = Math.max(1, (opts.budgetTokens ?? DEFAULT_BATCH_TOKENS) - (opts.fixedTokens ?? 0));
  const maxChunks = opts.maxChunks ?? MAX_CHUNKS_PER_BATCH;
  const out: ChunkRef[][] = [];
  let cur: ChunkRef[] = [];
  let used = 0;
  for (const c of chunks) {
    const cost = c.tokens + PER_CHUNK_OVERHEAD;
    if (cur.length > 0 && (used + cost > room || cur.length >= maxChunks)) {
      out.push(cur);
      cur = [];
      used = 0;
    }
    cur.push(c);
    used += cost;
  }
  if (cur.length) out.push(cur);
  return out;
}

/** The most batches `packBatches` can produce for `chunks` chunks of at most `chunkTokens` tokens each. */
export function maxBatches(
  chunks: number,
  chunkTokens: number,
  budgetTokens: number,
  fixedTokens: number,
): number {
  const perBatch = Math.max(
    1,
    Math.min(
      MAX_CHUNKS_PER_BATCH,
      Math.floor((budgetTokens - fixedTokens) / (chunkTokens + PER_CHUNK_OVERHEAD)),
    ),
  );
  return Math.ceil(chunks / perBatch);
}
