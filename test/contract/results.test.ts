import assert from "node:assert/strict";
import { test } from "node:test";
import {
  buildFailedPayload,
  MAX_ERROR_LENGTH,
  REQUEST_TASK_TYPES,
  RESULT_TASK_TYPES,
  type ResultTaskType,
  resultPayloadSchemas,
  shortErrorMessage,
} from "../../src/contract/index.js";
import { json, microscopeResultMessage, progressMessage } from "./examples.js";

function ok(type: ResultTaskType, payload: unknown): boolean {
  return resultPayloadSchemas[type].safeParse(payload).success;
}

test("every result type has a payload schema", () => {
  for (const type of RESULT_TASK_TYPES) assert.ok(resultPayloadSchemas[type], type);
});

test("the contract's progress and microscope result examples parse", () => {
  assert.ok(ok("GRAPH_GENERATION_PROGRESS", json<{ payload: unknown }>(progressMessage).payload));
  const micro = json<{ payload: unknown }>(microscopeResultMessage).payload;
  assert.ok(ok("MICROSCOPE_INGEST_FROM_NODE_RESULT", micro));
  assert.ok(ok("MICROSCOPE_INGEST_RESULT", micro));
});

test("COMPLETED results need their S3 keys", () => {
  const gen = { userId: "u1", status: "COMPLETED", resultS3Key: "results/macro/u1/t/graph.json" };
  assert.ok(ok("GRAPH_GENERATION_RESULT", gen));
  assert.ok(
    ok("GRAPH_GENERATION_RESULT", { ...gen, summaryIncluded: false, error: "summary failed: timeout" }),
  );
  assert.equal(ok("GRAPH_GENERATION_RESULT", { userId: "u1", status: "COMPLETED" }), false);
  assert.equal(ok("GRAPH_GENERATION_RESULT", { ...gen, userId: "" }), false);
  assert.equal(ok("GRAPH_GENERATION_RESULT", { ...gen, summaryIncluded: true }), false);
  assert.equal(ok("ADD_NODE_RESULT", { userId: "u1", status: "COMPLETED" }), false);
  assert.ok(
    ok("ADD_NODE_RESULT", {
      userId: "u1",
      status: "COMPLETED",
      resultS3Key: "results/add_node/u1/t/result.json",
    }),
  );
  assert.equal(ok("GRAPH_SUMMARY_RESULT", { userId: "u1", status: "COMPLETED" }), false);
  assert.ok(
    ok("GRAPH_SUMMARY_RESULT", { userId: "u1", status: "COMPLETED", summaryS3Key: "s/summary.json" }),
  );
  const micro = { user_id: "u1", group_id: "g", status: "COMPLETED" };
  assert.equal(ok("MICROSCOPE_INGEST_RESULT", micro), false);
  assert.ok(
    ok("MICROSCOPE_INGEST_RESULT", {
      ...micro,
      block_graph_s3_key: "r/block_graph.json",
      chunks_count: null,
    }),
  );
  assert.equal(
    ok("MICROSCOPE_INGEST_RESULT", { ...micro, user_id: "", block_graph_s3_key: "r/b.json" }),
    false,
  );
});

test("S3 keys in results are bare object keys", () => {
  for (const key of ["s3://bucket/results/graph.json", "/results/graph.json", "results/macro/", ""]) {
    assert.equal(
      ok("GRAPH_GENERATION_RESULT", { userId: "u1", status: "COMPLETED", resultS3Key: key }),
      false,
      key,
    );
  }
});

test("status is only COMPLETED or FAILED, and FAILED needs a non-empty error", () => {
  assert.equal(ok("GRAPH_SUMMARY_RESULT", { userId: "u1", status: "DONE", summaryS3Key: "k" }), false);
  assert.equal(ok("GRAPH_SUMMARY_RESULT", { userId: "u1", status: "FAILED" }), false);
  assert.equal(ok("GRAPH_SUMMARY_RESULT", { userId: "u1", status: "FAILED", error: "  " }), false);
  assert.ok(
    ok("GRAPH_SUMMARY_RESULT", {
      userId: "u1",
      status: "FAILED",
      error: "no nodes",
      errorCode: "INVALID_INPUT",
    }),
  );
  assert.equal(
    ok("GRAPH_SUMMARY_RESULT", { userId: "u1", status: "FAILED", error: "x", errorCode: "NOPE" }),
    false,
  );
});

test("result payloads are strict: a misspelt key is rejected", () => {
  assert.equal(
    ok("GRAPH_GENERATION_RESULT", { userId: "u1", status: "COMPLETED", resultS3Key: "k", resultS3key: "k" }),
    false,
  );
});

test("progress: finite number 0..100 (no numeric strings), eta >= 0 or null, non-empty stage", () => {
  const base = { userId: "u1", currentStage: "[1단계] 임베딩 생성 중", progressPercent: 33, etaSeconds: 12 };
  assert.ok(ok("GRAPH_GENERATION_PROGRESS", base));
  assert.ok(ok("GRAPH_GENERATION_PROGRESS", { ...base, etaSeconds: null }));
  assert.ok(ok("GRAPH_GENERATION_PROGRESS", { ...base, progressPercent: 0 }));
  assert.ok(ok("GRAPH_GENERATION_PROGRESS", { ...base, progressPercent: 100 }));
  const bad = [
    { ...base, progressPercent: "33" },
    { ...base, progressPercent: Number.NaN },
    { ...base, progressPercent: Number.POSITIVE_INFINITY },
    { ...base, progressPercent: 101 },
    { ...base, progressPercent: -1 },
    { ...base, etaSeconds: -3 },
    { ...base, etaSeconds: "12" },
    { ...base, currentStage: "   " },
    { ...base, userId: "" },
  ];
  for (const p of bad) assert.equal(ok("GRAPH_GENERATION_PROGRESS", p), false, JSON.stringify(p));
});

