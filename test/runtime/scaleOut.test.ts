/**
 * Scale-out: two worker processes (the production assembly with the scripted handler, test/support/workerMain)
 * share one request queue on fauxqs. A few hundred mixed tasks from several users: short and long, some on the
 * CPU pool, some failing terminally, some failing transiently once and then succeeding. One process is killed
 * with SIGKILL midway; with a short visibility timeout the survivor finishes everything.
 *
 * What ran where is read from the scripted handler's markers in S3: `runs/<taskId>/<pid>-…` when a run starts,
 * `done/<taskId>/<pid>-…` when it completes.
 *
 * Waiting follows the protocol, not the machine's speed: the test waits as long as results keep coming, and
 * calls a request missing only after a quiet time in which even its whole receive budget of lost leases and
 * retry delays would have run out (QUIET_MS, from the configured timeouts). A worker that dies unasked fails
 * the test at once, and a missing result is reported with what its markers say about it. At the end it waits
 * until the request queue is empty (delayed copies included) and the survivor holds no task, so no result can
 * still be on its way, instead of sleeping.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { GetQueueAttributesCommand, SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import { createS3Storage } from "../../src/infra/s3Storage.js";
import { credentials, type QueueEnv, region, startQueueEnv, workerEnv } from "../support/queueEnv.js";
import type { Script } from "../support/scriptedHandler.js";
import { spawnWorker, type WorkerProcess } from "../support/spawnWorker.js";

let env: QueueEnv;
const spawned: WorkerProcess[] = [];
before(async () => {
  env = await startQueueEnv("fauxqs");
});
after(async () => {
  for (const w of spawned)
    if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill("SIGKILL");
  await env.stop();
});

const TASKS = 300;
const CONCURRENCY = 6;
const VISIBILITY_SECONDS = 3;
const MAX_RECEIVE_COUNT = 4;
/** RETRY_MAX_DELAY_SECONDS of the test configuration (support/queueEnv.ts). */
const RETRY_MAX_DELAY_SECONDS = 2;
/** The longest scripted task (plan(): sleeps up to 900 ms). */
const LONGEST_TASK_SECONDS = 1;
/**
 * Longest time without any new result before the test calls the outstanding requests missing: each allowed
 * receive of one request may end in a lost lease (the kill) or a retry delay, then run its task; three times
 * that for a busy machine.
 */
const QUIET_MS =
  (MAX_RECEIVE_COUNT * (VISIBILITY_SECONDS + RETRY_MAX_DELAY_SECONDS + LONGEST_TASK_SECONDS) * 3 + 30) * 1000;

interface Planned {
  taskId: string;
  userId: string;
  script: Script;
  expect: "COMPLETED" | "FAILED";
}

/** A fixed, varied workload (a small LCG, so every run plans the same tasks). */
function plan(): Planned[] {
  let x = 12345;
  const rnd = () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
  const run = Math.random().toString(36).slice(2, 8);
  return Array.from({ length: TASKS }, (_, i) => {
    const userId = `user-${i % 10}`;
    const r = rnd();
    let script: Script;
    let expect: Planned["expect"] = "COMPLETED";
    if (r < 0.6) script = { sleepMs: 20 + Math.floor(rnd() * 130) };
    else if (r < 0.75) script = { sleepMs: 400 + Math.floor(rnd() * 500) };
    else if (r < 0.85) script = { cpuMs: 30 + Math.floor(rnd() * 50) };
    else if (r < 0.93) {
      script = { sleepMs: 30, failTerminal: true };
      expect = "FAILED";
    } else script = { sleepMs: 50, failTransientTimes: 1 };
    return { taskId: `task_${userId}_${run}${String(i).padStart(20, "0")}`, userId, script, expect };
  });
}

type Envelope = { taskId: string; taskType: string; payload: Record<string, unknown> };

/** taskId → pids that left a marker under `prefix` (one entry per run). */
async function markers(prefix: "runs" | "done"): Promise<Map<string, number[]>> {
  const storage = createS3Storage({ region, endpoint: env.s3Endpoint, forcePathStyle: true, credentials });
  const out = new Map<string, number[]>();
  for (const o of await storage.list(env.bucket, `${prefix}/`)) {
    const [, taskId, file] = o.key.split("/");
    const pid = Number((file ?? "").split("-")[0]);
    out.set(taskId as string, [...(out.get(taskId as string) ?? []), pid]);
  }
  return out;
}

