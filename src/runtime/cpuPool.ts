/**
 * Runs CPU-heavy pipeline jobs on a worker-thread pool (piscina) so the main event loop stays free for
 * polling, heartbeats and health checks. Aborting a job's signal terminates the thread running it.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { MessageChannel } from "node:worker_threads";
import { Piscina } from "piscina";
import { DEFAULT_CPU_POOL_IDLE_MS } from "../config.js";
import { TaskError } from "../contract/errors.js";
import type { CpuJobInput, CpuJobName, CpuJobOutput } from "../pipelines/jobs.js";
import type { GraphStage } from "../pipelines/progress.js";

export interface CpuRunOptions {
  signal?: AbortSignal;
  onProgress?: (stage: GraphStage, done: number, total: number) => void;
  /**
   * Receives what the job streams with `io.send`, in order, before `run` resolves. Each piece is its own
   * message, acknowledged after `onData` returns, so the main thread deserializes one piece per turn.
   */
  onData?: (data: unknown) => void;
}

type PortMessage = { stage: GraphStage; done: number; total: number } | { data: unknown } | { end: true };

export interface CpuPool {
  run<N extends CpuJobName>(job: N, input: CpuJobInput<N>, opts?: CpuRunOptions): Promise<CpuJobOutput<N>>;
  readonly threads: number;
  /** Threads alive now (0 … threads): they start with a job and end after idleTimeoutMs without one. */
  readonly liveThreads: number;
  close(): Promise<void>;
}

/** Resolves the compiled worker entry; under a TypeScript loader (tsx, during development) the .ts source. */
function workerEntry(): { filename: string; execArgv: string[] } {
  const js = fileURLToPath(new URL("./cpuWorker.js", import.meta.url));
  if (existsSync(js)) return { filename: js, execArgv: [] };
  const ts = fileURLToPath(new URL("./cpuWorker.ts", import.meta.url));
  return { filename: ts, execArgv: ["--import", "tsx"] };
}

export interface CpuPoolOptions {
  threads: number;
  /**
   * An idle thread ends after this long (default DEFAULT_CPU_POOL_IDLE_MS). Ending is what gives its heap back:
   * V8 keeps a thread's grown heap (a graph build's peak) committed for as long as the thread lives.
   */
  idleTimeoutMs?: number;
  /**
   * Errors the pool reports outside any job (a thread that dies while idle, e.g. its module failed to load):
   * piscina emits them as 'error' events, and an 'error' event without a listener ends the whole process.
   * Jobs in flight still fail on their own; the next job starts a fresh thread. Default: a process warning.
   */
  onError?: (err: unknown) => void;
}

export function createCpuPool(opts: CpuPoolOptions): CpuPool {
  const entry = workerEntry();
  const pool = new Piscina({
    filename: entry.filename,
    execArgv: entry.execArgv,
    minThreads: 0,
    maxThreads: Math.max(1, opts.threads),
    idleTimeout: opts.idleTimeoutMs ?? DEFAULT_CPU_POOL_IDLE_MS,
    // Pipeline jobs are large; one at a time per thread keeps memory predictable.
    concurrentTasksPerWorker: 1,
  });
  pool.on("error", (err: unknown) => {
    if (opts.onError) opts.onError(err);
    else process.emitWarning(`CPU pool thread error: ${err instanceof Error ? err.message : String(err)}`);
  });
  return {
    threads: Math.max(1, opts.threads),
    get liveThreads() {
      return pool.threads.length;
    },
    async run(job, input, runOpts = {}) {
      const { onProgress, onData } = runOpts;
      const channel = onProgress || onData ? new MessageChannel() : undefined;
      let consumerError: unknown;
      // Settles once the thread's last message is in ("end"), or its side of the port is gone.
      const drained = new Promise<void>((resolve) => {
        if (!channel) return resolve();
        channel.port1.on("close", resolve);
        channel.port1.on("message", (m: PortMessage) => {
          if ("end" in m) return resolve();
          // A throwing callback must not become an uncaught exception of the process: it fails this run, and
          // closing the port stops the job's sends.
          try {
            if ("data" in m) {
              onData?.(m.data);
              channel.port1.postMessage("ack");
            } else onProgress?.(m.stage, m.done, m.total);
          } catch (err) {
            consumerError ??= err;
            channel.port1.close();
          }
        });
      });
      try {
        const output = (await pool.run(
          { job, input, port: channel?.port2, acceptsData: onData !== undefined },
          {
            ...(channel ? { transferList: [channel.port2] } : {}),
            ...(runOpts.signal ? { signal: runOpts.signal } : {}),
          },
        )) as CpuJobOutput<typeof job>;
        await drained;
        if (consumerError !== undefined) throw consumerError;
        return output;
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
