/**
 * Backoff for provider retries. Written by hand rather than with p-retry because the wait must come from the
 * provider's Retry-After when it sends one, a too-long Retry-After must end the call at once (so the task is
 * redelivered later instead of holding a worker slot), and tests inject the sleep and the randomness.
 */
import { setTimeout as delay } from "node:timers/promises";
import type { BackoffOptions, Sleep } from "./types.js";

export const DEFAULT_BACKOFF: Required<BackoffOptions> = {
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
};

/**
 * Wait before retry number `retry` (1-based): the provider's Retry-After plus up to 10% jitter, else
 * exponential backoff base·2^(retry-1), capped, with "equal jitter" (half fixed, half random) so parallel
 * calls that failed together do not come back together. null: the provider asked for a longer wait than we
 * are willing to hold a call for.
 */
export function retryDelayMs(
  retry: number,
  retryAfterMs: number | undefined,
  options: Required<BackoffOptions>,
  random: () => number,
): number | null {
  if (retryAfterMs !== undefined) {
    if (retryAfterMs > options.maxRetryAfterMs) return null;
    return Math.round(retryAfterMs * (1 + 0.1 * random()));
  }
  const exp = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.round(exp / 2 + (exp / 2) * random());
}

/** Abortable sleep; rejects with an AbortError when the signal fires. */
export const defaultSleep: Sleep = (ms, signal) =>
  delay(ms, undefined, signal ? { signal } : undefined).then(() => undefined);
