/**
 * Queue behaviour of the worker over real SQS and S3 protocols, run against fauxqs and again against
 * ElasticMQ (when the test command started it; see scripts/test.mjs).
 */
import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { after, before, describe, test } from "node:test";
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from "@aws-sdk/client-sqs";
import { loadConfig } from "../../src/config.js";
import { createS3Storage } from "../../src/infra/s3Storage.js";
import { createQueueClient, createSqsClient, type QueueClient } from "../../src/infra/sqs.js";
import { resultDeduplicationId } from "../../src/runtime/consumer.js";
import { createLogger } from "../../src/runtime/logger.js";
import { type RunningWorker, startWorker } from "../../src/runtime/worker.js";
import { createHandlerRegistry } from "../../src/tasks/registry.js";
import type { TaskHandler } from "../../src/tasks/types.js";
import { getElasticMq } from "../support/elasticmq.js";
import { startFaultProxy } from "../support/faultProxy.js";
import { credentials, type QueueEnv, region, startQueueEnv, workerEnv } from "../support/queueEnv.js";
import { type Script, scriptedHandler } from "../support/scriptedHandler.js";

const log = createLogger({ level: "silent" });
let seq = 0;

function graphRequest(script: Script & { latch?: boolean }, userId = "user-12345") {
  seq++;
  return {
    taskId: `task_${userId}_${String(seq).padStart(26, "0")}`,
    taskType: "GRAPH_GENERATION_REQUEST",
    timestamp: new Date().toISOString(),
    payload: { userId, s3Key: `graph-generation/t${seq}/`, includeSummary: false, test: script },
  };
}

/** The scripted handler, except that a request with `test.latch` waits (after `started`) for `latch`. */
function latchedHandler(latch: Promise<void>, started: () => void): TaskHandler {
  const scripted = scriptedHandler();
  return {
    type: scripted.type,
    async run(payload, ctx) {
      if ((payload as { test?: { latch?: boolean } }).test?.latch) {
        started();
        await latch;
      }
      return scripted.run(payload, ctx);
    },
  };
}

