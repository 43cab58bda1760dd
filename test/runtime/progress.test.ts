import assert from "node:assert/strict";
import { test } from "node:test";
import { monotonicProgress, type ProgressClamp, subStepProgress } from "../../src/pipelines/progress.js";
import { createLogger } from "../../src/runtime/logger.js";
import { createProgressReporter, type ProgressPayload, stageLabel } from "../../src/runtime/progress.js";

test("stage labels follow the backend convention [N단계] name 시작|중|완료", () => {
  assert.equal(stageLabel("embedding", 0), "[1단계] 임베딩 생성 시작");
  assert.equal(stageLabel("keywords", 50), "[2단계] 키워드 추출 중");
  assert.equal(stageLabel("clustering", 1), "[3단계] 클러스터 생성 및 매핑 중");
  assert.equal(stageLabel("merging", 100), "[5단계] 그래프 보정 완료");
  assert.equal(stageLabel("summary", 100), "[6단계] 그래프 요약 생성 완료");
});

test("reporter throttles intermediate updates, always sends start and finish, computes an ETA", async () => {
  let clock = 0;
  const sent: ProgressPayload[] = [];
  const r = createProgressReporter({
    userId: "u1",
    minIntervalMs: 1000,
    now: () => clock,
    send: async (p) => {
      sent.push(p);
    },
  });
  r.report("embedding", 0, 100);
  clock = 100;
  r.report("embedding", 10, 100); // within the interval: dropped
  clock = 2000;
  r.report("embedding", 50, 100); // sent, ETA ≈ 2 s
  clock = 2100;
  r.report("embedding", 60, 100); // dropped
  r.report("embedding", 100, 100); // finish always sent
  r.report("keywords", 0, 10); // next stage start always sent
  await r.close();
  assert.deepEqual(
    sent.map((p) => [p.currentStage, p.progressPercent]),
    [
      ["[1단계] 임베딩 생성 시작", 0],
      ["[1단계] 임베딩 생성 중", 50],
      ["[1단계] 임베딩 생성 완료", 100],
      ["[2단계] 키워드 추출 시작", 0],
    ],
  );
  assert.equal(sent[1]?.etaSeconds, 2);
  assert.equal(sent[2]?.etaSeconds, 0);
  assert.equal(sent[0]?.etaSeconds, null);
  for (const p of sent) {
    assert.equal(p.userId, "u1");
    assert.ok(Number.isFinite(p.progressPercent));
  }
});

test("nothing is sent after close, and close waits for queued sends", async () => {
  const sent: string[] = [];
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const r = createProgressReporter({
    userId: "u1",
    minIntervalMs: 0,
    send: async (p) => {
      await gate;
      sent.push(p.currentStage);
    },
  });
  r.report("edges", 0, 1);
  const closing = r.close();
  r.report("edges", 1, 1); // after close: ignored
  let closed = false;
  void closing.then(() => {
    closed = true;
  });
  await new Promise((res) => setImmediate(res));
  assert.equal(closed, false, "close must wait for the queued send");
  release();
  await closing;
  assert.deepEqual(sent, ["[4단계] 엣지 유사도 계산 시작"]);
});

test("a failing transport does not break the reporter", async () => {
  const errors: unknown[] = [];
  const r = createProgressReporter({
    userId: "u",
    minIntervalMs: 0,
    send: async () => {
      throw new Error("queue down");
    },
    onError: (e) => errors.push(e),
  });
  r.report("embedding", 0, 2);
  r.report("embedding", 2, 2);
  await r.close();
  assert.equal(errors.length, 2);
});

