/**
 * Task type names on the wire (contract §1.1) and how requests map to results.
 * The backend routes on `taskType`; the worker must answer every request with exactly
 * one result of the matching type.
 */

export const REQUEST_TASK_TYPES = [
  "GRAPH_GENERATION_REQUEST",
  "ADD_NODE_REQUEST",
  "ADD_CONVERSATION_REQUEST",
  "GRAPH_SUMMARY_REQUEST",
  "MICROSCOPE_INGEST_REQUEST",
  "MICROSCOPE_INGEST_FROM_NODE_REQUEST",
  "MICROSCOPE_QUERY_REQUEST",
  "MICROSCOPE_SYNTHESIZE_REQUEST",
  "MICROSCOPE_RELATED_QUESTIONS_REQUEST",
] as const;
export type RequestTaskType = (typeof REQUEST_TASK_TYPES)[number];

export const RESULT_TASK_TYPES = [
  "GRAPH_GENERATION_PROGRESS",
  "GRAPH_GENERATION_RESULT",
  "ADD_NODE_RESULT",
  "GRAPH_SUMMARY_RESULT",
  "MICROSCOPE_INGEST_RESULT",
  "MICROSCOPE_INGEST_FROM_NODE_RESULT",
  "MICROSCOPE_QUERY_RESULT",
  "MICROSCOPE_SYNTHESIZE_RESULT",
  "MICROSCOPE_RELATED_QUESTIONS_RESULT",
] as const;
export type ResultTaskType = (typeof RESULT_TASK_TYPES)[number];

/** `ADD_CONVERSATION_REQUEST` is an old name of `ADD_NODE_REQUEST` (contract §1.1); it answers as ADD_NODE_RESULT. */
export const RESULT_TYPE_FOR: Readonly<Record<RequestTaskType, ResultTaskType>> = {
  GRAPH_GENERATION_REQUEST: "GRAPH_GENERATION_RESULT",
  ADD_NODE_REQUEST: "ADD_NODE_RESULT",
  ADD_CONVERSATION_REQUEST: "ADD_NODE_RESULT",
  GRAPH_SUMMARY_REQUEST: "GRAPH_SUMMARY_RESULT",
  MICROSCOPE_INGEST_REQUEST: "MICROSCOPE_INGEST_RESULT",
  MICROSCOPE_INGEST_FROM_NODE_REQUEST: "MICROSCOPE_INGEST_FROM_NODE_RESULT",
  MICROSCOPE_QUERY_REQUEST: "MICROSCOPE_QUERY_RESULT",
  MICROSCOPE_SYNTHESIZE_REQUEST: "MICROSCOPE_SYNTHESIZE_RESULT",
  MICROSCOPE_RELATED_QUESTIONS_REQUEST: "MICROSCOPE_RELATED_QUESTIONS_RESULT",
};

/** Microscope results use snake_case `user_id`/`group_id`; all others use `userId` (contract §3). */
export const MICROSCOPE_REQUEST_TYPES: ReadonlySet<RequestTaskType> = new Set([
  "MICROSCOPE_INGEST_REQUEST",
  "MICROSCOPE_INGEST_FROM_NODE_REQUEST",
  "MICROSCOPE_QUERY_REQUEST",
  "MICROSCOPE_SYNTHESIZE_REQUEST",
  "MICROSCOPE_RELATED_QUESTIONS_REQUEST",
]);

export function isRequestTaskType(value: unknown): value is RequestTaskType {
  return typeof value === "string" && (REQUEST_TASK_TYPES as readonly string[]).includes(value);
}

/** The handler key for a request type: aliases collapse onto their canonical name. */
export function canonicalRequestType(type: RequestTaskType): RequestTaskType {
  return type === "ADD_CONVERSATION_REQUEST" ? "ADD_NODE_REQUEST" : type;
}
