import { monitorEventLoopDelay } from "node:perf_hooks";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { CreateQueueCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { Consumer } from "sqs-consumer";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/runtime/logger.js";
import { startWorker } from "../src/runtime/worker.js";
import { createHandlerRegistry } from "../src/tasks/registry.js";
import type { TaskHandler } from "../src/tasks/types.js";
import { startFauxqsProcess } from "./fauxqsProcess.js";

const TASK_MS = Number(process.env.TASK_MS ?? 20);
const RUN_MS = Number(process.env.RUN_MS ?? 6000);
const credentials = { accessKeyId: "test", secretAccessKey: "test" };
const region = "us-east-1";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Stats {
  perSecond: number;
  p50: number;
  p99: number;
  done: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Closed loop: keeps `outstanding` requests in the queue; every completion sends one more. */
async function closedLoop(
  sqs: SQSClient,
  queueUrl: string,
  outstanding: number,
  start: (onDone: (sentAt: number) => void) => Promise<() => Promise<void>>,
): Promise<Stats> {
  // Unique per run: the worker answers a repeated taskId from its stored result instead of running it.
  const run = Math.random().toString(36).slice(2, 8);
  let seq = 0;
  let measuring = false;
  let stopped = false;
  const latencies: number[] = [];
  const send = () => {
    if (stopped) return;
    seq++;
    const body = JSON.stringify({
      taskId: `task_bench_${run}_${seq}`,
      taskType: "GRAPH_GENERATION_REQUEST",
      timestamp: new Date().toISOString(),
      payload: { userId: "bench", s3Key: "graph-generation/bench/", sentAt: Date.now() },
    });
    void sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body })).catch(() => undefined);
  };
  const stop = await start((sentAt) => {
    if (measuring) latencies.push(Date.now() - sentAt);
    send();
  });
  for (let i = 0; i < outstanding; i++) send();
  await sleep(1000); // warm-up
  measuring = true;
  const t0 = Date.now();
  await sleep(RUN_MS);
  measuring = false;
  const elapsed = (Date.now() - t0) / 1000;
  stopped = true;
  await stop();
  const sorted = latencies.slice().sort((a, b) => a - b);
  return {
    perSecond: latencies.length / elapsed,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    done: latencies.length,
  };
}

/** Listener leaks (MaxListenersExceededWarning) and other process warnings, printed loudly at the end. */
const warnings: string[] = [];
process.on("warning", (w) => {
  if (`${w.name} ${w.message}`.includes("NodeVersionSupportWarning")) return; // the AWS SDK's Node 20 notice
  warnings.push(`${w.name}: ${w.message}\n${w.stack ?? ""}`);
});

