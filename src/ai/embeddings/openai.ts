/**
 * Any OpenAI-compatible embeddings endpoint (OpenAI, Azure-style proxies, vLLM, Ollama, LiteLLM, …) via
 * the Vercel AI SDK (`embedMany` + `createOpenAI({ baseURL, apiKey })`).
 *
 * - Batching: `batchSize` texts per request, `maxParallelCalls` requests in flight.
 * - Long texts are split into character chunks (at sentence or word boundaries) below `maxInputChars`
 *   and pooled by a length-weighted mean, instead of failing or being truncated by the endpoint.
 * - Empty texts get a zero vector without a request (the endpoints reject empty input).
 * - The dimension is checked on every vector; a mismatch is a terminal EMBEDDING_MODEL_MISMATCH.
 * - Errors: 429, 5xx and network failures are transient (SQS redelivers); other 4xx are terminal.
 */
import { createOpenAI } from "@ai-sdk/openai";
import { APICallError, embedMany, RetryError } from "ai";
import { TaskError, terminal, transient } from "../../contract/errors.js";
import type { Embedder, EmbedOptions } from "./types.js";
import { weightedMeanUnit } from "./vectors.js";

export interface OpenAIEmbedderOptions {
  apiKey: string;
  /** Default https://api.openai.com/v1. */
  baseURL?: string;
  /** Default text-embedding-3-small. */
  model?: string;
  /** Required for models not in the built-in table. */
  dimension?: number;
  /** Ask the endpoint for `dimension`-sized vectors (text-embedding-3-* support shortening). Default false. */
  requestDimensions?: boolean;
  /** Texts per request. Default 96. */
  batchSize?: number;
  /** Requests in flight. Default 2. */
  maxParallelCalls?: number;
  /** SDK retries per request (with back-off) before the error is classified. Default 2. */
  maxRetries?: number;
  /** Longer texts are chunked and pooled. Default 6,000 characters (well below 8,191 tokens even for CJK). */
  maxInputChars?: number;
  headers?: Record<string, string>;
}

const KNOWN_DIMENSIONS: Record<string, number> = {
  "text-embedding-3-small": 1536,
  "text-embedding-3-large": 3072,
  "text-embedding-ada-002": 1536,
};

/** Splits a long text into pieces of at most `max` characters, preferring sentence ends, then spaces. */
export function splitByChars(text: string, max: number): string[] {
  const out: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const window = rest.slice(0, max);
    let cut = Math.max(
      window.lastIndexOf(". "),
      window.lastIndexOf("? "),
      window.lastIndexOf("! "),
      window.lastIndexOf("。"),
      window.lastIndexOf("\n"),
    );
    if (cut < max / 2) cut = window.lastIndexOf(" ");
    if (cut < max / 2) cut = max - 1;
    out.push(rest.slice(0, cut + 1).trim());
    rest = rest.slice(cut + 1).trim();
  }
  if (rest) out.push(rest);
  return out;
}

function classify(e: unknown, model: string): TaskError {
  if (e instanceof TaskError) return e;
  const last = RetryError.isInstance(e) ? e.lastError : e;
  if (APICallError.isInstance(last)) {
    const status = last.statusCode;
    const msg = `embedding request to ${model} failed${status ? ` (HTTP ${status})` : ""}`;
    if (
      status === undefined ||
      status === 408 ||
      status === 409 ||
      status === 429 ||
      status >= 500 ||
      last.isRetryable
    ) {
      return transient("LLM_ERROR", msg, e);
    }
    return terminal("LLM_ERROR", msg, e);
  }
  // Network errors (ECONNREFUSED, resets) surface as TypeError/fetch failures: retry later.
  return transient(
    "LLM_ERROR",
    `embedding request to ${model} failed: ${(last as Error)?.message ?? String(last)}`,
    e,
  );
}

export function createOpenAIEmbedder(opts: OpenAIEmbedderOptions): Embedder {
  const model = opts.model ?? "text-embedding-3-small";
  const known = opts.dimension ?? KNOWN_DIMENSIONS[model];
  if (!known) throw terminal("INTERNAL_ERROR", `embedding model ${model}: set its dimension (unknown model)`);
  const dimension: number = known;
  const provider = createOpenAI({
    apiKey: opts.apiKey,
    ...(opts.baseURL ? { baseURL: opts.baseURL } : {}),
  });
  const base = provider.embedding(model);
  const batchSize = Math.max(1, opts.batchSize ?? 96);
  const maxChars = Math.max(200, opts.maxInputChars ?? 6000);
  // embedMany splits its input by the model's maxEmbeddingsPerCall (2,048 for OpenAI); this view of the
  // same model makes it split by our batch size instead.
  const batched: typeof base = {
    specificationVersion: base.specificationVersion,
    provider: base.provider,
    modelId: base.modelId,
    maxEmbeddingsPerCall: batchSize,
    supportsParallelCalls: true,
    doEmbed: (o) => base.doEmbed(o),
  };

  async function embed(texts: string[], eo: EmbedOptions = {}): Promise<Float32Array[]> {
    // Flatten into non-empty chunks, remembering which text each belongs to.
    const chunks: string[] = [];
    const owner: number[] = [];
    texts.forEach((t, i) => {
      for (const c of splitByChars(t ?? "", maxChars)) {
        chunks.push(c);
        owner.push(i);
      }
    });
    let vectors: number[][] = [];
    if (chunks.length > 0) {
      if (eo.signal?.aborted) throw eo.signal.reason ?? new Error("aborted");
      try {
        const res = await embedMany({
          model: batched,
          values: chunks,
          maxParallelCalls: Math.max(1, opts.maxParallelCalls ?? 2),
          maxRetries: opts.maxRetries ?? 2,
          ...(opts.headers ? { headers: opts.headers } : {}),
          ...(eo.signal ? { abortSignal: eo.signal } : {}),
          ...(opts.requestDimensions ? { providerOptions: { openai: { dimensions: dimension } } } : {}),
        });
        vectors = res.embeddings;
      } catch (e) {
        if (eo.signal?.aborted) throw eo.signal.reason ?? e;
        throw classify(e, model);
      }
    }
    if (vectors.length !== chunks.length) {
      throw transient(
        "LLM_ERROR",
        `embedding endpoint returned ${vectors.length} vectors for ${chunks.length} inputs`,
      );
    }
    for (const v of vectors) {
      if (v.length !== dimension) {
        throw terminal(
          "EMBEDDING_MODEL_MISMATCH",
          `embedding model ${model} returned ${v.length}-dimensional vectors, expected ${dimension}`,
        );
      }
    }
    const perText: { v: number[][]; w: number[] }[] = texts.map(() => ({ v: [], w: [] }));
    vectors.forEach((v, k) => {
      const p = perText[owner[k]!]!;
      p.v.push(v);
      p.w.push(chunks[k]!.length);
    });
    return perText.map((p) =>
      p.v.length === 0 ? new Float32Array(dimension) : weightedMeanUnit(p.v, p.w, dimension),
    );
  }

  return { model, dimension, embed };
}
