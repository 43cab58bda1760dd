/**
 * CPU-heavy pipeline entry points that run on the worker-thread pool (src/runtime/cpuPool.ts), keyed by
 * name. Each job is a pure function of structured-cloneable input; progress goes out through `io`.
 * Keep this the only list: the thread entry (src/runtime/cpuWorker.ts) dispatches on it.
 */
import { buildMacroGraph } from "./graph/build.js";
import { microscopeIngestJob } from "./microscope/job.js";
import type { GraphStage } from "./progress.js";
import { searchDescribeJob, searchEmbedJob } from "./search/job.js";
import { extractFileJob, loadSourcesJob } from "./sources/job.js";

export interface JobIO {
  progress(stage: GraphStage, done: number, total: number): void;
  /**
   * Streams a piece of the output to the caller's `onData` (see CpuRunOptions), waiting while the main thread
   * is behind; for outputs too large to come back as one message. Rejects when the caller gave no `onData`.
   */
  send(data: unknown): Promise<void>;
  /**
   * Hands these buffers of the job's result to the caller instead of copying them (the thread must not touch
   * them afterwards). For a 150,000-node graph the vectors alone are 154 MB, once here and once there.
   */
  moveOnReturn?(...buffers: ArrayBufferLike[]): void;
}

export type CpuJob = (input: never, io: JobIO) => unknown;

/**
 * A deliberately CPU-bound job (a tight arithmetic loop for `ms` milliseconds) used by the runtime's tests and
 * the queue benchmark to load both cores; it returns how many iterations it ran.
 */
function spin(input: { ms: number }, io: JobIO): { iterations: number } {
  const end = Date.now() + input.ms;
  let iterations = 0;
  let x = 0;
  let lastReport = 0;
  while (Date.now() < end) {
    for (let i = 0; i < 10_000; i++) x = (x * 1103515245 + 12345) % 2147483647;
    iterations++;
    const now = Date.now();
    if (now - lastReport > 50) {
      lastReport = now;
      io.progress("embedding", Math.min(input.ms, input.ms - (end - now)), input.ms);
    }
  }
  return { iterations: iterations + (x < 0 ? 1 : 0) };
}

export const cpuJobs = {
  spin,
  macroGraph: (input: Parameters<typeof buildMacroGraph>[0], io: JobIO) => {
    const built = buildMacroGraph(input, io);
    // Nothing on this thread keeps the vectors once the job is done (the fit's matrix, or this thread's
    // clone of precomputed ones).
    io.moveOnReturn?.(built.vectors.buffer);
    return built;
  },
  microscopeIngest: microscopeIngestJob,
  loadSources: loadSourcesJob,
  extractFile: extractFileJob,
  searchDescribe: searchDescribeJob,
  searchEmbed: searchEmbedJob,
} satisfies Record<string, CpuJob>;

export type CpuJobName = keyof typeof cpuJobs;
export type CpuJobInput<N extends CpuJobName> = Parameters<(typeof cpuJobs)[N]>[0];
export type CpuJobOutput<N extends CpuJobName> = Awaited<ReturnType<(typeof cpuJobs)[N]>>;