async function main() {
  const faux = await startFauxqsProcess();
  const sqs = new SQSClient({ region, endpoint: faux.endpoint, credentials });
  const s3 = new S3Client({ region, endpoint: faux.endpoint, credentials, forcePathStyle: true });
  const bucket = "bench-bucket";
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  let q = 0;
  const queue = async () =>
    (
      await sqs.send(
        new CreateQueueCommand({ QueueName: `bench-${q++}`, Attributes: { VisibilityTimeout: "60" } }),
      )
    ).QueueUrl as string;
  const log = createLogger({ level: "silent" });

  const rows: string[] = [];
  const print = (s: string) => {
    rows.push(s);
    console.log(s);
  };
  print(`bench:queue  task = wait ${TASK_MS} ms + send one result message; ${RUN_MS} ms measured per run`);
  print("consumer              concurrency   msg/s   p50 ms   p99 ms");

  const results: Record<string, Stats> = {};
  for (const c of [1, 10, 50]) {
    // graphnode-worker
    {
      const request = await queue();
      const result = await queue();
      let onDone: (sentAt: number) => void = () => {};
      const handler: TaskHandler = {
        type: "GRAPH_GENERATION_REQUEST",
        async run(payload) {
          const p = payload as { userId: string; sentAt: number };
          await sleep(TASK_MS);
          onDone(p.sentAt);
          return { userId: p.userId, status: "COMPLETED", resultS3Key: "results/bench/graph.json" };
        },
      };
      const config = loadConfig(
        {
          AWS_REGION: region,
          AWS_ACCESS_KEY_ID: "test",
          AWS_SECRET_ACCESS_KEY: "test",
          AWS_ENDPOINT_URL: faux.endpoint,
          AWS_SQS_REQUEST_QUEUE_URL: request,
          AWS_SQS_RESULT_QUEUE_URL: result,
          S3_PAYLOAD_BUCKET: bucket,
          WORKER_CONCURRENCY: String(c),
          SQS_WAIT_TIME_SECONDS: "1",
          HTTP_PORT: "0",
          HTTP_HOST: "127.0.0.1",
          CPU_POOL_SIZE: "1",
        },
        { requireQueues: true },
      );
      const stats = await closedLoop(sqs, request, 2 * c, async (cb) => {
        onDone = cb;
        const w = await startWorker(config, log, { handlers: createHandlerRegistry([handler]) });
        return () => w.stop();
      });
      results[`ours-${c}`] = stats;
      print(
        `graphnode-worker      ${String(c).padStart(11)} ${stats.perSecond.toFixed(1).padStart(7)} ${String(stats.p50).padStart(8)} ${String(stats.p99).padStart(8)}`,
      );
    }
    // bbc/sqs-consumer. It has no concurrency setting: a batch is received, its messages are handled side by
    // side, then the next batch is fetched, so its batch size is its concurrency (at most 10). It gets the same
    // concurrency as ours where it can: min(10, c) (a batch of 10 at c=1 would compare 2 parallel tasks, the
    // 2 outstanding, with our one).
    {
      const batchSize = Math.min(10, c);
      const request = await queue();
      const result = await queue();
      const stats = await closedLoop(sqs, request, 2 * c, async (cb) => {
        const consumer = Consumer.create({
          queueUrl: request,
          sqs,
          batchSize,
          waitTimeSeconds: 1,
          handleMessage: async (m) => {
            const env = JSON.parse(m.Body ?? "{}");
            await sleep(TASK_MS);
            await sqs.send(
              new SendMessageCommand({
                QueueUrl: result,
                MessageBody: JSON.stringify({
                  taskId: env.taskId,
                  taskType: "GRAPH_GENERATION_RESULT",
                  payload: { status: "COMPLETED" },
                }),
              }),
            );
            cb(env.payload.sentAt);
            return m;
          },
        });
        consumer.on("error", () => undefined);
        consumer.start();
        return async () => {
          consumer.stop({ abort: false });
          await sleep(300);
        };
      });
      results[`bbc-${c}`] = stats;
      print(
        `sqs-consumer (b=${String(batchSize).padEnd(2)})   ${String(batchSize).padStart(8)}*   ${stats.perSecond.toFixed(1).padStart(7)} ${String(stats.p50).padStart(8)} ${String(stats.p99).padStart(8)}`,
      );
    }
  }
  print(
    "(* sqs-consumer has no concurrency knob: its batch size, min(10, c), is its concurrency; both get 2c outstanding)",
  );
  for (const c of [1, 10, 50]) {
    const ours = results[`ours-${c}`];
    const theirs = results[`bbc-${c}`];
    if (ours && theirs)
      print(
        `throughput ratio at concurrency ${c}: ${(ours.perSecond / theirs.perSecond).toFixed(2)}×; p99 ${ours.p99} ms vs ${theirs.p99} ms`,
      );
  }

  // Event-loop delay on the main thread while CPU-heavy jobs run on both cores, with the loop polling.
  {
    const request = await queue();
    const result = await queue();
    let finished = 0;
    const handler: TaskHandler = {
      type: "GRAPH_GENERATION_REQUEST",
      async run(payload, ctx) {
        await ctx.services.cpu.run("spin", { ms: 4000 }, { signal: ctx.signal });
        finished++;
        return {
          userId: (payload as { userId: string }).userId,
          status: "COMPLETED",
          resultS3Key: "results/bench/g.json",
        };
      },
    };
    const config = loadConfig(
      {
        AWS_REGION: region,
        AWS_ACCESS_KEY_ID: "test",
        AWS_SECRET_ACCESS_KEY: "test",
        AWS_ENDPOINT_URL: faux.endpoint,
        AWS_SQS_REQUEST_QUEUE_URL: request,
        AWS_SQS_RESULT_QUEUE_URL: result,
        S3_PAYLOAD_BUCKET: bucket,
        WORKER_CONCURRENCY: "2",
        CPU_POOL_SIZE: "2",
        SQS_WAIT_TIME_SECONDS: "1",
        SQS_VISIBILITY_TIMEOUT_SECONDS: "10",
        HEARTBEAT_INTERVAL_SECONDS: "1",
        HTTP_PORT: "0",
        HTTP_HOST: "127.0.0.1",
      },
      { requireQueues: true },
    );
    const w = await startWorker(config, log, { handlers: createHandlerRegistry([handler]) });
    for (let i = 0; i < 2; i++) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: request,
          MessageBody: JSON.stringify({
            taskId: `task_cpu_${i}`,
            taskType: "GRAPH_GENERATION_REQUEST",
            timestamp: new Date().toISOString(),
            payload: { userId: "bench", s3Key: "graph-generation/cpu/" },
          }),
        }),
      );
    }
    await sleep(1500);
    const h = monitorEventLoopDelay({ resolution: 5 });
    h.enable();
    while (finished < 2) await sleep(100);
    h.disable();
    await w.stop();
    print(
      `event-loop delay on the main thread while 2 CPU jobs run on both cores: p99 ${(h.percentile(99) / 1e6).toFixed(1)} ms, max ${(h.max / 1e6).toFixed(1)} ms`,
    );
  }
  sqs.destroy();
  s3.destroy();
  faux.stop();
  if (warnings.length > 0) {
    console.error(`\n!!! ${warnings.length} process warning(s) during the benchmark (a listener leak?):`);
    for (const w of warnings) console.error(w);
    process.exitCode = 1;
  }
}

await main();
