/**
 * The SQS loop: long polling, batches of up to 10, a concurrency limit with refill (a freed slot triggers a
 * receive; one slow task never holds back the others), a lease per message, and graceful shutdown.
 *
 * Results, at most once where the worker can know: the runner stores the result record first; then the result
 * is sent; right after the send the request is deleted and, beside the delete (not before it), the record is
 * marked as delivered for this messageId. A redelivery of a message whose result was delivered (a kill or a
 * failed delete between the send and the delete) is deleted without a second send. The slot frees once the
 * handler returned; storing the record, the send, the delete and the marker finish in the background, in that
 * order (awaited by `stop`). When the result
 * queue is FIFO (`.fifo`), results carry a MessageDeduplicationId derived from the taskId and result type and
 * the user as MessageGroupId, so even a resend inside SQS's 5-minute window is dropped (exactly once).
 * Poison bodies go to the dead-letter queue when one is configured, else they are left to the queue's redrive
 * policy (logged and counted).
 *
 * Fair use between users (`maxTasksPerUser`) is work-conserving: a message whose user already has that many
 * tasks running is deferred only while another user's work is waiting here (held, or further on in the batch
 * just received) and that user is under the cap itself; otherwise it takes any free slot, so idle slots never
 * wait. While some user is at the cap, receives ask for a full batch (to see other users' work behind that
 * user's backlog); what the free slots cannot take is deferred, never failed. Deferring must not look like a receive, or one user's backlog would burn its own
 * retry budget (MAX_RECEIVE_COUNT) and, worse, the queue's redrive policy would move deferred requests to the
 * DLQ, leaving the backend waiting forever. ChangeMessageVisibility cannot do that (every re-receive raises
 * ApproximateReceiveCount), so a deferred message is, in order of preference:
 *  1. held here, leased by the same heartbeat as a running task, until its user drops under the cap (no
 *     receive happens at all); at most `holdLimit` messages, so one worker does not hoard a backlog that
 *     other workers could run;
 *  2. beyond that, requeued: a copy of the body is sent to the request queue with a short DelaySeconds (and
 *     the same MessageGroupId, for SQS fair queues), then the original is deleted. The copy starts again at
 *     receive count 1 and carries the receives it had before (PRIOR_RECEIVES_ATTRIBUTE), so the worker's
 *     effective count is unchanged and the redrive policy never sees a deferral. It also goes behind the
 *     other users' messages, which is what lets this worker reach them past a deep single-user backlog.
 *     Should the send fail (e.g. no sqs:SendMessage on the request queue), the message is held instead.
 * When a receive brings only deferred messages, the next receive asks for 10 (to look further down the
 * queue) after a short backoff that grows while nothing else turns up, which bounds the requeue traffic of a
 * lone user's backlog. With the cap off (WORKER_MAX_TASKS_PER_USER=0) nothing of this ever triggers.
 */
import { createHash, randomUUID } from "node:crypto";
import type { QueueClient, ReceivedMessage } from "../infra/sqs.js";
import {
  effectiveReceiveCount,
  PRIOR_RECEIVES_ATTRIBUTE,
  UNKNOWN_USER,
  UserSlots,
  userOfBody,
} from "./fairness.js";
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
  /** At most this many tasks of one user at once (default: `concurrency`, i.e. no cap). */
  maxTasksPerUser?: number;
  /** At most this many deferred messages held here; more are requeued (default: `concurrency`). */
  holdLimit?: number;
  /** How long a requeued copy stays hidden (default 3 s). */
  requeueDelaySeconds?: number;
  /**
   * A message whose effective receive count has reached this is held rather than requeued, so a request that
   * keeps crashing its worker still reaches the queue's redrive policy (default: never).
   */
  requeueBelowReceiveCount?: number;
  /** Called with the number of tasks in flight whenever it changes (ECS scale-in protection). */
  onInFlightChange?: (inFlight: number) => void;
}

interface HeldMessage {
  m: ReceivedMessage;
  lease: Lease;
}

const SCAN_BACKOFF_FIRST_MS = 250;
/**
 * A delete unconfirmed after this long gets the delivery marker (see `handle`). Not shorter: on a saturated
 * SQS/S3 (bench:queue at concurrency 50 on a loaded machine, deletes at 130 ms p50) a short grace wrote a
 * marker for most messages, doubling the S3 writes exactly when the store was slowest, while a marker that
 * lands together with the delete protects nothing. A failed delete gets the marker at once.
 */
