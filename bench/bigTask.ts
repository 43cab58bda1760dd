/**
 * bench:bigtask — one large GRAPH_GENERATION_REQUEST (BIGTASK_ITEMS debian-scale conversations, default 6,000;
 * "all" for the whole 26,524) through fauxqs, with the worker from its production entry (`graphnode-worker
 * worker`) in processes of its own, killed in the middle of the task. With "all" the bundle also holds the data
 * set's notes.json (1,388 notes), so the graph has 26,524 items, the issue's 26,500-item user.
 *
 *   SIGTERM case: worker A takes the task; once it reports progress it gets SIGTERM with a short grace, so
 *     it releases the message (visible again at once) and exits 0; worker B finishes it.
 *   SIGKILL case: worker C takes the task and is SIGKILLed mid-task; the message comes back when its lease
 *     (the visibility timeout) runs out, and worker D finishes it.
 *
 * Each case must end with exactly one final result, COMPLETED, and every result object (graph.json,
 * features.json, …) uploaded and readable. S3 sits behind the fault proxy (test/support/faultProxy.ts)
 * refusing any single request body above 8 MiB with 413, as the S3-compatible store of issue 10 did, so a
 * large features.json only gets through as a multipart upload. fauxqs runs in a child process of its own
 * (bench/fauxqsProcess.ts), Chroma is the real server from the chromadb package.
 *
 * Prints per case: seconds to the final result, the objects written with their sizes and whether they went
 * up in parts, and the faults the proxy injected. Exits non-zero when a check fails.
 * Usage: npm run bench:bigtask            (BIGTASK_ITEMS=26524 or =all for the whole data set)
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { startChromaServer } from "../src/infra/chromaServer.js";
import { createS3Storage } from "../src/infra/s3Storage.js";
import { datasetDir } from "../test/support/datasets.js";
import { startFaultInjectingProxy } from "../test/support/faultProxy.js";
import { startFauxqsProcess } from "./fauxqsProcess.js";

const SCALE = datasetDir("debian-scale");
const ITEMS_ARG = process.env.BIGTASK_ITEMS ?? "6000";
const VISIBILITY_SECONDS = Number(process.env.BIGTASK_VISIBILITY_SECONDS ?? 30);
/** A whole 26,524-item run takes minutes on a busy 2-core machine: the deadline per case is generous. */
const CASE_TIMEOUT_MS = Number(process.env.BIGTASK_CASE_TIMEOUT_SECONDS ?? 1800) * 1000;
const SINGLE_PUT_LIMIT = 8 * 1024 * 1024;
const credentials = { accessKeyId: "test", secretAccessKey: "test" };
const region = "us-east-1";
const bucket = "bench-bigtask";
const MIB = 1024 * 1024;
/** Each worker's log (JSON lines) is kept here after the run, to see what happened to the task. */
const LOG_DIR = process.env.BIGTASK_LOG_DIR ?? join(tmpdir(), "bench-bigtask-logs");
const CASES = (process.env.BIGTASK_CASES ?? "SIGTERM,SIGKILL").toUpperCase().split(",");

interface Envelope {
  taskId: string;
  taskType: string;
  payload: Record<string, unknown>;
}

function cliEntry(): string[] {
  const js = fileURLToPath(new URL("../src/cli.js", import.meta.url));
  if (existsSync(js)) return [js];
  return ["--import", "tsx", fileURLToPath(new URL("../src/cli.ts", import.meta.url))];
}

interface WorkerProc {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  output(): string;
}

