/** The wire contract with the GraphNode backend: the single source of truth for every message and file. */
export * from "./envelope.js";
export * from "./errors.js";
export * from "./fields.js";
export * from "./files/index.js";
export * from "./jsonSchema.js";
export * from "./requests.js";
export * from "./results.js";
export * from "./taskTypes.js";
