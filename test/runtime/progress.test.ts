import assert from "node:assert/strict";
import { test } from "node:test";
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
