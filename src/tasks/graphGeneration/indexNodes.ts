/**
 * Indexes graph nodes in the macro Chroma collection (one record per node, id `${userId}_${orig_id}`, the
 * metadata the backend's Graph-RAG reads, contract §3.2.b) and removes the user's records of an earlier
 * generation whose items no longer exist. Items without any text have an all-zero vector and are not indexed
 * (cosine is undefined for them).
 */

import { modelSlug, type VectorRecord, type VectorStore } from "../../infra/vectorStore.js";
import type { MacroBuildOutput } from "../../pipelines/graph/build.js";
import type { SourceItem } from "../../pipelines/sources/types.js";
import { classifyError } from "../../runtime/classify.js";
import { type GraphNodeRef, graphNodeRefs, nodeMetadata, nodeRecordId } from "../nodeRecords.js";
import type { TaskContext } from "../types.js";
import { isLastReceive, retryVectorWork } from "../vectorWork.js";

export function macroCollectionName(model: string, override?: string): string {
  if (override) return override;
  return `macro_node_${modelSlug(model)}`;
}

/** Nodes whose records are built and upserted together. */
const INDEX_SLICE = 2_000;

export interface IndexedNode extends GraphNodeRef {
  vector: Float32Array;
}

export async function indexMacroNodes(opts: {
  store: VectorStore;
  collection: string;
  model: string;
  dimension: number;
  fingerprint?: string;
  userId: string;
  nodes: IndexedNode[];
}): Promise<{ indexed: number; skippedEmpty: number; removedStale: number }> {
  const col = await opts.store.collection(opts.collection, { model: opts.model, dimension: opts.dimension });
  let indexed = 0;
  let skippedEmpty = 0;
  // Records are built and sent a slice at a time: for 150,000 nodes, all records at once (metadata, and the
  // client's plain-array copy of every vector) would be hundreds of MB alive together.
  for (let start = 0; start < opts.nodes.length; start += INDEX_SLICE) {
    const records: VectorRecord[] = [];
    for (const n of opts.nodes.slice(start, start + INDEX_SLICE)) {
      if (!n.vector.some((v) => v !== 0)) {
        skippedEmpty++;
        continue;
      }
      records.push({
        id: nodeRecordId(opts.userId, n.item.origId),
        embedding: n.vector,
        metadata: {
          ...nodeMetadata(opts.userId, n),
          ...(opts.fingerprint ? { embedding_fingerprint: opts.fingerprint } : {}),
        },
      });
    }
    await col.upsert(records);
    indexed += records.length;
  }
  const keep = new Set(opts.nodes.map((n) => nodeRecordId(opts.userId, n.item.origId)));
  const stale = (await col.ids({ user_id: opts.userId })).filter((id) => !keep.has(id));
  if (stale.length > 0) await col.delete({ ids: stale });
  return { indexed, skippedEmpty, removedStale: stale.length };
}

export type IndexStats = Awaited<ReturnType<typeof indexMacroNodes>>;

/** How indexing ended, and how long it took; `error` is classified by the caller (indexingFailureNote). */
export type IndexOutcome =
  | { ok: true; value: IndexStats; seconds: number }
  | { ok: false; error: unknown; seconds: number };

/**
 * Starts indexing a generated graph's nodes in the macro collection, one record per node. A short outage is
 * retried inside (the writes are upserts by id, so a repeat is harmless). The promise never rejects, so it can
 * run beside other work: the caller takes its outcome when it needs it.
 */
export function startGraphIndexing(
  ctx: TaskContext,
  userId: string,
  built: Pick<MacroBuildOutput, "model" | "dimension" | "fingerprint" | "vectors">,
  graph: { nodes: readonly { cluster_id: string; cluster_name: string; top_keywords: string[] }[] },
  items: readonly SourceItem[],
): Promise<IndexOutcome> {
  const t0 = performance.now();
  const seconds = () => Math.round(performance.now() - t0) / 1000;
  const d = built.dimension;
  const nodes = graphNodeRefs(items, graph).map((ref, i) => ({
    ...ref,
    vector: built.vectors.subarray(i * d, (i + 1) * d),
  }));
  const collection = macroCollectionName(built.model, ctx.services.config.env.MACRO_CHROMA_COLLECTION);
  return retryVectorWork(ctx, "indexing the graph", async () =>
    indexMacroNodes({
      store: await ctx.services.vectors(),
      collection,
      model: built.model,
      dimension: d,
      ...(built.fingerprint ? { fingerprint: built.fingerprint } : {}),
      userId,
      nodes,
    }),
  ).then(
    (value): IndexOutcome => ({ ok: true, value, seconds: seconds() }),
    (error: unknown): IndexOutcome => ({ ok: false, error, seconds: seconds() }),
  );
}

/**
 * What a failed indexing means for the task. A longer outage leaves the task for a redelivery while receives
 * remain (the error is rethrown), so the user's vectors are never silently missing; only the last allowed
 * receive, or a failure no retry can mend (e.g. a collection of another model), delivers the graph without its
 * index: the note for `error` is returned.
 */
export function indexingFailureNote(ctx: TaskContext, err: unknown): string {
  if (ctx.signal.aborted) throw err;
  const c = classifyError(err);
  if (c.kind === "transient" && !isLastReceive(ctx)) throw err;
  ctx.log.warn(
    { code: c.code, kind: c.kind, receiveCount: ctx.receiveCount },
    "indexing the graph in the vector store failed; delivering the graph without its index",
  );
  return c.kind === "transient"
    ? `Graph succeeded, but vector indexing failed after ${ctx.receiveCount} attempts (${c.message}); the graph's nodes are not searchable until it is generated again`
    : `Graph succeeded, but vector indexing failed: ${c.message}`;
}
