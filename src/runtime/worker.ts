/**
 * Assembles the SQS worker from configuration: clients, services, the task runner, the consumer, the
 * health/metrics endpoint and ECS scale-in protection. `graphnode-worker worker` calls `startWorker`.
 */
import { routeAiSdkWarnings } from "../ai/llm/index.js";
import type { WorkerConfig } from "../config.js";
import { createChromaVectorStore } from "../infra/chroma.js";
import { closeMongoNodeReaders } from "../infra/mongo.js";
import { createS3Storage } from "../infra/s3Storage.js";
import { createQueueClient, createSqsClient, type QueueClient } from "../infra/sqs.js";
import type { ObjectStorage } from "../infra/storage.js";
import type { VectorStore } from "../infra/vectorStore.js";
import { createHandlerRegistry } from "../tasks/registry.js";
import type { HandlerRegistry, TaskServices } from "../tasks/types.js";
import { SqsConsumer } from "./consumer.js";
import { createCpuPool } from "./cpuPool.js";
import { createEcsProtection } from "./ecsProtection.js";
import { startHealthServer } from "./health.js";
import { errorSummary } from "./lease.js";
import type { Logger } from "./logger.js";
import { createMetrics } from "./metrics.js";
import { createResultRecords } from "./resultRecords.js";
import { TaskRunner } from "./taskRunner.js";

export interface RunningWorker {
  consumer: SqsConsumer;
  healthPort: number;
  /** Graceful stop: no new receives, running tasks finish until the grace period, then are released. */
  stop(): Promise<void>;
}

export interface WorkerDeps {
  handlers?: HandlerRegistry;
  queue?: QueueClient;
  storage?: ObjectStorage;
  vectors?: () => Promise<VectorStore>;
}

export function lazyVectorStore(config: WorkerConfig): () => Promise<VectorStore> {
  let store: Promise<VectorStore> | undefined;
  return () => {
    if (!config.chroma.url) {
      return Promise.reject(new Error("no vector store configured: set CHROMA_URL (or CHROMA_API_URL)"));
    }
    store ??= Promise.resolve(
      createChromaVectorStore({
        url: config.chroma.url,
        ...(config.chroma.tenant ? { tenant: config.chroma.tenant } : {}),
        ...(config.chroma.database ? { database: config.chroma.database } : {}),
        ...(config.chroma.apiKey ? { apiKey: config.chroma.apiKey } : {}),
      }),
    );
    return store;
  };
}

export async function startWorker(
  config: WorkerConfig,
  log: Logger,
  deps: WorkerDeps = {},
): Promise<RunningWorker> {
  // The AI SDK prints provider warnings with console.warn; route them into the JSON logs instead.
  routeAiSdkWarnings((warning) => log.warn({ warning }, "AI SDK warning"));
  const { requestUrl, resultUrl, deadLetterUrl } = config.queues;
  if (!requestUrl || !resultUrl) throw new Error("the request and result queue URLs are required");
  const awsClientConfig = {
    region: config.aws.region,
    ...(config.aws.sqsEndpoint ? { endpoint: config.aws.sqsEndpoint } : {}),
    ...(config.aws.credentials ? { credentials: config.aws.credentials } : {}),
  };
  // Batching sends/deletes pays off only when several tasks finish close together. Adaptive, not a fixed
  // window: a lone send goes out at once, concurrent ones share the next batch call (see sqsBatcher.ts).
  const queue =
    deps.queue ??
    createQueueClient(createSqsClient(awsClientConfig), {
      batchWindowMs: config.loop.concurrency > 1 ? "adaptive" : 0,
    });
  const storage =
    deps.storage ??
    createS3Storage({
      region: config.aws.region,
      ...(config.aws.endpoint ? { endpoint: config.aws.endpoint } : {}),
      forcePathStyle: config.aws.forcePathStyle,
      ...(config.aws.credentials ? { credentials: config.aws.credentials } : {}),
    });
  const metrics = createMetrics();
  const cpu = createCpuPool({
    threads: config.cpuPoolSize,
    idleTimeoutMs: config.cpuPoolIdleMs,
    onError: (err) => log.error({ err: errorSummary(err) }, "CPU pool thread failed outside a job"),
  });
  const services: TaskServices = {
    storage,
    payloadBucket: config.payloadBucket,
    vectors: deps.vectors ?? lazyVectorStore(config),
    cpu,
    config,
  };
  const runner = new TaskRunner({
    handlers: deps.handlers ?? createHandlerRegistry(),
    services,
    records: createResultRecords(storage, config.payloadBucket),
    log,
    metrics,
    maxReceiveCount: config.loop.maxReceiveCount,
    retryBaseDelaySeconds: config.loop.retryBaseDelaySeconds,
    retryMaxDelaySeconds: config.loop.retryMaxDelaySeconds,
    progressMinIntervalMs: config.progressMinIntervalMs,
  });
  const protection = createEcsProtection({ agentUri: config.ecsAgentUri, log });
  const consumer = new SqsConsumer({
    queue,
    requestQueueUrl: requestUrl,
    resultQueueUrl: resultUrl,
    ...(deadLetterUrl ? { deadLetterQueueUrl: deadLetterUrl } : {}),
    runner,
    log,
    metrics,
    concurrency: config.loop.concurrency,
    waitTimeSeconds: config.loop.waitTimeSeconds,
    visibilityTimeoutSeconds: config.loop.visibilityTimeoutSeconds,
    heartbeatIntervalSeconds: config.loop.heartbeatIntervalSeconds,
    maxTasksPerUser: config.loop.maxTasksPerUser,
    requeueBelowReceiveCount: config.loop.maxReceiveCount,
    onInFlightChange: (n) => protection.update(n),
  });
  const startedAt = Date.now();
  let stopping = false;
  const wedgedAfterMs = (config.loop.waitTimeSeconds + 60) * 1000;
  // HTTP_PORT=0 picks a free port (tests run several workers side by side).
  const health = await startHealthServer({
    port: config.http.port,
    host: config.http.host,
    registry: metrics.registry,
    state: {
      live: () => {
        const last = consumer.lastPoll || startedAt;
        // Busy at full concurrency is not wedged; an idle loop that stopped polling is.
        return (
          stopping || consumer.activeTasks >= config.loop.concurrency || Date.now() - last < wedgedAfterMs
        );
      },
      ready: () => !stopping && consumer.isRunning,
    },
  });
  consumer.start();
  return {
    consumer,
    healthPort: health.port,
    async stop() {
      if (stopping) return;
      stopping = true;
      await consumer.stop(config.loop.shutdownGraceSeconds * 1000);
      protection.update(0);
      await protection.flush();
      await cpu.close();
      await closeMongoNodeReaders();
      await health.close();
      metrics.stop();
    },
  };
}

/** SIGTERM/SIGINT: stop receiving, finish or release running tasks, then exit 0. Shared by the CLI and tests. */
export function stopOnSignals(worker: RunningWorker, log: Logger): void {
  let stopping = false;
  const onSignal = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down: no new tasks, finishing or releasing running ones");
    worker
      .stop()
      .then(() => {
        log.info("shutdown complete");
        log.flush();
        setTimeout(() => process.exit(0), 50);
      })
      .catch((err) => {
        log.error({ err: String(err) }, "shutdown failed");
        log.flush();
        setTimeout(() => process.exit(1), 50);
      });
  };
  process.on("SIGTERM", () => onSignal("SIGTERM"));
  process.on("SIGINT", () => onSignal("SIGINT"));
}