test("a backwards sequence comes out non-decreasing: stages never go back, percents never go down", async () => {
  const sent: ProgressPayload[] = [];
  const logLines: string[] = [];
  const r = createProgressReporter({
    userId: "u1",
    minIntervalMs: 0,
    send: async (p) => {
      sent.push(p);
    },
    log: createLogger({ level: "debug" }, { write: (line: string) => void logLines.push(line) }),
  });
  // What the worker used to send: the embedder's sub-steps restarting at 0, then a late report of an old stage.
  r.report("embedding", 0, 10);
  r.report("embedding", 8, 10);
  r.report("embedding", 0, 10); // sub-step restart: clamped
  r.report("embedding", 5, 10); // still below 80 %: clamped
  r.report("embedding", 9, 10);
  r.report("embedding", 10, 10);
  r.report("keywords", 0, 4);
  r.report("embedding", 10, 10); // an earlier stage after a later one: clamped
  r.report("keywords", 2, 4);
  r.report("clustering", 1, 2);
  r.report("keywords", 4, 4); // clamped
  r.report("clustering", 0, 2); // clamped
  r.report("clustering", 2, 2);
  await r.close();

  assert.deepEqual(
    sent.map((p) => [p.currentStage, p.progressPercent]),
    [
      ["[1단계] 임베딩 생성 시작", 0],
      ["[1단계] 임베딩 생성 중", 80],
      ["[1단계] 임베딩 생성 중", 90],
      ["[1단계] 임베딩 생성 완료", 100],
      ["[2단계] 키워드 추출 시작", 0],
      ["[2단계] 키워드 추출 중", 50],
      ["[3단계] 클러스터 생성 및 매핑 중", 50],
      ["[3단계] 클러스터 생성 및 매핑 완료", 100],
    ],
  );
  const stageNo = (p: ProgressPayload) => Number(/^\[(\d)단계\]/.exec(p.currentStage)?.[1]);
  for (let i = 1; i < sent.length; i++) {
    const [a, b] = [sent[i - 1]!, sent[i]!];
    assert.ok(stageNo(b) >= stageNo(a), "stage never goes back");
    if (stageNo(b) === stageNo(a))
      assert.ok(b.progressPercent >= a.progressPercent, "percent never goes down");
  }
  const clampLines = logLines.map((l) => JSON.parse(l) as { level: string; msg: string });
  assert.equal(clampLines.length, 5, "each clamp is logged (a clamp means a pipeline bug)");
  for (const l of clampLines) assert.equal(l.level, "debug");
});

test("the monotonic guard drops backwards reports (reported) and repeats (silently)", () => {
  const out: [string, number, number][] = [];
  const clamps: ProgressClamp[] = [];
  const guarded = monotonicProgress(
    (stage, done, total) => out.push([stage, done, total]),
    (c) => clamps.push(c),
  );
  guarded("embedding", 0, 665);
  guarded("embedding", 600, 665);
  guarded("embedding", 0, 665); // dropped
  guarded("embedding", 600, 665); // a repeat: dropped, not a clamp
  guarded("embedding", 601, 665);
  guarded("keywords", 0, 665);
  guarded("embedding", 665, 665); // dropped
  guarded("keywords", 665, 665);
  assert.deepEqual(out, [
    ["embedding", 0, 665],
    ["embedding", 600, 665],
    ["embedding", 601, 665],
    ["keywords", 0, 665],
    ["keywords", 665, 665],
  ]);
  assert.deepEqual(
    clamps.map((c) => [c.stage, c.atStage]),
    [
      ["embedding", "embedding"],
      ["embedding", "keywords"],
    ],
  );
});

test("sub-steps that each restart at 0 map onto disjoint, ordered slices of their stage", () => {
  const fractions: number[] = [];
  const step = subStepProgress({ tokenize: 1, fit: 2, project: 1 }, (f) => fractions.push(f));
  step("tokenize", 0, 10);
  step("tokenize", 10, 10);
  step("fit", 0, 3);
  step("fit", 3, 3);
  step("project", 0, 5);
  step("project", 5, 5);
  assert.deepEqual(fractions, [0, 0.25, 0.25, 0.75, 0.75, 1]);
  step("fit", 1, 3); // a step out of order cannot pull the stage back
  assert.equal(fractions.at(-1), 1);
});
