import assert from "node:assert/strict";
import { test } from "node:test";
import { outgoingEnvelopeSchema, parseEnvelope } from "../../src/contract/index.js";
import {
  graphGenerationMessage,
  json,
  microscopeFromNodeMessage,
  microscopeResultMessage,
  progressMessage,
} from "./examples.js";

test("the contract's request messages parse, taskId kept byte-for-byte", () => {
  for (const body of [graphGenerationMessage, microscopeFromNodeMessage]) {
    const parsed = parseEnvelope(body);
    assert.ok(parsed.ok, JSON.stringify(parsed));
    assert.equal(parsed.envelope.taskId, json<{ taskId: string }>(body).taskId);
  }
});

test("extra envelope fields pass, a malformed timestamp is dropped rather than fatal", () => {
  const parsed = parseEnvelope(
    JSON.stringify({
      taskId: "t1",
      taskType: "GRAPH_SUMMARY_REQUEST",
      payload: {},
      timestamp: 17,
      chatId: "x",
    }),
  );
  assert.ok(parsed.ok);
  assert.equal(parsed.envelope.timestamp, undefined);
  assert.equal((parsed.envelope as Record<string, unknown>).chatId, "x");
});

test("an unknown taskType is still a readable envelope (routing answers it)", () => {
  const parsed = parseEnvelope(
    JSON.stringify({ taskId: "t1", taskType: "SOMETHING_NEW", payload: { a: 1 } }),
  );
  assert.ok(parsed.ok);
  assert.equal(parsed.envelope.taskType, "SOMETHING_NEW");
});

test("bodies that are not JSON cannot be answered", () => {
  for (const body of ["", "   ", "{not json", "\u0000"]) {
    const parsed = parseEnvelope(body);
    assert.equal(parsed.ok, false);
    if (parsed.ok) continue;
    assert.equal(parsed.problem, "NOT_JSON", body);
    assert.equal(parsed.taskId, undefined);
    assert.equal(parsed.taskType, undefined);
  }
});

test("a leading BOM is tolerated", () => {
  assert.ok(parseEnvelope(`\uFEFF${graphGenerationMessage}`).ok);
});

test("JSON without a readable taskId and taskType goes to the DLQ path", () => {
  const cases: Array<[unknown, string[]]> = [
    [[1, 2], []],
    ["a string", []],
    [null, []],
    [{ taskType: "GRAPH_GENERATION_REQUEST", payload: {} }, ["taskType"]],
    [{ taskId: "", taskType: "GRAPH_GENERATION_REQUEST", payload: {} }, ["taskType"]],
    [{ taskId: 42, taskType: "GRAPH_GENERATION_REQUEST", payload: {} }, ["taskType"]],
    [{ taskId: "t1", type: "GRAPH_GENERATION_REQUEST", payload: {} }, ["taskId"]],
  ];
  for (const [body, readable] of cases) {
    const parsed = parseEnvelope(JSON.stringify(body));
    assert.equal(parsed.ok, false);
    if (parsed.ok) continue;
    assert.equal(parsed.problem, "NO_TASK_ID_OR_TYPE", JSON.stringify(body));
    assert.equal(parsed.taskId !== undefined, readable.includes("taskId"));
    assert.equal(parsed.taskType !== undefined, readable.includes("taskType"));
  }
  const legacy = parseEnvelope(
    JSON.stringify({ taskId: "t1", type: "GRAPH_GENERATION_REQUEST", payload: {} }),
  );
  assert.ok(!legacy.ok && legacy.reason.includes("`type`"));
});

test("a readable taskId+taskType with a missing or non-object payload is answerable (FAILED)", () => {
  for (const payload of [undefined, null, [], "x", 3]) {
    const parsed = parseEnvelope(
      JSON.stringify({ taskId: "task_u1_X", taskType: "ADD_NODE_REQUEST", payload }),
    );
    assert.equal(parsed.ok, false);
    if (parsed.ok) continue;
    assert.equal(parsed.problem, "BAD_PAYLOAD");
    assert.equal(parsed.taskId, "task_u1_X");
    assert.equal(parsed.taskType, "ADD_NODE_REQUEST");
    assert.match(parsed.reason, /payload/);
  }
});

test("outgoing envelopes need a real ISO-8601 UTC timestamp with Z", () => {
  const base = json(microscopeResultMessage);
  assert.ok(outgoingEnvelopeSchema.safeParse(base).success);
  assert.ok(outgoingEnvelopeSchema.safeParse(json(progressMessage)).success);
  for (const timestamp of [
    "2026-06-12T10:03:00.123456",
    "2026-06-12 10:03:00",
    "2026-06-12T10:03:00+09:00",
    undefined,
  ]) {
    assert.equal(outgoingEnvelopeSchema.safeParse({ ...base, timestamp }).success, false, String(timestamp));
  }
  assert.ok(outgoingEnvelopeSchema.safeParse({ ...base, timestamp: new Date().toISOString() }).success);
});

test("outgoing envelopes check the payload of a known result type and reject extra envelope keys", () => {
  const base = json(microscopeResultMessage);
  const bad = outgoingEnvelopeSchema.safeParse({
    ...base,
    payload: { ...(base.payload as object), status: "DONE" },
  });
  assert.equal(bad.success, false);
  assert.deepEqual(bad.error?.issues[0]?.path, ["payload", "status"]);
  assert.equal(outgoingEnvelopeSchema.safeParse({ ...base, type: "x" }).success, false);
  // An answer to an unknown request type has no schema beyond "an object".
  const unknown = { ...base, taskType: "SOMETHING_NEW_RESULT", payload: { status: "FAILED" } };
  assert.ok(outgoingEnvelopeSchema.safeParse(unknown).success);
});
