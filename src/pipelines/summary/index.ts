/** Graph summary (GRAPH_SUMMARY_REQUEST, and GRAPH_GENERATION's includeSummary): pure computation. */
export {
  type ClusterFacts,
  computeFacts,
  type GraphFacts,
  mostActivePeriod,
  type PatternFacts,
  titleSimilarity,
} from "./facts.js";
export { PHRASES, templateLanguage } from "./i18n.js";
export { CLUSTERS_PER_CALL, MAX_CLUSTER_CALLS } from "./llmText.js";
export { buildSummaryGraph, type SummaryGraphInput, UNSET_CLUSTER } from "./model.js";
export {
  DEFAULT_SUMMARY_LANGUAGE,
  parseSummaryGraph,
  type SummarizeOptions,
  type SummarizeResult,
  summarizeGraph,
} from "./summarize.js";