const DELIVERY_MARK_GRACE_MS = 1000;

/** True when `done` resolved true within `ms`; false when it resolved false or took longer. */
function confirmedWithin(done: Promise<boolean>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    timer.unref();
    void done.then((ok) => {
      clearTimeout(timer);
      resolve(ok);
    });
  });
}
const SCAN_BACKOFF_MAX_MS = 4000;

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

/** Waits `ms`, or less when `signal` aborts or `wake` settles; true when the full time passed. */
function sleep(ms: number, signal: AbortSignal, wake?: Promise<void>): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const t = setTimeout(() => done(true), ms);
    const onAbort = () => done(false);
    function done(full: boolean) {
      clearTimeout(t);
      signal.removeEventListener("abort", onAbort);
      resolve(full);
    }
    signal.addEventListener("abort", onAbort, { once: true });
    void wake?.then(() => done(false));
  });
}

/** SQS's charset for MessageGroupId and MessageDeduplicationId: 1-128 of alphanumeric and punctuation. */
const SQS_ID = /^[!-~]{1,128}$/;

/** A valid MessageGroupId for `value`: itself when SQS accepts it, else a hash of it. */
export function groupId(value: string): string {
  return SQS_ID.test(value) ? value : createHash("sha256").update(value).digest("hex");
}

/** FIFO result queues: the user's group (one order per user), or undefined when the request has no user. */
function resultGroupId(body: string): string | undefined {
  const user = userOfBody(body);
  return user === UNKNOWN_USER ? undefined : groupId(user);
}

/**
 * FIFO result queues: the same final result (taskId and result type) always gets the same id, so SQS drops a
 * resend within its 5-minute deduplication window. A hash: taskIds are free-form, the id allows 128 chars.
 */
export function resultDeduplicationId(taskId: string, resultType: string): string {
  return createHash("sha256").update(`${taskId}\n${resultType}`).digest("hex");
}

export class SqsConsumer {
  private inFlight = 0;
  private reserved = 0;
  private stopping = false;
  private readonly stopController = new AbortController();
  /**
   * Settles on stop. One promise for every wait: a listener added per wait (and never removed when the other
   * side of the race won) piled up on the stop signal, MaxListenersExceededWarning after 11 waits.
   */
  private readonly stoppedPromise: Promise<void>;
  private readonly slotFreed = new Signal();
  private readonly tasks = new Map<string, { abort: AbortController; done: Promise<void> }>();
  private pollers: Promise<void>[] = [];
  private lastPollAt = 0;
  private readonly slots: UserSlots<HeldMessage>;
  private readonly holdLimit: number;
  private readonly requeues = new Set<Promise<void>>();
  /** The last receives brought only deferred messages: the wait before looking further down the queue. */
  private scanBackoffMs = 0;
  /** The next receive asks for a full batch (a scan past one user's backlog). */
  private scanWide = false;
  /** Per user, messages of the batch being placed that are not placed yet (work seen in the last receive). */
  private readonly unplaced = new Map<string, number>();
  /** Deletes and delivery markers still running after their slot was freed; `stop` waits for them. */
  private readonly tails = new Set<Promise<unknown>>();
  private readonly fifoResults: boolean;
  /** A task started over the cap since the last receive (its user's backlog may hide other users' work). */
  private ranOverCap = false;

  constructor(private readonly opts: ConsumerOptions) {
    const cap = Math.max(1, Math.min(opts.concurrency, opts.maxTasksPerUser ?? opts.concurrency));
    this.slots = new UserSlots<HeldMessage>(cap);
    this.holdLimit = Math.max(0, opts.holdLimit ?? opts.concurrency);
    this.fifoResults = opts.resultQueueUrl.endsWith(".fifo");
    const signal = this.stopController.signal;
    this.stoppedPromise = new Promise((resolve) =>
      signal.addEventListener("abort", () => resolve(), { once: true }),
    );
  }

  /** Listeners on the stop signal (a test checks waits do not accumulate them). */
  get stopSignalForTests(): AbortSignal {
    return this.stopController.signal;
  }

