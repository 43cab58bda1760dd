/**
 * The backend's search index (contract §3.2.b): every node embedded with the search model (the backend's
 * query model, see src/ai/embeddings/search/settings.ts) and stored in the search collection
 * (`macro_node_all_minilm_l6_v2` by default) with the backend's metadata, id `${userId}_${orig_id}`.
 * Beside the topic space, not instead of it: the local TF-IDF/LSA vectors still make the clusters.
 *
 * Embed once: each record carries `content_hash` (src/pipelines/search/text.ts); a regeneration or an add
 * reads the user's stored hashes and reuses the stored vector of every unchanged item, so only new or
 * changed items reach the model. A failed read of the stored records only costs that reuse.
 *
 * A model that cannot be loaded (a missing directory, broken files) never fails the task: the caller is told
 * `unavailable` with a note for `error`, and the skip is counted (graphnode_search_index_skipped_total).
 * Vector-store failures are thrown (TaskError, classified by chroma.ts) for the caller's retry policy.
 */
import { searchEmbedded, searchIndexSkipped } from "../ai/embeddings/search/metrics.js";
import {
  resolveSearchSettings,
  type SearchModelSettings,
  type SearchSettings,
} from "../ai/embeddings/search/settings.js";
import type { VectorCollection, VectorRecord } from "../infra/vectorStore.js";
import {
  contentHash,
  SEARCH_TEXT_MAX_CHARS,
  type SearchModelIdentity,
  searchText,
} from "../pipelines/search/text.js";
import type { SourceItem } from "../pipelines/sources/types.js";
import { classifyError } from "../runtime/classify.js";
import { type GraphNodeRef, nodeMetadata, nodeRecordId } from "./nodeRecords.js";
import type { TaskContext } from "./types.js";
import { retryVectorWork } from "./vectorWork.js";

export type SearchNode = GraphNodeRef;

export interface SearchModelInfo extends SearchModelIdentity {
  dimension: number;
}

export type PreparedSearch =
  | { status: "off" }
  | { status: "unavailable"; note: string }
  | { status: "ready"; settings: SearchModelSettings & { collection: string }; info: SearchModelInfo };

/** Texts per CPU-pool job: small enough that other tasks' jobs get a thread between two of them. */
const EMBED_CHUNK = 1024;

