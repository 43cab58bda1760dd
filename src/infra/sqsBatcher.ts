/**
 * Groups single SQS calls (send, delete) made within a few milliseconds into one batch call of up to 10
 * entries. Under load this cuts the worker's SQS requests (and the SDK's per-request CPU cost) several times;
 * when idle a call waits at most `windowMs`. Each caller still gets its own success or failure.
 * Hand-written because the AWS SDK has no client-side batching and a generic batching library would not know
 * SQS's per-entry failure reporting.
 */

export interface BatchEntryResult {
  id: string;
  error?: Error;
}

export class MicroBatcher<T> {
  private pending: { id: string; item: T; resolve: () => void; reject: (e: Error) => void }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private seq = 0;

  constructor(
    private readonly flushBatch: (entries: { id: string; item: T }[]) => Promise<BatchEntryResult[]>,
    private readonly opts: { windowMs: number; maxBatch: number },
  ) {}

  add(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ id: String(this.seq++), item, resolve, reject });
      if (this.pending.length >= this.opts.maxBatch) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.opts.windowMs);
    });
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending.splice(0, this.opts.maxBatch);
    if (this.pending.length > 0) this.timer = setTimeout(() => this.flush(), 0);
    if (batch.length === 0) return;
    this.flushBatch(batch.map(({ id, item }) => ({ id, item })))
      .then((results) => {
        const byId = new Map(results.map((r) => [r.id, r]));
        for (const entry of batch) {
          const r = byId.get(entry.id);
          if (!r) entry.reject(new Error("SQS batch response did not mention this entry"));
          else if (r.error) entry.reject(r.error);
          else entry.resolve();
        }
      })
      .catch((err: Error) => {
        for (const entry of batch) entry.reject(err);
      });
  }
}
