/**
 * One request envelope through the same runner and handlers as the SQS worker, with a directory standing for
 * the payload bucket and a Chroma server (started on first use) keeping its data inside that directory, so
 * later requests (ADD_NODE, microscope questions) see what earlier ones indexed. Used by `graphnode-worker run`.
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { WorkerConfig } from "../config.js";
import { createChromaVectorStore } from "../infra/chroma.js";
import { startChromaServer } from "../infra/chromaServer.js";
import { createFsStorage } from "../infra/fsStorage.js";
import { closeMongoNodeReaders } from "../infra/mongo.js";
import type { VectorStore } from "../infra/vectorStore.js";
import { createHandlerRegistry } from "../tasks/registry.js";
import type { HandlerRegistry } from "../tasks/types.js";
import { createCpuPool } from "./cpuPool.js";
import { errorSummary } from "./lease.js";
import type { Logger } from "./logger.js";
import { createMemoryResultRecords } from "./resultRecords.js";
import { type OutgoingEnvelope, type TaskOutcome, TaskRunner } from "./taskRunner.js";

export interface LocalRunResult {
  outcome: TaskOutcome;
  /** The final result envelope (a transient failure becomes FAILED here: there is no queue to retry on). */
  result: OutgoingEnvelope | null;
}

export async function runEnvelopeLocally(opts: {
  body: string;
  storageDir: string;
  config: WorkerConfig;
  log: Logger;
  onProgress: (envelope: OutgoingEnvelope) => void;
  signal?: AbortSignal;
  handlers?: HandlerRegistry;
}): Promise<LocalRunResult> {
  const root = resolve(opts.storageDir);
  mkdirSync(root, { recursive: true });
  const storage = createFsStorage(root);
  const cpu = createCpuPool({
    threads: opts.config.cpuPoolSize,
    idleTimeoutMs: opts.config.cpuPoolIdleMs,
    onError: (err) => opts.log.error({ err: errorSummary(err) }, "CPU pool thread failed outside a job"),
  });
  let chroma: { url: string; stop(): Promise<void> } | undefined;
  let store: Promise<VectorStore> | undefined;
  const vectors = () => {
    store ??= (async () => {
      if (opts.config.chroma.url) return createChromaVectorStore({ url: opts.config.chroma.url });
      const server = await startChromaServer({ path: join(root, ".chroma") });
      chroma = server;
      return createChromaVectorStore({ url: server.url });
    })();
    return store;
  };
  const runner = new TaskRunner({
    handlers: opts.handlers ?? createHandlerRegistry(),
    services: { storage, payloadBucket: opts.config.payloadBucket, vectors, cpu, config: opts.config },
    // Re-running an envelope by hand should recompute, so results are not replayed across runs.
    records: createMemoryResultRecords(),
    log: opts.log,
    maxReceiveCount: 1,
    retryBaseDelaySeconds: 0,
    retryMaxDelaySeconds: 0,
    progressMinIntervalMs: opts.config.progressMinIntervalMs,
  });
  try {
    const outcome = await runner.run(opts.body, {
      receiveCount: 1,
      signal: opts.signal ?? new AbortController().signal,
      sendProgress: async (env) => opts.onProgress(env),
    });
    return { outcome, result: outcome.kind === "result" ? outcome.envelope : null };
  } finally {
    await cpu.close();
    await closeMongoNodeReaders();
    await chroma?.stop();
  }
}
