/**
 * The transport-independent core of the worker: one request body in, one outcome out.
 *
 * Outcomes:
 *  - `result`: the one final result envelope to send (COMPLETED, or FAILED with a short error and an errorCode).
 *    Its record is being stored for idempotency (`persisted`); the transport sends only once that settled, so
 *    a redelivery finds the result and re-sends it without recomputing.
 *  - `retry`: a transient failure with receives left; the transport hides the message for `delaySeconds`.
 *  - `released`: the worker is shutting down; the transport makes the message visible again, no result.
 *  - `poison`: the body has no readable taskId/taskType; the transport dead-letters or leaves it to redrive.
 *
 * Used by the SQS consumer (consumer.ts) and by the one-shot `graphnode-worker run` command.
 */

import { errorDetail } from "../contract/errorDetail.js";
import type { ErrorCode } from "../contract/errors.js";
import {
  buildFailedPayload,
  parseEnvelope,
  requestPayloadSchemas,
  resultPayloadSchemas,
} from "../contract/index.js";
import {
  canonicalRequestType,
  isRequestTaskType,
  RESULT_TYPE_FOR,
  type RequestTaskType,
} from "../contract/taskTypes.js";
import { noProgress } from "../pipelines/progress.js";
import type { HandlerRegistry, TaskServices } from "../tasks/types.js";
import { classifyError, retryDelaySeconds } from "./classify.js";
import { errorSummary } from "./lease.js";
import type { Logger } from "./logger.js";
import type { WorkerMetrics } from "./metrics.js";
import { createProgressReporter, type ProgressPayload } from "./progress.js";
import { deliveredFor, type ResultRecord, type ResultRecords, withDelivery } from "./resultRecords.js";

export interface OutgoingEnvelope {
  taskId: string;
  taskType: string;
  payload: Record<string, unknown>;
  timestamp: string;
}

export type TaskOutcome =
  | {
      kind: "result";
      envelope: OutgoingEnvelope;
      status: "COMPLETED" | "FAILED";
      code?: ErrorCode;
      replayed: boolean;
      taskType: string;
      /**
       * The result was already sent for this very SQS message (a redelivery after a kill between the send and
       * the delete): the transport deletes the request without sending it again.
       */
      alreadyDelivered?: boolean;
      /**
       * Settles once the result record is stored (a failed write is logged, and settles too). The transport
       * must not send the result before: the record is what a redelivery is answered from. Started as soon
       * as the result is known, so the write needs no task slot.
       */
      persisted?: Promise<void>;
      /**
       * Records that the result was sent for this message (see resultRecords.ts). Called by the transport
       * after a successful send, beside the delete; never throws.
       */
      markDelivered?: () => Promise<void>;
    }
  | { kind: "retry"; delaySeconds: number; code: ErrorCode; taskType: string; taskId: string }
  | { kind: "released"; taskType: string; taskId: string }
  | { kind: "poison"; reason: string };

export interface RunMeta {
  receiveCount: number;
  /** The SQS messageId of this delivery (stable across redeliveries of the same message). */
  messageId?: string;
  /** Aborted when the task must be given up (shutdown deadline). */
  signal: AbortSignal;
  /** Sends one progress envelope (GRAPH_GENERATION_PROGRESS). */
  sendProgress?: (envelope: OutgoingEnvelope) => Promise<void>;
}

export interface TaskRunnerOptions {
  handlers: HandlerRegistry;
  services: TaskServices;
  records: ResultRecords;
  log: Logger;
  metrics?: WorkerMetrics;
  maxReceiveCount: number;
  retryBaseDelaySeconds: number;
  retryMaxDelaySeconds: number;
  progressMinIntervalMs: number;
}

/** A real ISO-8601 UTC timestamp that never goes backwards within this process (the FE keeps the newest). */
let lastStamp = 0;
export function monotonicTimestamp(): string {
  const now = Math.max(Date.now(), lastStamp + 1);
  lastStamp = now;
  return new Date(now).toISOString();
}

