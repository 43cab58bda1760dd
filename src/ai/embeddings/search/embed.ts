/**
 * Search-model inference, meant for a CPU-pool thread (src/pipelines/search/job.ts): the model is loaded
 * lazily on first use, once per thread (the provider's module-level cache), and texts are truncated and
 * batched by length exactly as sentence-transformers does (provider `longText: "truncate"`).
 */
import { createTransformersEmbedder } from "../transformers/provider.js";
import type { SearchModelSettings } from "./settings.js";

export interface SearchEmbedOutput {
  model: string;
  dimension: number;
  dtype: string;
  maxTokens: number;
  /** texts.length × dimension, row-major, L2-normalised rows. */
  vectors: Float32Array;
}

export async function searchEmbedder(settings: SearchModelSettings) {
  return createTransformersEmbedder({
    localDir: settings.dir,
    model: settings.model,
    dtype: settings.dtype,
    longText: "truncate",
  });
}

export async function embedForSearch(
  settings: SearchModelSettings,
  texts: string[],
): Promise<SearchEmbedOutput> {
  const embedder = await searchEmbedder(settings);
  const d = embedder.dimension;
  const vectors = new Float32Array(texts.length * d);
  // One call: the texts are sorted by token length across the whole job before batching.
  const rows = await embedder.embed(texts);
  for (let i = 0; i < rows.length; i++) vectors.set(rows[i]!, i * d);
  return {
    model: settings.model,
    dimension: d,
    dtype: embedder.dtype ?? "fp32",
    maxTokens: embedder.maxTokens,
    vectors,
  };
}

/** Loads the model (if not yet loaded in this thread) and returns what it is, without embedding anything. */
export async function describeSearchModel(settings: SearchModelSettings) {
  const e = await searchEmbedder(settings);
  return { model: settings.model, dimension: e.dimension, dtype: e.dtype ?? "fp32", maxTokens: e.maxTokens };
}
