/**
 * Error codes sent as `errorCode` in FAILED results, the error type every layer throws, and the names by
 * which foreign errors (Node sockets, undici, AWS SDK) say "try again later".
 * The backend ignores `errorCode` but shows `error` to end users, so `message` must be short,
 * human-readable and free of secrets; details belong in logs only.
 */

export const ERROR_CODES = [
  "VALIDATION_ERROR", // payload or input file does not match the contract
  "UNKNOWN_TASK_TYPE",
  "NOT_IMPLEMENTED", // task type registered but its pipeline does not exist yet
  "INPUT_NOT_FOUND", // an S3 object or Mongo document the request names is missing
  "INVALID_INPUT", // input exists but cannot be used (bad JSON, empty document, unsafe key)
  "UNSUPPORTED_FILE",
  "DOCUMENT_TOO_LARGE",
  "EMBEDDING_MODEL_MISMATCH", // a vector collection built with another model/dimension
  "STORAGE_ERROR",
  "VECTOR_STORE_ERROR",
  "LLM_ERROR",
  "DATABASE_ERROR",
  "RETRIES_EXHAUSTED", // a transient failure that outlived its allowed receives
  "TIMEOUT",
  "INTERNAL_ERROR",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** terminal: answer FAILED now. transient: let SQS redeliver with backoff until the receive budget ends. */
export type ErrorKind = "terminal" | "transient";

export class TaskError extends Error {
  readonly code: ErrorCode;
  readonly kind: ErrorKind;
  constructor(code: ErrorCode, message: string, options: { kind?: ErrorKind; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "TaskError";
    this.code = code;
    this.kind = options.kind ?? "terminal";
  }
}

export function terminal(code: ErrorCode, message: string, cause?: unknown): TaskError {
  return new TaskError(code, message, { kind: "terminal", cause });
}

export function transient(code: ErrorCode, message: string, cause?: unknown): TaskError {
  return new TaskError(code, message, { kind: "transient", cause });
}

/**
 * `code`s of Node/undici socket errors: the connection failed or broke, so the same call may succeed later.
 * One list for every layer that sorts errors (src/runtime/classify.ts, src/ai/llm/failures.ts,
 * src/infra/chroma.ts): a copy elsewhere drifts (undici's codes were missing from one, so a response cut
 * mid-body was taken for a permanent failure).
 */
export const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENOTFOUND",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "ERR_STREAM_PREMATURE_CLOSE",
  // undici (Node's fetch): the socket closed mid-response, or a connect/headers/body deadline passed.
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

/**
 * True when `err` or anything in its `cause` chain (or an AggregateError's `errors`, which is how Node reports
 * a connect that failed on every address) carries a network code. Node's fetch wraps the socket error it
 * saw: a response cut mid-body is `TypeError: terminated` whose cause is `SocketError` (UND_ERR_SOCKET), a
 * refused connect is `TypeError: fetch failed` whose cause holds ECONNREFUSED. Bounded, and safe on cycles.
 */
export function hasNetworkCause(err: unknown): boolean {
  const seen = new Set<unknown>();
  const pending: unknown[] = [err];
  while (pending.length > 0 && seen.size < 16) {
    const e = pending.shift();
    if (!e || typeof e !== "object" || seen.has(e)) continue;
    seen.add(e);
    const { code, cause, errors } = e as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof code === "string" && NETWORK_ERROR_CODES.has(code)) return true;
    pending.push(cause);
    if (Array.isArray(errors)) pending.push(...errors);
  }
  return false;
}

/** AWS SDK error `name`s for throttling or a service that is briefly unavailable or slow: worth a retry. */
export const THROTTLING_ERROR_NAMES: ReadonlySet<string> = new Set([
  "ThrottlingException",
  "Throttling",
  "TooManyRequestsException",
  "SlowDown",
  "RequestLimitExceeded",
  "ProvisionedThroughputExceededException",
  "ServiceUnavailable",
  "InternalError",
  "TimeoutError",
  "RequestTimeout",
]);