  /** Deferred messages waiting in this process (for tests and metrics). */
  get heldMessages(): number {
    return this.slots.held;
  }

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
    this.opts.log.info(
      { concurrency: this.opts.concurrency, maxTasksPerUser: this.slots.cap, pollers: count },
      "consumer started",
    );
  }

  private async pollLoop(id: number): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      // Results still being sent take no slot, unless more of them are under way than there are slots.
      const sending = Math.max(0, this.tails.size - this.opts.concurrency);
      const free = this.opts.concurrency - this.inFlight - this.reserved - sending;
      if (free <= 0) {
        await Promise.race([this.slotFreed.wait(), this.stopped()]);
        continue;
      }
      // Slots this receive may fill. A scan (see below) asks for a full batch anyway, to look further down.
      const budget = Math.min(10, free);
      // While a user is at the cap, or went over it since the last receive (its tasks may have just ended
      // together), look at a full batch: other users' work may sit behind that user's backlog.
      const want = this.scanWide || this.ranOverCap || this.slots.anyAtCap() ? 10 : budget;
      this.scanWide = false;
      this.ranOverCap = false;
      this.reserved += budget;
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
        this.reserved -= budget;
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
      this.reserved -= budget;
      let started = 0;
      const users = messages.map((m) => userOfBody(m.body));
      for (const u of users) this.unplaced.set(u, (this.unplaced.get(u) ?? 0) + 1);
      messages.forEach((m, i) => {
        const user = users[i] as string;
        const left = (this.unplaced.get(user) ?? 1) - 1;
        if (left > 0) this.unplaced.set(user, left);
        else this.unplaced.delete(user);
        if (this.stopping) {
          // Received while shutting down: hand it straight back.
          this.release(m.receiptHandle);
          return;
        }
        if (this.place(m, user)) started++;
      });
      this.startHeld();
      if (messages.length > 0 && started === 0) {
        // Only deferred messages: other users' work may sit further down the queue. Look again, with a full
        // batch, after a backoff that grows while nothing else turns up; a freed slot ends the wait early
        // (then the receive asks only for what the free slots can take, which bounds the requeues per
        // finished task).
        this.scanBackoffMs = Math.min(
          SCAN_BACKOFF_MAX_MS,
          this.scanBackoffMs > 0 ? this.scanBackoffMs * 2 : SCAN_BACKOFF_FIRST_MS,
        );
        this.scanWide = await sleep(this.scanBackoffMs, this.stopController.signal, this.slotFreed.wait());
        continue;
      }
      this.scanBackoffMs = 0;
      if (messages.length === 0 && this.opts.waitTimeSeconds === 0) {
        // Short polling was configured: avoid a busy loop on an empty queue.
        await sleep(1000, this.stopController.signal);
      }
    }
  }

  /**
   * True while another user's work waits in this process (held, or not yet placed from the batch just
   * received) and that user is under the cap, i.e. would take a slot `user` is over the cap for.
   */
  private othersWaiting(user: string): boolean {
    for (const other of this.unplaced.keys()) if (other !== user && this.slots.canRun(other)) return true;
    return this.slots.heldByOtherUnderCap(user);
  }

  /** Work-conserving cap: over the cap only while someone else waits for the slot. */
  private mayStart(user: string): boolean {
    return this.slots.canRun(user) || !this.othersWaiting(user);
  }

  /** Runs a received message now, or defers it (held or requeued). True when it started. */
  private place(m: ReceivedMessage, user: string): boolean {
    if (this.inFlight < this.opts.concurrency && this.mayStart(user)) {
      this.launch(m, user);
      return true;
    }
    const receives = effectiveReceiveCount(m);
    const requeueable =
      this.slots.held >= this.holdLimit &&
      !this.opts.requestQueueUrl.endsWith(".fifo") && // FIFO queues take no per-message delay
      receives < (this.opts.requeueBelowReceiveCount ?? Number.POSITIVE_INFINITY);
    if (requeueable) this.requeue(m, user, receives);
    else this.hold(m, user);
    return false;
  }

  private hold(m: ReceivedMessage, user: string): void {
    const lease = this.newLease(m);
    lease.start();
    this.slots.hold(user, { m, lease });
    this.opts.metrics?.deferred.inc({ reason: "held" });
    this.opts.metrics?.held.set(this.slots.held);
    this.opts.log.debug(
      { messageId: m.messageId, user: user === UNKNOWN_USER ? undefined : user },
      "user at its task limit: message held",
    );
  }

  private requeue(m: ReceivedMessage, user: string, receives: number): void {
    const { queue, requestQueueUrl, log } = this.opts;
    const prior = receives - 1; // this receive does not count: the request was not worked on
    const work = (async () => {
      try {
        await queue.send(requestQueueUrl, m.body, {
          delaySeconds: this.opts.requeueDelaySeconds ?? 3,
          ...(m.messageGroupId ? { messageGroupId: m.messageGroupId } : {}),
          ...(prior > 0 ? { numberAttributes: { [PRIOR_RECEIVES_ATTRIBUTE]: prior } } : {}),
        });
      } catch (err) {
        log.warn(
          { err: errorSummary(err), messageId: m.messageId },
          "could not requeue a deferred message (is sqs:SendMessage allowed on the request queue?): holding it",
        );
        if (this.stopping) this.release(m.receiptHandle);
        else {
          this.hold(m, user);
          this.startHeld();
        }
        return;
      }
      this.opts.metrics?.deferred.inc({ reason: "requeued" });
      // Should this delete fail, the original comes back after its visibility timeout beside the copy: a
      // duplicate delivery, which the runtime already tolerates (idempotent by taskId).
      await queue
        .delete(requestQueueUrl, m.receiptHandle)
        .catch((err) =>
          log.warn({ err: errorSummary(err), messageId: m.messageId }, "could not delete a requeued message"),
        );
    })();
    this.requeues.add(work);
    void work.finally(() => this.requeues.delete(work));
  }

  /** Starts held messages whose user is under the cap, while slots are free (not promised to a receive). */
  private startHeld(): void {
    while (!this.stopping && this.inFlight + this.reserved < this.opts.concurrency) {
      // Users under the cap first; then, work-conserving, over-cap users nobody else is waiting behind.
      const next = this.slots.takeRunnable() ?? this.slots.takeRunnable((user) => !this.othersWaiting(user));
      if (!next) break;
      this.opts.metrics?.held.set(this.slots.held);
      this.launch(next.item.m, next.user, next.item.lease);
    }
  }

  private release(receiptHandle: string): void {
    void this.opts.queue
      .changeVisibility(this.opts.requestQueueUrl, receiptHandle, 0)
      .catch((err) => this.opts.log.warn({ err: errorSummary(err) }, "could not release a message"));
  }

  private newLease(m: ReceivedMessage): Lease {
    return new Lease({
      queue: this.opts.queue,
      queueUrl: this.opts.requestQueueUrl,
      receiptHandle: m.receiptHandle,
      visibilityTimeoutSeconds: this.opts.visibilityTimeoutSeconds,
      intervalSeconds: this.opts.heartbeatIntervalSeconds,
      log: this.opts.log,
      onLag: (s) => this.opts.metrics?.heartbeatLag.observe(s),
      onFailure: () => this.opts.metrics?.heartbeatFailures.inc(),
    });
  }

  private stopped(): Promise<void> {
    return this.stoppedPromise;
  }

  private launch(m: ReceivedMessage, user: string, lease?: Lease): void {
    if (!this.slots.canRun(user)) this.ranOverCap = true;
    this.inFlight++;
    this.slots.acquire(user);
    this.opts.metrics?.inFlight.set(this.inFlight);
    this.opts.onInFlightChange?.(this.inFlight);
    const abort = new AbortController();
    const key = m.receiptHandle;
    const done = this.handle(m, abort.signal, lease)
      .catch((err) =>
        this.opts.log.error({ err: errorSummary(err), messageId: m.messageId }, "message handling crashed"),
      )
      .finally(() => {
        this.tasks.delete(key);
        this.inFlight--;
        this.slots.release(user);
        // A held message of a user now under the cap takes the slot before any new receive does.
        this.startHeld();
        this.opts.metrics?.inFlight.set(this.inFlight);
        this.opts.onInFlightChange?.(this.inFlight);
        this.slotFreed.notify();
      });
    this.tasks.set(key, { abort, done });
  }

  private async handle(m: ReceivedMessage, signal: AbortSignal, heldLease?: Lease): Promise<void> {
    const { queue, requestQueueUrl, resultQueueUrl, log } = this.opts;
    const started = Date.now();
    // A message that was held keeps the lease it had while waiting.
    const lease = heldLease ?? this.newLease(m);
    if (!heldLease) lease.start();
    const group = resultGroupId(m.body);
    let outcome: TaskOutcome;
    try {
      outcome = await this.opts.runner.run(m.body, {
        receiveCount: effectiveReceiveCount(m),
        ...(m.messageId ? { messageId: m.messageId } : {}),
        signal,
        sendProgress: (env) =>
          queue.send(
            resultQueueUrl,
            JSON.stringify(env),
            // FIFO: the user's group keeps progress and result in order; every progress message is distinct.
            this.fifoResults
              ? { messageGroupId: group ?? groupId(env.taskId), deduplicationId: randomUUID() }
              : undefined,
          ),
      });
    } finally {
      await lease.stop();
    }
    const seconds = (Date.now() - started) / 1000;
    switch (outcome.kind) {
      case "result": {
        const { envelope } = outcome;
        const deleteRequest = () =>
          queue.delete(requestQueueUrl, m.receiptHandle).then(
            () => true,
            (err) => {
              log.warn({ err: errorSummary(err), taskId: envelope.taskId }, "could not delete the request");
              return false;
            },
          );
        if (outcome.alreadyDelivered) {
          // Answered before (a kill or a failed delete between send and delete): only the delete is missing.
          await deleteRequest();
          return;
        }
        this.opts.metrics?.duration.observe({ type: outcome.taskType, status: outcome.status }, seconds);
        // First the record (its write started when the result was known), then the send, then at once the
        // delete. None of it needs a task slot: the slot frees now and the next task starts while the result
        // is on its way (measured on bench:queue: record PUT and send were a third of a 20 ms task's slot
        // time). `stop` waits for them, and receives pause should more results be under way than slots.
        const { markDelivered, persisted } = outcome;
        const deliver = async () => {
          await persisted;
          const sent = await this.sendResult(envelope, group);
          if (!sent) return; // not deleted: the redelivery replays the stored result
          // The delivery marker goes beside the delete, never before it, once the delete failed or is not
          // confirmed after a short grace: that is when a redelivery (a kill, a lost delete) becomes likely.
          // A delete confirmed within the grace needs no marker, which saves an S3 write per message
          // (measured: half the PUTs of bench:queue, where fauxqs serves S3 and SQS on the same cores).
          const deleted = deleteRequest();
          const marked = markDelivered
            ? confirmedWithin(deleted, DELIVERY_MARK_GRACE_MS).then((ok) =>
                ok ? undefined : markDelivered(),
              )
            : undefined;
          await Promise.all([deleted, marked]);
        };
        this.inBackground(deliver());
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

  /** Work that outlives the task's slot (sending the result, deleting the request); `stop` waits for it. */
  private inBackground(work: Promise<unknown>): void {
    const tracked = work.catch((err) =>
      this.opts.log.error({ err: errorSummary(err) }, "sending or deleting after a task failed"),
    );
    this.tails.add(tracked);
    void tracked.finally(() => {
      this.tails.delete(tracked);
      this.slotFreed.notify();
    });
  }

  private async sendResult(envelope: OutgoingEnvelope, group: string | undefined): Promise<boolean> {
    const body = JSON.stringify(envelope);
    const options = this.fifoResults
      ? {
          messageGroupId: group ?? groupId(envelope.taskId),
          deduplicationId: resultDeduplicationId(envelope.taskId, envelope.taskType),
        }
      : undefined;
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        await this.opts.queue.send(this.opts.resultQueueUrl, body, options);
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
      { messageId: m.messageId, reason, receiveCount: effectiveReceiveCount(m) },
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
    // Deferred messages never started: requeues finish, held ones go straight back to the queue.
    await Promise.allSettled([...this.requeues]);
    const held = this.slots.takeAll();
    this.opts.metrics?.held.set(0);
    await Promise.allSettled(
      held.map(async ({ item }) => {
        await item.lease.stop();
        await this.opts.queue.changeVisibility(this.opts.requestQueueUrl, item.m.receiptHandle, 0);
      }),
    );
    if (held.length > 0) this.opts.log.info({ held: held.length }, "held messages released");
    const all = () => Promise.allSettled([...this.tasks.values()].map((t) => t.done));
    const deadline = new Promise<"deadline">((r) => setTimeout(() => r("deadline"), graceMs).unref());
    const first = await Promise.race([all().then(() => "done" as const), deadline]);
    if (first === "deadline" && this.tasks.size > 0) {
      this.opts.log.warn({ tasks: this.tasks.size }, "shutdown deadline reached: releasing running tasks");
      for (const t of this.tasks.values()) t.abort.abort();
      await all();
    }
    await Promise.allSettled([...this.tails]);
    this.opts.log.info("consumer stopped");
  }
}