test("microscope query results: answer on COMPLETED; related questions is a string list", () => {
  const base = { user_id: "u1", group_id: "g1", status: "COMPLETED" };
  assert.ok(
    ok("MICROSCOPE_QUERY_RESULT", { ...base, answer: "A GNN is…", context: "…", chunks: [{ text: "x" }] }),
  );
  assert.equal(ok("MICROSCOPE_SYNTHESIZE_RESULT", base), false);
  assert.ok(
    ok("MICROSCOPE_RELATED_QUESTIONS_RESULT", { ...base, questions: ["Why?", "How?"], entities: ["GNN"] }),
  );
  assert.equal(ok("MICROSCOPE_RELATED_QUESTIONS_RESULT", { ...base, questions: "1. Why?\n2. How?" }), false);
});

test("buildFailedPayload: a microscope type with a garbage payload still gives a valid FAILED result", () => {
  for (const garbage of [null, undefined, 42, "text", [1, 2], { user_id: 7, group_id: ["g"] }]) {
    const failed = buildFailedPayload(
      "MICROSCOPE_INGEST_REQUEST",
      garbage,
      "invalid request payload",
      "VALIDATION_ERROR",
    );
    assert.equal(failed.taskType, "MICROSCOPE_INGEST_RESULT");
    assert.deepEqual(failed.payload, {
      user_id: "",
      group_id: "",
      status: "FAILED",
      error: "invalid request payload",
      errorCode: "VALIDATION_ERROR",
    });
    assert.ok(ok(failed.taskType, failed.payload));
  }
});

test("buildFailedPayload: microscope echoes user_id, group_id and node_id as source_id", () => {
  const failed = buildFailedPayload(
    "MICROSCOPE_INGEST_FROM_NODE_REQUEST",
    { user_id: "u1", group_id: "g1", node_id: "n1", node_type: "bogus" },
    "note is empty",
    "INVALID_INPUT",
  );
  assert.equal(failed.taskType, "MICROSCOPE_INGEST_FROM_NODE_RESULT");
  assert.deepEqual(failed.payload, {
    user_id: "u1",
    group_id: "g1",
    status: "FAILED",
    error: "note is empty",
    errorCode: "INVALID_INPUT",
    source_id: "n1",
  });
  const query = buildFailedPayload(
    "MICROSCOPE_QUERY_REQUEST",
    { userId: "u2", node_id: "n1" },
    "x",
    "LLM_ERROR",
  );
  assert.equal(query.taskType, "MICROSCOPE_QUERY_RESULT");
  assert.deepEqual(query.payload, {
    user_id: "u2",
    group_id: "",
    status: "FAILED",
    error: "x",
    errorCode: "LLM_ERROR",
  });
  assert.ok(ok(query.taskType, query.payload));
});

test('buildFailedPayload: macro types echo userId ("" when absent)', () => {
  const gen = buildFailedPayload(
    "GRAPH_GENERATION_REQUEST",
    { userId: "u1", s3Key: 5 },
    "bad",
    "VALIDATION_ERROR",
  );
  assert.equal(gen.taskType, "GRAPH_GENERATION_RESULT");
  assert.deepEqual(gen.payload, {
    userId: "u1",
    status: "FAILED",
    error: "bad",
    errorCode: "VALIDATION_ERROR",
  });
  assert.ok(ok(gen.taskType, gen.payload));
  const alias = buildFailedPayload("ADD_CONVERSATION_REQUEST", null, "bad", "VALIDATION_ERROR");
  assert.equal(alias.taskType, "ADD_NODE_RESULT");
  assert.equal((alias.payload as { userId: string }).userId, "");
  for (const type of REQUEST_TASK_TYPES) {
    const f = buildFailedPayload(type, {}, "boom", "INTERNAL_ERROR");
    assert.ok(ok(f.taskType, f.payload), type);
  }
});

test("FAILED errors are short, single-line, without stack frames or credentials", () => {
  const err = new Error(`upstream said ${"x".repeat(1000)}`);
  const long = buildFailedPayload(
    "GRAPH_SUMMARY_REQUEST",
    { userId: "u1" },
    err.stack ?? err.message,
    "LLM_ERROR",
  );
  assert.ok(long.payload.error.length <= MAX_ERROR_LENGTH);
  assert.ok(long.payload.error.endsWith("…"));
  const stacked = shortErrorMessage(
    "Error: boom\n    at f (/app/src/x.ts:1:1)\n    at g (/app/src/y.ts:2:2)",
  );
  assert.equal(stacked, "Error: boom");
  const secret = shortErrorMessage(
    "401 for api_key=sk-abcdefghijklmnopqrstuv via https://user:pw@host/x, Bearer abc.def",
  );
  assert.doesNotMatch(secret, /abcdefghijklmnop|user:pw|abc\.def/);
  assert.equal(shortErrorMessage(""), "the task failed");
  assert.equal(shortErrorMessage("line one\n\nline two"), "line one line two");
});
