/**
 * features.json, the optional GRAPH_GENERATION_RESULT `featuresS3Key` (contract §3.2.b). The backend writes
 * one Chroma vector per entry, id `${userId}_${orig_id}`: `conversations` must be an array (else the whole
 * result fails), keywords `[{term}]` (else every vector is skipped), and `embeddings` must line up with
 * `conversations` one-to-one and share one dimension (the backend's collection is 384-d).
 * `conversations` holds every node of any source kind; the name is historical.
 */
import { z } from "zod";
import { GRAPH_SOURCE_TYPES, keywordSchema } from "./graph.js";

export const featureEntrySchema = z.looseObject({
  /** The graph node id; stored as vector metadata `node_id`. */
  id: z.number().int().min(0),
  orig_id: z.string().min(1),
  keywords: z.array(keywordSchema),
  /** Unix seconds, 0 when unknown. */
  create_time: z.number().min(0),
  update_time: z.number().min(0),
  num_sections: z.number().int().min(0),
  source_type: z.enum(GRAPH_SOURCE_TYPES),
  title: z.string().optional(),
});

export const featuresFileSchema = z
  .looseObject({
    conversations: z.array(featureEntrySchema),
    embeddings: z.array(z.array(z.number()).min(1)),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .superRefine((file, ctx) => {
    if (file.embeddings.length !== file.conversations.length) {
      ctx.addIssue({
        code: "custom",
        path: ["embeddings"],
        message: `${file.embeddings.length} embeddings for ${file.conversations.length} conversations`,
      });
    }
    const dimension = file.embeddings[0]?.length;
    const bad = file.embeddings.findIndex((v) => v.length !== dimension);
    if (bad >= 0) {
      ctx.addIssue({
        code: "custom",
        path: ["embeddings", bad],
        message: `dimension ${file.embeddings[bad]?.length}, expected ${dimension}`,
      });
    }
  });

export type FeaturesFile = z.output<typeof featuresFileSchema>;
export type FeatureEntry = z.output<typeof featureEntrySchema>;
