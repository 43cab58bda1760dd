/**
 * Request payloads (backend → worker), contract §2 and the incumbent's DTOs (ORIGINAL-PIPELINES §2).
 *
 * Tolerant on purpose: unknown keys pass through (the backend adds fields over time), `null` counts as absent,
 * and the incumbent's defaults are applied — except `language`, whose incumbent default "zh" was a bug:
 * it stays undefined here and each handler decides. Fields the worker must never trust (`output_dir`) are
 * not declared. `api_key` may hold a secret: never log a parsed payload whole.
 */
import { z } from "zod";
import { nonBlankString, optionalInput, optionalText, withDefault } from "./fields.js";
import type { RequestTaskType } from "./taskTypes.js";

const userIdSchema = z.string().min(1);
const s3KeySchema = z.string().min(1);
const clusterCount = z.number().int().min(1).max(100);

// ---------------------------------------------------------------- macro (camelCase) requests

/** GRAPH_GENERATION_REQUEST (§2.1). `s3Key` ending in "/" is the bundle prefix; otherwise a legacy single key. */
export const graphGenerationRequestSchema = z
  .looseObject({
    userId: userIdSchema,
    s3Key: s3KeySchema,
    bucket: optionalText(),
    chatId: optionalText(),
    includeSummary: withDefault(z.boolean(), true),
    summaryLanguage: optionalText(),
    language: optionalText(),
    /** auto|chatgpt|markdown|multi|pdf|docx|pptx; the backend always sends "auto". */
    inputType: withDefault(z.string(), "auto"),
    numClusters: optionalInput(clusterCount),
    minClusters: withDefault(clusterCount, 3),
    maxClusters: withDefault(clusterCount, 8),
    /** Legacy: extra single-object inputs merged with `s3Key`. */
    extraS3Keys: withDefault(z.array(z.string().min(1)), []),
  })
  .refine((p) => p.minClusters <= p.maxClusters, {
    message: "minClusters must not exceed maxClusters",
    path: ["minClusters"],
  });

/** ADD_NODE_REQUEST and its alias ADD_CONVERSATION_REQUEST (§2.2). `s3Key` is the bundle prefix or batch.json. */
export const addNodeRequestSchema = z.looseObject({
  userId: userIdSchema,
  s3Key: s3KeySchema,
  bucket: optionalText(),
  /** auto|batch|raw|pdf|docx|pptx|markdown; absent on the test endpoint. */
  inputType: withDefault(z.string(), "auto"),
  language: optionalText(),
  extraS3Keys: withDefault(z.array(z.string().min(1)), []),
  /** Accepted and unused by the incumbent. */
  beBaseUrl: optionalText(),
  internalServiceToken: optionalText(),
});

/** GRAPH_SUMMARY_REQUEST (§2.3). `bucket` is typed required by the backend but tolerated as absent. */
export const graphSummaryRequestSchema = z.looseObject({
  userId: userIdSchema,
  graphS3Key: s3KeySchema,
  bucket: optionalText(),
  language: optionalText(),
  chatId: optionalText(),
  vectorDbS3Key: optionalText(),
});

// ---------------------------------------------------------------- microscope (snake_case) requests

export const BLOCK_GRANULARITIES = ["coarse", "medium", "fine"] as const;

/** Per-request LLM overrides the incumbent honours for microscope tasks (never sent by the backend). */
const llmOverrides = {
  provider: optionalText(),
  model: optionalText(),
  api_key: optionalText(),
};

/** Ingest options shared by both ingest requests; `schema` and `generateMicroGraphs` are pydantic aliases. */
const ingestOptions = {
  schema_name: optionalText(),
  ontology_schema: optionalInput(z.record(z.string(), z.unknown())),
  schema: optionalInput(z.record(z.string(), z.unknown())),
  language: optionalText(),
  ingest_mode: optionalText(),
  block_mode: withDefault(z.boolean(), false),
  block_granularity: withDefault(z.enum(BLOCK_GRANULARITIES), "medium"),
  generate_micro_graphs: optionalInput(z.boolean()),
  generateMicroGraphs: optionalInput(z.boolean()),
  skip_store: withDefault(z.boolean(), false),
  ...llmOverrides,
};

/**
 * Folds the pydantic aliases into their canonical names (the snake_case name wins when both are given). The
 * alias keys stay on the object: removing them with a rest spread would erase the declared keys from the
 * inferred type (the schemas are loose, so their type has an index signature).
 */
function resolveIngestAliases<
  T extends {
    schema?: Record<string, unknown> | undefined;
    ontology_schema?: Record<string, unknown> | undefined;
    generate_micro_graphs?: boolean | undefined;
    generateMicroGraphs?: boolean | undefined;
  },
>(payload: T): T & { ontology_schema: Record<string, unknown> | undefined; generate_micro_graphs: boolean } {
  return {
    ...payload,
    ontology_schema: payload.ontology_schema ?? payload.schema,
    generate_micro_graphs: payload.generate_micro_graphs ?? payload.generateMicroGraphs ?? false,
  };
}

