/**
 * The soak run, as a function (`npm run soak` and test/e2e/soak.test.ts call it): fauxqs (SQS + S3) in a
 * child process, a real ChromaDB, a fault proxy in front of S3 and one in front of Chroma (the workers reach
 * S3 and Chroma only through them; SQS directly), N worker processes from the production entry, a random
 * worker SIGKILLed or SIGTERMed every few seconds and replaced, and the planned requests (plan.ts) sent with
 * bounded concurrency, follow-ups after their generation answered.
 *
 * It ends when every answered request has its result and the request queue is empty, or when no new result
 * came for `quietLimitMs()` (derived from the worker timeouts): what is still unanswered then is lost. The
 * report says what every request got; see report.ts for the figures and the verdict.
 */
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { CreateQueueCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { SeededRandom } from "../../src/ai/embeddings/local/random.js";
import { createChromaVectorStore } from "../../src/infra/chroma.js";
import { startChromaServer } from "../../src/infra/chromaServer.js";
import { createS3Storage } from "../../src/infra/s3Storage.js";
import {
  FAULT_KINDS,
  type FaultKind,
  type FaultProxy,
  type RuleFaultKind,
  startFaultInjectingProxy,
} from "../../test/support/faultProxy.js";
import { startFauxqsProcess } from "../fauxqsProcess.js";
import { quietLimitMs, type SoakOptions, WORKER_SETTINGS } from "./options.js";
import { type FollowUp, type Generation, type Kind, planSoak, type Standalone } from "./plan.js";
import { type Envelope, queueDepth, ResultCollector, readDeadLetters } from "./queues.js";
import { type WorkerExit, WorkerFleet } from "./workers.js";

const credentials = { accessKeyId: "test", secretAccessKey: "test" };
const region = "us-east-1";
const RULE_KINDS: RuleFaultKind[] = [
  "status503",
  "status500",
  "resetBeforeResponse",
  "resetMidBody",
  "cutMidBody",
];

/** What one request was, and what the run saw of it. */
export interface RequestRecord {
  taskId: string;
  kind: Kind;
  userId?: string;
  sentAt: number;
  finals: Envelope[];
  /** The highest receive count any worker logged for it ("task started"). */
  lastReceive?: number;
}

export interface Problem {
  taskId: string;
  kind: Kind;
  why: string;
}

export interface SoakReport {
  seed: number;
  options: Omit<SoakOptions, "log">;
  planned: Record<Kind, number>;
  sent: Record<Kind, number>;
  /** Follow-ups not sent because their generation did not complete. */
  skipped: number;
  kills: { SIGKILL: number; SIGTERM: number };
  killLog: { at: string; name: string; pid: number; signal: "SIGKILL" | "SIGTERM" }[];
  faults: {
    s3: Record<FaultKind, number>;
    chroma: Record<FaultKind, number>;
    s3Requests: number;
    chromaRequests: number;
  };
  /** Final result messages received (duplicates included), and progress messages. */
  results: number;
  progress: number;
  /** Requests that expected an answer and got none. */
  lost: Problem[];
  /** Requests answered more than once (and how many extra answers). */
  duplicated: Problem[];
  duplicateMessages: number;
  /** Answered more than once with different statuses. */
  conflicting: Problem[];
  /** Valid requests answered FAILED although their receive budget was not spent. */
  wronglyFailed: Problem[];
  /** Valid requests answered FAILED after the whole receive budget (allowed, but counted). */
  exhausted: Problem[];
  /** Completed generations / add-nodes whose vectors are missing from Chroma at the end. */
  unindexed: Problem[];
  /** Answers of the wrong type, status or errorCode (invalid payloads, unknown types, valid requests). */
  mismatched: Problem[];
  garbageSent: number;
  garbageInDlq: number;
  garbageMissing: string[];
  /** Messages in the result queue that were not a readable envelope. */
  unreadableResults: number;
  crashes: WorkerExit[];
  workerExits: number;
  queueAtEnd: { visible: number; inFlight: number; delayed: number };
  queueEmpty: boolean;
  /** True when the run stopped waiting on outstanding requests (quiet limit or maxSeconds). */
  gaveUp: string | null;
  seconds: number;
  runDir: string;
}

function zeroKinds(): Record<Kind, number> {
  return { generate: 0, addNode: 0, summary: 0, invalid: 0, unknownType: 0, garbage: 0 };
}

/** A fault proxy breaking `rate` of all requests, evenly over the rule kinds. */
function faultRules(rate: number) {
  // The rules are tried in order, each drawing on its own: share p each gives a total of 1-(1-p)^k ≈ rate.
  const k = RULE_KINDS.length;
  const p = rate <= 0 ? 0 : 1 - (1 - rate) ** (1 / k);
  return RULE_KINDS.map((kind) => ({ kind, probability: p }));
}

/** taskId → the highest receive count logged by any worker when it started the task. */
function receivesFromLogs(files: string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const f of files) {
    let text = "";
    try {
      text = readFileSync(f, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n")) {
      if (!line.includes('"task started"')) continue;
      try {
        const j = JSON.parse(line) as { taskId?: string; receiveCount?: number };
        if (j.taskId && typeof j.receiveCount === "number") {
          out.set(j.taskId, Math.max(out.get(j.taskId) ?? 0, j.receiveCount));
        }
      } catch {
        // a line cut by a SIGKILL
      }
    }
  }
  return out;
}

function originId(item: Record<string, unknown>): string {
  return String(item.id ?? item.conversation_id ?? item.noteId);
}

export async function runSoak(opts: SoakOptions): Promise<SoakReport> {
  const say = opts.log ?? (() => {});
  const t0 = Date.now();
  const runDir = opts.runDir ?? mkdtempSync(join(tmpdir(), "graphnode-soak-"));
  mkdirSync(runDir, { recursive: true });
  const plan = planSoak({ seed: opts.seed, requests: opts.requests, datasetDir: opts.datasetDir });
  const rnd = new SeededRandom(opts.seed ^ 0x5eed);
  const cleanups: (() => Promise<void> | void)[] = [];

  try {
    // ------------------------------------------------------------------ services
    const faux = await startFauxqsProcess();
    cleanups.push(() => faux.stop());
    const sqs = new SQSClient({ region, endpoint: faux.endpoint, credentials });
    const s3 = new S3Client({ region, endpoint: faux.endpoint, credentials, forcePathStyle: true });
    cleanups.push(() => {
      sqs.destroy();
      s3.destroy();
    });
    const storage = createS3Storage({ region, endpoint: faux.endpoint, forcePathStyle: true, credentials });
    const suffix = `${opts.seed.toString(36)}-${Date.now().toString(36)}`;
    const bucket = `soak-${suffix}`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const createQueue = async (name: string, attrs: Record<string, string> = {}) =>
      (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attrs }))).QueueUrl as string;
    const requestQueue = await createQueue(`soak-req-${suffix}`, {
      VisibilityTimeout: String(WORKER_SETTINGS.SQS_VISIBILITY_TIMEOUT_SECONDS),
    });
    const resultQueue = opts.fifo
      ? await createQueue(`soak-res-${suffix}.fifo`, { FifoQueue: "true" })
      : await createQueue(`soak-res-${suffix}`);
    const deadLetterQueue = await createQueue(`soak-dlq-${suffix}`);

    let chromaUrl = opts.chromaUrl;
    if (!chromaUrl) {
      const server = await startChromaServer({ path: join(runDir, "chroma") });
      cleanups.push(() => server.stop());
      chromaUrl = server.url;
    }
    const collection = `macro_soak_${suffix.replace(/-/g, "_")}`;

    const s3Proxy: FaultProxy = await startFaultInjectingProxy({
      target: faux.endpoint,
      seed: opts.seed,
      rules: faultRules(opts.faultRate),
    });
    cleanups.push(() => s3Proxy.close());
    const chromaProxy: FaultProxy = await startFaultInjectingProxy({
      target: chromaUrl,
      seed: opts.seed + 1,
      rules: faultRules(opts.faultRate),
      body: "json",
    });
    cleanups.push(() => chromaProxy.close());

    // ------------------------------------------------------------------ inputs
    const generations = plan.independent.filter((r): r is Generation => r.kind === "generate");
    for (const g of generations) {
      const prefix = `graph-generation/${g.taskId}/`;
      await storage.putJson(bucket, `${prefix}input.json`, g.conversations);
      if (g.notes.length > 0) await storage.putJson(bucket, `${prefix}notes.json`, { source_nodes: g.notes });
    }

    // ------------------------------------------------------------------ workers
    const workerEnv: Record<string, string> = {
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_ENDPOINT_URL_S3: s3Proxy.url,
      AWS_ENDPOINT_URL_SQS: faux.endpoint,
      S3_FORCE_PATH_STYLE: "true",
      AWS_SQS_REQUEST_QUEUE_URL: requestQueue,
      AWS_SQS_RESULT_QUEUE_URL: resultQueue,
      SQS_DEAD_LETTER_QUEUE_URL: deadLetterQueue,
      S3_PAYLOAD_BUCKET: bucket,
      CHROMA_URL: chromaProxy.url,
      MACRO_CHROMA_COLLECTION: collection,
      HTTP_PORT: "0",
      HTTP_HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      ...Object.fromEntries(Object.entries(WORKER_SETTINGS).map(([k, v]) => [k, String(v)])),
    };
    const fleet = new WorkerFleet(workerEnv, opts.workers, runDir, say);
    cleanups.push(() => fleet.stop(15_000));
    await fleet.start();
    say(
      `${opts.workers} workers polling; ${plan.independent.length} independent requests planned; run folder ${runDir}`,
    );

    // ------------------------------------------------------------------ sending and collecting
    const records = new Map<string, RequestRecord>();
    const sent = zeroKinds();
    let skipped = 0;
    const outstanding = new Set<string>();
    const readyFollowUps: { gen: Generation; next: FollowUp; graphKey: string }[] = [];
    const genResult = new Map<string, { graphKey: string; clusters: unknown[] }>();
    const followUpOf = new Map<string, Generation>();
    const completedAdds = new Map<string, FollowUp>();
    let lastProgressAt = Date.now();
    let wake: () => void = () => {};

    const sendBody = async (body: string) => {
      await sqs.send(new SendMessageCommand({ QueueUrl: requestQueue, MessageBody: body }));
    };
    const track = (taskId: string, kind: Kind, userId?: string) => {
      records.set(taskId, { taskId, kind, ...(userId ? { userId } : {}), sentAt: Date.now(), finals: [] });
      if (kind !== "garbage") outstanding.add(taskId);
      sent[kind]++;
    };
    const envelope = (taskId: string, taskType: string, payload: Record<string, unknown>) =>
      JSON.stringify({ taskId, taskType, timestamp: new Date().toISOString(), payload });

    const sendGeneration = async (g: Generation) => {
      track(g.taskId, "generate", g.userId);
      await sendBody(
        envelope(g.taskId, "GRAPH_GENERATION_REQUEST", {
          userId: g.userId,
          s3Key: `graph-generation/${g.taskId}/`,
          bucket,
          includeSummary: false,
          language: "en",
          inputType: "auto",
        }),
      );
    };
    const sendFollowUp = async (gen: Generation, f: FollowUp) => {
      followUpOf.set(f.taskId, gen);
      const got = genResult.get(gen.taskId);
      if (f.kind === "summary") {
        track(f.taskId, "summary", gen.userId);
        await sendBody(
          envelope(f.taskId, "GRAPH_SUMMARY_REQUEST", {
            userId: gen.userId,
            graphS3Key: got?.graphKey,
            bucket,
            language: "en",
          }),
        );
        return;
      }
      const key = `add-node/${f.taskId}/batch.json`;
      await storage.putJson(bucket, key, {
        userId: gen.userId,
        existingClusters: got?.clusters ?? [],
        conversations: f.conversations ?? [],
        notes: f.notes ?? [],
      });
      track(f.taskId, "addNode", gen.userId);
      await sendBody(
        envelope(f.taskId, "ADD_NODE_REQUEST", {
          userId: gen.userId,
          s3Key: key,
          bucket,
          inputType: "auto",
          language: "en",
        }),
      );
    };
    const sendStandalone = async (r: Standalone) => {
      track(r.taskId, r.kind);
      await sendBody(r.body);
    };

    /** The next follow-up of `gen` after `done` (or its first), or none. */
    const queueNextFollowUp = (gen: Generation, doneTaskId?: string) => {
      const at = doneTaskId ? gen.followUps.findIndex((f) => f.taskId === doneTaskId) + 1 : 0;
      const next = gen.followUps[at];
      const got = genResult.get(gen.taskId);
      if (next && got) readyFollowUps.push({ gen, next, graphKey: got.graphKey });
    };

    const onResult = async (env: Envelope) => {
      const payload = env.payload ?? {};
      const completed = payload.status === "COMPLETED";
      const gen = generations.find((g) => g.taskId === env.taskId);
      if (gen) {
        if (!completed || typeof payload.resultS3Key !== "string") {
          skipped += gen.followUps.length;
          return;
        }
        let clusters: unknown[] = [];
        try {
          const graph = (await storage.getJson(bucket, payload.resultS3Key)) as {
            metadata?: {
              clusters?: Record<
                string,
                { name?: string; description?: string; size?: number; key_themes?: string[] }
              >;
            };
          };
          clusters = Object.entries(graph.metadata?.clusters ?? {}).map(([id, c]) => ({
            id,
            name: c.name ?? "",
            description: c.description ?? "",
            size: c.size ?? 0,
            themes: (c.key_themes ?? []).slice(0, 3),
          }));
        } catch {
          // The follow-ups still go out; ADD_NODE takes an empty cluster list.
        }
        genResult.set(gen.taskId, { graphKey: payload.resultS3Key, clusters });
        queueNextFollowUp(gen);
        return;
      }
      const parent = followUpOf.get(env.taskId);
      if (parent) {
        const f = parent.followUps.find((x) => x.taskId === env.taskId);
        if (f?.kind === "addNode" && completed) completedAdds.set(f.taskId, f);
        queueNextFollowUp(parent, env.taskId);
      }
    };

    const collector = new ResultCollector(sqs, resultQueue);
    const pendingCallbacks = new Set<Promise<void>>();
    collector.start((env, first) => {
      const rec = records.get(env.taskId);
      rec?.finals.push(env);
      if (!first || !rec) return;
      outstanding.delete(env.taskId);
      lastProgressAt = Date.now();
      const p = onResult(env).finally(() => {
        pendingCallbacks.delete(p);
        wake();
      });
      pendingCallbacks.add(p);
    });
    cleanups.push(() => collector.stop());

    // Kills: a random ready worker every killEveryMs (±40%), SIGKILL or SIGTERM, until everything is answered
    // (or maxKills).
    let killing = opts.killEveryMs > 0;
    let stopKills: () => void = () => {};
    const killLoop = (async () => {
      while (killing) {
        const waitMs = opts.killEveryMs * (0.6 + 0.8 * rnd.next());
        const signal = rnd.next() < 0.5 ? "SIGKILL" : "SIGTERM";
        const index = rnd.int(1000);
        await new Promise<void>((r) => {
          const t = setTimeout(r, waitMs);
          stopKills = () => {
            clearTimeout(t);
            r();
          };
        });
        if (!killing) break;
        const who = fleet.kill(index, signal);
        if (who) say(`${signal} ${who}`);
        if (opts.maxKills !== undefined && fleet.kills.SIGKILL + fleet.kills.SIGTERM >= opts.maxKills) break;
      }
    })();

    const quietMs = quietLimitMs(opts.quietFactor);
    const maxOutstanding = opts.workers * WORKER_SETTINGS.WORKER_CONCURRENCY * 2;
    const deadline = t0 + opts.maxSeconds * 1000;
    let next = 0;
    let gaveUp: string | null = null;
    let lastReport = Date.now();
    for (;;) {
      while (
        outstanding.size < maxOutstanding &&
        (readyFollowUps.length > 0 || next < plan.independent.length)
      ) {
        const f = readyFollowUps.shift();
        if (f) await sendFollowUp(f.gen, f.next);
        else {
          const r = plan.independent[next++];
          if (r?.kind === "generate") await sendGeneration(r);
          else if (r) await sendStandalone(r);
        }
      }
      const allSent = next >= plan.independent.length && readyFollowUps.length === 0;
      // Kills go on until the last answer: the last requests get no easier ride than the first.
      if (allSent && outstanding.size === 0 && pendingCallbacks.size === 0) break;
      if (Date.now() - lastProgressAt > quietMs) {
        gaveUp = `no new result for ${Math.round(quietMs / 1000)} s with ${outstanding.size} requests outstanding`;
        break;
      }
      if (Date.now() > deadline) {
        gaveUp = `SOAK_MAX_SECONDS (${opts.maxSeconds}) reached with ${outstanding.size} requests outstanding`;
        break;
      }
      if (Date.now() - lastReport > 15_000) {
        lastReport = Date.now();
        const answered = [...records.values()].filter((r) => r.finals.length > 0).length;
        say(
          `${Math.round((Date.now() - t0) / 1000)} s: sent ${Object.values(sent).reduce((a, b) => a + b, 0)}, answered ${answered}, outstanding ${outstanding.size}, kills ${fleet.kills.SIGKILL + fleet.kills.SIGTERM}, faults ${s3Proxy.total + chromaProxy.total}, crashes ${fleet.crashes.length}`,
        );
      }
      await new Promise<void>((r) => {
        const t = setTimeout(r, 250);
        wake = () => {
          clearTimeout(t);
          r();
        };
      });
    }
    killing = false;
    stopKills();
    await killLoop;
    if (gaveUp) say(`giving up: ${gaveUp}`);

    // ------------------------------------------------------------------ drain
    // Once the request queue is empty no worker holds a request, so no further result can be on its way
    // except one a worker sends right now for a twin delivery: wait for the queue, then stop the workers
    // (SIGTERM: they finish what they hold) and collect what is left.
    const queueLimit = Date.now() + (gaveUp ? 0 : quietMs);
    let depth = await queueDepth(sqs, requestQueue);
    while (depth.visible + depth.inFlight + depth.delayed > 0 && Date.now() < queueLimit) {
      await new Promise((r) => setTimeout(r, 250));
      depth = await queueDepth(sqs, requestQueue);
    }
    const stopLimitMs = (WORKER_SETTINGS.SHUTDOWN_GRACE_SECONDS + 30) * 1000;
    await fleet.stop(stopLimitMs);
    await collector.stop();
    await collector.drain();
    await Promise.allSettled([...pendingCallbacks]);
    const queueAtEnd = await queueDepth(sqs, requestQueue);
    const deadLetters = await readDeadLetters(sqs, deadLetterQueue);

    // ------------------------------------------------------------------ checks
    const receives = receivesFromLogs(fleet.logFiles);
    for (const r of records.values()) {
      const n = receives.get(r.taskId);
      if (n !== undefined) r.lastReceive = n;
    }
    const report = judge({
      plan,
      records,
      receives,
      deadLetters,
      completedAdds,
      generations,
      genResult,
      vectors: await vectorsByUser(chromaUrl, collection, generations, genResult),
    });

    return {
      seed: opts.seed,
      options: { ...opts, log: undefined } as Omit<SoakOptions, "log">,
      planned: plan.counts,
      sent,
      skipped,
      kills: { ...fleet.kills },
      killLog: [...fleet.killLog],
      faults: {
        s3: { ...s3Proxy.counts },
        chroma: { ...chromaProxy.counts },
        s3Requests: s3Proxy.requests,
        chromaRequests: chromaProxy.requests,
      },
      results: [...collector.finals.values()].reduce((a, l) => a + l.length, 0),
      progress: collector.progress,
      ...report,
      unreadableResults: collector.unreadable.length,
      crashes: fleet.crashes,
      workerExits: fleet.exits.length,
      queueAtEnd,
      queueEmpty: queueAtEnd.visible + queueAtEnd.inFlight + queueAtEnd.delayed === 0,
      gaveUp,
      seconds: Math.round((Date.now() - t0) / 100) / 10,
      runDir,
    };
  } finally {
    for (const c of cleanups.reverse()) {
      try {
        await c();
      } catch {
        // best effort: the next cleanup still runs
      }
    }
  }
}

