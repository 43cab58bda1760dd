/**
 * The model's answer to one extraction batch, as validated by the Llm (one repair round on mismatch). It is
 * deliberately lenient (types as a string or list, chunk ids and confidences as numbers or numeric
 * strings, `source` as an alias of `start`, extra schema fields allowed): everything the filter can fix is
 * cheaper fixed than sent back for repair. No transforms, so it converts to JSON Schema for native
 * structured output.
 */
import { z } from "zod";

const loose = z.union([z.number(), z.string(), z.null()]).optional();

export const answerNodeSchema = z.looseObject({
  name: z.string(),
  type: z.union([z.string(), z.array(z.string())]),
  description: z.string().nullish(),
  source_chunk_id: loose,
});

export const answerEdgeSchema = z.looseObject({
  start: z.string().nullish(),
  /** Some models answer `source` for the start node (the incumbent renamed it). */
  source: z.string().nullish(),
  target: z.string(),
  type: z.union([z.string(), z.array(z.string())]),
  description: z.string().nullish(),
  source_chunk_id: loose,
  evidence: z.string().nullish(),
  confidence: loose,
});

export const extractionAnswerSchema = z.object({
  nodes: z.array(answerNodeSchema),
  edges: z.array(answerEdgeSchema).nullish(),
});

export type ExtractionAnswer = z.output<typeof extractionAnswerSchema>;
export type AnswerNode = z.output<typeof answerNodeSchema>;
export type AnswerEdge = z.output<typeof answerEdgeSchema>;
