/**
 * block_graph.json, the block-mode microscope graph (`block_graph_s3_key`, contract §3.5):
 * `{block_graph:{blocks, edges, paths, ordering_rationale}}` (other root keys are ignored by the backend).
 * e2e requires at least one block with block_id, title, a key_concepts array and micro_graph.nodes/edges
 * arrays; block edges are stored verbatim and their type must be in BLOCK_EDGE_TYPES. Block ids are unique,
 * and edges and paths reference existing blocks.
 */
import { z } from "zod";
import { microEdgeSchema, microNodeSchema } from "./standardized.js";

export const BLOCK_EDGE_TYPES = [
  "PREREQUISITE_OF",
  "FOLLOWS",
  "ELABORATES",
  "CONTRASTS",
  "PARALLEL",
] as const;
export type BlockEdgeType = (typeof BLOCK_EDGE_TYPES)[number];

const turn = z.number().int().min(0);

export const blockMicroGraphSchema = z.looseObject({
  nodes: z.array(microNodeSchema.extend({ id: z.string().min(1).optional() })),
  edges: z.array(microEdgeSchema.extend({ id: z.string().min(1).optional() })),
});

export const blockSchema = z.looseObject({
  block_id: z.string().min(1),
  title: z.string(),
  summary: z.string().optional(),
  key_concepts: z.array(z.string()),
  order_index: z.number().int().min(0),
  /** The turn range of the source conversation; null for documents. */
  turn_range: z.tuple([turn, turn]).nullable(),
  /** May contain `{<https url>} <caption>…</caption>` image markers. */
  raw_text: z.string().optional(),
  micro_graph: blockMicroGraphSchema,
});

export const blockEdgeSchema = z.looseObject({
  source: z.string().min(1),
  target: z.string().min(1),
  type: z.enum(BLOCK_EDGE_TYPES),
  description: z.string().optional(),
  confidence: z.number().min(0).max(1).optional(),
});

export const blockGraphSchema = z
  .looseObject({
    blocks: z.array(blockSchema).min(1),
    edges: z.array(blockEdgeSchema),
    /** Reading paths: lists of block ids. */
    paths: z.array(z.array(z.string().min(1))),
    ordering_rationale: z.string(),
  })
  .superRefine((graph, ctx) => {
    const ids = new Set<string>();
    graph.blocks.forEach((block, i) => {
      if (ids.has(block.block_id)) {
        ctx.addIssue({
          code: "custom",
          path: ["blocks", i, "block_id"],
          message: `duplicate block_id ${block.block_id}`,
        });
      }
      ids.add(block.block_id);
    });
    graph.edges.forEach((edge, i) => {
      for (const end of ["source", "target"] as const) {
        if (!ids.has(edge[end])) {
          ctx.addIssue({
            code: "custom",
            path: ["edges", i, end],
            message: `block ${edge[end]} does not exist`,
          });
        }
      }
    });
    graph.paths.forEach((path, i) => {
      path.forEach((id, j) => {
        if (!ids.has(id))
          ctx.addIssue({ code: "custom", path: ["paths", i, j], message: `block ${id} does not exist` });
      });
    });
  });

export const blockGraphFileSchema = z.looseObject({ block_graph: blockGraphSchema });

export type BlockGraphFile = z.output<typeof blockGraphFileSchema>;
export type BlockGraph = z.output<typeof blockGraphSchema>;
export type Block = z.output<typeof blockSchema>;
export type BlockEdge = z.output<typeof blockEdgeSchema>;
