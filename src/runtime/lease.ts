/**
 * A message lease: while a task runs, a heartbeat extends the message's visibility well before it expires so
 * no other consumer receives it. `stop()` waits for a heartbeat in progress, so a late heartbeat can never undo
 * the visibility change or delete that follows it.
 */
import type { QueueClient } from "../infra/sqs.js";
import type { Logger } from "./logger.js";

export interface LeaseOptions {
  queue: QueueClient;
  queueUrl: string;
  receiptHandle: string;
  visibilityTimeoutSeconds: number;
  intervalSeconds: number;
  log: Logger;
  onLag?: (seconds: number) => void;
  onFailure?: () => void;
}

export class Lease {
  private timer: NodeJS.Timeout | undefined;
  private pending: Promise<void> = Promise.resolve();
  private nextDue = 0;
  private stopped = false;

  constructor(private readonly opts: LeaseOptions) {}

  start(): void {
    const intervalMs = this.opts.intervalSeconds * 1000;
    this.nextDue = Date.now() + intervalMs;
    this.timer = setInterval(() => {
      const lag = Math.max(0, (Date.now() - this.nextDue) / 1000);
      this.nextDue = Date.now() + intervalMs;
      this.opts.onLag?.(lag);
      this.pending = this.pending.then(() => this.beat());
    }, intervalMs);
    this.timer.unref();
  }

  private async beat(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.opts.queue.changeVisibility(
        this.opts.queueUrl,
        this.opts.receiptHandle,
        this.opts.visibilityTimeoutSeconds,
      );
    } catch (err) {
      this.opts.onFailure?.();
      this.opts.log.warn({ err: errorSummary(err) }, "visibility heartbeat failed");
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.pending;
  }
}

export function errorSummary(err: unknown): { name?: string; message: string; code?: string } {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { name: err.name, message: err.message, ...(typeof code === "string" ? { code } : {}) };
  }
  return { message: String(err) };
}