/**
 * Waits until `done()`, as long as `progress()` keeps changing: fails after QUIET_MS without any change, or at
 * once when one of `workers` died (a crash is a bug, not slowness).
 */
async function untilDone(opts: {
  done: () => boolean | Promise<boolean>;
  progress: () => number;
  workers: WorkerProcess[];
  what: string;
  explain: () => Promise<string>;
}) {
  let last = opts.progress();
  let lastChange = Date.now();
  while (!(await opts.done())) {
    for (const w of opts.workers) {
      if (!w.alive()) {
        throw new Error(
          `a worker died (${w.status()}) while waiting for ${opts.what}: ${w.output().slice(-2000)}`,
        );
      }
    }
    const now = opts.progress();
    if (now !== last) {
      last = now;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > QUIET_MS) {
      throw new Error(
        `no progress for ${QUIET_MS / 1000} s waiting for ${opts.what}: ${await opts.explain()}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function requestQueueDepth(queueUrl: string) {
  const r = await env.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
      ],
    }),
  );
  const a = r.Attributes ?? {};
  return {
    visible: Number(a.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0),
    delayed: Number(a.ApproximateNumberOfMessagesDelayed ?? 0),
  };
}

/** Tasks running or held in a worker, from its /metrics. */
async function tasksHeldBy(healthPort: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text();
  let n = 0;
  for (const m of text.matchAll(/^graphnode_tasks_(?:in_flight|held)(?:\{[^}]*\})? (\S+)$/gm))
    n += Number(m[1]);
  return n;
}

test("two processes share a queue; one is SIGKILLed midway; every request gets exactly one result", async (t) => {
  const requestQueue = await env.createQueue("req", 3);
  const resultQueue = await env.createQueue("res");
  const cfg = workerEnv(
    env,
    { request: requestQueue, result: resultQueue },
    {
      WORKER_CONCURRENCY: String(CONCURRENCY),
      SQS_VISIBILITY_TIMEOUT_SECONDS: String(VISIBILITY_SECONDS),
      HEARTBEAT_INTERVAL_SECONDS: "1",
      MAX_RECEIVE_COUNT: String(MAX_RECEIVE_COUNT),
      RETRY_MAX_DELAY_SECONDS: String(RETRY_MAX_DELAY_SECONDS),
    },
  );
  const [victim, survivor] = [spawnWorker(cfg), spawnWorker(cfg)] as [WorkerProcess, WorkerProcess];
  spawned.push(victim, survivor);
  const [, survivorPort] = await Promise.all([victim.ready, survivor.ready]);
  const victimPid = victim.child.pid as number;
  const survivorPid = survivor.child.pid as number;

  const tasks = plan();
  const byId = new Map(tasks.map((t) => [t.taskId, t]));
  for (let i = 0; i < tasks.length; i += 10) {
    await env.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: requestQueue,
        Entries: tasks.slice(i, i + 10).map((t, j) => ({
          Id: String(j),
          MessageBody: JSON.stringify({
            taskId: t.taskId,
            taskType: "GRAPH_GENERATION_REQUEST",
            timestamp: new Date().toISOString(),
            payload: { userId: t.userId, s3Key: `graph-generation/${t.taskId}/`, test: t.script },
          }),
        })),
      }),
    );
  }

  // Collect results continuously, keeping every message (duplicates included).
  const finals: Envelope[] = [];
  let collecting = true;
  const collector = (async () => {
    while (collecting) {
      const got = (await env.drain(resultQueue, { count: 10, timeoutMs: 500 })) as unknown as Envelope[];
      finals.push(...got.filter((m) => m.taskType === "GRAPH_GENERATION_RESULT"));
    }
  })();
  const answered = () => new Set(finals.map((f) => f.taskId)).size;
  const explain = async () => {
    const have = new Set(finals.map((f) => f.taskId));
    const missing = tasks.filter((t) => !have.has(t.taskId)).slice(0, 10);
    const [runs, done] = [await markers("runs"), await markers("done")];
    const lines = missing.map(
      (t) =>
        `${t.taskId} ${JSON.stringify(t.script)}: runs by ${JSON.stringify(runs.get(t.taskId) ?? [])}, completed by ${JSON.stringify(done.get(t.taskId) ?? [])}`,
    );
    return `${TASKS - have.size} of ${TASKS} unanswered; request queue ${JSON.stringify(await requestQueueDepth(requestQueue))}; victim ${victimPid} ${victim.status()}, survivor ${survivorPid} ${survivor.status()}\n${lines.join("\n")}\nsurvivor output: ${survivor.output().slice(-2000)}`;
  };

  try {
    await untilDone({
      done: () => answered() >= TASKS / 3,
      progress: answered,
      workers: [victim, survivor],
      what: "a third of the results",
      explain,
    });
    const startedBeforeKill = await markers("runs");
    victim.child.kill("SIGKILL");
    await victim.exited;
    const pidsBeforeKill = new Set([...startedBeforeKill.values()].flat());
    assert.ok(pidsBeforeKill.has(victimPid), "the killed process had started tasks");
    assert.ok(pidsBeforeKill.has(survivorPid), "the surviving process had started tasks");

    await untilDone({
      done: () => answered() === TASKS,
      progress: answered,
      workers: [survivor],
      what: "a result for every request",
      explain,
    });
    // Late duplicates: a result can only still be on its way while a request is in the queue (visible,
    // leased or delayed) or a task is held by the survivor. Once neither is true, what was sent has arrived.
    await untilDone({
      done: async () => {
        const d = await requestQueueDepth(requestQueue);
        return d.visible + d.inFlight + d.delayed === 0 && (await tasksHeldBy(survivorPort)) === 0;
      },
      progress: () => finals.length,
      workers: [survivor],
      what: "an empty request queue and an idle survivor",
      explain,
    });
  } finally {
    collecting = false;
    await collector;
  }
  // Whatever the survivor sent before it went idle is in the result queue now: collect it to the last one.
  for (;;) {
    const got = (await env.drain(resultQueue, { count: 1, timeoutMs: 1000 })) as unknown as Envelope[];
    if (got.length === 0) break;
    finals.push(...got.filter((m) => m.taskType === "GRAPH_GENERATION_RESULT"));
  }
  survivor.child.kill("SIGTERM");
  assert.equal(await survivor.exited, 0, survivor.output().slice(-2000));

  const started = await markers("runs");
  const done = await markers("done");
  const resultsOf = new Map<string, Envelope[]>();
  for (const f of finals) resultsOf.set(f.taskId, [...(resultsOf.get(f.taskId) ?? []), f]);
  assert.equal(resultsOf.size, TASKS);
  for (const id of resultsOf.keys()) assert.ok(byId.has(id), `unexpected taskId ${id}`);

  let duplicated = 0;
  let completedTwice = 0;
  for (const task of tasks) {
    const results = resultsOf.get(task.taskId) ?? [];
    const touchedByVictim = (started.get(task.taskId) ?? []).includes(victimPid);
    // Only a request the killed process was working on may be answered twice (its result sent, the request
    // not yet deleted), and then with the same answer.
    if (!touchedByVictim) assert.equal(results.length, 1, `${task.taskId}: ${results.length} results`);
    for (const r of results) assert.deepEqual(r.payload, results[0]?.payload, task.taskId);
    if (results.length > 1) duplicated++;
    const payload = results[0]?.payload as { status: string; errorCode?: string };
    assert.equal(
      payload.status,
      task.expect,
      `${task.taskId} ${JSON.stringify(task.script)}: ${JSON.stringify(payload)}`,
    );
    if (task.script.failTerminal) assert.equal(payload.errorCode, "INVALID_INPUT");

    const completions = done.get(task.taskId) ?? [];
    if (task.expect === "FAILED") assert.equal(completions.length, 0, task.taskId);
    else if (!touchedByVictim)
      assert.equal(completions.length, 1, `${task.taskId} completed ${completions.length}×`);
    else assert.ok(completions.length >= 1, task.taskId);
    if (completions.length > 1) completedTwice++;
    if (task.script.failTransientTimes) {
      assert.ok(
        (started.get(task.taskId) ?? []).length >= 2,
        `${task.taskId} was retried after its transient failure`,
      );
    }
  }
  // What the killed process had in flight is bounded by its concurrency.
  assert.ok(duplicated <= CONCURRENCY, `${duplicated} requests answered twice`);
  assert.ok(completedTwice <= CONCURRENCY, `${completedTwice} tasks completed twice`);
  const victimRuns = [...started.values()].flat().filter((pid) => pid === victimPid).length;
  const survivorRuns = [...started.values()].flat().filter((pid) => pid === survivorPid).length;
  t.diagnostic(
    `runs: killed process ${victimRuns}, survivor ${survivorRuns}; answered twice ${duplicated}, completed twice ${completedTwice}`,
  );
  assert.ok(
    victimRuns > 0 && survivorRuns > victimRuns,
    `runs: killed ${victimRuns}, survivor ${survivorRuns}`,
  );
});
