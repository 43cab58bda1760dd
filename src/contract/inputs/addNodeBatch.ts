/**
 * AddNode `batch.json` / `test-batch.json` (contract §2.2, `AiAddNodeBatchRequest`). The test-endpoint variant
 * has only `userId`, `existingClusters: []` and conversations without `conversationId`; `files` is omitted
 * when no file changed.
 */
import { z } from "zod";
import { inputIdSchema } from "../fields.js";
import { conversationElementSchema } from "./conversation.js";

export const existingClusterSchema = z
  .looseObject({
    id: z.string().optional(),
    /** The incumbent's adapter also reads `clusterId`. */
    clusterId: z.string().optional(),
    name: z.string().nullish(),
    description: z.string().nullish(),
    size: z.number().nullish(),
    themes: z.array(z.string()).nullish(),
  })
  .refine((c) => Boolean(c.id || c.clusterId), { message: "a cluster needs an id", path: ["id"] });

export const batchNoteSchema = z.looseObject({
  noteId: inputIdSchema,
  title: z.string().nullish(),
  content: z.string().nullish(),
});

export const batchFileSchema = z.looseObject({
  fileId: z.string().min(1),
  title: z.string().nullish(),
  /** A key in the *file* bucket; the bytes to use are the bundle's `files/{fileId}_{safeName}`. */
  s3Key: z.string().nullish(),
  mimeType: z.string().nullish(),
});

export const addNodeBatchFileSchema = z.looseObject({
  userId: z.string(),
  existingClusters: z.array(existingClusterSchema).optional(),
  conversations: z.array(conversationElementSchema).optional(),
  notes: z.array(batchNoteSchema).optional(),
  files: z.array(batchFileSchema).optional(),
});

export type ExistingClusterInput = z.output<typeof existingClusterSchema>;
export type AddNodeBatchFile = z.output<typeof addNodeBatchFileSchema>;
