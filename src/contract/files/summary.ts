/**
 * summary.json, the `summaryS3Key` of GRAPH_GENERATION_RESULT and GRAPH_SUMMARY_RESULT (contract §3.2.c).
 * The backend's API schema requires every key, so all are required here (empty arrays/strings when there is
 * nothing to say); `overview` counts are optional because the backend recomputes or overwrites them.
 * Cluster `size` is re-hydrated by `cluster_id`, so cluster ids must be the graph's ids.
 */
import { z } from "zod";
import { isoUtcTimestampSchema } from "../fields.js";

export const RECENCY_VALUES = ["active", "dormant", "new", "unknown"] as const;
export const PATTERN_TYPES = ["repetition", "progression", "gap", "bridge"] as const;
export const RECOMMENDATION_TYPES = ["consolidate", "explore", "review", "connect"] as const;
export const LEVELS = ["high", "medium", "low"] as const;
export const DETAIL_LEVELS = ["brief", "standard", "detailed"] as const;

const count = z.number().int().min(0);
const unit = z.number().min(0).max(1);
/** Node references (orig ids or numeric node ids). */
const nodeRefs = z.array(z.union([z.string(), z.number()]));

export const summaryOverviewSchema = z.looseObject({
  total_source_nodes: count.optional(),
  total_conversations: count.optional(),
  total_notes: count.optional(),
  total_notions: count.optional(),
  total_files: count.optional(),
  file_counts_by_extension: z.record(z.string(), count).optional(),
  time_span: z.union([z.literal("N/A"), z.string().regex(/^\d{4}-\d{2}-\d{2} ~ \d{4}-\d{2}-\d{2}$/)]),
  primary_interests: z.array(z.string()),
  conversation_style: z.string(),
  most_active_period: z.string(),
  summary_text: z.string(),
});

export const summaryClusterSchema = z.looseObject({
  cluster_id: z.string().min(1),
  name: z.string(),
  size: count,
  density: unit,
  centrality: unit,
  recency: z.enum(RECENCY_VALUES),
  top_keywords: z.array(z.string()),
  key_themes: z.array(z.string()),
  common_question_types: z.array(z.string()),
  insight_text: z.string(),
  notable_conversations: nodeRefs,
});

export const summaryPatternSchema = z.looseObject({
  pattern_type: z.enum(PATTERN_TYPES),
  description: z.string(),
  evidence: nodeRefs,
  significance: z.enum(LEVELS),
});

export const summaryConnectionSchema = z.looseObject({
  source_cluster: z.string(),
  target_cluster: z.string(),
  connection_strength: unit,
  bridge_keywords: z.array(z.string()),
  description: z.string(),
});

export const summaryRecommendationSchema = z.looseObject({
  type: z.enum(RECOMMENDATION_TYPES),
  title: z.string(),
  description: z.string(),
  related_nodes: nodeRefs,
  priority: z.enum(LEVELS),
});

export const summaryFileSchema = z.looseObject({
  overview: summaryOverviewSchema,
  clusters: z.array(summaryClusterSchema),
  patterns: z.array(summaryPatternSchema),
  connections: z.array(summaryConnectionSchema),
  recommendations: z.array(summaryRecommendationSchema),
  generated_at: isoUtcTimestampSchema,
  detail_level: z.enum(DETAIL_LEVELS),
});

export type SummaryFile = z.output<typeof summaryFileSchema>;
export type SummaryCluster = z.output<typeof summaryClusterSchema>;
