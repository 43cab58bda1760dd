/**
 * Result and progress payloads (worker → backend), contract §3. These are OUTPUT schemas: strict objects
 * (a misspelt key is a bug, not an extension) with the backend's traps encoded as refinements:
 *  - `status` is only COMPLETED or FAILED (anything else is silently acknowledged by the backend);
 *  - FAILED needs a non-empty `error` (it is what the user is shown);
 *  - COMPLETED graph generation / add-node needs `resultS3Key` (without it the graph is stuck forever, or the
 *    message loops to the DLQ), COMPLETED summary needs `summaryS3Key`;
 *  - COMPLETED microscope ingest needs `user_id` (the backend's taskId fallback fails on suffixed ids) and a
 *    graph key (without one the document is COMPLETED with no graph);
 *  - progress: `progressPercent` a finite number 0–100 (a numeric string is rejected), `etaSeconds` ≥ 0 or null.
 * Keys are bare S3 object keys in the backend's payload bucket.
 */
import { z } from "zod";
import { ERROR_CODES } from "./errors.js";
import { bareS3KeySchema, jsonObjectSchema, nonBlankString } from "./fields.js";
import type { ResultTaskType } from "./taskTypes.js";

export const RESULT_STATUSES = ["COMPLETED", "FAILED"] as const;
export type ResultStatus = (typeof RESULT_STATUSES)[number];

const statusSchema = z.enum(RESULT_STATUSES);
/** The backend ignores it; it exists for logs and for the incumbent's parity. */
const errorCodeSchema = z.enum(ERROR_CODES);

interface StatusFields {
  status: ResultStatus;
  error?: string | undefined;
}

function checkFailedHasError(p: StatusFields, ctx: z.RefinementCtx): void {
  if (p.status === "FAILED" && (p.error === undefined || p.error.trim() === "")) {
    ctx.addIssue({ code: "custom", path: ["error"], message: "a FAILED result needs a non-empty error" });
  }
}

function requireOnCompleted(
  p: StatusFields & Record<string, unknown>,
  ctx: z.RefinementCtx,
  key: string,
  why: string,
): void {
  const v = p[key];
  if (p.status === "COMPLETED" && (v === undefined || v === null || v === "")) {
    ctx.addIssue({ code: "custom", path: [key], message: `a COMPLETED result needs ${key} (${why})` });
  }
}

// ---------------------------------------------------------------- macro results (camelCase)

export const graphGenerationResultPayloadSchema = z
  .strictObject({
    userId: z.string(),
    status: statusSchema,
    resultS3Key: bareS3KeySchema.optional(),
    featuresS3Key: bareS3KeySchema.optional(),
    summaryIncluded: z.boolean().optional(),
    summaryS3Key: bareS3KeySchema.optional(),
    /** On FAILED the reason; on COMPLETED a non-fatal note ("summary failed: …"), ignored by the backend. */
    error: z.string().optional(),
    errorCode: errorCodeSchema.optional(),
    chatId: z.string().optional(),
  })
  .superRefine((p, ctx) => {
    checkFailedHasError(p, ctx);
    requireOnCompleted(p, ctx, "userId", "all writes go to this user");
    requireOnCompleted(p, ctx, "resultS3Key", "without it the backend leaves the graph CREATING forever");
    if (p.summaryIncluded === true && !p.summaryS3Key) {
      ctx.addIssue({ code: "custom", path: ["summaryS3Key"], message: "summaryIncluded needs summaryS3Key" });
    }
  });

export const graphGenerationProgressPayloadSchema = z.strictObject({
  userId: z.string().min(1),
  /** `[N단계] <stage> 시작|중|완료`; trimmed and shown verbatim by the FE. */
  currentStage: nonBlankString,
  /** Progress within the current stage. z.number() already rejects NaN, ±Infinity and numeric strings. */
  progressPercent: z.number().min(0).max(100),
  etaSeconds: z.number().min(0).nullable().optional(),
});

export const addNodeResultPayloadSchema = z
  .strictObject({
    userId: z.string(),
    status: statusSchema,
    resultS3Key: bareS3KeySchema.optional(),
    error: z.string().optional(),
    errorCode: errorCodeSchema.optional(),
    chatId: z.string().optional(),
  })
  .superRefine((p, ctx) => {
    checkFailedHasError(p, ctx);
    requireOnCompleted(p, ctx, "userId", "all writes go to this user");
    requireOnCompleted(
      p,
      ctx,
      "resultS3Key",
      "without it the backend throws and the message loops to the DLQ",
    );
  });

export const graphSummaryResultPayloadSchema = z
  .strictObject({
    userId: z.string(),
    status: statusSchema,
    summaryS3Key: bareS3KeySchema.optional(),
    error: z.string().optional(),
    errorCode: errorCodeSchema.optional(),
    chatId: z.string().optional(),
  })
  .superRefine((p, ctx) => {
    checkFailedHasError(p, ctx);
    requireOnCompleted(p, ctx, "userId", "the summary belongs to this user");
    requireOnCompleted(p, ctx, "summaryS3Key", "without it the backend does nothing");
  });

// ---------------------------------------------------------------- microscope results (snake_case)

const microscopeBase = {
  user_id: z.string(),
  /** Echo of the request's group_id (the workspace); "" only when the request had none. */
  group_id: z.string(),
  status: statusSchema,
  error: z.string().optional(),
  errorCode: errorCodeSchema.optional(),
};

