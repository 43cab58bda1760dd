/**
 * One graph node as a Chroma record, the same in both collections the worker fills (the topic-space
 * collection and the backend's search collection): the id `${userId}_${orig_id}` and the metadata the
 * backend's Graph-RAG and search read (contract §3.2.b). Each collection adds its own provenance keys.
 */
import type { VectorMetadata } from "../infra/vectorStore.js";
import type { SourceItem } from "../pipelines/sources/types.js";

export interface GraphNodeRef {
  item: SourceItem;
  nodeId: number;
  clusterId: string;
  clusterName: string;
  keywords: string[];
}

/** The generated graph's nodes as records' sources: node i is item i (assemble.ts numbers them so). */
export function graphNodeRefs(
  items: readonly SourceItem[],
  graph: { nodes: readonly { cluster_id: string; cluster_name: string; top_keywords: string[] }[] },
): GraphNodeRef[] {
  return items.map((item, i) => ({
    item,
    nodeId: i,
    clusterId: graph.nodes[i]!.cluster_id,
    clusterName: graph.nodes[i]!.cluster_name,
    keywords: graph.nodes[i]!.top_keywords,
  }));
}

export function nodeRecordId(userId: string, origId: string): string {
  return `${userId}_${origId}`;
}

export function nodeMetadata(userId: string, n: GraphNodeRef): VectorMetadata {
  return {
    user_id: userId,
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
  };
}
