/**
 * Process-level shutdown and crash behaviour: real worker processes on fauxqs (SQS + S3 over HTTP).
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createS3Storage } from "../../src/infra/s3Storage.js";
import { credentials, type QueueEnv, region, startQueueEnv, workerEnv } from "../support/queueEnv.js";
import { spawnWorker } from "../support/spawnWorker.js";

let env: QueueEnv;
before(async () => {
  env = await startQueueEnv("fauxqs");
});
after(async () => {
  await env.stop();
});

function request(id: string, sleepMs: number) {
  return {
    taskId: id,
    taskType: "GRAPH_GENERATION_REQUEST",
    timestamp: new Date().toISOString(),
    payload: { userId: "u1", s3Key: `graph-generation/${id}/`, test: { sleepMs } },
  };
}

async function runsOf(taskId: string) {
  const storage = createS3Storage({ region, endpoint: env.s3Endpoint, forcePathStyle: true, credentials });
  return storage.list(env.bucket, `runs/${taskId}/`);
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("condition not reached in time");
}

test("SIGTERM mid-task releases the message; a second worker completes it; exactly one result", async () => {
  const req = await env.createQueue("req", 30);
  const res = await env.createQueue("res");
  const cfg = workerEnv(
    env,
    { request: req, result: res },
    { SHUTDOWN_GRACE_SECONDS: "1", SQS_VISIBILITY_TIMEOUT_SECONDS: "30", HEARTBEAT_INTERVAL_SECONDS: "5" },
  );
  const first = spawnWorker(cfg);
  await first.ready;
  const msg = request("task_u1_SIGTERM0000000000000000001", 4000);
  await env.send(req, msg);
  await waitFor(async () => (await runsOf(msg.taskId)).length === 1, 10000);
  first.child.kill("SIGTERM");
  assert.equal(await first.exited, 0, `the worker exits 0 after releasing: ${first.output().slice(-1000)}`);
  // Released with visibility 0, not after the 30 s lease: a second worker takes it right away.
  const second = spawnWorker(cfg);
  await second.ready;
  const results = await env.drain(res, { count: 2, timeoutMs: 15000 });
  second.child.kill("SIGTERM");
  await second.exited;
  const finals = results.filter((r) => r.taskType === "GRAPH_GENERATION_RESULT");
  assert.equal(finals.length, 1, "no result was sent for the released run");
  assert.equal((finals[0]?.payload as { status: string }).status, "COMPLETED");
  assert.equal((await runsOf(msg.taskId)).length, 2);
  assert.deepEqual(await env.depth(req), { visible: 0, inFlight: 0 });
});

test("SIGTERM lets a short task finish within the grace period instead of releasing it", async () => {
  const req = await env.createQueue("req", 30);
  const res = await env.createQueue("res");
  const w = spawnWorker(workerEnv(env, { request: req, result: res }, { SHUTDOWN_GRACE_SECONDS: "10" }));
  await w.ready;
  const msg = request("task_u1_GRACE00000000000000000000001", 1500);
  await env.send(req, msg);
  await waitFor(async () => (await runsOf(msg.taskId)).length === 1, 10000);
  w.child.kill("SIGTERM");
  assert.equal(await w.exited, 0);
  const results = await env.drain(res, { count: 1, timeoutMs: 5000 });
  assert.equal((results[0]?.payload as { status: string }).status, "COMPLETED");
  assert.equal((await runsOf(msg.taskId)).length, 1);
});

test("SIGKILL mid-task: the message comes back after its lease and still gets exactly one result", async () => {
  const req = await env.createQueue("req", 3);
  const res = await env.createQueue("res");
  const cfg = workerEnv(
    env,
    { request: req, result: res },
    { SQS_VISIBILITY_TIMEOUT_SECONDS: "3", HEARTBEAT_INTERVAL_SECONDS: "1" },
  );
  const first = spawnWorker(cfg);
  await first.ready;
  const msg = request("task_u1_SIGKILL0000000000000000001", 2500);
  await env.send(req, msg);
  await waitFor(async () => (await runsOf(msg.taskId)).length === 1, 10000);
  first.child.kill("SIGKILL");
  await first.exited;
  const second = spawnWorker(cfg);
  await second.ready;
  const results = await env.drain(res, { count: 2, timeoutMs: 20000 });
  second.child.kill("SIGTERM");
  await second.exited;
  assert.equal(results.filter((r) => r.taskType === "GRAPH_GENERATION_RESULT").length, 1);
  assert.equal((await runsOf(msg.taskId)).length, 2);
  assert.deepEqual(await env.depth(req), { visible: 0, inFlight: 0 });
});