/** MICROSCOPE_INGEST_RESULT and MICROSCOPE_INGEST_FROM_NODE_RESULT (§3.5; the same backend handler). */
export const microscopeIngestResultPayloadSchema = z
  .strictObject({
    ...microscopeBase,
    source_id: z.string().nullish(),
    chunks_count: z.number().int().min(0).nullish(),
    schema_name: z.string().nullish(),
    ingest_stats: jsonObjectSchema.nullish(),
    /** The non-block graph (standardized.json); read as the block graph when block_graph_s3_key is absent. */
    standardized_s3_key: bareS3KeySchema.optional(),
    /** The block graph (block_graph.json). */
    block_graph_s3_key: bareS3KeySchema.optional(),
    /** Saved by the backend only from the `_nonblock` result. */
    images_s3_prefix: z.string().min(1).optional(),
  })
  .superRefine((p, ctx) => {
    checkFailedHasError(p, ctx);
    requireOnCompleted(p, ctx, "user_id", "the backend's taskId fallback fails on _block/_nonblock ids");
    if (p.status === "COMPLETED" && !p.standardized_s3_key && !p.block_graph_s3_key) {
      ctx.addIssue({
        code: "custom",
        path: ["standardized_s3_key"],
        message: "a COMPLETED ingest needs standardized_s3_key or block_graph_s3_key",
      });
    }
  });

/** MICROSCOPE_QUERY_RESULT and MICROSCOPE_SYNTHESIZE_RESULT (incumbent only; the backend drops them). */
export const microscopeAnswerResultPayloadSchema = z
  .strictObject({
    ...microscopeBase,
    answer: z.string().optional(),
    context: z.string().optional(),
    chunks: z.array(z.unknown()).optional(),
  })
  .superRefine((p, ctx) => {
    checkFailedHasError(p, ctx);
    requireOnCompleted(p, ctx, "answer", "it is the result");
  });

/** MICROSCOPE_RELATED_QUESTIONS_RESULT: `questions` is a list here (the incumbent sent one free-text string). */
export const microscopeRelatedQuestionsResultPayloadSchema = z
  .strictObject({
    ...microscopeBase,
    questions: z.array(z.string()).optional(),
    entities: z.array(z.string()).optional(),
  })
  .superRefine((p, ctx) => {
    checkFailedHasError(p, ctx);
    requireOnCompleted(p, ctx, "questions", "it is the result");
  });

// ---------------------------------------------------------------- registry

export type GraphGenerationResultPayload = z.output<typeof graphGenerationResultPayloadSchema>;
export type GraphGenerationProgressPayload = z.output<typeof graphGenerationProgressPayloadSchema>;
export type AddNodeResultPayload = z.output<typeof addNodeResultPayloadSchema>;
export type GraphSummaryResultPayload = z.output<typeof graphSummaryResultPayloadSchema>;
export type MicroscopeIngestResultPayload = z.output<typeof microscopeIngestResultPayloadSchema>;
export type MicroscopeAnswerResultPayload = z.output<typeof microscopeAnswerResultPayloadSchema>;
export type MicroscopeRelatedQuestionsResultPayload = z.output<
  typeof microscopeRelatedQuestionsResultPayloadSchema
>;

/** The payload type of each result (and progress) type. */
export interface ResultPayloadMap {
  GRAPH_GENERATION_PROGRESS: GraphGenerationProgressPayload;
  GRAPH_GENERATION_RESULT: GraphGenerationResultPayload;
  ADD_NODE_RESULT: AddNodeResultPayload;
  GRAPH_SUMMARY_RESULT: GraphSummaryResultPayload;
  MICROSCOPE_INGEST_RESULT: MicroscopeIngestResultPayload;
  MICROSCOPE_INGEST_FROM_NODE_RESULT: MicroscopeIngestResultPayload;
  MICROSCOPE_QUERY_RESULT: MicroscopeAnswerResultPayload;
  MICROSCOPE_SYNTHESIZE_RESULT: MicroscopeAnswerResultPayload;
  MICROSCOPE_RELATED_QUESTIONS_RESULT: MicroscopeRelatedQuestionsResultPayload;
}

export const resultPayloadSchemas: { readonly [K in ResultTaskType]: z.ZodType<ResultPayloadMap[K]> } = {
  GRAPH_GENERATION_PROGRESS: graphGenerationProgressPayloadSchema,
  GRAPH_GENERATION_RESULT: graphGenerationResultPayloadSchema,
  ADD_NODE_RESULT: addNodeResultPayloadSchema,
  GRAPH_SUMMARY_RESULT: graphSummaryResultPayloadSchema,
  MICROSCOPE_INGEST_RESULT: microscopeIngestResultPayloadSchema,
  MICROSCOPE_INGEST_FROM_NODE_RESULT: microscopeIngestResultPayloadSchema,
  MICROSCOPE_QUERY_RESULT: microscopeAnswerResultPayloadSchema,
  MICROSCOPE_SYNTHESIZE_RESULT: microscopeAnswerResultPayloadSchema,
  MICROSCOPE_RELATED_QUESTIONS_RESULT: microscopeRelatedQuestionsResultPayloadSchema,
};

export type { MacroFailedPayload, MicroscopeFailedPayload } from "./failedResult.js";
export {
  buildFailedPayload,
  type FailedResult,
  MAX_ERROR_LENGTH,
  shortErrorMessage,
} from "./failedResult.js";
