/**
 * Indexes graph nodes in the macro Chroma collection (one record per node, id `${userId}_${orig_id}`, the
 * metadata the backend's Graph-RAG reads, contract §3.2.b) and removes the user's records of an earlier
 * generation whose items no longer exist. Items without any text have an all-zero vector and are not indexed
 * (cosine is undefined for them).
 */

import { modelSlug, type VectorRecord, type VectorStore } from "../../infra/vectorStore.js";
import { type GraphNodeRef, nodeMetadata, nodeRecordId } from "../nodeRecords.js";

export function macroCollectionName(model: string, override?: string): string {
  if (override) return override;
  return `macro_node_${modelSlug(model)}`;
}

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
  const records: VectorRecord[] = [];
  let skippedEmpty = 0;
  for (const n of opts.nodes) {
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
  const keep = new Set(opts.nodes.map((n) => nodeRecordId(opts.userId, n.item.origId)));
  const existing = await col.get({ where: { user_id: opts.userId } });
  const stale = existing.map((h) => h.id).filter((id) => !keep.has(id));
  if (stale.length > 0) await col.delete({ ids: stale });
  return { indexed: records.length, skippedEmpty, removedStale: stale.length };
}
