/**
 * bench:scale — throughput of one worker process against two on the same queue, for a mixed workload:
 *   30% GRAPH_GENERATION_REQUEST: the real macro graph pipeline on GRAPH_ITEMS conversations (CPU-bound, on the
 *       thread pool), then IO_MS of waiting;
 *   40% GRAPH_GENERATION_REQUEST that only waits (3×IO_MS, an LLM call) and writes its result;
 *   30% real GRAPH_SUMMARY_REQUEST on a backend-shaped graph.json of SUMMARY_NODES nodes (S3 in, the local
 *       summary on the main thread, S3 out);
 * spread over 16 users (so the per-user cap does not bite). Each worker is a separate process
 * (bench/scaleWorker.ts: the production assembly and handlers, a synthetic GRAPH_GENERATION).
 *
 * For each setup: start the processes, run a warm-up batch, then send MESSAGES requests at once and time them
 * from the first send to the last final result. The setups take turns for ROUNDS rounds (the best round of
 * each is compared: other load on a shared machine only ever slows a round down). fauxqs (SQS + S3) runs in a child process of its own; on a
 * small machine it competes for the same cores, as it does for every setup.
 *
 * Setups: 1 process (WORKER_CONCURRENCY=CONCURRENCY, CPU_POOL_SIZE=2); 2 processes (each the same
 * concurrency, CPU_POOL_SIZE=1, so both setups have as many pool threads as this machine has cores); and,
 * to tell the process count apart from the doubled concurrency, 1 process at twice the concurrency.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { startFauxqsProcess } from "./fauxqsProcess.js";

const MESSAGES = Number(process.env.MESSAGES ?? 300);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 8);
const GRAPH_ITEMS = Number(process.env.GRAPH_ITEMS ?? 40);
const IO_MS = Number(process.env.IO_MS ?? 100);
const SUMMARY_NODES = Number(process.env.SUMMARY_NODES ?? 400);
const ROUNDS = Number(process.env.ROUNDS ?? 2);
const USERS = 16;
const credentials = { accessKeyId: "test", secretAccessKey: "test" };
const region = "us-east-1";
const bucket = "bench-scale";

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); NaN elsewhere. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of the line, in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** A graph.json as the backend builds it for GRAPH_SUMMARY_REQUEST (contract §2.3), of `n` nodes. */
function backendGraph(n: number) {
  const words = ["graph", "neural", "attention", "sourdough", "bread", "music", "jazz", "rust", "memory"];
  const more = ["compiler", "garden", "tomato", "training", "dataset", "travel", "tokyo", "budget", "tax"];
  const vocab = [...words, ...more];
  const clusters = 12;
  const nodes = Array.from({ length: n }, (_, i) => {
    const c = i % clusters;
    const kw = [
      vocab[c % vocab.length],
      vocab[(c + i) % vocab.length],
      vocab[(i * 7) % vocab.length],
    ] as string[];
    const day = new Date(Date.UTC(2025, 0, 1) + ((i * 37) % 300) * 86_400_000);
    return {
      id: i,
      orig_id: `conv-${i}`,
      cluster_id: `cluster_${c + 1}`,
      cluster_name: "",
      keywords: kw.map((term, k) => ({ term, score: 1 - k * 0.2 })),
      top_keywords: kw,
      timestamp: day.toISOString(),
      num_sections: 1 + (i % 9),
      source_type: i % 5 === 0 ? "markdown" : "chat",
    };
  });
  const edges = [];
  for (let i = 0; i < n; i++) {
    for (const d of [1, clusters, 53]) {
      const j = (i + d) % n;
      edges.push({
        source: i,
        target: j,
        weight: 0.5 + ((i * d) % 50) / 100,
        type: "insight",
        is_intra_cluster: false,
      });
    }
  }
  const meta: Record<string, { name: string; description: string; size: number; key_themes: string[] }> = {};
  for (let c = 0; c < clusters; c++) {
    meta[`cluster_${c + 1}`] = { name: "", description: "", size: Math.ceil(n / clusters), key_themes: [] };
  }
  return {
    nodes,
    edges,
    subclusters: [],
    metadata: {
      generated_at: new Date().toISOString(),
      total_nodes: n,
      total_edges: edges.length,
      total_clusters: clusters,
      clusters: meta,
      language: "en",
    },
  };
}