function startWorkerProcess(name: string, env: Record<string, string>, heapMb: number): WorkerProc {
  // BIGTASK_NODE_ARGS: extra node flags for the workers, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const extra = (process.env.BIGTASK_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const child = spawn(
    process.execPath,
    [`--max-old-space-size=${heapMb}`, ...extra, ...cliEntry(), "worker"],
    {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  const keep = (d: Buffer) => {
    out = (out + d).slice(-100_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let full = "";
  child.stderr?.on("data", (d: Buffer) => {
    full += d;
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      mkdirSync(LOG_DIR, { recursive: true });
      writeFileSync(join(LOG_DIR, `${name}.log`), full);
      resolve(code);
    }),
  );
  return { name, child, exited, output: () => out };
}

/** True while the worker runs; a worker that died on its own fails the bench at once, with its log. */
function alive(w: WorkerProc): true {
  if (w.child.exitCode !== null || w.child.signalCode !== null) {
    throw new Error(
      `worker ${w.name} died (${w.child.exitCode ?? w.child.signalCode}):\n${w.output().slice(-3000)}`,
    );
  }
  return true;
}

/** The worker's largest event-loop delay since it started (prom-client's default metric), in seconds. */
async function maxLoopDelaySeconds(w: WorkerProc): Promise<number | undefined> {
  const port = /"healthPort":(\d+)/.exec(w.output())?.[1];
  if (!port) return undefined;
  try {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const m = /^nodejs_eventloop_lag_max_seconds\s+([\d.e+-]+)/m.exec(text);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Collects every message of the result queue, by arrival, so duplicates can be counted at the end. */
function resultCollector(sqs: SQSClient, queueUrl: string) {
  const received: Envelope[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const out = await sqs
        .send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }))
        .catch(() => ({ Messages: [] }));
      const messages = out.Messages ?? [];
      for (const m of messages) received.push(JSON.parse(m.Body ?? "{}") as Envelope);
      if (messages.length > 0) {
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? "" })),
          }),
        );
      }
    }
  })();
  return {
    received,
    async stop() {
      running = false;
      await loop;
    },
  };
}

