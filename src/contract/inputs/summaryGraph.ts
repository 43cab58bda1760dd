/**
 * `graph-summary/{taskId}/graph.json`, the GRAPH_SUMMARY_REQUEST input (contract §2.3). Built by the backend
 * from its stored snapshot, so it does not meet the graph *output* rules: cluster names and descriptions are
 * always "", an unset cluster is "cluster_-1" (not in metadata.clusters), subclusters have
 * representative_node_id -1 and density 0, edge confidence is omitted and is_intra_cluster is always false.
 * Only the shapes are checked here; a summarizer must not rely on names or keywords.
 */
import { z } from "zod";

const keywordEntry = z.union([z.string(), z.looseObject({ term: z.string(), score: z.number().optional() })]);

export const summaryInputNodeSchema = z.looseObject({
  id: z.number(),
  orig_id: z.string(),
  cluster_id: z.string().nullish(),
  cluster_name: z.string().nullish(),
  keywords: z.array(keywordEntry).nullish(),
  top_keywords: z.array(z.string()).nullish(),
  timestamp: z.string().nullish(),
  num_sections: z.number().nullish(),
  source_type: z.string().nullish(),
});

export const summaryInputEdgeSchema = z.looseObject({
  source: z.number(),
  target: z.number(),
  weight: z.number().nullish(),
  type: z.string().nullish(),
  is_intra_cluster: z.boolean().nullish(),
  confidence: z.union([z.string(), z.number()]).nullish(),
});

export const summaryInputSubclusterSchema = z.looseObject({
  id: z.string(),
  cluster_id: z.string(),
  node_ids: z.array(z.number()),
  representative_node_id: z.number().nullish(),
  size: z.number().nullish(),
  density: z.number().nullish(),
  top_keywords: z.array(z.string()).nullish(),
});

export const summaryInputClusterSchema = z.looseObject({
  name: z.string().nullish(),
  description: z.string().nullish(),
  size: z.number().nullish(),
  key_themes: z.array(z.string()).nullish(),
});

export const summaryInputGraphSchema = z.looseObject({
  nodes: z.array(summaryInputNodeSchema),
  edges: z.array(summaryInputEdgeSchema).optional(),
  subclusters: z.array(summaryInputSubclusterSchema).nullish(),
  metadata: z
    .looseObject({
      generated_at: z.string().nullish(),
      total_nodes: z.number().nullish(),
      total_edges: z.number().nullish(),
      total_clusters: z.number().nullish(),
      clusters: z.record(z.string(), summaryInputClusterSchema).nullish(),
      language: z.string().nullish(),
    })
    .nullish(),
});

export type SummaryInputGraph = z.output<typeof summaryInputGraphSchema>;
export type SummaryInputNode = z.output<typeof summaryInputNodeSchema>;
