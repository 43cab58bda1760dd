/**
 * The backend's rules for what the worker sends, in code, applied identically to every scenario (contract §1,
 * §3, §6): the envelope echoes the taskId byte for byte with the matching result type and a real ISO-8601 UTC
 * timestamp; the payload passes the result schema; the ids the backend correlates on are echoed; every S3 key
 * in a result exists in the payload bucket and its file passes the contract schema of its name; progress is
 * only the graph-generation kind and is well-formed; exactly one final result per request.
 */
import assert from "node:assert/strict";
import {
  OUTPUT_FILE_SCHEMAS,
  type OutputFileName,
  validateOutput,
} from "../../src/contract/files/validate.js";
import { graphGenerationProgressPayloadSchema, resultPayloadSchemas } from "../../src/contract/results.js";
import {
  canonicalRequestType,
  MICROSCOPE_REQUEST_TYPES,
  RESULT_TYPE_FOR,
  type RequestTaskType,
  type ResultTaskType,
} from "../../src/contract/taskTypes.js";
import type { ObjectStorage } from "../../src/infra/storage.js";
import type { Envelope } from "./harness.js";

const FINAL_TYPES = new Set<string>(Object.values(RESULT_TYPE_FOR));
const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

export interface Sent {
  taskType: string;
  taskId: string;
  payload: Record<string, unknown>;
}

/** Keys of a result payload that name files in the payload bucket. */
function fileKeys(payload: Record<string, unknown>): string[] {
  return Object.entries(payload)
    .filter(([k, v]) => /(S3Key|_s3_key)$/.test(k) && typeof v === "string")
    .map(([, v]) => v as string);
}

/**
 * Checks the final result of `sent` (and its progress) against the rules; returns the parsed files by name.
 * `messages` are all messages that arrived for this taskId.
 */
export async function checkResult(
  storage: ObjectStorage,
  bucket: string,
  sent: Sent,
  messages: Envelope[],
  expect: "COMPLETED" | "FAILED" = "COMPLETED",
): Promise<{ payload: Record<string, unknown>; files: Partial<Record<OutputFileName, unknown>> }> {
  const type = canonicalRequestType(sent.taskType as RequestTaskType);
  const finals = messages.filter((m) => FINAL_TYPES.has(m.taskType));
  assert.equal(finals.length, 1, `${sent.taskId}: exactly one final result (got ${finals.length})`);
  const final = finals[0]!;
  assert.equal(final.taskId, sent.taskId, "taskId echoed byte for byte");
  assert.equal(final.taskType, RESULT_TYPE_FOR[type], "the result type that matches the request");
  assert.match(final.timestamp, ISO_UTC, "an ISO-8601 UTC timestamp");

  const schema = resultPayloadSchemas[final.taskType as ResultTaskType];
  const parsed = schema.safeParse(final.payload);
  assert.ok(parsed.success, `${final.taskType} payload: ${JSON.stringify(parsed.error?.issues)}`);
  const payload = final.payload;
  assert.equal(payload.status, expect, `${sent.taskId}: ${String(payload.error)}`);
  if (payload.status === "FAILED") {
    assert.ok(typeof payload.error === "string" && payload.error.length > 0, "FAILED carries an error");
  }

  if (MICROSCOPE_REQUEST_TYPES.has(type)) {
    assert.equal(payload.user_id, sent.payload.user_id, "user_id echoed");
    assert.equal(payload.group_id, sent.payload.group_id ?? "", "group_id echoed");
  } else {
    assert.equal(payload.userId, sent.payload.userId, "userId echoed");
  }

  for (const m of messages.filter((x) => !FINAL_TYPES.has(x.taskType))) {
    assert.equal(m.taskType, "GRAPH_GENERATION_PROGRESS", "only graph generation sends progress");
    assert.equal(type, "GRAPH_GENERATION_REQUEST");
    assert.match(m.timestamp, ISO_UTC, "progress needs a real timestamp (the FE orders by it)");
    const p = graphGenerationProgressPayloadSchema.safeParse(m.payload);
    assert.ok(p.success, `progress payload: ${JSON.stringify(p.error?.issues)}`);
  }

  const files: Partial<Record<OutputFileName, unknown>> = {};
  for (const key of fileKeys(payload)) {
    assert.ok(!key.startsWith("s3://") && !key.startsWith("/"), `${key} is a bare key`);
    assert.ok(await storage.exists(bucket, key), `${key} exists in the payload bucket`);
    const name = key.slice(key.lastIndexOf("/") + 1);
    if (name in OUTPUT_FILE_SCHEMAS) {
      const value = await storage.getJson(bucket, key);
      validateOutput(name as OutputFileName, value);
      files[name as OutputFileName] = value;
    }
  }
  return { payload, files };
}

/** At the end of a suite: every request sent got exactly one final result, and nothing else arrived. */
export function checkExactlyOnce(sent: Sent[], received: Envelope[]): void {
  const ids = new Set(sent.map((s) => s.taskId));
  for (const s of sent) {
    const n = received.filter((m) => m.taskId === s.taskId && FINAL_TYPES.has(m.taskType)).length;
    assert.equal(n, 1, `${s.taskId}: ${n} final results`);
  }
  for (const m of received) assert.ok(ids.has(m.taskId), `a message for a taskId nobody sent: ${m.taskId}`);
}
