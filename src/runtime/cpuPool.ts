/**
 * Runs CPU-heavy pipeline jobs on a worker-thread pool (piscina) so the main event loop stays free for
 * polling, heartbeats and health checks. Aborting a job's signal terminates the thread running it.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { MessageChannel } from "node:worker_threads";
import { Piscina } from "piscina";
import { TaskError } from "../contract/errors.js";
import type { CpuJobInput, CpuJobName, CpuJobOutput } from "../pipelines/jobs.js";
import type { GraphStage } from "../pipelines/progress.js";

export interface CpuRunOptions {
  signal?: AbortSignal;
  onProgress?: (stage: GraphStage, done: number, total: number) => void;
}

export interface CpuPool {
  run<N extends CpuJobName>(job: N, input: CpuJobInput<N>, opts?: CpuRunOptions): Promise<CpuJobOutput<N>>;
  readonly threads: number;
  close(): Promise<void>;
}

/** Resolves the compiled worker entry; under a TypeScript loader (tsx, during development) the .ts source. */
function workerEntry(): { filename: string; execArgv: string[] } {
  const js = fileURLToPath(new URL("./cpuWorker.js", import.meta.url));
  if (existsSync(js)) return { filename: js, execArgv: [] };
  const ts = fileURLToPath(new URL("./cpuWorker.ts", import.meta.url));
  return { filename: ts, execArgv: ["--import", "tsx"] };
}

export function createCpuPool(opts: { threads: number; idleTimeoutMs?: number }): CpuPool {
  const entry = workerEntry();
  const pool = new Piscina({
    filename: entry.filename,
    execArgv: entry.execArgv,
    minThreads: 0,
    maxThreads: Math.max(1, opts.threads),
    idleTimeout: opts.idleTimeoutMs ?? 30_000,
    // Pipeline jobs are large; one at a time per thread keeps memory predictable.
    concurrentTasksPerWorker: 1,
  });
  return {
    threads: Math.max(1, opts.threads),
    async run(job, input, runOpts = {}) {
      const channel = runOpts.onProgress ? new MessageChannel() : undefined;
      if (channel && runOpts.onProgress) {
        const onProgress = runOpts.onProgress;
        channel.port1.on("message", (m: { stage: GraphStage; done: number; total: number }) =>
          onProgress(m.stage, m.done, m.total),
        );
      }
      try {
        return (await pool.run(
          { job, input, port: channel?.port2 },
          {
            ...(channel ? { transferList: [channel.port2] } : {}),
            ...(runOpts.signal ? { signal: runOpts.signal } : {}),
          },
        )) as CpuJobOutput<typeof job>;
      } catch (err) {
        if (runOpts.signal?.aborted) {
          throw new TaskError("INTERNAL_ERROR", "the task was cancelled", { kind: "transient", cause: err });
        }
        throw err;
      } finally {
        channel?.port1.close();
      }
    },
    async close() {
      await pool.destroy();
    },
  };
}
