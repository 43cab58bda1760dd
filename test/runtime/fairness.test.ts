/**
 * Fair use between users (WORKER_MAX_TASKS_PER_USER): the bookkeeping on its own, then the worker over real
 * SQS and S3 protocols (fauxqs, and ElasticMQ when the test command started it), with the scripted handler.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { loadConfig } from "../../src/config.js";
import { createS3Storage } from "../../src/infra/s3Storage.js";
import {
  createQueueClient,
  createSqsClient,
  type QueueClient,
  type SendOptions,
} from "../../src/infra/sqs.js";
import {
  effectiveReceiveCount,
  PRIOR_RECEIVES_ATTRIBUTE,
  UNKNOWN_USER,
  UserSlots,
  userOfBody,
} from "../../src/runtime/fairness.js";
import { createLogger } from "../../src/runtime/logger.js";
import { type RunningWorker, startWorker } from "../../src/runtime/worker.js";
import { createHandlerRegistry } from "../../src/tasks/registry.js";
import type { TaskHandler } from "../../src/tasks/types.js";
import { getElasticMq } from "../support/elasticmq.js";
import { credentials, type QueueEnv, region, startQueueEnv, workerEnv } from "../support/queueEnv.js";
import { type Script, scriptedHandler } from "../support/scriptedHandler.js";

const log = createLogger({ level: (process.env.FAIR_LOG as "silent") ?? "silent" });

describe("fairness bookkeeping", () => {
  test("the user comes from payload.userId or payload.user_id, leniently; anything else shares one bucket", () => {
    const body = (payload: unknown) => JSON.stringify({ taskId: "t", taskType: "X", payload });
    assert.equal(userOfBody(body({ userId: "u-1" })), "u-1");
    assert.equal(userOfBody(body({ user_id: " u-2 " })), "u-2");
    assert.equal(userOfBody(body({ userId: 12345 })), "12345");
    assert.equal(userOfBody(body({ userId: "", user_id: "u-3" })), "u-3");
    for (const odd of [body({}), body("text"), body({ userId: { id: 1 } }), "not json", "null", "[]"]) {
      assert.equal(userOfBody(odd), UNKNOWN_USER, odd);
    }
  });

  test("held items go to the user with the fewest running tasks, oldest first, never over the cap", () => {
    const slots = new UserSlots<string>(2);
    slots.acquire("a");
    slots.acquire("a");
    slots.acquire("b");
    slots.hold("a", "a1");
    slots.hold("a", "a2");
    slots.hold("b", "b1");
    slots.hold("c", "c1");
    assert.equal(slots.held, 4);
    // c runs nothing: first; then b (1 running, under the cap); a is at the cap.
    assert.deepEqual(slots.takeRunnable(), { user: "c", item: "c1" });
    slots.acquire("c");
    assert.deepEqual(slots.takeRunnable(), { user: "b", item: "b1" });
    slots.acquire("b");
    assert.equal(slots.takeRunnable(), undefined, "a is at its cap");
    slots.release("a");
    assert.deepEqual(slots.takeRunnable(), { user: "a", item: "a1" });
    assert.deepEqual(
      slots.takeAll().map((x) => x.item),
      ["a2"],
    );
    assert.equal(slots.held, 0);
  });

  test("a requeued copy carries the receives of the copies before it", () => {
    const m = { messageId: "m", receiptHandle: "r", body: "{}", receiveCount: 1 };
    assert.equal(effectiveReceiveCount(m), 1);
    assert.equal(
      effectiveReceiveCount({ ...m, receiveCount: 2, attributes: { [PRIOR_RECEIVES_ATTRIBUTE]: "2" } }),
      4,
    );
    assert.equal(effectiveReceiveCount({ ...m, attributes: { [PRIOR_RECEIVES_ATTRIBUTE]: "junk" } }), 1);
  });

  test("WORKER_MAX_TASKS_PER_USER: half the concurrency by default; 0 or more than the concurrency turns it off", () => {
    const cap = (env: Record<string, string>) => loadConfig(env).loop.maxTasksPerUser;
    assert.equal(cap({}), 3, "5 slots by default: 3 per user");
    assert.equal(cap({ WORKER_CONCURRENCY: "1" }), 1);
    assert.equal(cap({ WORKER_CONCURRENCY: "4" }), 2);
    assert.equal(cap({ WORKER_CONCURRENCY: "4", WORKER_MAX_TASKS_PER_USER: "1" }), 1);
    assert.equal(cap({ WORKER_CONCURRENCY: "4", WORKER_MAX_TASKS_PER_USER: "0" }), 4);
    assert.equal(cap({ WORKER_CONCURRENCY: "4", WORKER_MAX_TASKS_PER_USER: "9" }), 4);
    assert.throws(() => cap({ WORKER_MAX_TASKS_PER_USER: "-1" }), /WORKER_MAX_TASKS_PER_USER/);
  });
});

let seq = 0;
function request(userId: string, script: Script) {
  seq++;
  return {
    taskId: `task_${userId}_${String(seq).padStart(26, "0")}`,
    taskType: "GRAPH_GENERATION_REQUEST",
    timestamp: new Date().toISOString(),
    payload: { userId, s3Key: `graph-generation/t${seq}/`, includeSummary: false, test: script },
  };
}

type Envelope = { taskId: string; taskType: string; timestamp: string; payload: { status: string } };

/** Final results in the order the worker produced them (its timestamps never go backwards in one process). */
function finalsInOrder(messages: Record<string, unknown>[]): Envelope[] {
  return (messages as unknown as Envelope[])
    .filter((m) => m.taskType === "GRAPH_GENERATION_RESULT")
    .sort((a, b) => a.timestamp.localeCompare(b.timestamp));
}

