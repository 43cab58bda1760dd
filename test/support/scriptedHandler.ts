/**
 * A test handler for GRAPH_GENERATION_REQUEST whose behaviour is scripted by an extra `test` field in the
 * payload (inputs tolerate unknown fields): sleep, read an input object through the worker's storage (so
 * storage faults surface as they would in a real handler), report progress. Every run leaves a marker object
 * `runs/<taskId>/<pid>-<n>` in the bucket, so tests can count how often a task really ran, across processes.
 */
import { randomUUID } from "node:crypto";
import type { TaskHandler } from "../../src/tasks/types.js";

export interface Script {
  sleepMs?: number;
  readKey?: string;
  progress?: boolean;
  /** Ignore the abort signal (to check the runtime does not wait for a handler that never yields). */
  ignoreAbort?: boolean;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(t);
        reject(new Error("aborted"));
      },
      { once: true },
    );
  });
}

export function scriptedHandler(): TaskHandler {
  return {
    type: "GRAPH_GENERATION_REQUEST",
    async run(payload, ctx) {
      const p = payload as { userId: string; test?: Script };
      const script = p.test ?? {};
      const { storage, payloadBucket } = ctx.services;
      await storage.putJson(payloadBucket, `runs/${ctx.taskId}/${process.pid}-${randomUUID()}`, {
        receiveCount: ctx.receiveCount,
      });
      if (script.readKey) await storage.getJson(payloadBucket, script.readKey, { signal: ctx.signal });
      if (script.progress) ctx.progress.report("embedding", 0, 2);
      if (script.sleepMs) await sleep(script.sleepMs, script.ignoreAbort ? undefined : ctx.signal);
      if (script.progress) ctx.progress.report("embedding", 2, 2);
      const resultS3Key = `results/macro/${p.userId}/${ctx.taskId}/graph.json`;
      await storage.putJson(payloadBucket, resultS3Key, { nodes: [], edges: [], metadata: {} });
      return { userId: p.userId, status: "COMPLETED", resultS3Key, summaryIncluded: false };
    },
  };
}