function userIdOf(payload: unknown): string | undefined {
  if (!payload || typeof payload !== "object") return undefined;
  const p = payload as Record<string, unknown>;
  const v = p.userId ?? p.user_id;
  return typeof v === "string" ? v : undefined;
}

export class TaskRunner {
  /** taskIds running in this process: a duplicate waits for the first, then is answered from its record. */
  private readonly running = new Map<string, Promise<unknown>>();
  /** The last results produced in this process (bounded), so a duplicate here costs no storage round trip. */
  private readonly recent = new Map<string, ResultRecord>();

  constructor(private readonly opts: TaskRunnerOptions) {}

  async run(body: string, meta: RunMeta): Promise<TaskOutcome> {
    const parsed = parseEnvelope(body);
    if (!parsed.ok && (parsed.taskId === undefined || parsed.taskType === undefined)) {
      return { kind: "poison", reason: parsed.reason };
    }
    const taskId = parsed.ok ? parsed.envelope.taskId : (parsed.taskId as string);
    const taskType = parsed.ok ? parsed.envelope.taskType : (parsed.taskType as string);
    const rawPayload: unknown = parsed.ok ? parsed.envelope.payload : undefined;

    const previous = this.running.get(taskId);
    if (previous) await previous.catch(() => undefined);
    const work = this.runOnce(
      taskId,
      taskType,
      rawPayload,
      parsed.ok ? undefined : parsed.reason,
      meta,
      Boolean(previous),
    );
    this.running.set(taskId, work);
    try {
      const outcome = await work;
      const messageId = meta.messageId;
      if (outcome.kind === "result" && !outcome.alreadyDelivered && messageId) {
        outcome.markDelivered = () => this.markDelivered(taskId, messageId);
      }
      return outcome;
    } finally {
      if (this.running.get(taskId) === work) this.running.delete(taskId);
    }
  }

