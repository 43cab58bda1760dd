/** Result files the worker writes to the payload bucket (contract §3.2–3.5). */
export * from "./addNodeResult.js";
export * from "./blockGraph.js";
export * from "./features.js";
export * from "./graph.js";
export * from "./standardized.js";
export * from "./summary.js";
export * from "./timing.js";
export * from "./validate.js";
