/**
 * The one interface every embedding provider implements (local TF-IDF/LSA, ONNX sentence-transformers,
 * OpenAI-compatible HTTP). Vectors are L2-normalised Float32Arrays of length `dimension`; a text with
 * nothing to embed (empty, or only stopwords/markup for the local model) gets an all-zero vector rather
 * than a made-up direction, so callers can tell it apart.
 */

export interface EmbedOptions {
  /** Aborts between batches; the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface Embedder {
  /** Names the vector space: vectors from different `model` strings (or dimensions) are not comparable. */
  readonly model: string;
  readonly dimension: number;
  embed(texts: string[], opts?: EmbedOptions): Promise<Float32Array[]>;
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new Error("aborted");
}
