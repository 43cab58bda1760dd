/**
 * What a task handler is and what it gets. A handler turns one validated request payload into the
 * COMPLETED result payload for it (inputs fetched, pipeline run, outputs stored). Everything else —
 * validation, FAILED results, retries, leases, idempotency — is the runtime's job.
 */
import type { WorkerConfig } from "../config.js";
import type { RequestTaskType } from "../contract/taskTypes.js";
import type { ObjectStorage } from "../infra/storage.js";
import type { VectorStore } from "../infra/vectorStore.js";
import type { ProgressSink } from "../pipelines/progress.js";
import type { CpuPool } from "../runtime/cpuPool.js";
import type { Logger } from "../runtime/logger.js";

export interface TaskServices {
  storage: ObjectStorage;
  /** The worker's own payload bucket (S3_PAYLOAD_BUCKET); a request's `bucket` field overrides it for inputs. */
  payloadBucket: string;
  /** Opened on first use (the local run mode starts a Chroma server only when a task needs one). */
  vectors: () => Promise<VectorStore>;
  cpu: CpuPool;
  config: WorkerConfig;
}

export interface TaskContext {
  taskId: string;
  taskType: RequestTaskType;
  /** 1 on the first delivery of this request. */
  receiveCount: number;
  /**
   * The receive on which a transient failure becomes FAILED (MAX_RECEIVE_COUNT). Absent when the handler
   * runs outside a queue: then no redelivery follows and every receive is the last (see isLastReceive).
   */
  maxReceiveCount?: number;
  /** Aborted when the worker shuts down past its grace period: stop, release, send nothing. */
  signal: AbortSignal;
  log: Logger;
  /** GRAPH_GENERATION progress; a no-op sink for other task types. */
  progress: ProgressSink;
  services: TaskServices;
}

export type ResultPayload = Record<string, unknown> & { status: "COMPLETED" };

export interface TaskHandler {
  /** The canonical request type (aliases such as ADD_CONVERSATION_REQUEST resolve to it). */
  readonly type: RequestTaskType;
  run(payload: unknown, ctx: TaskContext): Promise<ResultPayload>;
}

export type HandlerRegistry = ReadonlyMap<RequestTaskType, TaskHandler>;
