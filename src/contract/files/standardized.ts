/**
 * standardized.json, the non-block microscope graph (`standardized_s3_key`, contract §3.5): a JSON **array**
 * of per-chunk-batch graphs (anything else becomes an empty graph in the backend). Every field is copied
 * verbatim into Mongo; the FE types need edge `evidence` as a string and `confidence` as a number, so both are
 * always present. Schema-defined extra fields on nodes and edges are allowed.
 */
import { z } from "zod";

const chunkId = z.number().int().min(0).nullable();

export const microNodeSchema = z.looseObject({
  name: z.string().min(1),
  /** The ontology type; the incumbent sometimes emits a list. */
  type: z.union([z.string(), z.array(z.string())]),
  description: z.string(),
  source_chunk_id: chunkId,
});

export const microEdgeSchema = z.looseObject({
  /** Node names, not ids. */
  start: z.string().min(1),
  target: z.string().min(1),
  type: z.string(),
  description: z.string(),
  source_chunk_id: chunkId.optional(),
  evidence: z.string(),
  confidence: z.number().min(0).max(1),
});

export const standardizedGraphSchema = z.looseObject({
  nodes: z.array(microNodeSchema),
  edges: z.array(microEdgeSchema),
});

export const standardizedFileSchema = z.array(standardizedGraphSchema);

export type StandardizedFile = z.output<typeof standardizedFileSchema>;
export type StandardizedGraph = z.output<typeof standardizedGraphSchema>;
export type MicroNode = z.output<typeof microNodeSchema>;
export type MicroEdge = z.output<typeof microEdgeSchema>;