  private async runOnce(
    taskId: string,
    taskType: string,
    rawPayload: unknown,
    envelopeProblem: string | undefined,
    meta: RunMeta,
    hadTwin: boolean,
  ): Promise<TaskOutcome> {
    const userId = userIdOf(rawPayload);
    const log = this.opts.log.child({ taskId, taskType, ...(userId ? { userId } : {}) });
    this.opts.metrics?.received.inc({ type: taskType });

    if (!isRequestTaskType(taskType)) {
      log.warn("unsupported task type");
      return this.finish(log, taskId, taskType, this.unknownTypeFailure(taskType, rawPayload));
    }
    if (envelopeProblem !== undefined) {
      return this.fail(
        log,
        taskId,
        taskType,
        rawPayload,
        "VALIDATION_ERROR",
        `invalid request: ${envelopeProblem}`,
      );
    }

    const schema = requestPayloadSchemas[taskType];
    const validated = schema.safeParse(rawPayload);
    if (!validated.success) {
      const where = validated.error.issues
        .slice(0, 3)
        .map(
          (i: { path: PropertyKey[]; message: string }) =>
            `${i.path.length ? i.path.join(".") : "payload"}: ${i.message}`,
        )
        .join("; ");
      log.warn({ issues: validated.error.issues.slice(0, 10) }, "request payload failed validation");
      return this.fail(
        log,
        taskId,
        taskType,
        rawPayload,
        "VALIDATION_ERROR",
        `invalid request payload (${where})`,
      );
    }

    // Idempotency: a request whose final result was already produced is answered again from the record.
    // The stored record is looked up for redeliveries (receive count > 1) and for a twin that just ran in this
    // process; a first delivery skips that round trip (a concurrent duplicate on another worker could not be
    // caught by it anyway, since neither run has finished).
    try {
      const record =
        this.recent.get(taskId) ??
        (meta.receiveCount > 1 || hadTwin ? await this.opts.records.get(taskId) : null);
      if (record) {
        this.remember(record);
        const delivered = deliveredFor(record, meta.messageId);
        if (delivered) {
          log.info("redelivery of a request whose result was already sent: deleting it without a resend");
        } else {
          log.info("replaying the stored result of an earlier delivery");
          this.opts.metrics?.replayed.inc({ type: taskType });
        }
        return {
          kind: "result",
          envelope: {
            taskId,
            taskType: record.resultType,
            payload: record.payload,
            timestamp: monotonicTimestamp(),
          },
          status: record.payload.status === "FAILED" ? "FAILED" : "COMPLETED",
          replayed: true,
          ...(delivered ? { alreadyDelivered: true } : {}),
          taskType,
        };
      }
    } catch (err) {
      return this.onError(log, taskId, taskType, rawPayload, err, meta);
    }

    const handler = this.opts.handlers.get(canonicalRequestType(taskType));
    if (!handler) {
      return this.fail(
        log,
        taskId,
        taskType,
        rawPayload,
        "NOT_IMPLEMENTED",
        `${taskType} is not supported by this worker`,
      );
    }

    const reporter =
      taskType === "GRAPH_GENERATION_REQUEST" && meta.sendProgress
        ? createProgressReporter({
            userId: userId ?? "",
            minIntervalMs: this.opts.progressMinIntervalMs,
            send: async (p: ProgressPayload) =>
              meta.sendProgress?.({
                taskId,
                taskType: "GRAPH_GENERATION_PROGRESS",
                payload: { ...p },
                timestamp: monotonicTimestamp(),
              }),
            onError: (err) => log.warn({ err: errorSummary(err) }, "progress message not sent"),
            log,
          })
        : undefined;

    const started = Date.now();
    log.info({ receiveCount: meta.receiveCount }, "task started");
    try {
      // A handler that does not honour the signal quickly must not hold up shutdown: the abort wins the race.
      const result = await Promise.race([
        handler.run(validated.data, {
          taskId,
          taskType,
          receiveCount: meta.receiveCount,
          maxReceiveCount: this.opts.maxReceiveCount,
          signal: meta.signal,
          log,
          progress: reporter ?? noProgress,
          services: this.opts.services,
        }),
        rejectOnAbort(meta.signal),
      ]);
      await reporter?.close();
      if (meta.signal.aborted) return this.released(log, taskId, taskType);
      const resultType = RESULT_TYPE_FOR[taskType];
      const checked = resultPayloadSchemas[resultType].safeParse(result);
      if (!checked.success) {
        log.error(
          { issues: checked.error.issues.slice(0, 10) },
          "handler produced a result that breaks the contract",
        );
        return this.fail(
          log,
          taskId,
          taskType,
          rawPayload,
          "INTERNAL_ERROR",
          "the worker produced an invalid result",
        );
      }
      log.info({ ms: Date.now() - started }, "task completed");
      return this.finish(log, taskId, taskType, {
        resultType,
        payload: result as Record<string, unknown>,
        status: "COMPLETED",
      });
    } catch (err) {
      await reporter?.close();
      return this.onError(log, taskId, taskType, rawPayload, err, meta);
    }
  }

  private async onError(
    log: Logger,
    taskId: string,
    taskType: RequestTaskType,
    rawPayload: unknown,
    err: unknown,
    meta: RunMeta,
  ): Promise<TaskOutcome> {
    if (meta.signal.aborted) return this.released(log, taskId, taskType);
    const c = classifyError(err);
    // An internal error's result says only "internal error": its log line carries the real cause and stack.
    log.warn(
      {
        err: c.code === "INTERNAL_ERROR" ? errorDetail(err) : errorSummary(err),
        kind: c.kind,
        code: c.code,
        receiveCount: meta.receiveCount,
      },
      "task failed",
    );
    if (c.kind === "transient") {
      if (meta.receiveCount < this.opts.maxReceiveCount) {
        const delaySeconds = retryDelaySeconds(
          meta.receiveCount,
          this.opts.retryBaseDelaySeconds,
          this.opts.retryMaxDelaySeconds,
        );
        this.opts.metrics?.retried.inc({ type: taskType, code: c.code });
        log.info({ delaySeconds }, "transient failure: leaving the request for redelivery");
        return { kind: "retry", delaySeconds, code: c.code, taskType, taskId };
      }
      return this.fail(
        log,
        taskId,
        taskType,
        rawPayload,
        c.code,
        `${c.message} (gave up after ${meta.receiveCount} attempts)`,
      );
    }
    return this.fail(log, taskId, taskType, rawPayload, c.code, c.message);
  }