async function deferrals(w: RunningWorker): Promise<Record<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${w.healthPort}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^graphnode_tasks_deferred_total\{reason="(\w+)"\} (\d+)/gm)) {
    out[m[1] as string] = Number(m[2]);
  }
  return out;
}

const backends: { name: "fauxqs" | "elasticmq"; endpoint?: string }[] = [{ name: "fauxqs" }];
const elastic = getElasticMq();
if (elastic) backends.push({ name: "elasticmq", endpoint: elastic.endpoint });

for (const backend of backends) {
  describe(`fair use between users on ${backend.name}`, () => {
    let env: QueueEnv;
    const workers: RunningWorker[] = [];

    async function worker(
      queues: { request: string; result: string },
      extra: Record<string, string>,
      queue?: QueueClient,
      handler: TaskHandler = scriptedHandler(),
    ) {
      const config = loadConfig(workerEnv(env, queues, extra), { requireQueues: true });
      const w = await startWorker(config, log, {
        handlers: createHandlerRegistry([handler]),
        ...(queue ? { queue } : {}),
      });
      workers.push(w);
      return w;
    }

    async function runMarkers(taskId: string): Promise<number[]> {
      const storage = createS3Storage({
        region,
        endpoint: env.s3Endpoint,
        forcePathStyle: true,
        credentials,
      });
      const keys = await storage.list(env.bucket, `runs/${taskId}/`);
      const counts = await Promise.all(
        keys.map(
          async (k) => ((await storage.getJson(env.bucket, k.key)) as { receiveCount: number }).receiveCount,
        ),
      );
      return counts.sort((a, b) => a - b);
    }

    before(async () => {
      env = await startQueueEnv(backend.name, backend.endpoint);
    });
    after(async () => {
      await Promise.all(workers.splice(0).map((w) => w.stop()));
      await env.stop();
    });

    test("one user's backlog of slow tasks does not hold back another user's task", async () => {
      const requestQueue = await env.createQueue("req");
      const resultQueue = await env.createQueue("res");
      // Queued before the worker starts, so the backlog is ahead of B's task in the queue.
      const backlog = Array.from({ length: 10 }, () => request("user-a", { sleepMs: 1000 }));
      for (const r of backlog) await env.send(requestQueue, r);
      const other = request("user-b", { sleepMs: 20 });
      await env.send(requestQueue, other);
      // 4 slots, at most 2 per user (the default: half the concurrency).
      const w = await worker({ request: requestQueue, result: resultQueue }, { WORKER_CONCURRENCY: "4" });
      const results = finalsInOrder(await env.drain(resultQueue, { count: 11, timeoutMs: 40_000 }));
      const counted = await deferrals(w);
      await Promise.all(workers.splice(0).map((x) => x.stop()));

      assert.deepEqual(results.map((r) => r.taskId).sort(), [...backlog, other].map((r) => r.taskId).sort());
      for (const r of results) assert.equal(r.payload.status, "COMPLETED", r.taskId);
      const position = results.findIndex((r) => r.taskId === other.taskId);
      // The cap is work-conserving: before B is seen, A alone fills all four slots (idle slots never wait).
      // Once A is at the cap the worker looks at full batches, sees B behind A's backlog at the first freed
      // slot, and B goes before A's remaining six. So at most the four A tasks that were running finish
      // first; without the cap B would come after all ten.
      assert.ok(position <= 4, `B's result came ${position + 1}th of ${results.length}`);
      // Held while B was waiting beside them (with four slots they fit in the hold; the requeue beyond it is
      // checked by the next test).
      assert.ok((counted.held ?? 0) > 0, `A's tasks over the cap were held: ${JSON.stringify(counted)}`);
      // Deferral is not a receive: every A task ran once, on what the worker counts as its first receive.
      for (const r of backlog) assert.deepEqual(await runMarkers(r.taskId), [1], r.taskId);
      assert.deepEqual(await env.depth(requestQueue), { visible: 0, inFlight: 0 });
    });

    test("a lone user with more tasks than the cap uses every slot (the cap is work-conserving)", async () => {
      const requestQueue = await env.createQueue("req");
      const resultQueue = await env.createQueue("res");
      const slots = 4; // the cap defaults to half: 2
      // Each run waits until `slots` runs are going at once, or until a deadline far beyond any receive: with
      // the cap holding the lone user back, only 2 would ever run together.
      let running = 0;
      let most = 0;
      let allRunning = () => {};
      const together = new Promise<void>((r) => {
        allRunning = r;
      });
      const observing: TaskHandler = {
        type: "GRAPH_GENERATION_REQUEST",
        async run(payload) {
          running++;
          most = Math.max(most, running);
          if (running >= slots) allRunning();
          await Promise.race([together, new Promise((r) => setTimeout(r, 20_000))]);
          running--;
          const p = payload as { userId: string };
          return { userId: p.userId, status: "COMPLETED", resultS3Key: "results/x/graph.json" };
        },
      };
      const tasks = Array.from({ length: 2 * slots }, () => request("user-lone", {}));
      for (const r of tasks) await env.send(requestQueue, r);
      await worker(
        { request: requestQueue, result: resultQueue },
        { WORKER_CONCURRENCY: String(slots) },
        undefined,
        observing,
      );
      const results = finalsInOrder(await env.drain(resultQueue, { count: tasks.length, timeoutMs: 90_000 }));
      await Promise.all(workers.splice(0).map((x) => x.stop()));
      assert.equal(results.length, tasks.length);
      assert.equal(most, slots, `at most ${most} of the lone user's tasks ran at once`);
    });

    test("a deferred task is never answered FAILED because of its deferrals; requeues keep the group id", async () => {
      const requestQueue = await env.createQueue("req");
      const resultQueue = await env.createQueue("res");
      // Each task fails transiently on its first run and succeeds on its second: with MAX_RECEIVE_COUNT=2 a
      // single receive spent on a deferral would turn that first failure into a FAILED result.
      // Tasks longer than the first scan backoff (250 ms), so the worker looks past the ones it holds.
      // Two users: the cap is work-conserving, so deferrals happen when both have work waiting.
      const tasks = Array.from({ length: 8 }, (_, i) =>
        request(i % 2 === 0 ? "user-a" : "user-b", { sleepMs: 600, failTransientTimes: 1 }),
      );
      for (const r of tasks) await env.send(requestQueue, r);
      // The SQS client, plus what a fair queue would add: the MessageGroupId the backend set (= the user).
      // The requeue must pass it on and never count a deferral as a receive.
      const real = createQueueClient(createSqsClient({ region, endpoint: env.sqsEndpoint, credentials }), {
        batchWindowMs: 5,
      });
      const requeued: { body: string; opts: SendOptions }[] = [];
      const queue: QueueClient = {
        ...real,
        async receive(url, opts) {
          const got = await real.receive(url, opts);
          return url === requestQueue ? got.map((m) => ({ ...m, messageGroupId: userOfBody(m.body) })) : got;
        },
        async send(url, body, opts) {
          if (url === requestQueue && opts) {
            requeued.push({ body, opts });
            // ElasticMQ, like SQS before fair queues, refuses a MessageGroupId on a standard queue.
            const { messageGroupId: _, ...rest } = opts;
            return real.send(url, body, backend.name === "elasticmq" ? rest : opts);
          }
          return real.send(url, body, opts);
        },
      };
      const w = await worker(
        { request: requestQueue, result: resultQueue },
        { WORKER_CONCURRENCY: "2", MAX_RECEIVE_COUNT: "2" }, // one task per user at a time
        queue,
      );
      const results = finalsInOrder(await env.drain(resultQueue, { count: tasks.length, timeoutMs: 60_000 }));
      const counted = await deferrals(w);
      await Promise.all(workers.splice(0).map((x) => x.stop()));

      assert.equal(results.length, tasks.length);
      assert.equal(new Set(results.map((r) => r.taskId)).size, tasks.length, "one result per request");
      for (const r of results)
        assert.equal(r.payload.status, "COMPLETED", `${r.taskId}: ${JSON.stringify(r)}`);
      assert.ok((counted.requeued ?? 0) > 0, `some tasks were requeued: ${JSON.stringify(counted)}`);
      assert.equal(requeued.length, counted.requeued ?? 0);
      for (const { body, opts } of requeued) {
        assert.equal(opts.messageGroupId, userOfBody(body), "the copy keeps its group id");
        assert.ok((opts.delaySeconds ?? 0) > 0);
      }
      // Two real runs each, seen by the task as its first and second receive, however often it was deferred.
      for (const r of tasks) assert.deepEqual(await runMarkers(r.taskId), [1, 2], r.taskId);
      assert.deepEqual(await env.depth(requestQueue), { visible: 0, inFlight: 0 });
    });

    test("a MessageGroupId on a standard queue (an SQS fair queue) needs nothing from the worker", {
      skip: backend.name === "elasticmq" ? "ElasticMQ refuses MessageGroupId on standard queues" : false,
    }, async () => {
      const requestQueue = await env.createQueue("req");
      const resultQueue = await env.createQueue("res");
      await worker({ request: requestQueue, result: resultQueue }, {});
      const msg = request("user-g", { sleepMs: 10 });
      await env.sqs.send(
        new SendMessageCommand({
          QueueUrl: requestQueue,
          MessageBody: JSON.stringify(msg),
          MessageGroupId: msg.payload.userId,
        }),
      );
      const results = finalsInOrder(await env.drain(resultQueue, { count: 1, timeoutMs: 10_000 }));
      await Promise.all(workers.splice(0).map((x) => x.stop()));
      assert.deepEqual(
        results.map((r) => [r.taskId, r.payload.status]),
        [[msg.taskId, "COMPLETED"]],
      );
    });
  });
}
