/**
 * One GRAPH_GENERATION request whose bundle holds a docx with a huge word/document.xml, run through the
 * production task runner and handler with a real CPU pool, local file storage and a real Chroma, while the
 * main thread's event loop is watched. Shared by heavyFileChild.ts (the test) and bench/heavyFile.ts.
 *
 * What it records on the main thread: event-loop delay (perf_hooks.monitorEventLoopDelay), the times a
 * 10 ms interval fired, heap use sampled on that interval, the process's RSS high-water mark, and which
 * jobs ran on the pool and when (the pool is wrapped, not replaced: every job still runs on it).
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { loadConfig } from "../../../src/config.js";
import { createFsStorage } from "../../../src/infra/fsStorage.js";
import type { CpuJobInput, CpuJobName, CpuJobOutput } from "../../../src/pipelines/jobs.js";
import { type CpuPool, type CpuRunOptions, createCpuPool } from "../../../src/runtime/cpuPool.js";
import { createLogger } from "../../../src/runtime/logger.js";
import { createMemoryResultRecords } from "../../../src/runtime/resultRecords.js";
import { TaskRunner } from "../../../src/runtime/taskRunner.js";
import { lazyVectorStore } from "../../../src/runtime/worker.js";
import { createHandlerRegistry } from "../../../src/tasks/registry.js";
import { backendConversation, makeHugeDocx } from "./fixtures.js";

export interface HeavyRunOptions {
  /** Size of word/document.xml. */
  xmlBytes: number;
  chromaUrl: string;
  threads?: number;
}

export interface JobSpan {
  job: string;
  startMs: number;
  endMs: number;
}

export interface HeavyRunReport {
  docxBytes: number;
  xmlBytes: number;
  outcome: unknown;
  graph?: {
    nodes: { orig_id: string; metadata?: Record<string, unknown> }[];
    metadata: Record<string, unknown>;
  };
  jobs: JobSpan[];
  /** performance.now() of every tick of the main thread's 10 ms interval. */
  ticks: number[];
  taskStartMs: number;
  taskEndMs: number;
  /** Event-loop delay beyond the monitor's 10 ms sampling interval. */
  loopDelayMs: { p50: number; p99: number; max: number; mean: number };
  heapUsedGrowthMb: number;
  maxRssMb: number;
  maxRssGrowthMb: number;
}

export const HUGE_FILE_ID = "01J0HEAVYD0CX00000000000000";
const USER_ID = "4f1d2c3b-1a2b-4c3d-8e9f-0a1b2c3d4e5f";
const MB = 1024 * 1024;
/** The delay histogram counts the sampling interval itself; the report gives the delay beyond it. */
const LOOP_RESOLUTION_MS = 10;
const beyondInterval = (ns: number) => Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS);

/** Records each job's span; the jobs themselves run on the real pool. */
function recordingPool(pool: CpuPool, jobs: JobSpan[]): CpuPool {
  return {
    threads: pool.threads,
    get liveThreads() {
      return pool.liveThreads;
    },
    close: () => pool.close(),
    async run<N extends CpuJobName>(job: N, input: CpuJobInput<N>, opts?: CpuRunOptions) {
      const startMs = performance.now();
      try {
        return (await pool.run(job, input, opts)) as CpuJobOutput<N>;
      } finally {
        jobs.push({ job, startMs, endMs: performance.now() });
      }
    },
  };
}

async function writeBundle(root: string, prefix: string, docx: Uint8Array): Promise<void> {
  const files: Record<string, string | Uint8Array> = {
    "input.json": JSON.stringify([
      backendConversation("conv-gnn", "Graph neural networks", [
        { role: "user", text: "How does message passing work in a graph neural network?" },
        {
          role: "assistant",
          text: "Nodes exchange messages with their neighbours and update their vectors.",
        },
      ]),
      backendConversation("conv-bread", "Sourdough baking", [
        { role: "user", text: "How long should sourdough dough ferment before baking?" },
        { role: "assistant", text: "Bulk fermentation takes four to six hours at room temperature." },
      ]),
      backendConversation("conv-tea", "Green tea", [
        { role: "user", text: "What temperature is best for brewing green tea leaves?" },
        { role: "assistant", text: "Around seventy to eighty degrees keeps green tea from turning bitter." },
      ]),
    ]),
    [`files/${HUGE_FILE_ID}_bloated report.docx`]: docx,
  };
  for (const [name, content] of Object.entries(files)) {
    const path = join(root, prefix, name);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
  }
}

