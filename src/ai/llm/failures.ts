/**
 * Sorts whatever a provider call threw into a failure kind (retry or not, and how long the provider asked us
 * to wait), and builds the TaskErrors the Llm throws. Messages are fixed phrases plus a status code and a
 * caller-chosen label: provider error texts can echo API keys (OpenAI's 401 does, partly masked) and request
 * bodies hold user data, so neither ever reaches a message or a cause.
 */
import { APICallError, LoadAPIKeyError, RetryError } from "ai";
import { NETWORK_ERROR_CODES, type TaskError, terminal, transient } from "../../contract/errors.js";
import type { LlmFailureKind } from "./types.js";

export interface Failure {
  kind: LlmFailureKind;
  retryable: boolean;
  status?: number;
  /** From Retry-After / retry-after-ms, when the provider sent one. */
  retryAfterMs?: number;
}

/** A 200 whose body is not what the API promises (proxy error pages, truncated bodies): worth a retry. */
const BAD_RESPONSE_NAMES = new Set([
  "AI_JSONParseError",
  "AI_TypeValidationError",
  "AI_InvalidResponseDataError",
  "AI_EmptyResponseBodyError",
  "AI_NoContentGeneratedError",
]);

function header(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}

/** `retry-after-ms` (OpenAI), else `retry-after` in seconds or as an HTTP date. */
export function parseRetryAfterMs(
  headers: Record<string, string> | undefined,
  nowMs: number = Date.now(),
): number | undefined {
  const ms = Number.parseFloat(header(headers, "retry-after-ms") ?? "");
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const raw = header(headers, "retry-after")?.trim();
  if (!raw) return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Number.parseFloat(raw) * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

function statusFailure(status: number, headers: Record<string, string> | undefined): Failure {
  const retryAfterMs = parseRetryAfterMs(headers);
  const extra = retryAfterMs === undefined ? {} : { retryAfterMs };
  if (status === 429) return { kind: "rate_limited", retryable: true, status, ...extra };
  if (status === 408) return { kind: "timeout", retryable: true, status, ...extra };
  // 409 is what OpenAI returns for transient conflicts; the AI SDK retries it too.
  if (status === 409 || status >= 500) return { kind: "server_error", retryable: true, status, ...extra };
  return { kind: "rejected", retryable: false, status };
}

/** `timedOut`: our per-request timeout fired (the task's own abort is handled before this is called). */
export function classifyFailure(err: unknown, timedOut: boolean): Failure {
  if (timedOut) return { kind: "timeout", retryable: true };
  if (RetryError.isInstance(err)) return classifyFailure(err.lastError, false);
  if (APICallError.isInstance(err)) {
    if (typeof err.statusCode === "number") return statusFailure(err.statusCode, err.responseHeaders);
    return err.isRetryable ? { kind: "network", retryable: true } : { kind: "bad_response", retryable: true };
  }
  if (LoadAPIKeyError.isInstance(err)) return { kind: "no_api_key", retryable: false };
  if (err && typeof err === "object") {
    const e = err as { name?: unknown; code?: unknown; cause?: unknown };
    if (typeof e.name === "string" && BAD_RESPONSE_NAMES.has(e.name))
      return { kind: "bad_response", retryable: true };
    if (e.name === "TimeoutError" || e.name === "AbortError") return { kind: "timeout", retryable: true };
    // Node/undici socket errors: the AI SDK wraps most in APICallError(isRetryable) but not all paths do.
    if (typeof e.code === "string" && NETWORK_ERROR_CODES.has(e.code))
      return { kind: "network", retryable: true };
    if (e.name === "TypeError" && e.cause && typeof e.cause === "object") {
      const inner = classifyFailure(e.cause, false);
      if (inner.kind === "network") return inner;
    }
  }
  return { kind: "unexpected", retryable: false };
}

/** What a TaskError from this layer carries as `cause`: enough to debug, nothing secret. */
export interface LlmErrorDetail {
  failure: LlmFailureKind;
  status?: number;
  attempts: number;
  label: string;
  model: string;
  /** The thrown error's class name only (its message may hold a key or a prompt). */
  errorName?: string;
}

function detail(
  failure: Failure,
  attempts: number,
  label: string,
  model: string,
  err?: unknown,
): LlmErrorDetail {
  const d: LlmErrorDetail = { failure: failure.kind, attempts, label, model };
  if (failure.status !== undefined) d.status = failure.status;
  if (err instanceof Error) d.errorName = err.name;
  return d;
}

const REASON: Partial<Record<LlmFailureKind, string>> = {
  rate_limited: "rate limited",
  server_error: "server error",
  network: "network error",
  timeout: "timed out",
  bad_response: "malformed response",
};

export function unavailableError(
  failure: Failure,
  attempts: number,
  label: string,
  model: string,
  err: unknown,
): TaskError {
  const why = REASON[failure.kind] ?? failure.kind;
  const status = failure.status === undefined ? "" : ` ${failure.status}`;
  return transient(
    "LLM_ERROR",
    `LLM provider unavailable for ${label} after ${attempts} attempt${attempts === 1 ? "" : "s"} (${why}${status})`,
    detail(failure, attempts, label, model, err),
  );
}

export function rejectedError(
  failure: Failure,
  attempts: number,
  label: string,
  model: string,
  err: unknown,
): TaskError {
  const d = detail(failure, attempts, label, model, err);
  if (failure.kind === "no_api_key")
    return terminal("LLM_ERROR", "no API key is configured for the LLM provider", d);
  if (failure.kind === "rejected") {
    return terminal(
      "LLM_ERROR",
      `LLM provider rejected the request (${failure.status ?? "unknown status"})`,
      d,
    );
  }
  return terminal("LLM_ERROR", `the language model call failed for ${label}`, d);
}

export function invalidOutputError(label: string, model: string, attempts: number): TaskError {
  return terminal(
    "LLM_ERROR",
    `the language model returned invalid output for ${label}`,
    detail({ kind: "invalid_output", retryable: false }, attempts, label, model),
  );
}
