/**
 * A TaskRunner wired like the worker's (production handlers, a one-thread CPU pool, in-memory result records,
 * a receive budget of 3), whose receives a test runs by hand: `receive(body, n)` is the n-th delivery of a
 * request, so a test sees each outcome (result, retry) directly instead of waiting on queues.
 */
import type { WorkerConfig } from "../../src/config.js";
import type { ObjectStorage } from "../../src/infra/storage.js";
import type { VectorStore } from "../../src/infra/vectorStore.js";
import { createCpuPool } from "../../src/runtime/cpuPool.js";
import { createLogger } from "../../src/runtime/logger.js";
import { createMemoryResultRecords } from "../../src/runtime/resultRecords.js";
import { type TaskOutcome, TaskRunner } from "../../src/runtime/taskRunner.js";
import { lazyVectorStore } from "../../src/runtime/worker.js";
import { createHandlerRegistry } from "../../src/tasks/registry.js";

export const MAX_RECEIVES_BY_HAND = 3;

export interface RunnerByHand {
  receive(body: string, receiveCount: number): Promise<TaskOutcome>;
  close(): Promise<void>;
}

export function runnerByHand(opts: {
  config: WorkerConfig;
  storage: ObjectStorage;
  payloadBucket: string;
  /** Default: the store the worker itself would open from `config`. */
  vectors?: () => Promise<VectorStore>;
}): RunnerByHand {
  const cpu = createCpuPool({ threads: 1 });
  const runner = new TaskRunner({
    handlers: createHandlerRegistry(),
    services: {
      storage: opts.storage,
      payloadBucket: opts.payloadBucket,
      vectors: opts.vectors ?? lazyVectorStore(opts.config),
      cpu,
      config: opts.config,
    },
    records: createMemoryResultRecords(),
    log: createLogger({ level: "silent" }),
    maxReceiveCount: MAX_RECEIVES_BY_HAND,
    retryBaseDelaySeconds: 1,
    retryMaxDelaySeconds: 2,
    progressMinIntervalMs: 0,
  });
  return {
    receive: (body, receiveCount) =>
      runner.run(body, { receiveCount, signal: new AbortController().signal, sendProgress: async () => {} }),
    close: () => cpu.close(),
  };
}