/** MICROSCOPE_INGEST_REQUEST (§2.5): one raw file in the payload bucket. */
export const microscopeIngestRequestSchema = z
  .looseObject({
    user_id: userIdSchema,
    group_id: z.string().min(1),
    s3_key: s3KeySchema,
    bucket: optionalText(),
    /** The original upload name, unsanitized: use only its extension and as a display name. */
    file_name: z.string().min(1),
    source_type: withDefault(z.enum(["chat", "note"]), "chat"),
    ...ingestOptions,
  })
  .transform(resolveIngestAliases);

/** MICROSCOPE_INGEST_FROM_NODE_REQUEST (§2.4): no S3 input, the note/conversation is read from MongoDB. */
export const microscopeIngestFromNodeRequestSchema = z
  .looseObject({
    user_id: userIdSchema,
    node_id: z.string().min(1),
    node_type: z.enum(["note", "conversation"]),
    group_id: withDefault(z.string(), ""),
    ...ingestOptions,
  })
  .transform(resolveIngestAliases);

const ragOptions = {
  user_id: withDefault(z.string(), ""),
  group_id: withDefault(z.string(), ""),
  top_k: withDefault(z.number().int().min(1).max(100), 5),
  hop_depth: withDefault(z.number().int().min(0).max(5), 1),
  ...llmOverrides,
};

/** MICROSCOPE_QUERY_REQUEST (incumbent only; the backend has no producer). */
export const microscopeQueryRequestSchema = z.looseObject({
  query: nonBlankString,
  no_rag: withDefault(z.boolean(), false),
  ...ragOptions,
});

/** MICROSCOPE_SYNTHESIZE_REQUEST (incumbent only). `topic` is the field; `query` is accepted in its place. */
export const microscopeSynthesizeRequestSchema = z
  .looseObject({
    topic: optionalText(),
    query: optionalText(),
    no_rag: withDefault(z.boolean(), false),
    ...ragOptions,
  })
  .refine((p) => p.topic !== undefined || p.query !== undefined, {
    message: "topic (or query) is required",
    path: ["topic"],
  })
  .transform((p) => ({ ...p, topic: (p.topic ?? p.query) as string }));

/** MICROSCOPE_RELATED_QUESTIONS_REQUEST (incumbent only). */
export const microscopeRelatedQuestionsRequestSchema = z.looseObject({
  query: nonBlankString,
  ...ragOptions,
});

// ---------------------------------------------------------------- registry

export type GraphGenerationRequest = z.output<typeof graphGenerationRequestSchema>;
export type AddNodeRequest = z.output<typeof addNodeRequestSchema>;
export type GraphSummaryRequest = z.output<typeof graphSummaryRequestSchema>;
export type MicroscopeIngestRequest = z.output<typeof microscopeIngestRequestSchema>;
export type MicroscopeIngestFromNodeRequest = z.output<typeof microscopeIngestFromNodeRequestSchema>;
export type MicroscopeQueryRequest = z.output<typeof microscopeQueryRequestSchema>;
export type MicroscopeSynthesizeRequest = z.output<typeof microscopeSynthesizeRequestSchema>;
export type MicroscopeRelatedQuestionsRequest = z.output<typeof microscopeRelatedQuestionsRequestSchema>;

/** The validated payload type of each request type. */
export interface RequestPayloadMap {
  GRAPH_GENERATION_REQUEST: GraphGenerationRequest;
  ADD_NODE_REQUEST: AddNodeRequest;
  ADD_CONVERSATION_REQUEST: AddNodeRequest;
  GRAPH_SUMMARY_REQUEST: GraphSummaryRequest;
  MICROSCOPE_INGEST_REQUEST: MicroscopeIngestRequest;
  MICROSCOPE_INGEST_FROM_NODE_REQUEST: MicroscopeIngestFromNodeRequest;
  MICROSCOPE_QUERY_REQUEST: MicroscopeQueryRequest;
  MICROSCOPE_SYNTHESIZE_REQUEST: MicroscopeSynthesizeRequest;
  MICROSCOPE_RELATED_QUESTIONS_REQUEST: MicroscopeRelatedQuestionsRequest;
}

export const requestPayloadSchemas: { readonly [K in RequestTaskType]: z.ZodType<RequestPayloadMap[K]> } = {
  GRAPH_GENERATION_REQUEST: graphGenerationRequestSchema,
  ADD_NODE_REQUEST: addNodeRequestSchema,
  ADD_CONVERSATION_REQUEST: addNodeRequestSchema,
  GRAPH_SUMMARY_REQUEST: graphSummaryRequestSchema,
  MICROSCOPE_INGEST_REQUEST: microscopeIngestRequestSchema,
  MICROSCOPE_INGEST_FROM_NODE_REQUEST: microscopeIngestFromNodeRequestSchema,
  MICROSCOPE_QUERY_REQUEST: microscopeQueryRequestSchema,
  MICROSCOPE_SYNTHESIZE_REQUEST: microscopeSynthesizeRequestSchema,
  MICROSCOPE_RELATED_QUESTIONS_REQUEST: microscopeRelatedQuestionsRequestSchema,
};

// The input files the backend writes are part of the request side of the wire.
export * from "./inputs/index.js";