function workerEntry(): string[] {
  const js = fileURLToPath(new URL("./scaleWorker.js", import.meta.url));
  if (existsSync(js)) return [js];
  return ["--import", "tsx", fileURLToPath(new URL("./scaleWorker.ts", import.meta.url))];
}

function startWorkerProcess(env: Record<string, string>): { child: ChildProcess; ready: Promise<void> } {
  const child = spawn(process.execPath, workerEntry(), {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stderr?.on("data", (d) => {
    out = (out + d).slice(-4000);
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (d) => {
      if (/ready \d+/.test(String(d))) resolve();
    });
    child.once("exit", (code) => reject(new Error(`worker exited (${code}): ${out}`)));
  });
  return { child, ready };
}

let runSeq = 0;

function requests(count: number, tag: string) {
  const run = `${tag}${runSeq++}${Math.random().toString(36).slice(2, 6)}`;
  return Array.from({ length: count }, (_, i) => {
    const userId = `user-${i % USERS}`;
    const taskId = `task_${userId}_${run}_${i}`;
    const kind = i % 10;
    if (kind < 7) {
      const bench = kind < 3 ? { items: GRAPH_ITEMS, ioMs: IO_MS } : { ioMs: 3 * IO_MS };
      return {
        taskId,
        taskType: "GRAPH_GENERATION_REQUEST",
        timestamp: new Date().toISOString(),
        payload: { userId, s3Key: `graph-generation/${taskId}/`, includeSummary: false, bench },
      };
    }
    return {
      taskId,
      taskType: "GRAPH_SUMMARY_REQUEST",
      timestamp: new Date().toISOString(),
      payload: { userId, graphS3Key: "graph-summary/bench/graph.json", bucket, language: "en" },
    };
  });
}

/** Sends every request, then waits for one final result per taskId; seconds from first send to last result. */
async function runBatch(sqs: SQSClient, req: string, res: string, batch: ReturnType<typeof requests>) {
  const pending = new Set(batch.map((r) => r.taskId));
  let failed = 0;
  const t0 = performance.now();
  for (let i = 0; i < batch.length; i += 10) {
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: req,
        Entries: batch.slice(i, i + 10).map((r, j) => ({ Id: String(j), MessageBody: JSON.stringify(r) })),
      }),
    );
  }
  const deadline = Date.now() + 170_000;
  while (pending.size > 0) {
    if (Date.now() > deadline) throw new Error(`${pending.size} requests got no result`);
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: res, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    const msgs = out.Messages ?? [];
    for (const m of msgs) {
      const env = JSON.parse(m.Body ?? "{}") as {
        taskId: string;
        taskType: string;
        payload: { status: string };
      };
      if (
        env.taskType.endsWith("_RESULT") &&
        pending.delete(env.taskId) &&
        env.payload.status !== "COMPLETED"
      ) {
        failed++;
      }
    }
    if (msgs.length > 0) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: res,
          Entries: msgs.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle as string })),
        }),
      );
    }
  }
  return { seconds: (performance.now() - t0) / 1000, failed };
}

