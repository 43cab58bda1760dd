/**
 * The gate every result file passes before it is uploaded: a file that breaks the contract must fail the task
 * here (a clean FAILED result), not in the backend (redelivery loops, stuck states, half-persisted graphs).
 */
import type { z } from "zod";
import { terminal } from "../errors.js";
import { describeIssues, describePathIssues } from "../fields.js";
import { addNodeResultFileSchema } from "./addNodeResult.js";
import { blockGraphFileSchema } from "./blockGraph.js";
import { type FeaturesToWrite, featuresFileSchema, featuresToWriteIssue } from "./features.js";
import { graphOutputSchema, graphToWriteIssues } from "./graph.js";
import { standardizedFileSchema } from "./standardized.js";
import { summaryFileSchema } from "./summary.js";
import { timingFileSchema } from "./timing.js";

/** Keyed by the object's file name (result.json is AddNode's). */
export const OUTPUT_FILE_SCHEMAS = {
  "graph.json": graphOutputSchema,
  "features.json": featuresFileSchema,
  "timing.json": timingFileSchema,
  "summary.json": summaryFileSchema,
  "result.json": addNodeResultFileSchema,
  "standardized.json": standardizedFileSchema,
  "block_graph.json": blockGraphFileSchema,
} as const satisfies Record<string, z.ZodType>;

export type OutputFileName = keyof typeof OUTPUT_FILE_SCHEMAS;
export type OutputFileMap = { [K in OutputFileName]: z.output<(typeof OUTPUT_FILE_SCHEMAS)[K]> };

/**
 * Checks `value` against the contract of `name` and returns it unchanged (not a parsed copy: nothing is
 * stripped or re-allocated, which matters for large embedding arrays). Throws a terminal
 * TaskError("VALIDATION_ERROR") naming the first three issues.
 */
export function validateOutput<K extends OutputFileName>(name: K, value: unknown): OutputFileMap[K] {
  if (name === "features.json") {
    validateFeaturesOutput(value as FeaturesToWrite);
    return value as OutputFileMap[K];
  }
  if (name === "graph.json") {
    // The same rules as graphOutputSchema, a slice at a time: a parsed copy of a 150,000-node graph (and a
    // string per edge for the duplicate check) was hundreds of MB at once.
    const issues = graphToWriteIssues(value);
    if (issues.length > 0)
      throw terminal("VALIDATION_ERROR", `graph.json failed the contract: ${describePathIssues(issues)}`);
    return value as OutputFileMap[K];
  }
  const schema: z.ZodType = OUTPUT_FILE_SCHEMAS[name];
  const checked = schema.safeParse(value);
  if (!checked.success) {
    throw terminal("VALIDATION_ERROR", `${name} failed the contract: ${describeIssues(checked.error)}`);
  }
  return value as OutputFileMap[K];
}

/**
 * validateOutput for features.json as the worker builds it (rows may be EmbeddingRow views): the same rules,
 * checked without a parsed copy of the vectors (features.ts, featuresToWriteIssue).
 */
export function validateFeaturesOutput<F extends FeaturesToWrite>(file: F): F {
  const issue = featuresToWriteIssue(file);
  if (issue) {
    throw terminal("VALIDATION_ERROR", `features.json failed the contract: ${describePathIssues([issue])}`);
  }
  return file;
}