function settingsOf(ctx: Pick<TaskContext, "services">): SearchSettings | { error: string } {
  try {
    return resolveSearchSettings(ctx.services.config.env);
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/**
 * Characters of each item's texts the search index will read once the graph is built (searchText's most),
 * or 0 when the index is off or misconfigured: the caller keeps no more than that on the main thread.
 */
export function searchTextCharsWanted(ctx: Pick<TaskContext, "services">): number {
  const settings = settingsOf(ctx);
  return "error" in settings || !settings.enabled ? 0 : SEARCH_TEXT_MAX_CHARS;
}

/** Loads the search model on the pool (once per thread) and says what it is; never throws for a bad model. */
export async function prepareSearch(ctx: TaskContext): Promise<PreparedSearch> {
  const settings = settingsOf(ctx);
  const skip = (reason: string, note: string): PreparedSearch => {
    searchIndexSkipped.inc({ type: ctx.taskType, reason });
    ctx.log.warn({ reason }, note);
    return { status: "unavailable", note };
  };
  if ("error" in settings) return skip("config", `search index skipped: ${settings.error}`);
  if (!settings.enabled) return { status: "off" };
  const { collection: _c, enabled: _e, ...model } = settings;
  try {
    const info = await ctx.services.cpu.run("searchDescribe", model, { signal: ctx.signal });
    return { status: "ready", settings: { ...model, collection: settings.collection }, info };
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    const why = (err as Error)?.message ?? String(err);
    return skip(
      "model",
      `search index skipped: the search embedding model ${settings.model} could not be loaded from ${settings.dir} (${why.slice(0, 160)}); nodes are not searchable until it is installed (npm run models:fetch) and the graph generated again`,
    );
  }
}

/** The user's stored vectors whose hash still matches, by record id; {} when the collection cannot be read. */
async function reusableVectors(
  ctx: TaskContext,
  col: VectorCollection,
  userId: string,
  wanted: Map<string, string>,
): Promise<{ vectors: Map<string, number[]>; storedIds: string[] }> {
  const stored = await col.get({ where: { user_id: userId } });
  const same = stored.filter((h) => wanted.get(h.id) === h.metadata.content_hash).map((h) => h.id);
  const vectors = new Map<string, number[]>();
  if (same.length > 0) {
    for (const h of await col.get({ ids: same, includeEmbeddings: true })) {
      if (h.embedding) vectors.set(h.id, h.embedding);
    }
  }
  ctx.log.debug({ stored: stored.length, reusable: vectors.size }, "search index: stored vectors read");
  return { vectors, storedIds: stored.map((h) => h.id) };
}

async function embedOnPool(
  ctx: TaskContext,
  settings: SearchModelSettings,
  texts: string[],
  dimension: number,
): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (let start = 0; start < texts.length; start += EMBED_CHUNK) {
    const part = await ctx.services.cpu.run(
      "searchEmbed",
      { settings, texts: texts.slice(start, start + EMBED_CHUNK) },
      { signal: ctx.signal },
    );
    for (let i = 0; i * dimension < part.vectors.length; i++) {
      out.push(part.vectors.slice(i * dimension, (i + 1) * dimension));
    }
  }
  return out;
}

export interface SearchVectors {
  collection: VectorCollection;
  /** One vector per node, in node order. */
  vectors: Float32Array[];
  hashes: string[];
  embedded: number;
  reused: number;
  /** The user's record ids before this run (for removing stale ones after a regeneration). */
  storedIds: string[] | null;
}

/**
 * Opens (creating it with cosine space if missing) the search collection, and computes one vector per node:
 * reused where the stored hash matches, embedded on the pool otherwise. The collection's recorded model and
 * dimension are checked by the store (terminal EMBEDDING_MODEL_MISMATCH).
 */
export async function searchVectors(
  ctx: TaskContext,
  prepared: Extract<PreparedSearch, { status: "ready" }>,
  userId: string,
  nodes: readonly Pick<SearchNode, "item">[],
): Promise<SearchVectors> {
  const { settings, info } = prepared;
  const col = await retryVectorWork(ctx, "opening the search collection", async () =>
    (await ctx.services.vectors()).collection(settings.collection, {
      model: info.model,
      dimension: info.dimension,
    }),
  );
  const texts = nodes.map((n) => searchText(n.item, info.maxTokens));
  const hashes = texts.map((t) => contentHash(t, info));
  const ids = nodes.map((n) => nodeRecordId(userId, n.item.origId));
  let reuse = new Map<string, number[]>();
  let storedIds: string[] | null = null;
  try {
    const read = await retryVectorWork(ctx, "reading the stored search vectors", () =>
      reusableVectors(ctx, col, userId, new Map(ids.map((id, i) => [id, hashes[i]!]))),
    );
    reuse = read.vectors;
    storedIds = read.storedIds;
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    // Only the reuse is lost: every node is embedded again.
    ctx.log.warn({ code: classifyError(err).code }, "search index: stored vectors unreadable; embedding all");
  }
  const missing = ids.map((id, i) => (reuse.has(id) ? -1 : i)).filter((i) => i >= 0);
  const { collection: _c, ...model } = settings;
  const fresh = await embedOnPool(
    ctx,
    model,
    missing.map((i) => texts[i]!),
    info.dimension,
  );
  const vectors: Float32Array[] = new Array(nodes.length);
  missing.forEach((nodeIndex, k) => {
    vectors[nodeIndex] = fresh[k]!;
  });
  ids.forEach((id, i) => {
    const stored = reuse.get(id);
    if (stored) vectors[i] = Float32Array.from(stored);
  });
  searchEmbedded.inc({ outcome: "embedded" }, missing.length);
  searchEmbedded.inc({ outcome: "reused" }, nodes.length - missing.length);
  return {
    collection: col,
    vectors,
    hashes,
    embedded: missing.length,
    reused: nodes.length - missing.length,
    storedIds,
  };
}

/** The backend's metadata (contract §3.2.b) plus the content hash and the model. */
export function searchRecords(
  userId: string,
  nodes: readonly SearchNode[],
  computed: Pick<SearchVectors, "vectors" | "hashes">,
  model: string,
): VectorRecord[] {
  return nodes.map((n, i) => ({
    id: nodeRecordId(userId, n.item.origId),
    embedding: computed.vectors[i]!,
    metadata: {
      ...nodeMetadata(userId, n),
      content_hash: computed.hashes[i]!,
      embedding_model: model,
    },
  }));
}

/**
 * Writes the nodes' records (upserts by id) and, for a whole graph (`replaceUser`), removes the user's records
 * of items that no longer exist. Idempotent, so it is safe under retryVectorWork.
 */
export async function writeSearchRecords(
  col: VectorCollection,
  userId: string,
  records: VectorRecord[],
  opts: { replaceUser: boolean; storedIds: string[] | null },
): Promise<{ indexed: number; removedStale: number }> {
  await col.upsert(records);
  if (!opts.replaceUser) return { indexed: records.length, removedStale: 0 };
  const keep = new Set(records.map((r) => r.id));
  const before = opts.storedIds ?? (await col.get({ where: { user_id: userId } })).map((h) => h.id);
  const stale = before.filter((id) => !keep.has(id));
  if (stale.length > 0) await col.delete({ ids: stale });
  return { indexed: records.length, removedStale: stale.length };
}

export type GraphSearch =
  | { status: "off" }
  | { status: "skipped"; note: string }
  | {
      status: "ready";
      prepared: Extract<PreparedSearch, { status: "ready" }>;
      computed: SearchVectors;
    };

/**
 * GRAPH_GENERATION's part before features.json is written: the model loaded, the vectors computed (reusing
 * unchanged ones). An unloadable model is `skipped` (the graph is still delivered, without featuresS3Key); a
 * vector-store failure while opening the collection is thrown when transient and receives remain (the
 * task is redelivered, as for the topic index), else `skipped` with the reason.
 */
export async function graphSearchVectors(
  ctx: TaskContext,
  userId: string,
  nodes: readonly SearchNode[],
  lastReceive: boolean,
): Promise<GraphSearch> {
  const prepared = await prepareSearch(ctx);
  if (prepared.status === "off") return prepared;
  if (prepared.status === "unavailable") return { status: "skipped", note: prepared.note };
  try {
    return { status: "ready", prepared, computed: await searchVectors(ctx, prepared, userId, nodes) };
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    const c = classifyError(err);
    if (c.kind === "transient" && !lastReceive) throw err;
    searchIndexSkipped.inc({ type: ctx.taskType, reason: "vector_store" });
    ctx.log.warn({ code: c.code, kind: c.kind }, "search index skipped: vector store failed");
    return { status: "skipped", note: `search index skipped: ${c.message}` };
  }
}

export type AddedSearch =
  | { status: "off" }
  | { status: "skipped"; note: string }
  | { status: "indexed"; indexed: number; embedded: number; reused: number };

/**
 * ADD_NODE's part: the new and changed items (those that got a topic record, with that record's metadata)
 * embedded with the search model, unchanged ones reused by hash, and upserted into the search collection.
 * An unloadable model, or a vector-store failure no retry mends, is `skipped` (ADD_NODE still completes: its
 * result does not depend on the search index); transient vector-store failures are thrown, for ADD_NODE's own
 * policy (retried, then FAILED on the last receive).
 */
export async function indexAddedNodes(
  ctx: TaskContext,
  userId: string,
  entries: readonly { item: SourceItem; metadata: Record<string, string | number | boolean> }[],
): Promise<AddedSearch> {
  if (entries.length === 0) return { status: "off" };
  const prepared = await prepareSearch(ctx);
  if (prepared.status === "off") return prepared;
  if (prepared.status === "unavailable") return { status: "skipped", note: prepared.note };
  try {
    const computed = await searchVectors(ctx, prepared, userId, entries);
    const records: VectorRecord[] = entries.map((e, i) => ({
      id: nodeRecordId(userId, e.item.origId),
      embedding: computed.vectors[i]!,
      metadata: { ...e.metadata, content_hash: computed.hashes[i]!, embedding_model: prepared.info.model },
    }));
    await retryVectorWork(ctx, "indexing the new nodes for search", () =>
      writeSearchRecords(computed.collection, userId, records, { replaceUser: false, storedIds: null }),
    );
    return {
      status: "indexed",
      indexed: records.length,
      embedded: computed.embedded,
      reused: computed.reused,
    };
  } catch (err) {
    // A failure no retry mends (e.g. the collection holds another model's vectors: a configuration to fix)
    // would fail every ADD_NODE of every user, though its result does not depend on the search index: it is
    // logged and counted instead. Transient failures go to ADD_NODE's own policy (redelivery, then FAILED).
    if (ctx.signal.aborted || classifyError(err).kind === "transient") throw err;
    const c = classifyError(err);
    searchIndexSkipped.inc({ type: ctx.taskType, reason: "vector_store" });
    ctx.log.warn({ code: c.code }, "search index skipped for the added nodes");
    return { status: "skipped", note: `search index skipped: ${c.message}` };
  }
}
