/**
 * Token-aware chunking and pooling for sentence-transformer models with a short maximum sequence length
 * (128 tokens for paraphrase-multilingual-MiniLM-L12-v2, special tokens included).
 *
 * The Python worker cut texts into 512-character chunks, which the model then silently truncated at 128
 * tokens (a 512-character Korean or Chinese chunk is far more than 128 tokens). Here every text is
 * tokenised once, cut into windows that fit the model exactly, each window is mean-pooled by the model,
 * and the window vectors are averaged weighted by their token counts. Because each window vector is a mean
 * over its tokens, the weighted mean is the mean over all tokens of the text: the same pooling the model
 * uses for one window, extended to any length. Then L2.
 *
 * The model call is injected (`WindowEncoder`), so this logic is tested without model weights.
 */
import { throwIfAborted } from "../types.js";
import { l2NormalizeInPlace } from "../vectors.js";

export interface WindowTokenizer {
  /** Token ids of a text without special tokens. */
  encode(text: string): number[];
  /** Special tokens placed before and after the content of every sequence (e.g. [<s>] and [</s>]). */
  readonly prefix: readonly number[];
  readonly suffix: readonly number[];
}

/**
 * Runs the model on complete token sequences (specials included, unpadded, at most maxTokens each) and
 * returns one attention-mask mean-pooled vector per sequence (not normalised).
 */
export type WindowEncoder = (sequences: number[][], signal?: AbortSignal) => Promise<ArrayLike<number>[]>;

export interface WindowOptions {
  /** Model maximum sequence length, special tokens included. */
  maxTokens: number;
  /** Sequences per model call. */
  batchSize: number;
  dimension: number;
  signal?: AbortSignal;
}

/**
 * Splits content ids into the fewest windows of at most `budget` ids, of near-equal size (no tiny tail
 * window whose vector would be dominated by its special tokens).
 */
export function splitIntoWindows(ids: readonly number[], budget: number): number[][] {
  if (budget < 1) throw new RangeError("window budget must be at least one token");
  if (ids.length === 0) return [];
  const count = Math.ceil(ids.length / budget);
  const size = Math.ceil(ids.length / count);
  const out: number[][] = [];
  for (let i = 0; i < ids.length; i += size) out.push(ids.slice(i, i + size));
  return out;
}

/** Embeds texts with window chunking; a text without tokens gets a zero vector. */
export async function embedInWindows(
  texts: readonly string[],
  tokenizer: WindowTokenizer,
  encode: WindowEncoder,
  opts: WindowOptions,
): Promise<Float32Array[]> {
  const budget = opts.maxTokens - tokenizer.prefix.length - tokenizer.suffix.length;
  const sequences: number[][] = [];
  const owner: number[] = [];
  for (let t = 0; t < texts.length; t++) {
    for (const w of splitIntoWindows(tokenizer.encode(texts[t] ?? ""), budget)) {
      sequences.push([...tokenizer.prefix, ...w, ...tokenizer.suffix]);
      owner.push(t);
    }
  }
  const acc = texts.map(() => new Float64Array(opts.dimension));
  const weight = new Float64Array(texts.length);
  for (let start = 0; start < sequences.length; start += opts.batchSize) {
    throwIfAborted(opts.signal);
    const batch = sequences.slice(start, start + opts.batchSize);
    const vectors = await encode(batch, opts.signal);
    if (vectors.length !== batch.length) {
      throw new Error(`embedding model returned ${vectors.length} vectors for ${batch.length} sequences`);
    }
    for (let i = 0; i < batch.length; i++) {
      const v = vectors[i]!;
      if (v.length !== opts.dimension) {
        throw new Error(
          `embedding model returned a ${v.length}-dimensional vector, expected ${opts.dimension}`,
        );
      }
      const t = owner[start + i]!;
      const w = batch[i]!.length; // mean pooling counts every attended token, specials included
      const a = acc[t]!;
      for (let j = 0; j < v.length; j++) a[j] = a[j]! + w * v[j]!;
      weight[t] = weight[t]! + w;
    }
  }
  return acc.map((a, t) => {
    if (weight[t]! > 0) {
      const inv = 1 / weight[t]!;
      for (let j = 0; j < a.length; j++) a[j] = a[j]! * inv;
    }
    return Float32Array.from(l2NormalizeInPlace(a));
  });
}

/** Attention-mask mean pooling of a [batch, length, hidden] output (row-major). */
export function meanPool(
  hidden: ArrayLike<number>,
  lengths: readonly number[],
  paddedLength: number,
  dim: number,
): Float32Array[] {
  return lengths.map((len, b) => {
    const out = new Float64Array(dim);
    for (let t = 0; t < len; t++) {
      const o = (b * paddedLength + t) * dim;
      for (let j = 0; j < dim; j++) out[j] = out[j]! + hidden[o + j]!;
    }
    if (len > 0) for (let j = 0; j < dim; j++) out[j] = out[j]! / len;
    return Float32Array.from(out);
  });
}

/**
 * Embeds texts the way sentence-transformers does: each text's tokens cut to `maxTokens` (special tokens
 * included), one sequence per text, attention-mask mean pooling, L2. A text without tokens still gets its
 * special tokens embedded, as there. Sequences are batched by length (sorted, so a batch pads little: a short
 * title never pays for a 256-token neighbour), and the vectors come back in the texts' order.
 */
export async function embedTruncated(
  texts: readonly string[],
  tokenizer: WindowTokenizer,
  encode: WindowEncoder,
  opts: WindowOptions,
): Promise<Float32Array[]> {
  const budget = opts.maxTokens - tokenizer.prefix.length - tokenizer.suffix.length;
  if (budget < 1) throw new RangeError("maxTokens leaves no room for content tokens");
  const sequences = texts.map((text) => [
    ...tokenizer.prefix,
    ...tokenizer.encode(text ?? "").slice(0, budget),
    ...tokenizer.suffix,
  ]);
  const order = sequences.map((_, i) => i).sort((a, b) => sequences[a]!.length - sequences[b]!.length);
  const out: Float32Array[] = new Array(texts.length);
  for (let start = 0; start < order.length; start += opts.batchSize) {
    throwIfAborted(opts.signal);
    const idx = order.slice(start, start + opts.batchSize);
    const vectors = await encode(
      idx.map((i) => sequences[i]!),
      opts.signal,
    );
    if (vectors.length !== idx.length) {
      throw new Error(`embedding model returned ${vectors.length} vectors for ${idx.length} sequences`);
    }
    idx.forEach((textIndex, k) => {
      const v = vectors[k]!;
      if (v.length !== opts.dimension) {
        throw new Error(
          `embedding model returned a ${v.length}-dimensional vector, expected ${opts.dimension}`,
        );
      }
      out[textIndex] = Float32Array.from(l2NormalizeInPlace(Float64Array.from(v)));
    });
  }
  return out;
}
