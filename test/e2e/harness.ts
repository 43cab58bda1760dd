/**
 * The end-to-end harness: the backend's side of the wire played by the test. SQS and S3 are fauxqs (over
 * HTTP), vectors go to a real ChromaDB, MongoDB is FerretDB when the test command started it, and the worker
 * is a separate process started from the production entry point (`graphnode-worker worker`), configured only
 * through its environment, as in the backend's docker-compose.
 *
 * Results are collected continuously by taskId, so the order in which they arrive does not matter; every
 * message that ever arrived is kept, so "exactly one final result per request" can be checked at the end.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { RESULT_TYPE_FOR } from "../../src/contract/taskTypes.js";
import { createS3Storage } from "../../src/infra/s3Storage.js";
import type { ObjectStorage } from "../../src/infra/storage.js";
import { getTestChroma, type TestChroma } from "../support/chroma.js";
import { credentials, type QueueEnv, region, startQueueEnv, workerEnv } from "../support/queueEnv.js";

export interface Envelope {
  taskId: string;
  taskType: string;
  timestamp: string;
  payload: Record<string, unknown>;
}

export interface E2E {
  env: QueueEnv;
  storage: ObjectStorage;
  chroma: TestChroma;
  requestQueue: string;
  resultQueue: string;
  /** Every message the worker sent, in arrival order. */
  received: Envelope[];
  /** Sends a request; resolves with its final result (progress stays in `received`). */
  request(
    taskType: string,
    taskId: string,
    payload: Record<string, unknown>,
    timeoutMs?: number,
  ): Promise<Envelope>;
  /** Messages of one taskId, in arrival order. */
  messagesOf(taskId: string): Envelope[];
  workerOutput(): string;
  stop(): Promise<void>;
}

function cliEntry(): string[] {
  const js = fileURLToPath(new URL("../../src/cli.js", import.meta.url));
  if (existsSync(js)) return [js];
  return ["--import", "tsx", fileURLToPath(new URL("../../src/cli.ts", import.meta.url))];
}

const FINAL_TYPES = new Set<string>(Object.values(RESULT_TYPE_FOR));

export async function startE2E(extraEnv: Record<string, string> = {}): Promise<E2E> {
  const env = await startQueueEnv("fauxqs");
  const chroma = await getTestChroma();
  const requestQueue = await env.createQueue("e2e-req", 30);
  const resultQueue = await env.createQueue("e2e-res", 30);
  const storage = createS3Storage({ region, endpoint: env.s3Endpoint, forcePathStyle: true, credentials });
  const vars = workerEnv(
    env,
    { request: requestQueue, result: resultQueue },
    {
      CHROMA_URL: chroma.url,
      MACRO_CHROMA_COLLECTION: `macro_e2e_${Date.now()}`,
      LOG_LEVEL: "info",
      WORKER_CONCURRENCY: "4",
      CPU_POOL_SIZE: "1",
      ...(process.env.MONGODB_TEST_URL ? { MONGODB_URL: process.env.MONGODB_TEST_URL } : {}),
      ...extraEnv,
    },
  );
  const child: ChildProcess = spawn(process.execPath, [...cliEntry(), "worker"], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...vars },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d) => {
    output = (output + d).slice(-200_000);
  });
  child.stderr?.on("data", (d) => {
    output = (output + d).slice(-200_000);
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker not running after 30 s:\n${output}`)), 30_000);
    const check = () => {
      if (/"msg":"worker running"/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    // The worker logs to stderr (stdout stays free for command output).
    child.stdout?.on("data", check);
    child.stderr?.on("data", check);
    check();
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited (${code}) before it ran:\n${output}`));
    });
  });

  const received: Envelope[] = [];
  let collecting = true;
  const collector = (async () => {
    while (collecting) {
      const got = await env.drain(resultQueue, { count: 10, timeoutMs: 1000 }).catch(() => []);
      received.push(...(got as unknown as Envelope[]));
    }
  })();

  return {
    env,
    storage,
    chroma,
    requestQueue,
    resultQueue,
    received,
    async request(taskType, taskId, payload, timeoutMs = 120_000) {
      await env.send(requestQueue, { taskId, taskType, timestamp: new Date().toISOString(), payload });
      const end = Date.now() + timeoutMs;
      while (Date.now() < end) {
        const final = received.find((m) => m.taskId === taskId && FINAL_TYPES.has(m.taskType));
        if (final) return final;
        if (child.exitCode !== null) throw new Error(`the worker died:\n${output.slice(-4000)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`no result for ${taskId} within ${timeoutMs} ms:\n${output.slice(-4000)}`);
    },
    messagesOf(taskId) {
      return received.filter((m) => m.taskId === taskId);
    },
    workerOutput: () => output,
    async stop() {
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
      collecting = false;
      await collector;
      await env.stop();
      await chroma.stop();
    },
  };
}
