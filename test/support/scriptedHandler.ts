/**
 * A test handler for GRAPH_GENERATION_REQUEST whose behaviour is scripted by an extra `test` field in the
 * payload (inputs tolerate unknown fields): sleep, read an input object through the worker's storage (so
 * storage faults surface as they would in a real handler), report progress, spin on the CPU pool, fail. Every
 * run leaves a marker object `runs/<taskId>/<pid>-<n>` in the bucket when it starts and `done/<taskId>/<pid>-<n>`
 * when it completes, so tests can count how often a task really ran (and ran to completion), across processes.
 */
import { randomUUID } from "node:crypto";
import { terminal, transient } from "../../src/contract/errors.js";
import type { TaskHandler } from "../../src/tasks/types.js";

export interface Script {
  sleepMs?: number;
  readKey?: string;
  progress?: boolean;
  /** Ignore the abort signal (to check the runtime does not wait for a handler that never yields). */
  ignoreAbort?: boolean;
  /** CPU-bound work of this many ms on the worker's thread pool (the `spin` job). */
  cpuMs?: number;
  /** Throw a terminal error (answered FAILED/INVALID_INPUT). */
  failTerminal?: boolean;
  /** Throw a transient error on the first N runs of this taskId (counted by the run markers). */
  failTransientTimes?: number;
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
      if (script.cpuMs) await ctx.services.cpu.run("spin", { ms: script.cpuMs }, { signal: ctx.signal });
      // Failures come after the work, as a throttled call at the end of a real task would.
      if (script.failTransientTimes) {
        const runs = await storage.list(payloadBucket, `runs/${ctx.taskId}/`);
        if (runs.length <= script.failTransientTimes) {
          throw transient("STORAGE_ERROR", `scripted transient failure (run ${runs.length})`);
        }
      }
      if (script.failTerminal) throw terminal("INVALID_INPUT", "scripted terminal failure");
      const resultS3Key = `results/macro/${p.userId}/${ctx.taskId}/graph.json`;
      await storage.putJson(payloadBucket, resultS3Key, { nodes: [], edges: [], metadata: {} });
      await storage.putJson(payloadBucket, `done/${ctx.taskId}/${process.pid}-${randomUUID()}`, {
        receiveCount: ctx.receiveCount,
      });
      return { userId: p.userId, status: "COMPLETED", resultS3Key, summaryIncluded: false };
    },
  };
}
