/**
 * What task handlers share about vector-store failures: retrying inside the task with the configured
 * backoff (CHROMA_RETRIES, CHROMA_RETRY_BASE_DELAY_MS), and knowing whether this receive is the last one the
 * queue allows, after which a transient failure can no longer be left for a redelivery.
 */
import { withVectorRetry } from "../infra/vectorRetry.js";
import type { TaskContext } from "./types.js";

/** True on the last allowed receive, and always when the handler runs outside a queue (no budget given). */
export function isLastReceive(ctx: Pick<TaskContext, "receiveCount" | "maxReceiveCount">): boolean {
  return ctx.maxReceiveCount === undefined || ctx.receiveCount >= ctx.maxReceiveCount;
}

/** Runs idempotent vector-store work, retried on transient failures within this task; see withVectorRetry. */
export function retryVectorWork<T>(ctx: TaskContext, what: string, work: () => Promise<T>): Promise<T> {
  const { retries, retryBaseDelayMs } = ctx.services.config.chroma;
  return withVectorRetry(work, {
    retries,
    baseDelayMs: retryBaseDelayMs,
    signal: ctx.signal,
    onRetry: (err, retry, delayMs) =>
      ctx.log.warn(
        { err: err.message, retry, of: retries, delayMs },
        `${what}: vector store failed, retrying`,
      ),
  });
}
