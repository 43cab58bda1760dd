/**
 * Search-index metrics, module-level so the pipeline code can count without being handed the registry; the
 * worker's registry adopts them (src/runtime/metrics.ts).
 */
import { Counter } from "prom-client";

export const searchIndexSkipped = new Counter({
  name: "graphnode_search_index_skipped_total",
  help: "graphs or added nodes delivered without the search index, by task type and reason",
  labelNames: ["type", "reason"] as const,
  registers: [],
});

export const searchEmbedded = new Counter({
  name: "graphnode_search_items_total",
  help: "items of the search index, by whether their vector was computed or reused (content hash unchanged)",
  labelNames: ["outcome"] as const,
  registers: [],
});