/** userId → orig_ids of the user's records in the run's collection (read directly, not through the proxy). */
async function vectorsByUser(
  chromaUrl: string,
  collection: string,
  generations: Generation[],
  genResult: Map<string, unknown>,
): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  const store = createChromaVectorStore({ url: chromaUrl });
  const col = await store.existing(collection);
  if (!col) return out;
  for (const g of generations) {
    if (!genResult.has(g.taskId)) continue;
    const hits = await col.get({ where: { user_id: g.userId } });
    out.set(g.userId, new Set(hits.map((h) => String(h.metadata.orig_id ?? h.id))));
  }
  return out;
}

const GAVE_UP = /gave up after (\d+) attempts/;

function judge(input: {
  plan: ReturnType<typeof planSoak>;
  records: Map<string, RequestRecord>;
  receives: Map<string, number>;
  deadLetters: string[];
  completedAdds: Map<string, FollowUp>;
  generations: Generation[];
  genResult: Map<string, unknown>;
  vectors: Map<string, Set<string>>;
}) {
  const max = WORKER_SETTINGS.MAX_RECEIVE_COUNT;
  const lost: Problem[] = [];
  const duplicated: Problem[] = [];
  const conflicting: Problem[] = [];
  const wronglyFailed: Problem[] = [];
  const exhausted: Problem[] = [];
  const unindexed: Problem[] = [];
  const mismatched: Problem[] = [];
  let duplicateMessages = 0;
  const standalone = new Map(
    input.plan.independent.filter((r): r is Standalone => r.kind !== "generate").map((r) => [r.taskId, r]),
  );
  const expectedType: Record<string, string> = {
    generate: "GRAPH_GENERATION_RESULT",
    addNode: "ADD_NODE_RESULT",
    summary: "GRAPH_SUMMARY_RESULT",
  };

  const garbage = [...input.records.values()].filter((r) => r.kind === "garbage");
  const garbageMissing = garbage
    .filter((r) => !input.deadLetters.some((d) => d.includes(r.taskId)))
    .map((r) => r.taskId);

  for (const r of input.records.values()) {
    if (r.kind === "garbage") {
      if (r.finals.length > 0)
        mismatched.push({ taskId: r.taskId, kind: r.kind, why: "a garbage body was answered" });
      continue;
    }
    const first = r.finals[0];
    if (!first) {
      lost.push({
        taskId: r.taskId,
        kind: r.kind,
        why: `no result (last receive ${r.lastReceive ?? "never logged"})`,
      });
      continue;
    }
    if (r.finals.length > 1) {
      duplicateMessages += r.finals.length - 1;
      duplicated.push({ taskId: r.taskId, kind: r.kind, why: `${r.finals.length} results` });
      const statuses = new Set(r.finals.map((f) => String(f.payload?.status)));
      if (statuses.size > 1) {
        conflicting.push({ taskId: r.taskId, kind: r.kind, why: `statuses ${[...statuses].join(", ")}` });
      }
    }
    const status = String(first.payload?.status);
    const error = String(first.payload?.error ?? "");
    const code = String(first.payload?.errorCode ?? "");
    const s = standalone.get(r.taskId);
    if (s) {
      if (first.taskType !== s.expectType || status !== "FAILED" || code !== s.expectCode) {
        mismatched.push({
          taskId: r.taskId,
          kind: r.kind,
          why: `expected ${s.expectType} FAILED ${s.expectCode}, got ${first.taskType} ${status} ${code} ${error}`.trim(),
        });
      }
      continue;
    }
    if (first.taskType !== expectedType[r.kind]) {
      mismatched.push({ taskId: r.taskId, kind: r.kind, why: `result type ${first.taskType}` });
    }
    if (status === "FAILED") {
      // Every valid request of the soak can succeed: a FAILED one is only right when a transient fault
      // outlived the whole receive budget, which the worker states in `error` ("gave up after N attempts").
      const attempts = Number(GAVE_UP.exec(error)?.[1] ?? 0);
      const why = `${code}: ${error} (receive ${r.lastReceive ?? "?"} of ${max})`;
      if (attempts >= max) exhausted.push({ taskId: r.taskId, kind: r.kind, why });
      else wronglyFailed.push({ taskId: r.taskId, kind: r.kind, why });
    } else if (status !== "COMPLETED") {
      mismatched.push({ taskId: r.taskId, kind: r.kind, why: `status ${status}` });
    }
  }

  // Vectors: every item of a completed generation, and of every completed add-node, is in Chroma.
  for (const g of input.generations) {
    if (!input.genResult.has(g.taskId)) continue;
    const have = input.vectors.get(g.userId) ?? new Set<string>();
    const genRecord = input.records.get(g.taskId);
    const check = (taskId: string, kind: Kind, ids: string[], error: string) => {
      const missing = ids.filter((id) => !have.has(id));
      if (missing.length === 0) return;
      const rec = input.records.get(taskId);
      unindexed.push({
        taskId,
        kind,
        why: `${missing.length} of ${ids.length} items not in Chroma (receive ${rec?.lastReceive ?? "?"} of ${WORKER_SETTINGS.MAX_RECEIVE_COUNT}; error: ${error || "none"})`,
      });
    };
    check(
      g.taskId,
      "generate",
      [...g.conversations, ...g.notes].map(originId),
      String(genRecord?.finals[0]?.payload?.error ?? ""),
    );
    for (const f of g.followUps) {
      if (!input.completedAdds.has(f.taskId)) continue;
      const ids = [...(f.conversations ?? []), ...(f.notes ?? [])].map((x) =>
        originId(x as Record<string, unknown>),
      );
      check(f.taskId, "addNode", ids, String(input.records.get(f.taskId)?.finals[0]?.payload?.error ?? ""));
    }
  }

  return {
    lost,
    duplicated,
    duplicateMessages,
    conflicting,
    wronglyFailed,
    exhausted,
    unindexed,
    mismatched,
    garbageSent: garbage.length,
    garbageInDlq: garbage.length - garbageMissing.length,
    garbageMissing,
  };
}

export { FAULT_KINDS };
