/**
 * Progress of a real GRAPH_GENERATION run only moves forward (issue 10, point 6). The request goes through the
 * production runner, handler registry, CPU pool and pipeline on real Debian package descriptions (debian-dev),
 * with file storage and a real Chroma; every GRAPH_GENERATION_PROGRESS envelope is captured, unthrottled.
 *
 * What the backend shows (contract §3.1) is `currentStage` ("[N단계] name 시작|중|완료") and `progressPercent`,
 * which is the percent WITHIN the current stage. So "never goes backwards" means: the stage number never
 * decreases, the percent never decreases while the stage stays the same, and the state word follows
 * 시작 → 중 → 완료 within a stage; i.e. the pair (stage, percent) is non-decreasing over the whole task.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { loadConfig } from "../../../src/config.js";
import { createFsStorage } from "../../../src/infra/fsStorage.js";
import { runEnvelopeLocally } from "../../../src/runtime/localRun.js";
import { createLogger } from "../../../src/runtime/logger.js";
import type { OutgoingEnvelope } from "../../../src/runtime/taskRunner.js";
import { getTestChroma, type TestChroma } from "../../support/chroma.js";
import { datasetDir } from "../../support/datasets.js";

const DATASET = datasetDir("debian-dev");
const BUCKET = "payload-bucket";
const USER = "4f1d2c3b-1a2b-4c3d-8e9f-0a1b2c3d4e5f";

let chroma: TestChroma;
let dir: string;
before(async () => {
  chroma = await getTestChroma();
  dir = await mkdtemp(join(tmpdir(), "graphnode-progress-order-"));
});
after(async () => {
  await chroma?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Seen {
  stage: number;
  state: string;
  percent: number;
  timestamp: string;
}

const STATE_ORDER = ["시작", "중", "완료"];

function parseProgress(env: OutgoingEnvelope): Seen {
  const payload = env.payload as { currentStage: string; progressPercent: number };
  const m = /^\[(\d)단계\] .+ (시작|중|완료)$/.exec(payload.currentStage);
  assert.ok(m, `stage string follows the contract: ${payload.currentStage}`);
  return { stage: Number(m[1]), state: m[2]!, percent: payload.progressPercent, timestamp: env.timestamp };
}

test("a real graph generation reports stages in order and percents that never go down", async () => {
  // A few hundred real items, English and Korean, conversations and notes (the full set takes longer, not more).
  const conversations = JSON.parse(await readFile(join(DATASET, "input.json"), "utf8")) as unknown[];
  const notes = JSON.parse(await readFile(join(DATASET, "notes.json"), "utf8")) as {
    source_nodes: unknown[];
  };
  const taskId = `task_${USER}_01J0000000000000000PROGRESS`;
  const prefix = `graph-generation/${taskId}/`;
  const storage = createFsStorage(dir);
  await storage.putJson(BUCKET, `${prefix}input.json`, conversations.slice(0, 240));
  await storage.putJson(BUCKET, `${prefix}notes.json`, { source_nodes: notes.source_nodes.slice(0, 30) });

  const config = loadConfig({
    S3_PAYLOAD_BUCKET: BUCKET,
    CHROMA_URL: chroma.url,
    MACRO_CHROMA_COLLECTION: `macro_progress_${randomUUID().slice(0, 8)}`,
    PROGRESS_MIN_INTERVAL_MS: "0",
    CPU_POOL_SIZE: "1",
    LOG_LEVEL: "silent",
  });
  const progress: OutgoingEnvelope[] = [];
  // The reporter drops backwards reports and says so at debug: the pipeline itself must not need that.
  const logLines: string[] = [];
  const { result } = await runEnvelopeLocally({
    body: JSON.stringify({
      taskId,
      taskType: "GRAPH_GENERATION_REQUEST",
      timestamp: new Date().toISOString(),
      payload: {
        userId: USER,
        s3Key: prefix,
        includeSummary: true,
        language: "en",
        minClusters: 4,
        maxClusters: 12,
      },
    }),
    storageDir: dir,
    config,
    log: createLogger({ level: "debug" }, { write: (line: string) => void logLines.push(line) }),
    onProgress: (env) => progress.push(env),
  });
  assert.equal((result?.payload as { status?: string }).status, "COMPLETED", JSON.stringify(result?.payload));

  assert.ok(progress.length > 0, "progress was sent");
  for (const env of progress) {
    assert.equal(env.taskType, "GRAPH_GENERATION_PROGRESS");
    assert.equal(env.taskId, taskId);
  }
  const seen = progress.map(parseProgress);
  const trace = seen.map((s) => `${s.stage}:${s.state}:${s.percent}`).join(" ");
  if (process.env.PRINT_PROGRESS) console.log(trace);

  // Every stage of the run appears, in order, and once left is never seen again.
  const stageRuns = seen.map((s) => s.stage).filter((s, i, all) => i === 0 || all[i - 1] !== s);
  assert.deepEqual(stageRuns, [1, 2, 3, 4, 5, 6], `each stage once, in order: ${trace}`);

  for (let i = 1; i < seen.length; i++) {
    const prev = seen[i - 1]!;
    const cur = seen[i]!;
    assert.ok(cur.stage >= prev.stage, `stage went back at message ${i}: ${trace}`);
    if (cur.stage === prev.stage) {
      assert.ok(cur.percent >= prev.percent, `percent went down within stage ${cur.stage} at ${i}: ${trace}`);
      assert.ok(
        STATE_ORDER.indexOf(cur.state) >= STATE_ORDER.indexOf(prev.state),
        `state went back within stage ${cur.stage} at ${i}: ${trace}`,
      );
    }
    // The FE keeps the newest message by envelope timestamp: the order above must be the timestamp order.
    assert.ok(cur.timestamp > prev.timestamp, `timestamps increase: ${prev.timestamp} then ${cur.timestamp}`);
  }
  // Each stage starts at 0 (시작) and finishes at 100 (완료).
  for (const stage of [1, 2, 3, 4, 5, 6]) {
    const mine = seen.filter((s) => s.stage === stage);
    assert.equal(mine[0]?.percent, 0, `stage ${stage} starts at 0: ${trace}`);
    assert.equal(mine.at(-1)?.percent, 100, `stage ${stage} ends at 100: ${trace}`);
  }
  const clamped = logLines.filter((l) => l.includes("would go backwards"));
  assert.deepEqual(clamped, [], "the pipeline reports in order; the reporter's guard had nothing to drop");
  // The embedding stage really reports its way through (it is the longest one), not just start and finish.
  assert.ok(seen.filter((s) => s.stage === 1 && s.state === "중").length >= 2, trace);
});
