/** The input files the backend writes into the payload bucket before it sends a request (contract §2). */
import type { z } from "zod";
import { addNodeBatchFileSchema } from "./addNodeBatch.js";
import { inputJsonSchema } from "./conversation.js";
import { legacyNotesFileSchema, notesFileSchema, notionFileSchema } from "./sourceNodes.js";
import { summaryInputGraphSchema } from "./summaryGraph.js";

export * from "./addNodeBatch.js";
export * from "./conversation.js";
export * from "./sourceNodes.js";
export * from "./summaryGraph.js";

/** Every input file schema by a descriptive name (used for the JSON Schema export). */
export const INPUT_FILE_SCHEMAS = {
  "graph-generation-input": inputJsonSchema,
  "graph-generation-notes": notesFileSchema,
  "graph-generation-notions": notionFileSchema,
  "legacy-notes": legacyNotesFileSchema,
  "add-node-batch": addNodeBatchFileSchema,
  "graph-summary-graph": summaryInputGraphSchema,
} as const satisfies Record<string, z.ZodType>;
export type InputFileName = keyof typeof INPUT_FILE_SCHEMAS;