async function until<T>(what: string, deadline: number, probe: () => T | undefined | Promise<T | undefined>) {
  for (;;) {
    const got = await probe();
    if (got !== undefined) return got;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function main() {
  const all = JSON.parse(
    gunzipSync(readFileSync(join(SCALE, "input.json.gz"))).toString("utf8"),
  ) as unknown[];
  const items = ITEMS_ARG === "all" ? all.length : Math.min(all.length, Number(ITEMS_ARG));
  const conversations = all.slice(0, items);
  const heapMb = items > 10_000 ? 6144 : 3072;
  const dir = mkdtempSync(join(tmpdir(), "bench-bigtask-"));
  const fauxqs = await startFauxqsProcess();
  const chroma = await startChromaServer({ path: join(dir, "chroma") });
  const uploadsByKey = new Map<string, number>();
  const proxy = await startFaultInjectingProxy({
    target: fauxqs.endpoint,
    maxRequestBodyBytes: SINGLE_PUT_LIMIT,
    onRequest: (r) => {
      if (r.method === "POST" && /\?uploads(=|&|$)/.test(r.path)) {
        const key = decodeURIComponent(r.path.split("?")[0] ?? "");
        uploadsByKey.set(key, (uploadsByKey.get(key) ?? 0) + 1);
      }
    },
  });
  const sqs = new SQSClient({ region, endpoint: fauxqs.endpoint, credentials });
  const s3 = new S3Client({ region, endpoint: fauxqs.endpoint, credentials, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  // The bench's own reads and writes go straight to fauxqs: the proxy's limit is the worker's problem.
  const storage = createS3Storage({ region, endpoint: fauxqs.endpoint, forcePathStyle: true, credentials });

  const queue = async (name: string) =>
    (
      await sqs.send(
        new CreateQueueCommand({
          QueueName: name,
          Attributes: { VisibilityTimeout: String(VISIBILITY_SECONDS) },
        }),
      )
    ).QueueUrl as string;
  const requestQueue = await queue("bigtask-req");
  const resultQueue = await queue("bigtask-res");
  const collector = resultCollector(sqs, resultQueue);
  const workerEnv: Record<string, string> = {
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_ENDPOINT_URL_S3: proxy.url,
    AWS_ENDPOINT_URL_SQS: fauxqs.endpoint,
    AWS_SQS_REQUEST_QUEUE_URL: requestQueue,
    AWS_SQS_RESULT_QUEUE_URL: resultQueue,
    S3_PAYLOAD_BUCKET: bucket,
    CHROMA_URL: chroma.url,
    MACRO_CHROMA_COLLECTION: "macro_bench_bigtask",
    SQS_WAIT_TIME_SECONDS: "1",
    SQS_VISIBILITY_TIMEOUT_SECONDS: String(VISIBILITY_SECONDS),
    HEARTBEAT_INTERVAL_SECONDS: String(Math.max(1, Math.floor(VISIBILITY_SECONDS / 4))),
    RETRY_BASE_DELAY_SECONDS: "1",
    RETRY_MAX_DELAY_SECONDS: "5",
    MAX_RECEIVE_COUNT: "4",
    SHUTDOWN_GRACE_SECONDS: "1",
    PROGRESS_MIN_INTERVAL_MS: "500",
    HTTP_PORT: "0",
    HTTP_HOST: "127.0.0.1",
    LOG_LEVEL: "info",
    WORKER_CONCURRENCY: "2",
    CPU_POOL_SIZE: "2",
    MACRO_LLM_PROVIDER: "none",
  };

  const bundle = `graph-generation/bigtask-${items}/`;
  const inputKey = `${bundle}input.json`;
  const tUp = performance.now();
  await storage.putJson(bucket, inputKey, conversations);
  let notes = 0;
  if (ITEMS_ARG === "all") {
    const notesFile = JSON.parse(gunzipSync(readFileSync(join(SCALE, "notes.json.gz"))).toString("utf8")) as {
      source_nodes: unknown[];
    };
    notes = notesFile.source_nodes.length;
    await storage.putJson(bucket, `${bundle}notes.json`, notesFile);
  }
  const inputSize = (await storage.head(bucket, inputKey))?.size ?? 0;
  console.log(
    `bench:bigtask: ${items} conversations${notes ? ` + ${notes} notes` : ""}, input.json ${(inputSize / MIB).toFixed(1)} MiB (uploaded in ${((performance.now() - tUp) / 1000).toFixed(1)} s); single PUT limit ${SINGLE_PUT_LIMIT / MIB} MiB; visibility ${VISIBILITY_SECONDS} s`,
  );

  let failures = 0;
  const check = (ok: boolean, what: string) => {
    console.log(`  ${ok ? "ok  " : "FAIL"} ${what}`);
    if (!ok) failures++;
  };

  async function runCase(signal: "SIGTERM" | "SIGKILL") {
    const taskId = `task_bigtask_${signal.toLowerCase()}_${Date.now()}`;
    const userId = `user-bigtask-${signal.toLowerCase()}`;
    const before = { ...proxy.counts };
    uploadsByKey.clear();
    console.log(`\n${signal} case (${taskId})`);
    const first = startWorkerProcess(`${signal}-first`, workerEnv, heapMb);
    const t0 = performance.now();
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: requestQueue,
        MessageBody: JSON.stringify({
          taskId,
          taskType: "GRAPH_GENERATION_REQUEST",
          timestamp: new Date().toISOString(),
          payload: { userId, s3Key: bundle, bucket, includeSummary: true },
        }),
      }),
    );
    const deadline = Date.now() + CASE_TIMEOUT_MS;
    const ofTask = () => collector.received.filter((m) => m.taskId === taskId);
    // Mid-task: the first worker has sent a few progress messages (past the download, into the pipeline).
    const progress = await until(
      "progress from the first worker",
      deadline,
      () =>
        alive(first) &&
        ofTask()
          .filter((m) => m.taskType === "GRAPH_GENERATION_PROGRESS")
          .at(2),
    );
    const tKill = performance.now();
    first.child.kill(signal);
    const exitCode = await first.exited;
    console.log(
      `  first worker got ${signal} ${((tKill - t0) / 1000).toFixed(1)} s in (at ${JSON.stringify(progress.payload).slice(0, 120)}), exited ${exitCode ?? "by signal"} after ${((performance.now() - tKill) / 1000).toFixed(1)} s`,
    );
    if (signal === "SIGTERM") {
      check(exitCode === 0, "the first worker exits 0 on SIGTERM");
      check(
        /task released for another worker/.test(first.output()),
        "it released the task for another worker",
      );
    }
    const second = startWorkerProcess(`${signal}-second`, workerEnv, heapMb);
    const final = await until(
      "the final result",
      deadline,
      () => alive(second) && ofTask().find((m) => m.taskType === "GRAPH_GENERATION_RESULT"),
    );
    const tFinal = performance.now();
    // Settle: the request must be gone from its queue (deleted after the result), then any duplicate would
    // already be on the result queue; one more receive round collects it.
    await until("the request queue to empty", deadline, async () => {
      const attrs = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: requestQueue,
          AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        }),
      );
      const a = attrs.Attributes ?? {};
      const left =
        Number(a.ApproximateNumberOfMessages ?? 0) + Number(a.ApproximateNumberOfMessagesNotVisible ?? 0);
      return left === 0 ? true : undefined;
    });
    const settleUntil = Date.now() + 3000;
    await until("the settle window", settleUntil + 1000, () =>
      Date.now() >= settleUntil ? true : undefined,
    );
    const lag = await maxLoopDelaySeconds(second);
    second.child.kill("SIGTERM");
    await second.exited;
    const leaseLost = (second.output().match(/visibility heartbeat failed/g) ?? []).length;

    const finals = ofTask().filter((m) => m.taskType === "GRAPH_GENERATION_RESULT");
    const payload = final.payload as Record<string, unknown>;
    console.log(
      `  final result after ${((tFinal - t0) / 1000).toFixed(1)} s (second worker: ${((tFinal - tKill) / 1000).toFixed(1)} s after the kill): ${payload.status}${payload.error ? ` (${String(payload.error).slice(0, 200)})` : ""}`,
    );
    console.log(
      `  second worker: largest event-loop delay ${lag === undefined ? "?" : `${lag.toFixed(2)} s`} (lease ${VISIBILITY_SECONDS} s), failed heartbeats ${leaseLost}`,
    );
    check(finals.length === 1, `exactly one final result (${finals.length})`);
    check(payload.status === "COMPLETED", `COMPLETED (${payload.status})`);
    if (payload.status !== "COMPLETED") console.log(second.output().slice(-3000));

    const prefix = String(payload.resultS3Key ?? "").replace(/\/graph\.json$/, "");
    const objects = prefix ? await storage.list(bucket, `${prefix}/`) : [];
    for (const o of objects) {
      const parts = uploadsByKey.get(`/${bucket}/${o.key}`) ?? 0;
      console.log(
        `  ${o.key.slice(prefix.length + 1).padEnd(14)} ${(o.size / MIB).toFixed(2).padStart(8)} MiB  ${parts ? `multipart (${parts} upload${parts > 1 ? "s" : ""})` : "one PUT"}`,
      );
    }
    const features = objects.find((o) => o.key.endsWith("/features.json"));
    check(features !== undefined, "features.json uploaded");
    if (features) {
      const t = performance.now();
      const parsed = (await storage.getJson(bucket, features.key)) as unknown;
      check(
        parsed !== null && typeof parsed === "object",
        `features.json readable (${((performance.now() - t) / 1000).toFixed(1)} s to read and parse)`,
      );
      if (features.size > SINGLE_PUT_LIMIT) {
        check(
          (uploadsByKey.get(`/${bucket}/${features.key}`) ?? 0) > 0,
          "features.json above the limit went up in parts",
        );
      }
    }
    const graph = objects.find((o) => o.key.endsWith("/graph.json"));
    if (graph) {
      const g = (await storage.getJson(bucket, graph.key)) as { nodes?: unknown[] };
      check(
        g.nodes?.length === items + notes,
        `graph.json has a node per conversation and note (${g.nodes?.length} of ${items + notes})`,
      );
    }
    const injected = Object.entries(proxy.counts)
      .map(([k, v]) => [k, v - (before[k as keyof typeof before] ?? 0)] as const)
      .filter(([, v]) => v > 0);
    console.log(
      `  proxy: ${injected.length ? injected.map(([k, v]) => `${k} ${v}`).join(", ") : "no single PUT refused"}`,
    );
    return { seconds: (tFinal - t0) / 1000, features: features?.size ?? 0 };
  }

  try {
    const figures: string[] = [];
    let featuresSize = 0;
    for (const signal of ["SIGTERM", "SIGKILL"] as const) {
      if (!CASES.includes(signal)) continue;
      const r = await runCase(signal);
      figures.push(`${signal} case ${r.seconds.toFixed(1)} s`);
      featuresSize = r.features;
    }
    console.log(
      `\nbench:bigtask ${items + notes} items: ${figures.join(", ")}, features.json ${(featuresSize / MIB).toFixed(1)} MiB; ${failures === 0 ? "all checks passed" : `${failures} check(s) FAILED`} (worker logs in ${LOG_DIR})`,
    );
  } finally {
    await collector.stop();
    await proxy.close();
    await chroma.stop();
    sqs.destroy();
    s3.destroy();
    fauxqs.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  process.exit(failures === 0 ? 0 : 1);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
