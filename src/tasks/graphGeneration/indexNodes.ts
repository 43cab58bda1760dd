/**
 * Indexes graph nodes in the macro Chroma collection (one record per node, id `${userId}_${orig_id}`, the
 * metadata the backend's Graph-RAG reads, contract §3.2.b) and removes the user's records of an earlier
 * generation whose items no longer exist. Items without any text have an all-zero vector and are not indexed
 * (cosine is undefined for them).
 */

import { modelSlug, type VectorRecord, type VectorStore } from "../../infra/vectorStore.js";
import type { SourceItem } from "../../pipelines/sources/types.js";

export function macroCollectionName(model: string, override?: string): string {
  if (override) return override;
  return `macro_node_${modelSlug(model)}`;
}

export interface IndexedNode {
  item: SourceItem;
  nodeId: number;
  clusterId: string;
  clusterName: string;
  keywords: string[];
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
      id: `${opts.userId}_${n.item.origId}`,
      embedding: n.vector,
      metadata: {
        user_id: opts.userId,
        conversation_id: n.item.origId,
        orig_id: n.item.origId,
        node_id: n.nodeId,
        cluster_id: n.clusterId,
        cluster_name: n.clusterName,
        keywords: n.keywords.join(", "),
        create_time: n.item.createTime ?? 0,
        update_time: n.item.updateTime ?? 0,
        num_messages: n.item.numSections,
        source_type: n.item.sourceType,
        title: n.item.title.slice(0, 300),
        ...(opts.fingerprint ? { embedding_fingerprint: opts.fingerprint } : {}),
      },
    });
  }
  await col.upsert(records);
  const keep = new Set(opts.nodes.map((n) => `${opts.userId}_${n.item.origId}`));
  const existing = await col.get({ where: { user_id: opts.userId } });
  const stale = existing.map((h) => h.id).filter((id) => !keep.has(id));
  if (stale.length > 0) await col.delete({ ids: stale });
  return { indexed: records.length, skippedEmpty, removedStale: stale.length };
}
