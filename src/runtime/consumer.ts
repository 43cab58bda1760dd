/**
 * The SQS loop: long polling, batches of up to 10, a concurrency limit with refill (a freed slot triggers a
 * receive; one slow task never holds back the others), a lease per message, and graceful shutdown.
 *
 * A message is deleted only after its final result was sent. Poison bodies go to the dead-letter queue when
 * one is configured, else they are left to the queue's redrive policy (logged and counted).
 */
import type { QueueClient, ReceivedMessage } from "../infra/sqs.js";
import { errorSummary, Lease } from "./lease.js";
import type { Logger } from "./logger.js";
import type { WorkerMetrics } from "./metrics.js";
import type { OutgoingEnvelope, TaskOutcome, TaskRunner } from "./taskRunner.js";

export interface ConsumerOptions {
  queue: QueueClient;
  requestQueueUrl: string;
  resultQueueUrl: string;
  deadLetterQueueUrl?: string;
  runner: TaskRunner;
  log: Logger;
  metrics?: WorkerMetrics;
  concurrency: number;
  waitTimeSeconds: number;
  visibilityTimeoutSeconds: number;
  heartbeatIntervalSeconds: number;
  /** Called with the number of tasks in flight whenever it changes (ECS scale-in protection). */
  onInFlightChange?: (inFlight: number) => void;
}

