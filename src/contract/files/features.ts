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

const metadataSchema = z.record(z.string(), z.unknown()).optional();

/** The rows line up with the entries and share one dimension; the first mismatch, or undefined. */
function rowMismatch(
  rows: readonly { readonly length: number }[],
  entries: number,
): { path: (string | number)[]; message: string } | undefined {
  if (rows.length !== entries)
    return { path: ["embeddings"], message: `${rows.length} embeddings for ${entries} conversations` };
  const dimension = rows[0]?.length;
  const bad = rows.findIndex((v) => v.length !== dimension);
  if (bad >= 0)
    return {
      path: ["embeddings", bad],
      message: `dimension ${rows[bad]?.length}, expected ${dimension}`,
    };
  return undefined;
}

export const featuresFileSchema = z
  .looseObject({
    conversations: z.array(featureEntrySchema),
    embeddings: z.array(z.array(z.number()).min(1)),
    metadata: metadataSchema,
  })
  .superRefine((file, ctx) => {
    const mismatch = rowMismatch(file.embeddings, file.conversations.length);
    if (mismatch) ctx.addIssue({ code: "custom", ...mismatch });
  });

export type FeaturesFile = z.output<typeof featuresFileSchema>;
export type FeatureEntry = z.output<typeof featureEntrySchema>;

/**
 * One row of `embeddings` as it is written: a view on a vector (no copy), turned into six-decimal numbers only
 * while it is serialised (JSON.stringify and the storages' chunked writers call toJSON). Six decimals keep
 * cosine exact to ~1e-6 and halve the file. A plain number[] per row would cost 8 bytes per value for the
 * whole life of the object (1.2 GB for 150,000 × 1,024 values), and a schema parse of it as much again.
 */
export class EmbeddingRow {
  constructor(readonly values: Float32Array) {}
  get length(): number {
    return this.values.length;
  }
  toJSON(): number[] {
    return Array.from(this.values, (v) => Math.round(v * 1e6) / 1e6);
  }
}

/** features.json as the worker builds it: rows are views (EmbeddingRow) or plain arrays. */
export type FeaturesToWrite = Omit<FeaturesFile, "embeddings"> & {
  embeddings: readonly (EmbeddingRow | readonly number[])[];
};

const featuresBodySchema = z.looseObject({
  conversations: z.array(featureEntrySchema),
  metadata: metadataSchema,
});

/** Entries checked per schema parse: each slice's parsed copy is short-lived garbage, never the whole file. */
const ENTRY_SLICE = 2_000;

/**
 * The contract check of features.json before it is written, without a parsed copy of the vectors: the entries
 * go through the schema a slice at a time, the rows are checked for alignment, dimension and finite values in
 * place. Returns the issue that fails it, or undefined. Same rules as featuresFileSchema (which reads a file).
 */
export function featuresToWriteIssue(
  file: FeaturesToWrite,
): { path: (string | number)[]; message: string } | undefined {
  const conversations = Array.isArray(file.conversations) ? file.conversations : [];
  for (let start = 0; start === 0 || start < conversations.length; start += ENTRY_SLICE) {
    const body = featuresBodySchema.safeParse({
      ...file,
      embeddings: undefined,
      conversations: Array.isArray(file.conversations)
        ? conversations.slice(start, start + ENTRY_SLICE)
        : file.conversations,
    });
    if (!body.success) {
      const issue = body.error.issues[0]!;
      const path = [...issue.path] as (string | number)[];
      if (path[0] === "conversations" && typeof path[1] === "number") path[1] += start;
      return { path, message: issue.message };
    }
  }
  if (!Array.isArray(file.embeddings)) return { path: ["embeddings"], message: "expected an array" };
  const mismatch = rowMismatch(file.embeddings, conversations.length);
  if (mismatch) return mismatch;
  for (let r = 0; r < file.embeddings.length; r++) {
    const row = file.embeddings[r]!;
    const values = row instanceof EmbeddingRow ? row.values : row;
    if (values.length === 0) return { path: ["embeddings", r], message: "an empty vector" };
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i])) return { path: ["embeddings", r, i], message: "not a finite number" };
    }
  }
  return undefined;
}
