/**
 * Turns any thrown value into a decision: terminal (answer FAILED now) or transient (let SQS redeliver), with
 * an error code and a message fit for end users. Unknown errors are terminal with a generic message: their
 * text may hold stack details or secrets, so it goes to the logs only.
 */
import {
  type ErrorCode,
  type ErrorKind,
  hasNetworkCause,
  TaskError,
  THROTTLING_ERROR_NAMES,
} from "../contract/errors.js";
import { scrubSecrets } from "./logger.js";

export interface Classified {
  kind: ErrorKind;
  code: ErrorCode;
  message: string;
}

function shortMessage(text: string): string {
  const oneLine = scrubSecrets(text).split("\n")[0] ?? "";
  return oneLine.length > 300 ? `${oneLine.slice(0, 297)}...` : oneLine;
}

export function classifyError(err: unknown): Classified {
  if (err instanceof TaskError) return { kind: err.kind, code: err.code, message: shortMessage(err.message) };
  if (err && typeof err === "object") {
    const e = err as {
      name?: string;
      code?: string;
      cause?: unknown;
      $retryable?: unknown;
      $metadata?: { httpStatusCode?: number };
      statusCode?: number;
    };
    if (e.name === "ZodError") {
      return { kind: "terminal", code: "VALIDATION_ERROR", message: "input failed validation" };
    }
    const status = e.$metadata?.httpStatusCode ?? e.statusCode;
    if (
      e.$retryable ||
      (e.name && THROTTLING_ERROR_NAMES.has(e.name)) ||
      (typeof status === "number" && (status === 429 || status >= 500)) ||
      hasNetworkCause(err)
    ) {
      return {
        kind: "transient",
        code: "STORAGE_ERROR",
        message: "a storage or network service was unavailable",
      };
    }
    if (e.cause && e.cause !== err) {
      const inner = classifyError(e.cause);
      if (inner.kind === "transient") return inner;
    }
  }
  return { kind: "terminal", code: "INTERNAL_ERROR", message: "internal error while processing the task" };
}

/** Exponential backoff through the message's visibility: base·2^(n-1), capped, with ±20% jitter. */
export function retryDelaySeconds(
  receiveCount: number,
  baseSeconds: number,
  maxSeconds: number,
  random: () => number = Math.random,
): number {
  const raw = baseSeconds * 2 ** Math.max(0, receiveCount - 1);
  const capped = Math.min(maxSeconds, raw);
  const jittered = capped * (0.8 + 0.4 * random());
  return Math.max(0, Math.min(43200, Math.round(Math.min(maxSeconds, jittered))));
}
