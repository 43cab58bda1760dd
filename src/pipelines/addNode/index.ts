/** The incremental add: cluster assignment against existing clusters, new clusters, edges, result.json. */
export * from "./assign.js";
export * from "./pipeline.js";
export * from "./profiles.js";
