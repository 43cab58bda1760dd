/**
 * Builds the backend's graph.json and features.json (contract §3.2.a, §3.2.b) from the items, the CPU
 * stage's output and the cluster labels: node ids 0…N-1 in item order, exact orig_ids, every cluster_id a key
 * of metadata.clusters, `confidence: "high"` on the strongest edges (the backend types them `hard`).
 */
import { EmbeddingRow } from "../../contract/files/features.js";
import type { ClusterLabel } from "../naming/clusterNames.js";
import type { SourceItem } from "../sources/types.js";
import type { MacroBuildOutput } from "./build.js";

export interface AssembleOptions {
  language: string;
  naming: "llm" | "local" | "mixed";
  generatedAt?: string;
  embedding: { provider: string; model: string; dimension: number; fingerprint?: string };
  extraMetadata?: Record<string, unknown>;
}

function isoTime(unixSeconds: number | null): string | null {
  if (unixSeconds === null || !Number.isFinite(unixSeconds) || unixSeconds <= 0) return null;
  return new Date(unixSeconds * 1000).toISOString();
}

export function assembleGraph(
  items: readonly SourceItem[],
  built: MacroBuildOutput,
  labels: ReadonlyMap<string, ClusterLabel>,
  opts: AssembleOptions,
) {
  const label = (id: string): ClusterLabel => labels.get(id) ?? { name: id, description: "", key_themes: [] };
  const nodes = items.map((item, i) => {
    const clusterId = built.clusterIds[built.labels[i]!]!;
    const keywords = built.keywords[i] ?? [];
    return {
      id: i,
      orig_id: item.origId,
      title: item.title,
      cluster_id: clusterId,
      cluster_name: label(clusterId).name,
      num_sections: item.numSections,
      source_type: item.sourceType,
      timestamp: isoTime(item.createTime),
      keywords,
      top_keywords: keywords.slice(0, 3).map((k) => k.term),
      // The node stands for the whole file, but its keywords and vector come from the text before the cap.
      ...(item.meta.truncated ? { metadata: { text_truncated: true } } : {}),
    };
  });
  const edges = built.edges.map((e) => ({
    source: e.source,
    target: e.target,
    weight: e.weight,
    type: "semantic",
    is_intra_cluster: e.is_intra_cluster,
    confidence: e.confidence,
  }));
  const clusters: Record<string, { name: string; description: string; size: number; key_themes: string[] }> =
    {};
  built.clusterIds.forEach((id, c) => {
    const l = label(id);
    clusters[id] = {
      name: l.name,
      description: l.description,
      size: built.clusterSizes[c]!,
      key_themes: [...l.key_themes],
    };
  });
  const graph = {
    nodes,
    edges,
    subclusters: built.subclusters,
    metadata: {
      // First, so extra keys (timings, warnings, …) can never replace a contract key.
      ...opts.extraMetadata,
      generated_at: opts.generatedAt ?? new Date().toISOString(),
      total_nodes: nodes.length,
      total_edges: edges.length,
      total_clusters: built.clusterIds.length,
      language: opts.language,
      clusters,
      embedding: opts.embedding,
      naming: opts.naming,
      clustering: {
        method: "spherical-kmeans",
        k: built.clusterIds.length,
        chosen_by: built.kChoice.chosenBy,
        silhouette: built.kChoice.scores,
        refinement_moves: built.refinedMoves,
      },
    },
  };
  const d = built.dimension;
  const features = {
    conversations: items.map((item, i) => ({
      id: i,
      orig_id: item.origId,
      keywords: built.keywords[i] ?? [],
      create_time: item.createTime ?? 0,
      update_time: item.updateTime ?? 0,
      num_sections: item.numSections,
      source_type: item.sourceType,
    })),
    // Views on the vectors, rounded to six decimals only when written (EmbeddingRow).
    embeddings: items.map((_, i) => new EmbeddingRow(built.vectors.subarray(i * d, (i + 1) * d))),
    metadata: { embedding: opts.embedding },
  };
  return { graph, features };
}
