/**
 * AddNode result.json, the ADD_NODE_RESULT `resultS3Key` (contract §3.4, `AiAddNodeBatchResult`, camelCase).
 * What breaks the backend's handler and is therefore rejected here:
 *  - an edge `type` other than hard|insight ("similarity" makes upsertEdges throw and fails the whole AddNode);
 *  - a node without `origId` (any unresolved origId throws for the whole task) or without `clusterId`;
 *  - an item that names none of conversationId/noteId/fileId (it cannot count as covered);
 *  - a new cluster (`isNewCluster`) with an empty clusterId (the cluster is never created).
 * Edge endpoints should be batch node ids or `${userId}_${origId}` of existing nodes (the backend's parseInt
 * fallback turns anything else that starts with digits into a wrong node); that needs the user's existing
 * nodes, so it is the handler's check, not this schema's.
 */
import { z } from "zod";

export const ADD_NODE_EDGE_TYPES = ["hard", "insight"] as const;

const nonEmptyString = z.string().min(1);

export const addNodeResultNodeSchema = z.looseObject({
  /** Batch-local id, conventionally `${userId}_${origId}`; edges of the same batch may reference it. */
  id: nonEmptyString,
  userId: z.string().optional(),
  origId: nonEmptyString,
  /** An existingClusters id or a clusterId declared by some item's assignedCluster with isNewCluster. */
  clusterId: nonEmptyString,
  clusterName: z.string(),
  /** Chat: message count (the backend keeps the max with its own count). */
  numMessages: z.number().int().min(0).optional(),
  /** Notes and files. */
  numSections: z.number().int().min(0).optional(),
  timestamp: z.string().nullish(),
  createdAt: z.string().nullish(),
  updatedAt: z.string().nullish(),
});

export const addNodeResultEdgeSchema = z
  .looseObject({
    source: nonEmptyString,
    target: nonEmptyString,
    weight: z.number().gt(0).max(1),
    type: z.enum(ADD_NODE_EDGE_TYPES),
    intraCluster: z.boolean(),
  })
  .refine((e) => e.source !== e.target, { message: "self-loop", path: ["target"] });

export const assignedClusterSchema = z
  .looseObject({
    clusterId: z.string(),
    isNewCluster: z.boolean(),
    confidence: z.number().min(0).max(1),
    /** Becomes the new cluster's description. */
    reasoning: z.string(),
    name: z.string(),
    themes: z.array(z.string()),
    description: z.string().optional(),
  })
  .refine((c) => !c.isNewCluster || c.clusterId.trim() !== "", {
    message: "a new cluster needs a clusterId",
    path: ["clusterId"],
  });

export const addNodeResultItemSchema = z
  .looseObject({
    conversationId: nonEmptyString.optional(),
    noteId: nonEmptyString.optional(),
    fileId: nonEmptyString.optional(),
    nodes: z.array(addNodeResultNodeSchema),
    edges: z.array(addNodeResultEdgeSchema),
    assignedCluster: assignedClusterSchema.optional(),
    /** With a non-empty `error`, the backend ignores the item entirely. */
    skipped: z.boolean().optional(),
    error: z.string().optional(),
    outputDev: z.unknown().optional(),
  })
  .refine((item) => Boolean(item.conversationId ?? item.noteId ?? item.fileId), {
    message: "an item needs conversationId, noteId or fileId",
    path: ["conversationId"],
  });

export const addNodeResultFileSchema = z.looseObject({
  userId: z.string(),
  processedCount: z.number().int().min(0),
  results: z.array(addNodeResultItemSchema),
});

export type AddNodeResultFile = z.output<typeof addNodeResultFileSchema>;
export type AddNodeResultItem = z.output<typeof addNodeResultItemSchema>;
export type AddNodeResultNode = z.output<typeof addNodeResultNodeSchema>;
export type AddNodeResultEdge = z.output<typeof addNodeResultEdgeSchema>;