/** Resolves waiters when a slot frees up or the consumer stops. */
class Signal {
  private waiters: (() => void)[] = [];
  wait(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  notify(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

export class SqsConsumer {
  private inFlight = 0;
  private reserved = 0;
  private stopping = false;
  private readonly stopController = new AbortController();
  private readonly slotFreed = new Signal();
  private readonly tasks = new Map<string, { abort: AbortController; done: Promise<void> }>();
  private pollers: Promise<void>[] = [];
  private lastPollAt = 0;

  constructor(private readonly opts: ConsumerOptions) {}

  get activeTasks(): number {
    return this.inFlight;
  }

  /** When the loop last completed a receive call (ms since epoch); for the health check. */
  get lastPoll(): number {
    return this.lastPollAt;
  }

  get isRunning(): boolean {
    return this.pollers.length > 0 && !this.stopping;
  }

  start(): void {
    if (this.pollers.length > 0) return;
    // Enough pollers that refill keeps up at high concurrency (each asks for at most 10 messages).
    const count = Math.max(1, Math.min(5, Math.ceil(this.opts.concurrency / 10)));
    for (let i = 0; i < count; i++) this.pollers.push(this.pollLoop(i));
    this.opts.log.info({ concurrency: this.opts.concurrency, pollers: count }, "consumer started");
  }

  private async pollLoop(id: number): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      const free = this.opts.concurrency - this.inFlight - this.reserved;
      if (free <= 0) {
        await Promise.race([this.slotFreed.wait(), this.stopped()]);
        continue;
      }
      const want = Math.min(10, free);
      this.reserved += want;
      let messages: ReceivedMessage[] = [];
      // A signal per receive, tied to stop: the SDK leaves its abort listener on the signal it is given.
      const receiveAbort = new AbortController();
      const onStop = () => receiveAbort.abort();
      this.stopController.signal.addEventListener("abort", onStop, { once: true });
      try {
        messages = await this.opts.queue.receive(this.opts.requestQueueUrl, {
          maxMessages: want,
          waitTimeSeconds: this.opts.waitTimeSeconds,
          visibilityTimeoutSeconds: this.opts.visibilityTimeoutSeconds,
          signal: receiveAbort.signal,
        });
        failures = 0;
        this.lastPollAt = Date.now();
      } catch (err) {
        this.reserved -= want;
        if (this.stopping) break;
        failures++;
        this.opts.metrics?.receiveErrors.inc();
        const backoff = Math.min(30_000, 500 * 2 ** Math.min(6, failures - 1));
        this.opts.log.error({ err: errorSummary(err), poller: id, backoffMs: backoff }, "receive failed");
        await sleep(backoff, this.stopController.signal);
        continue;
      } finally {
        this.stopController.signal.removeEventListener("abort", onStop);
      }
      this.reserved -= want;
      for (const m of messages) {
        if (this.stopping) {
          // Received while shutting down: hand it straight back.
          void this.opts.queue
            .changeVisibility(this.opts.requestQueueUrl, m.receiptHandle, 0)
            .catch((err) => this.opts.log.warn({ err: errorSummary(err) }, "could not release a message"));
          continue;
        }
        this.launch(m);
      }
      if (messages.length === 0 && this.opts.waitTimeSeconds === 0) {
        // Short polling was configured: avoid a busy loop on an empty queue.
        await sleep(1000, this.stopController.signal);
      }
    }
  }

  private stopped(): Promise<void> {
    return new Promise((resolve) => {
      if (this.stopController.signal.aborted) resolve();
      else this.stopController.signal.addEventListener("abort", () => resolve(), { once: true });
    });
  }

  private launch(m: ReceivedMessage): void {
    this.inFlight++;
    this.opts.metrics?.inFlight.set(this.inFlight);
    this.opts.onInFlightChange?.(this.inFlight);
    const abort = new AbortController();
    const key = m.receiptHandle;
    const done = this.handle(m, abort.signal)
      .catch((err) =>
        this.opts.log.error({ err: errorSummary(err), messageId: m.messageId }, "message handling crashed"),
      )
      .finally(() => {
        this.tasks.delete(key);
        this.inFlight--;
        this.opts.metrics?.inFlight.set(this.inFlight);
        this.opts.onInFlightChange?.(this.inFlight);
        this.slotFreed.notify();
      });
    this.tasks.set(key, { abort, done });
  }

  private async handle(m: ReceivedMessage, signal: AbortSignal): Promise<void> {
    const { queue, requestQueueUrl, resultQueueUrl, log } = this.opts;
    const started = Date.now();
    const lease = new Lease({
      queue,
      queueUrl: requestQueueUrl,
      receiptHandle: m.receiptHandle,
      visibilityTimeoutSeconds: this.opts.visibilityTimeoutSeconds,
      intervalSeconds: this.opts.heartbeatIntervalSeconds,
      log,
      onLag: (s) => this.opts.metrics?.heartbeatLag.observe(s),
      onFailure: () => this.opts.metrics?.heartbeatFailures.inc(),
    });
    lease.start();
    let outcome: TaskOutcome;
    try {
      outcome = await this.opts.runner.run(m.body, {
        receiveCount: m.receiveCount,
        signal,
        sendProgress: (env) => queue.send(resultQueueUrl, JSON.stringify(env)),
      });
    } finally {
      await lease.stop();
    }
    const seconds = (Date.now() - started) / 1000;
    switch (outcome.kind) {
      case "result": {
        // The result goes out while its record is stored; the request is deleted only after both.
        const [sent] = await Promise.all([this.sendResult(outcome.envelope), outcome.persisted]);
        this.opts.metrics?.duration.observe({ type: outcome.taskType, status: outcome.status }, seconds);
        if (!sent) return; // not deleted: the redelivery replays the stored result
        await queue
          .delete(requestQueueUrl, m.receiptHandle)
          .catch((err) =>
            log.warn(
              { err: errorSummary(err), taskId: outcome.envelope.taskId },
              "could not delete the request",
            ),
          );
        return;
      }
      case "retry":
        this.opts.metrics?.duration.observe({ type: outcome.taskType, status: "RETRY" }, seconds);
        await queue
          .changeVisibility(requestQueueUrl, m.receiptHandle, outcome.delaySeconds)
          .catch((err) =>
            log.warn({ err: errorSummary(err), taskId: outcome.taskId }, "could not schedule the retry"),
          );
        return;
      case "released":
        await queue
          .changeVisibility(requestQueueUrl, m.receiptHandle, 0)
          .catch((err) =>
            log.warn({ err: errorSummary(err), taskId: outcome.taskId }, "could not release the request"),
          );
        return;
      case "poison":
        await this.handlePoison(m, outcome.reason);
        return;
    }
  }

  private async sendResult(envelope: OutgoingEnvelope): Promise<boolean> {
    const body = JSON.stringify(envelope);
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        await this.opts.queue.send(this.opts.resultQueueUrl, body);
        return true;
      } catch (err) {
        this.opts.log.warn(
          { err: errorSummary(err), taskId: envelope.taskId, attempt },
          "sending the result failed",
        );
        await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
      }
    }
    this.opts.log.error({ taskId: envelope.taskId }, "result not sent; the request stays for redelivery");
    return false;
  }

  private async handlePoison(m: ReceivedMessage, reason: string): Promise<void> {
    const { queue, requestQueueUrl, deadLetterQueueUrl, log } = this.opts;
    if (deadLetterQueueUrl) {
      try {
        await queue.send(
          deadLetterQueueUrl,
          JSON.stringify({
            reason,
            messageId: m.messageId,
            receiveCount: m.receiveCount,
            sourceQueue: requestQueueUrl,
            deadLetteredAt: new Date().toISOString(),
            body: m.body,
          }),
        );
        await queue.delete(requestQueueUrl, m.receiptHandle);
        this.opts.metrics?.poison.inc({ action: "dead_lettered" });
        log.error({ messageId: m.messageId, reason }, "unreadable request moved to the dead-letter queue");
        return;
      } catch (err) {
        log.error(
          { err: errorSummary(err), messageId: m.messageId },
          "could not dead-letter an unreadable request",
        );
      }
    }
    // No DLQ (or it failed): leave the message; the queue's redrive policy moves it after maxReceiveCount.
    this.opts.metrics?.poison.inc({ action: "left_for_redrive" });
    log.error(
      { messageId: m.messageId, reason, receiveCount: m.receiveCount },
      "unreadable request left for the queue's redrive policy",
    );
  }

  /**
   * Stop receiving, let running tasks finish until `graceMs`, then abort the rest (their messages are released
   * with visibility 0 and no result is sent). Resolves when every task has settled.
   */
  async stop(graceMs: number): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.stopController.abort();
    this.slotFreed.notify();
    await Promise.allSettled(this.pollers);
    const all = () => Promise.allSettled([...this.tasks.values()].map((t) => t.done));
    const deadline = new Promise<"deadline">((r) => setTimeout(() => r("deadline"), graceMs).unref());
    const first = await Promise.race([all().then(() => "done" as const), deadline]);
    if (first === "deadline" && this.tasks.size > 0) {
      this.opts.log.warn({ tasks: this.tasks.size }, "shutdown deadline reached: releasing running tasks");
      for (const t of this.tasks.values()) t.abort.abort();
      await all();
    }
    this.opts.log.info("consumer stopped");
  }
}
