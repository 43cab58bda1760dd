/**
 * The FAILED result for any request, including ones whose payload failed validation (so nothing about the
 * raw payload is trusted). Shapes follow the incumbent (ORIGINAL-PIPELINES §1 "On exception"):
 *  - microscope types: `{user_id, group_id, status, error, errorCode}`, echoing user_id/group_id so the
 *    backend can find the workspace without its failing taskId fallback; ingest results also carry
 *    `source_id` = the request's node_id when there is one;
 *  - all other types: `{userId, status, error, errorCode}`.
 * `error` is shown to end users and posted to Discord/Sentry: one short line, no stack, no secrets.
 */
import type { ErrorCode } from "./errors.js";
import {
  MICROSCOPE_REQUEST_TYPES,
  RESULT_TYPE_FOR,
  type RequestTaskType,
  type ResultTaskType,
} from "./taskTypes.js";

export const MAX_ERROR_LENGTH = 300;

export type MacroFailedPayload = {
  userId: string;
  status: "FAILED";
  error: string;
  errorCode: ErrorCode;
};

export type MicroscopeFailedPayload = {
  user_id: string;
  group_id: string;
  status: "FAILED";
  error: string;
  errorCode: ErrorCode;
  source_id?: string;
};

export type FailedResult = {
  taskType: ResultTaskType;
  payload: MacroFailedPayload | MicroscopeFailedPayload;
};

const INGEST_REQUEST_TYPES: ReadonlySet<RequestTaskType> = new Set([
  "MICROSCOPE_INGEST_REQUEST",
  "MICROSCOPE_INGEST_FROM_NODE_REQUEST",
]);

export function buildFailedPayload(
  requestType: RequestTaskType,
  rawPayload: unknown,
  message: string,
  code: ErrorCode,
): FailedResult {
  const taskType = RESULT_TYPE_FOR[requestType];
  const raw: Record<string, unknown> =
    typeof rawPayload === "object" && rawPayload !== null && !Array.isArray(rawPayload)
      ? (rawPayload as Record<string, unknown>)
      : {};
  const error = shortErrorMessage(message);
  if (MICROSCOPE_REQUEST_TYPES.has(requestType)) {
    const payload: MicroscopeFailedPayload = {
      // The backend itself falls back from user_id to userId; so do we.
      user_id: stringOr(raw.user_id, stringOr(raw.userId, "")),
      group_id: stringOr(raw.group_id, ""),
      status: "FAILED",
      error,
      errorCode: code,
    };
    const nodeId = stringOr(raw.node_id, "");
    if (INGEST_REQUEST_TYPES.has(requestType) && nodeId !== "") payload.source_id = nodeId;
    return { taskType, payload };
  }
  const payload: MacroFailedPayload = {
    userId: stringOr(raw.userId, stringOr(raw.user_id, "")),
    status: "FAILED",
    error,
    errorCode: code,
  };
  return { taskType, payload };
}

/**
 * One line of at most MAX_ERROR_LENGTH characters: stack frames cut off, whitespace collapsed, things that
 * look like credentials masked. Never empty.
 */
export function shortErrorMessage(message: unknown, max = MAX_ERROR_LENGTH): string {
  let text =
    typeof message === "string"
      ? message
      : message instanceof Error
        ? message.message
        : message === undefined || message === null
          ? ""
          : String(message);
  const stackStart = text.search(/\n\s*at\s/);
  if (stackStart >= 0) text = text.slice(0, stackStart);
  text = redactSecrets(text).replace(/\s+/g, " ").trim();
  if (text === "") return "the task failed";
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  // Do not leave half of a surrogate pair at the end.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut.trimEnd()}…`;
}

const SECRET_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/\b(sk|gsk|pk|rk)-[A-Za-z0-9_-]{12,}/g, "[redacted]"],
  [/\bAKIA[0-9A-Z]{16}\b/g, "[redacted]"],
  [/\bBearer\s+[A-Za-z0-9._~+/=-]+/gi, "Bearer [redacted]"],
  [
    /\b(api[_-]?key|access[_-]?key|secret|token|password)(["']?\s*[:=]\s*["']?)[^\s"',;&]+/gi,
    "$1$2[redacted]",
  ],
  [/(\w+:\/\/)[^/\s:@]+:[^/\s@]+@/g, "$1[redacted]@"],
];

function redactSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === "string" ? value : fallback;
}
