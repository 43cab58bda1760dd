/**
 * What the three microscope RAG handlers (query, synthesize, related questions) share: the chunk embedder, the
 * LLM for a request, the user's knowledge profile, and retrieval (vector search in the workspace plus the
 * workspace's chunks for graph expansion). MICROSCOPE_INGEST must embed chunks with `microscopeEmbedder` too,
 * or questions and chunks would live in different spaces (the collection would refuse the mismatch).
 */
import { HashingEmbedder } from "../ai/embeddings/hashing.js";
import type { Embedder } from "../ai/embeddings/types.js";
import { createLlm, type Llm, type LlmLedger, type LlmOverrides, resolveLlmConfig } from "../ai/llm/index.js";
import {
  DEFAULT_GROUP_CHUNK_LIMIT,
  type MicroscopeIndex,
  openExistingMicroscopeIndex,
  openMicroscopeIndex,
} from "../infra/microscopeIndex.js";
import type { ObjectStorage } from "../infra/storage.js";
import type { VectorStore } from "../infra/vectorStore.js";
import { expandByGraph } from "../pipelines/rag/graph.js";
import { buildMacroProfile } from "../pipelines/rag/profile.js";
import type { Expansion, RagChunk, ScoredChunk } from "../pipelines/rag/types.js";
import type { TaskContext } from "./types.js";

type Env = Record<string, string | undefined>;

/** Injection points for tests and for the local run mode; production uses the defaults. */
export interface MicroscopeRagDeps {
  /** The request's LLM; default: MICROSCOPE_LLM_* merged with the request's provider/model/api_key. */
  llm?: (overrides: LlmOverrides, ctx: TaskContext, ledger: LlmLedger) => Llm | null;
  /** Default: microscopeEmbedder(env). */
  embedder?: Embedder;
  /** Workspace chunks read for graph expansion at most. Default 2000. */
  graphChunkLimit?: number;
}

let sharedEmbedder: HashingEmbedder | undefined;

/**
 * The embedder of microscope chunks and questions: feature hashing (local-hash-v1, 1024-d), which needs no model
 * files and no fitting, so every chunk of a growing workspace stays comparable with every later question.
 */
export function microscopeEmbedder(_env: Env = {}): Embedder {
  sharedEmbedder ??= new HashingEmbedder();
  return sharedEmbedder;
}

/** MICROSCOPE_CHROMA_COLLECTION overrides the collection name (default microscope_chunks_{model slug}). */
export function microscopeCollectionOverride(env: Env): { collection?: string } {
  const name = env.MICROSCOPE_CHROMA_COLLECTION?.trim();
  return name ? { collection: name } : {};
}

/** Opens (creating when missing) the chunk index for writing; for MICROSCOPE_INGEST. */
export async function openMicroscopeIndexForWrite(
  store: VectorStore,
  embedder: Embedder,
  env: Env,
): Promise<MicroscopeIndex> {
  return openMicroscopeIndex(
    store,
    { model: embedder.model, dimension: embedder.dimension },
    microscopeCollectionOverride(env),
  );
}

export function requestLlm(
  deps: MicroscopeRagDeps,
  overrides: LlmOverrides,
  ctx: TaskContext,
  ledger: LlmLedger,
): Llm | null {
  if (deps.llm) return deps.llm(overrides, ctx, ledger);
  return createLlm(resolveLlmConfig(ctx.services.config.env, "MICROSCOPE", overrides), { ledger });
}

/** `language` is not a declared RAG request field, but a loose payload may carry one. */
export function requestLanguage(payload: unknown): string | undefined {
  const v = (payload as { language?: unknown }).language;
  return typeof v === "string" && v.trim() ? v.trim() : undefined;
}

/**
 * The user's knowledge profile from the summary.json beside their latest macro graph (the incumbent read a
 * local directory that does not exist in production, §12). Best effort: any problem means no profile.
 */
export async function loadMacroProfile(
  storage: ObjectStorage,
  bucket: string,
  userId: string,
  signal?: AbortSignal,
): Promise<string | null> {
  if (!userId) return null;
  const opts = signal ? { signal } : {};
  try {
    const latestKey = `results/macro/${userId}/latest.json`;
    if (!(await storage.exists(bucket, latestKey, opts))) return null;
    const latest = (await storage.getJson(bucket, latestKey, opts)) as { graphS3Key?: unknown } | null;
    if (typeof latest?.graphS3Key !== "string" || !latest.graphS3Key.includes("/")) return null;
    const summaryKey = `${latest.graphS3Key.slice(0, latest.graphS3Key.lastIndexOf("/"))}/summary.json`;
    if (!(await storage.exists(bucket, summaryKey, opts))) return null;
    return buildMacroProfile(await storage.getJson(bucket, summaryKey, opts));
  } catch (err) {
    if (signal?.aborted) throw err;
    return null;
  }
}

/**
 * Chunks graph expansion may add to a question's top_k hits: as many again, at least 5 (the incumbent added
 * every chunk of every neighbour entity, unranked; here they are ranked, so a few good ones are enough).
 */
export function expansionLimit(topK: number): number {
  return Math.max(5, topK);
}

export interface Retrieval {
  hits: ScoredChunk[];
  /** The workspace's chunks (empty when there were no hits or no expansion was asked for). */
  chunks: RagChunk[];
}

/** Vector search in the workspace, and its chunks for graph expansion when anything was found. */
export async function retrieve(
  ctx: TaskContext,
  deps: MicroscopeRagDeps,
  q: { userId: string; groupId: string; text: string; k: number; withGroupChunks: boolean },
): Promise<Retrieval> {
  const embedder = deps.embedder ?? microscopeEmbedder(ctx.services.config.env);
  const [vector] = await embedder.embed([q.text], { signal: ctx.signal });
  const store = await ctx.services.vectors();
  const index = await openExistingMicroscopeIndex(
    store,
    { model: embedder.model, dimension: embedder.dimension },
    microscopeCollectionOverride(ctx.services.config.env),
  );
  if (!index || !vector) return { hits: [], chunks: [] };
  const hits = await index.search({ userId: q.userId, groupId: q.groupId, vector, k: q.k });
  if (hits.length === 0 || !q.withGroupChunks) return { hits, chunks: [] };
  const chunks = await index.groupChunks({
    userId: q.userId,
    groupId: q.groupId,
    limit: deps.graphChunkLimit ?? DEFAULT_GROUP_CHUNK_LIMIT,
  });
  return { hits, chunks };
}

/**
 * What QUERY and SYNTHESIZE both do before they write: nothing for `no_rag`; else the workspace's nearest
 * chunks, expanded `hopDepth` hops over the chunk–entity graph (at most `limit` more chunks).
 */
export async function retrieveWithExpansion(
  ctx: TaskContext,
  deps: MicroscopeRagDeps,
  q: {
    userId: string;
    groupId: string;
    text: string;
    k: number;
    hopDepth: number;
    noRag: boolean;
    limit: number;
  },
): Promise<{ retrieval: Retrieval; expansion: Expansion | null }> {
  if (q.noRag) return { retrieval: { hits: [], chunks: [] }, expansion: null };
  const retrieval = await retrieve(ctx, deps, {
    userId: q.userId,
    groupId: q.groupId,
    text: q.text,
    k: q.k,
    withGroupChunks: q.hopDepth > 0,
  });
  const expansion =
    retrieval.hits.length > 0 && q.hopDepth > 0
      ? expandByGraph({
          question: q.text,
          hits: retrieval.hits,
          chunks: retrieval.chunks,
          hopDepth: q.hopDepth,
          limit: q.limit,
        })
      : null;
  return { retrieval, expansion };
}