async function waitUntil(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number) {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`not reached in ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function countRuns(env: QueueEnv, taskId: string): Promise<number> {
  const storage = createS3Storage({ region, endpoint: env.s3Endpoint, forcePathStyle: true, credentials });
  return (await storage.list(env.bucket, `runs/${taskId}/`)).length;
}

const backends: { name: "fauxqs" | "elasticmq"; endpoint?: string }[] = [{ name: "fauxqs" }];
const elastic = getElasticMq();
if (elastic) backends.push({ name: "elasticmq", endpoint: elastic.endpoint });

for (const backend of backends) {
  describe(`queue behaviour on ${backend.name}`, () => {
    let env: QueueEnv;
    const workers: RunningWorker[] = [];

    async function worker(
      queues: { request: string; result: string; dlq?: string },
      extra: Record<string, string> = {},
      deps: Parameters<typeof startWorker>[2] = {},
    ) {
      const config = loadConfig(workerEnv(env, queues, extra), { requireQueues: true });
      const w = await startWorker(config, log, {
        handlers: createHandlerRegistry([scriptedHandler()]),
        ...deps,
      });
      workers.push(w);
      return w;
    }

    async function stopAll() {
      await Promise.all(workers.splice(0).map((w) => w.stop()));
    }

    before(async () => {
      env = await startQueueEnv(backend.name, backend.endpoint);
    });
    after(async () => {
      await stopAll();
      await env.stop();
    });

    test("a task three times longer than the visibility timeout stays invisible and runs once", async () => {
      const request = await env.createQueue("req", 3);
      const result = await env.createQueue("res");
      const extra = { SQS_VISIBILITY_TIMEOUT_SECONDS: "3", HEARTBEAT_INTERVAL_SECONDS: "1" };
      await worker({ request, result }, extra);
      await worker({ request, result }, extra); // a competitor that would take the message if the lease lapsed
      const msg = graphRequest({ sleepMs: 9000 });
      await env.send(request, msg);
      const results = await env.drain(result, { count: 2, timeoutMs: 16000 });
      await stopAll();
      const finals = results.filter((r) => r.taskType === "GRAPH_GENERATION_RESULT");
      assert.equal(finals.length, 1);
      assert.equal((finals[0]?.payload as { status: string }).status, "COMPLETED");
      assert.equal(finals[0]?.taskId, msg.taskId);
      assert.equal(await countRuns(env, msg.taskId), 1);
      assert.deepEqual(await env.depth(request), { visible: 0, inFlight: 0 });
    });

    test("one slow task does not hold back many fast ones (refill)", async () => {
      const request = await env.createQueue("req");
      const result = await env.createQueue("res");
      // The slow task is held open by a latch released only after every fast result is out: no timing.
      let release = () => {};
      const latch = new Promise<void>((r) => {
        release = r;
      });
      let slowStarted = false;
      const handler = latchedHandler(latch, () => {
        slowStarted = true;
      });
      try {
        await worker(
          { request, result },
          { WORKER_CONCURRENCY: "3" },
          { handlers: createHandlerRegistry([handler]) },
        );
        const slow = graphRequest({ latch: true });
        await env.send(request, slow);
        await waitUntil("the slow task runs", () => slowStarted, 20_000);
        const fast = Array.from({ length: 20 }, () => graphRequest({ sleepMs: 20 }));
        for (const f of fast) await env.send(request, f);
        const fastResults = await env.drain(result, { count: 20, timeoutMs: 60_000 });
        assert.deepEqual(
          fastResults.map((r) => r.taskId).sort(),
          fast.map((f) => f.taskId).sort(),
          "every fast task finished while the slow one was still running",
        );
        release();
        const slowResult = await env.drain(result, { count: 1, timeoutMs: 30_000 });
        assert.deepEqual(
          slowResult.map((r) => r.taskId),
          [slow.taskId],
        );
      } finally {
        release();
        await stopAll();
      }
    });

    test("killed between the result send and the delete: the redelivery deletes the request, sends nothing", async () => {
      const request = await env.createQueue("req", 2);
      const result = await env.createQueue("res");
      const extra = { SQS_VISIBILITY_TIMEOUT_SECONDS: "2", HEARTBEAT_INTERVAL_SECONDS: "1" };
      // The first worker's deletes of requests fail, as if it died right after sending the result.
      const real = createQueueClient(createSqsClient({ region, endpoint: env.sqsEndpoint, credentials }), {
        batchWindowMs: "adaptive",
      });
      let failedDeletes = 0;
      const dying: QueueClient = {
        ...real,
        async delete(url, receiptHandle) {
          if (url !== request) return real.delete(url, receiptHandle);
          failedDeletes++;
          throw new Error("killed before the delete");
        },
      };
      const first = await worker({ request, result }, extra, { queue: dying });
      const msg = graphRequest({});
      await env.send(request, msg);
      const answered = await env.drain(result, { count: 1, timeoutMs: 20_000 });
      assert.equal(answered.length, 1);
      await waitUntil("the delete was tried", () => failedDeletes > 0, 20_000);
      await first.stop(); // waits for the delivery marker written beside the failed delete
      workers.splice(workers.indexOf(first), 1);
      // A fresh worker (nothing in memory) gets the redelivery once the visibility timeout lapses.
      await worker({ request, result }, extra);
      await waitUntil(
        "the redelivered request is deleted",
        async () => {
          const d = await env.depth(request);
          return d.visible === 0 && d.inFlight === 0;
        },
        60_000,
      );
      await stopAll(); // anything it sent went out before its delete
      const again = await env.drain(result, { count: 1, timeoutMs: 3000 });
      assert.deepEqual(again, [], "no second result for the same request message");
      assert.equal(await countRuns(env, msg.taskId), 1);
    });

    test("FIFO result queue: dedup id from taskId and result type, the user as group; a resend is dropped", async () => {
      const request = await env.createQueue("req");
      const created = await env.sqs.send(
        new CreateQueueCommand({
          QueueName: `res-${seq}-${Date.now()}.fifo`,
          Attributes: { FifoQueue: "true", ContentBasedDeduplication: "false" },
        }),
      );
      const result = created.QueueUrl as string;
      const real = createQueueClient(createSqsClient({ region, endpoint: env.sqsEndpoint, credentials }), {
        batchWindowMs: "adaptive",
      });
      let resultSends = 0;
      const counting: QueueClient = {
        ...real,
        async send(url, body, opts) {
          if (url === result && body.includes("GRAPH_GENERATION_RESULT")) resultSends++;
          return real.send(url, body, opts);
        },
      };
      await worker({ request, result }, {}, { queue: counting });
      const msg = graphRequest({ progress: true });
      // The same request twice (two SQS messages, as when the backend sends it again): each is answered, and
      // the second answer is the same result with the same dedup id, which the FIFO queue drops.
      await env.send(request, msg);
      await waitUntil("the first answer", () => resultSends === 1, 20_000);
      await env.sqs.send(new SendMessageCommand({ QueueUrl: request, MessageBody: JSON.stringify(msg) }));
      await waitUntil("the second answer", () => resultSends === 2, 20_000);
      await stopAll();
      const got: { body: Record<string, unknown>; group?: string; dedup?: string }[] = [];
      for (let empty = 0; empty < 2; ) {
        const r = await env.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: result,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 1,
            MessageSystemAttributeNames: ["MessageGroupId", "MessageDeduplicationId"],
            AttributeNames: ["All"],
          }),
        );
        const messages = r.Messages ?? [];
        if (messages.length === 0) empty++;
        for (const m of messages) {
          got.push({
            body: JSON.parse(m.Body ?? "null"),
            ...(m.Attributes?.MessageGroupId ? { group: m.Attributes.MessageGroupId } : {}),
            ...(m.Attributes?.MessageDeduplicationId ? { dedup: m.Attributes.MessageDeduplicationId } : {}),
          });
          await env.sqs.send(new DeleteMessageCommand({ QueueUrl: result, ReceiptHandle: m.ReceiptHandle }));
        }
      }
      const finals = got.filter((g) => g.body.taskType === "GRAPH_GENERATION_RESULT");
      const progress = got.filter((g) => g.body.taskType === "GRAPH_GENERATION_PROGRESS");
      assert.equal(finals.length, 1, "two sends of the result, one message");
      assert.equal(finals[0]?.group, "user-12345");
      assert.equal(finals[0]?.dedup, resultDeduplicationId(msg.taskId, "GRAPH_GENERATION_RESULT"));
      assert.match(finals[0]?.dedup ?? "", /^[!-~]{1,128}$/);
      assert.ok(progress.length >= 2, `progress went out: ${progress.length}`);
      for (const p of progress) assert.equal(p.group, "user-12345", "progress in the user's group");
      assert.equal(new Set(progress.map((p) => p.dedup)).size, progress.length, "a dedup id per progress");
      // The group keeps the user's order: progress before the result.
      assert.equal(got.at(-1)?.body.taskType, "GRAPH_GENERATION_RESULT");
    });

    test("unknown task types and invalid payloads get FAILED at once", async () => {
      const request = await env.createQueue("req");
      const result = await env.createQueue("res");
      await worker({ request, result });
      const ts = new Date().toISOString();
      await env.send(request, {
        taskId: "x_1",
        taskType: "REINDEX_EVERYTHING_REQUEST",
        timestamp: ts,
        payload: { userId: "u1" },
      });
      await env.send(request, {
        taskId: "task_u1_bad",
        taskType: "GRAPH_GENERATION_REQUEST",
        timestamp: ts,
        payload: { s3Key: 7 },
      });
      await env.send(request, {
        taskId: "task_microscope_node_u1_01J0000000000000000000000B_block",
        taskType: "MICROSCOPE_INGEST_FROM_NODE_REQUEST",
        timestamp: ts,
        payload: { user_id: "u1", group_id: "g1", node_type: "folder" },
      });
      await env.send(request, {
        taskId: "task_u1_nopayload",
        taskType: "ADD_NODE_REQUEST",
        timestamp: ts,
        payload: "oops",
      });
      await env.send(request, {
        taskId: "q_1",
        taskType: "MICROSCOPE_QUERY_REQUEST",
        timestamp: ts,
        payload: { user_id: "u1", group_id: "g1", query: "   " },
      });
      const results = await env.drain(result, { count: 5, timeoutMs: 10000 });
      await stopAll();
      const byId = new Map(results.map((r) => [r.taskId as string, r]));
      const p = (id: string) => byId.get(id)?.payload as Record<string, unknown>;
      assert.equal(byId.get("x_1")?.taskType, "REINDEX_EVERYTHING_RESULT");
      assert.equal(p("x_1").errorCode, "UNKNOWN_TASK_TYPE");
      assert.equal(p("x_1").userId, "u1");
      assert.equal(byId.get("task_u1_bad")?.taskType, "GRAPH_GENERATION_RESULT");
      assert.equal(p("task_u1_bad").status, "FAILED");
      assert.equal(p("task_u1_bad").errorCode, "VALIDATION_ERROR");
      const micro = p("task_microscope_node_u1_01J0000000000000000000000B_block");
      assert.equal(
        byId.get("task_microscope_node_u1_01J0000000000000000000000B_block")?.taskType,
        "MICROSCOPE_INGEST_FROM_NODE_RESULT",
      );
      assert.deepEqual(
        [micro.user_id, micro.group_id, micro.status, micro.errorCode],
        ["u1", "g1", "FAILED", "VALIDATION_ERROR"],
      );
      assert.equal(p("task_u1_nopayload").status, "FAILED");
      assert.equal(byId.get("task_u1_nopayload")?.taskType, "ADD_NODE_RESULT");
      assert.equal(byId.get("q_1")?.taskType, "MICROSCOPE_QUERY_RESULT");
      assert.deepEqual(
        [p("q_1").user_id, p("q_1").group_id, p("q_1").errorCode],
        ["u1", "g1", "VALIDATION_ERROR"],
      );
      for (const r of results) {
        const error = (r.payload as { error: string }).error;
        assert.ok(
          error.length > 0 && error.length <= 300 && !error.includes("\n    at "),
          `short error: ${error}`,
        );
        assert.match(r.timestamp as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      }
      assert.deepEqual(await env.depth(request), { visible: 0, inFlight: 0 });
    });

    test("unreadable bodies go to the dead-letter queue with the reason, never silently dropped", async () => {
      const request = await env.createQueue("req");
      const result = await env.createQueue("res");
      const dlq = await env.createQueue("dlq");
      await worker({ request, result, dlq });
      await env.send(request, "this is not json");
      await env.send(request, { hello: "world" });
      await env.send(request, { taskId: "t-no-type", payload: {} });
      const dead = await env.drain(dlq, { count: 3, timeoutMs: 10000 });
      await stopAll();
      assert.equal(dead.length, 3);
      const bodies = dead.map((d) => d.body).sort();
      assert.deepEqual(
        bodies,
        ['{"hello":"world"}', '{"taskId":"t-no-type","payload":{}}', "this is not json"].sort(),
      );
      for (const d of dead) assert.ok(typeof d.reason === "string" && (d.reason as string).length > 0);
      assert.deepEqual(await env.depth(request), { visible: 0, inFlight: 0 });
      assert.deepEqual(await env.depth(result), { visible: 0, inFlight: 0 });
    });

    test("without a dead-letter queue an unreadable body is left for the redrive policy and counted", async () => {
      const request = await env.createQueue("req", 2);
      const result = await env.createQueue("res");
      const w = await worker(
        { request, result },
        { SQS_VISIBILITY_TIMEOUT_SECONDS: "2", HEARTBEAT_INTERVAL_SECONDS: "1" },
      );
      await env.send(request, "{broken");
      await new Promise((r) => setTimeout(r, 1500));
      const metrics = await (await fetch(`http://127.0.0.1:${w.healthPort}/metrics`)).text();
      await stopAll();
      assert.match(metrics, /graphnode_poison_messages_total\{action="left_for_redrive"\} [1-9]/);
      const depth = await env.depth(request);
      assert.equal(depth.visible + depth.inFlight, 1, "the message is still in the queue");
    });

    test("a transient S3 failure is retried through the message's visibility and then succeeds", async () => {
      const request = await env.createQueue("req");
      const result = await env.createQueue("res");
      const storage = createS3Storage({
        region,
        endpoint: env.s3Endpoint,
        forcePathStyle: true,
        credentials,
      });
      await storage.putJson(env.bucket, "inputs/flaky.json", { ok: true });
      // The SDK retries 503s itself (3 attempts): fail more often than that so the task sees the outage.
      const proxy = await startFaultProxy(env.s3Endpoint, "inputs/flaky.json", 4);
      const proxied = createS3Storage({ region, endpoint: proxy.url, forcePathStyle: true, credentials });
      await worker({ request, result }, {}, { storage: proxied });
      const msg = graphRequest({ readKey: "inputs/flaky.json" });
      await env.send(request, msg);
      const results = await env.drain(result, { count: 1, timeoutMs: 20000 });
      await stopAll();
      await proxy.close();
      assert.equal(results.length, 1);
      assert.equal((results[0]?.payload as { status: string }).status, "COMPLETED");
      assert.ok(proxy.failed >= 4);
      assert.equal(await countRuns(env, msg.taskId), 2, "one failed attempt, one successful redelivery");
    });

    test("when the retries run out the request gets one FAILED result and is deleted", async () => {
      const request = await env.createQueue("req");
      const result = await env.createQueue("res");
      const storage = createS3Storage({
        region,
        endpoint: env.s3Endpoint,
        forcePathStyle: true,
        credentials,
      });
      await storage.putJson(env.bucket, "inputs/down.json", { ok: true });
      const proxy = await startFaultProxy(env.s3Endpoint, "inputs/down.json", Number.POSITIVE_INFINITY);
      const proxied = createS3Storage({ region, endpoint: proxy.url, forcePathStyle: true, credentials });
      await worker({ request, result }, { MAX_RECEIVE_COUNT: "2" }, { storage: proxied });
      const msg = graphRequest({ readKey: "inputs/down.json" });
      await env.send(request, msg);
      const results = await env.drain(result, { count: 2, timeoutMs: 15000 });
      await stopAll();
      await proxy.close();
      assert.equal(results.length, 1, "exactly one final result");
      const payload = results[0]?.payload as Record<string, unknown>;
      assert.equal(payload.status, "FAILED");
      assert.equal(payload.errorCode, "STORAGE_ERROR");
      assert.match(payload.error as string, /gave up after 2 attempts/);
      assert.deepEqual(await env.depth(request), { visible: 0, inFlight: 0 });
    });

    test("a redelivered request whose result exists is answered again without recomputing", async () => {
      const request = await env.createQueue("req");
      const result = await env.createQueue("res");
      await worker({ request, result });
      const msg = graphRequest({});
      await env.send(request, msg);
      const first = await env.drain(result, { count: 1, timeoutMs: 10000 });
      await env.send(request, msg);
      const second = await env.drain(result, { count: 1, timeoutMs: 10000 });
      await stopAll();
      assert.equal(await countRuns(env, msg.taskId), 1);
      assert.deepEqual(first[0]?.payload, second[0]?.payload);
    });

    test("the same taskId delivered twice at once runs once", async () => {
      const request = await env.createQueue("req");
      const result = await env.createQueue("res");
      await worker({ request, result }, { WORKER_CONCURRENCY: "4" });
      const msg = graphRequest({ sleepMs: 1500 });
      await env.send(request, msg);
      await env.send(request, msg);
      const results = await env.drain(result, { count: 2, timeoutMs: 15000 });
      await stopAll();
      assert.equal(
        results.length,
        2,
        "both deliveries are answered (the backend tolerates a duplicate result)",
      );
      assert.equal(await countRuns(env, msg.taskId), 1);
    });

    test("progress goes out before the final result and never after it", async () => {
      const request = await env.createQueue("req");
      const result = await env.createQueue("res");
      await worker({ request, result });
      const msg = graphRequest({ progress: true, sleepMs: 200 });
      await env.send(request, msg);
      const results = await env.drain(result, { count: 3, timeoutMs: 10000 });
      await new Promise((r) => setTimeout(r, 500));
      const late = await env.drain(result, { count: 1, timeoutMs: 1500 });
      await stopAll();
      assert.equal(late.length, 0);
      const progress = results.filter((r) => r.taskType === "GRAPH_GENERATION_PROGRESS");
      const final = results.find((r) => r.taskType === "GRAPH_GENERATION_RESULT");
      assert.ok(final);
      assert.deepEqual(
        progress.map((p) => (p.payload as { currentStage: string }).currentStage).sort(),
        ["[1단계] 임베딩 생성 시작", "[1단계] 임베딩 생성 완료"].sort(),
      );
      for (const p of progress) {
        assert.equal(p.taskId, msg.taskId);
        assert.ok((p.timestamp as string) < (final.timestamp as string));
        assert.equal((p.payload as { userId: string }).userId, "user-12345");
      }
    });

    test("waits for a free slot leave no listener on the stop signal (no MaxListenersExceededWarning)", async () => {
      const request = await env.createQueue("req");
      const result = await env.createQueue("res");
      const warnings: Error[] = [];
      const onWarning = (w: Error) => {
        if (w.name === "MaxListenersExceededWarning") warnings.push(w);
      };
      process.on("warning", onWarning);
      try {
        // Two slots, 40 tasks queued: the poller waits for a free slot again and again.
        const w = await worker(
          { request, result },
          { WORKER_CONCURRENCY: "2", WORKER_MAX_TASKS_PER_USER: "0" },
        );
        const tasks = Array.from({ length: 40 }, () => graphRequest({ sleepMs: 5 }));
        for (const t of tasks) await env.send(request, t);
        const results = await env.drain(result, { count: tasks.length, timeoutMs: 90_000 });
        assert.equal(results.length, tasks.length);
        const listeners = getEventListeners(w.consumer.stopSignalForTests, "abort").length;
        assert.ok(listeners <= 3, `${listeners} abort listeners on the stop signal`);
        await stopAll();
        assert.deepEqual(warnings, []);
      } finally {
        process.off("warning", onWarning);
      }
    });

    test("health, readiness and metrics endpoints", async () => {
      const request = await env.createQueue("req");
      const result = await env.createQueue("res");
      const w = await worker({ request, result });
      await env.send(request, graphRequest({}));
      await env.drain(result, { count: 1, timeoutMs: 10000 });
      // The result is out before the task ends (its message is deleted after the send): wait for the slot.
      while (w.consumer.activeTasks > 0) await new Promise((r) => setTimeout(r, 20));
      const base = `http://127.0.0.1:${w.healthPort}`;
      assert.equal((await fetch(`${base}/healthz`)).status, 200);
      assert.equal((await fetch(`${base}/readyz`)).status, 200);
      const metrics = await (await fetch(`${base}/metrics`)).text();
      assert.match(metrics, /graphnode_tasks_completed_total\{type="GRAPH_GENERATION_REQUEST"\} 1/);
      assert.match(metrics, /graphnode_task_duration_seconds_bucket/);
      assert.match(metrics, /graphnode_event_loop_delay_p99_seconds/);
      assert.match(metrics, /graphnode_heartbeat_lag_seconds/);
      // While draining a running task: alive, but not ready.
      await env.send(request, graphRequest({ sleepMs: 2000 }));
      while (w.consumer.activeTasks === 0) await new Promise((r) => setTimeout(r, 50));
      const stopping = w.stop();
      assert.equal((await fetch(`${base}/readyz`)).status, 503, "not ready while draining");
      assert.equal((await fetch(`${base}/healthz`)).status, 200, "still alive while draining");
      await stopping;
      workers.splice(workers.indexOf(w), 1);
    });
  });
}
