/**
 * Retrying vector-store work inside a task. A short Chroma outage (a restart, a cut response) should cost a
 * few seconds, not a redelivery of the whole task (which redoes its downloads, embeddings and LLM calls) and
 * not the user's vectors. Only transient failures (TaskError kind "transient", as chroma.ts classifies them)
 * are retried; the work handed over must be idempotent (upserts and deletes by id are).
 */
import { setTimeout as delay } from "node:timers/promises";
import { TaskError } from "../contract/errors.js";

export interface VectorRetryOptions {
  /** Retries after the first attempt (0: no retry). */
  retries: number;
  /** Wait before the first retry; doubled for each next one, capped at maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs?: number;
  /** The task's signal: a shutdown ends the wait at once (the sleep rejects with an AbortError). */
  signal: AbortSignal;
  /** Told before each wait, e.g. to log it. */
  onRetry?: (err: TaskError, retry: number, delayMs: number) => void;
  random?: () => number;
}

export const DEFAULT_MAX_VECTOR_RETRY_DELAY_MS = 30_000;

/**
 * Delay before retry number `retry` (1-based): base·2^(retry-1), capped, with "equal jitter" (half fixed, half
 * random) so the tasks that failed on the same outage do not all come back at the same instant.
 */
export function vectorRetryDelayMs(
  retry: number,
  baseDelayMs: number,
  maxDelayMs: number,
  random: () => number,
): number {
  const exp = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.round(exp / 2 + (exp / 2) * random());
}

export function isTransientFailure(err: unknown): err is TaskError {
  return err instanceof TaskError && err.kind === "transient";
}

/** Runs `work`, and again after a backoff while it fails transiently; the last failure is rethrown as is. */
export async function withVectorRetry<T>(work: () => Promise<T>, opts: VectorRetryOptions): Promise<T> {
  const retries = Math.max(0, Math.floor(opts.retries));
  const maxDelayMs = opts.maxDelayMs ?? DEFAULT_MAX_VECTOR_RETRY_DELAY_MS;
  for (let retry = 1; ; retry++) {
    opts.signal.throwIfAborted();
    try {
      return await work();
    } catch (err) {
      if (!isTransientFailure(err) || retry > retries || opts.signal.aborted) throw err;
      const wait = vectorRetryDelayMs(retry, opts.baseDelayMs, maxDelayMs, opts.random ?? Math.random);
      opts.onRetry?.(err, retry, wait);
      await delay(wait, undefined, { signal: opts.signal });
    }
  }
}