async function main() {
  const faux = await startFauxqsProcess();
  const sqs = new SQSClient({ region, endpoint: faux.endpoint, credentials });
  const s3 = new S3Client({ region, endpoint: faux.endpoint, credentials, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: "graph-summary/bench/graph.json",
      Body: JSON.stringify(backendGraph(SUMMARY_NODES)),
      ContentType: "application/json",
    }),
  );
  let q = 0;
  const queue = async () =>
    (
      await sqs.send(
        new CreateQueueCommand({ QueueName: `scale-${q++}`, Attributes: { VisibilityTimeout: "60" } }),
      )
    ).QueueUrl as string;

  console.log(
    `bench:scale  ${MESSAGES} requests: 30% macro graph of ${GRAPH_ITEMS} items on the pool + ${IO_MS} ms wait, 40% ${3 * IO_MS} ms wait, 30% real GRAPH_SUMMARY (${SUMMARY_NODES} nodes); ${USERS} users; ${availableParallelism()} cores`,
  );
  console.log(
    "setup                               processes  concurrency  pool   seconds   msg/s   worker CPU ms/msg   fauxqs CPU ms/msg   load",
  );
  const setups = [
    { name: "one process", processes: 1, concurrency: CONCURRENCY, pool: 2 },
    { name: "two processes", processes: 2, concurrency: CONCURRENCY, pool: 1 },
    { name: "one process, double concurrency", processes: 1, concurrency: 2 * CONCURRENCY, pool: 2 },
  ];
  const rates = new Map<string, number[]>(setups.map((s) => [s.name, []]));
  for (let round = 1; round <= ROUNDS; round++)
    for (const s of setups) {
      const req = await queue();
      const res = await queue();
      const env = {
        AWS_REGION: region,
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        AWS_ENDPOINT_URL: faux.endpoint,
        AWS_SQS_REQUEST_QUEUE_URL: req,
        AWS_SQS_RESULT_QUEUE_URL: res,
        S3_PAYLOAD_BUCKET: bucket,
        WORKER_CONCURRENCY: String(s.concurrency),
        CPU_POOL_SIZE: String(s.pool),
        SQS_WAIT_TIME_SECONDS: "1",
        SQS_VISIBILITY_TIMEOUT_SECONDS: "60",
        HTTP_PORT: "0",
        HTTP_HOST: "127.0.0.1",
        LOG_LEVEL: "warn",
        MACRO_LLM_PROVIDER: "none",
      };
      const procs = Array.from({ length: s.processes }, () => startWorkerProcess(env));
      try {
        await Promise.all(procs.map((p) => p.ready));
        await runBatch(sqs, req, res, requests(Math.max(20, 4 * s.concurrency), "warm"));
        const workersCpu = () => procs.reduce((sum, p) => sum + cpuSeconds(p.child.pid), 0);
        const [w0, f0] = [workersCpu(), cpuSeconds(faux.pid)];
        const { seconds, failed } = await runBatch(sqs, req, res, requests(MESSAGES, "run"));
        const perMsg = (cpu: number) => ((cpu * 1000) / MESSAGES).toFixed(1);
        const [workerCpu, fauxCpu] = [perMsg(workersCpu() - w0), perMsg(cpuSeconds(faux.pid) - f0)];
        const rate = MESSAGES / seconds;
        rates.get(s.name)?.push(rate);
        console.log(
          `${s.name.padEnd(36)}${String(s.processes).padStart(9)}${String(s.concurrency).padStart(13)}${String(s.pool).padStart(6)}${seconds.toFixed(1).padStart(10)}${rate.toFixed(1).padStart(8)}${workerCpu.padStart(20)}${fauxCpu.padStart(20)}${(loadavg()[0] ?? 0).toFixed(1).padStart(7)}${failed ? `  (${failed} not COMPLETED)` : ""}`,
        );
      } finally {
        await Promise.all(
          procs.map(
            (p) =>
              new Promise<void>((resolve) => {
                if (p.child.exitCode !== null) return resolve();
                p.child.once("exit", () => resolve());
                p.child.kill("SIGTERM");
              }),
          ),
        );
      }
    }
  const best = setups.map((s) => Math.max(...(rates.get(s.name) ?? [Number.NaN])));
  for (const [i, s] of setups.entries())
    console.log(`best of ${ROUNDS}, ${s.name}: ${best[i]?.toFixed(1)} msg/s`);
  const [one, two, oneDouble] = best as [number, number, number];
  console.log(`two processes / one process: ${(two / one).toFixed(2)}×`);
  console.log(`two processes / one process at the same total concurrency: ${(two / oneDouble).toFixed(2)}×`);
  sqs.destroy();
  s3.destroy();
  faux.stop();
}

await main();