  private released(log: Logger, taskId: string, taskType: string): TaskOutcome {
    log.info("task released for another worker (shutdown)");
    this.opts.metrics?.released.inc({ type: taskType });
    return { kind: "released", taskType, taskId };
  }

  private fail(
    log: Logger,
    taskId: string,
    taskType: RequestTaskType,
    rawPayload: unknown,
    code: ErrorCode,
    message: string,
  ): Promise<TaskOutcome> {
    const failed = buildFailedPayload(taskType, rawPayload, message, code);
    return this.finish(log, taskId, taskType, {
      resultType: failed.taskType,
      payload: failed.payload as Record<string, unknown>,
      status: "FAILED",
      code,
    });
  }

  private unknownTypeFailure(taskType: string, rawPayload: unknown) {
    // No result type exists for an unknown request; answer on the name the backend would pair with it.
    const resultType = taskType.endsWith("_REQUEST")
      ? taskType.replace(/_REQUEST$/, "_RESULT")
      : `${taskType}_RESULT`;
    const microscope = taskType.startsWith("MICROSCOPE_");
    const p = (rawPayload && typeof rawPayload === "object" ? rawPayload : {}) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === "string" ? v : "");
    const error = `unsupported task type: ${taskType.slice(0, 80)}`;
    const payload = microscope
      ? {
          user_id: str(p.user_id),
          group_id: str(p.group_id),
          status: "FAILED",
          error,
          errorCode: "UNKNOWN_TASK_TYPE",
        }
      : { userId: str(p.userId ?? p.user_id), status: "FAILED", error, errorCode: "UNKNOWN_TASK_TYPE" };
    return { resultType, payload, status: "FAILED" as const, code: "UNKNOWN_TASK_TYPE" as const };
  }

  private async finish(
    log: Logger,
    taskId: string,
    taskType: string,
    r: {
      resultType: string;
      payload: Record<string, unknown>;
      status: "COMPLETED" | "FAILED";
      code?: ErrorCode;
    },
  ): Promise<TaskOutcome> {
    // Stored before it is sent (the transport awaits `persisted` before the send): if the send or the delete
    // fails, or the worker dies in between, the redelivery finds this same result. Should the write fail the
    // result still goes out; a redelivery would then recompute it.
    const record: ResultRecord = {
      taskId,
      taskType,
      resultType: r.resultType,
      payload: r.payload,
      completedAt: new Date().toISOString(),
    };
    this.remember(record);
    const persisted = this.opts.records
      .put(record)
      .catch((err) => log.warn({ err: errorSummary(err) }, "could not store the result record"));
    if (r.status === "COMPLETED") this.opts.metrics?.completed.inc({ type: taskType });
    else this.opts.metrics?.failed.inc({ type: taskType, code: r.code ?? "INTERNAL_ERROR" });
    return {
      kind: "result",
      envelope: { taskId, taskType: r.resultType, payload: r.payload, timestamp: monotonicTimestamp() },
      status: r.status,
      ...(r.code ? { code: r.code } : {}),
      replayed: false,
      taskType,
      persisted,
    };
  }

  private remember(record: ResultRecord): void {
    this.recent.delete(record.taskId);
    this.recent.set(record.taskId, record);
    if (this.recent.size > 2000) this.recent.delete(this.recent.keys().next().value as string);
  }

  /** After the result was sent for `messageId`: the record says so, for a redelivery of that message. */
  private async markDelivered(taskId: string, messageId: string): Promise<void> {
    const record = this.recent.get(taskId);
    if (!record) return;
    const updated = withDelivery(record, messageId);
    this.remember(updated);
    await this.opts.records
      .put(updated)
      .catch((err) =>
        this.opts.log.warn({ err: errorSummary(err), taskId }, "could not record the result's delivery"),
      );
  }
}

function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const fire = () => reject(new Error("task aborted"));
    if (signal.aborted) fire();
    else signal.addEventListener("abort", fire, { once: true });
  });
}