export async function runHeavyBundle(opts: HeavyRunOptions): Promise<HeavyRunReport> {
  const { docx, xmlBytes } = makeHugeDocx(opts.xmlBytes);
  const root = await mkdtemp(join(tmpdir(), "graphnode-heavy-"));
  const taskId = `task_${USER_ID}_01J0HEAVYBUNDLE000000000000`;
  const prefix = `graph-generation/${taskId}/`;
  await writeBundle(root, prefix, docx);
  const config = loadConfig(
    {
      S3_PAYLOAD_BUCKET: "local",
      CHROMA_URL: opts.chromaUrl,
      MACRO_CHROMA_COLLECTION: `macro_heavy_${Date.now()}`,
    },
    { requireQueues: false },
  );
  const jobs: JobSpan[] = [];
  const cpu = recordingPool(createCpuPool({ threads: opts.threads ?? 1 }), jobs);
  const runner = new TaskRunner({
    handlers: createHandlerRegistry(),
    services: {
      storage: createFsStorage(root),
      payloadBucket: "local",
      vectors: lazyVectorStore(config),
      cpu,
      config,
    },
    records: createMemoryResultRecords(),
    log: createLogger({ level: "silent" }),
    maxReceiveCount: 1,
    retryBaseDelaySeconds: 0,
    retryMaxDelaySeconds: 0,
    progressMinIntervalMs: 0,
  });
  const body = JSON.stringify({
    taskId,
    taskType: "GRAPH_GENERATION_REQUEST",
    timestamp: new Date().toISOString(),
    payload: {
      userId: USER_ID,
      s3Key: prefix,
      bucket: "local",
      language: "en",
      minClusters: 2,
      maxClusters: 3,
    },
  });

  const ticks: number[] = [];
  const heapBefore = process.memoryUsage().heapUsed;
  let heapPeak = heapBefore;
  const rssBefore = process.resourceUsage().maxRSS;
  const interval = setInterval(() => {
    ticks.push(performance.now());
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  }, 10);
  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  loop.enable();
  const taskStartMs = performance.now();
  try {
    const outcome = await runner.run(body, {
      receiveCount: 1,
      signal: new AbortController().signal,
      sendProgress: async () => {},
    });
    const taskEndMs = performance.now();
    loop.disable();
    clearInterval(interval);
    const payload = (outcome as { envelope?: { payload?: { resultS3Key?: string } } }).envelope?.payload;
    const graph = payload?.resultS3Key
      ? ((await createFsStorage(root).getJson("local", payload.resultS3Key)) as HeavyRunReport["graph"])
      : undefined;
    const maxRss = process.resourceUsage().maxRSS;
    return {
      docxBytes: docx.length,
      xmlBytes,
      outcome,
      ...(graph ? { graph } : {}),
      jobs,
      ticks,
      taskStartMs,
      taskEndMs,
      loopDelayMs: {
        p50: beyondInterval(loop.percentile(50)),
        p99: beyondInterval(loop.percentile(99)),
        max: beyondInterval(loop.max),
        mean: beyondInterval(loop.mean),
      },
      heapUsedGrowthMb: (heapPeak - heapBefore) / MB,
      // maxRSS is in kilobytes.
      maxRssMb: maxRss / 1024,
      maxRssGrowthMb: (maxRss - rssBefore) / 1024,
    };
  } finally {
    loop.disable();
    clearInterval(interval);
    await cpu.close();
    await rm(root, { recursive: true, force: true });
  }
}
