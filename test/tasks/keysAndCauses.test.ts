/**
 * Issue 12 items 2, 4 and 10 (its log half), through the production runner, handlers and storage:
 * - a bundle file whose S3 key holds a backslash is read and saved under a name of our choosing, instead of
 *   failing the whole GRAPH_GENERATION (S3 by fauxqs, the loader on a real CPU pool);
 * - ids that would be segments of result keys are refused before any work (the request's inputs do not even
 *   exist, so a handler that worked first would fail with INPUT_NOT_FOUND instead);
 * - an INTERNAL_ERROR's log line carries the real error, its stack and its cause.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { loadConfig } from "../../src/config.js";
import type { GraphGenerationRequest } from "../../src/contract/requests.js";
import { createFsStorage } from "../../src/infra/fsStorage.js";
import { createS3Storage } from "../../src/infra/s3Storage.js";
import { createCpuPool } from "../../src/runtime/cpuPool.js";
import { createLogger } from "../../src/runtime/logger.js";
import { createMemoryResultRecords } from "../../src/runtime/resultRecords.js";
import { TaskRunner } from "../../src/runtime/taskRunner.js";
import { loadGraphInputs } from "../../src/tasks/graphGeneration/inputs.js";
import { createHandlerRegistry } from "../../src/tasks/registry.js";
import type { TaskHandler } from "../../src/tasks/types.js";
import { backendConversation } from "../pipelines/sources/fixtures.js";
import { credentials, type QueueEnv, region, startQueueEnv } from "../support/queueEnv.js";

let env: QueueEnv;
let cpu: ReturnType<typeof createCpuPool>;
let tmp: string;
before(async () => {
  env = await startQueueEnv("fauxqs");
  cpu = createCpuPool({ threads: 1 });
  tmp = await mkdtemp(join(tmpdir(), "keys-causes-"));
});
after(async () => {
  await cpu.close();
  await env.stop();
  await rm(tmp, { recursive: true, force: true });
});

test("items 2 and 3: a file with a backslash in its key is read under a sanitised name, a chat without id is skipped; neither fails the graph", async () => {
  const prefix = "graph-generation/task_u1_backslash/";
  const s3 = new S3Client({ region, endpoint: env.s3Endpoint, credentials, forcePathStyle: true });
  const put = (key: string, body: string) =>
    s3.send(new PutObjectCommand({ Bucket: env.bucket, Key: key, Body: body, ContentType: "text/plain" }));
  const noId = backendConversation("", "Empty id", [{ role: "user", text: "lost" }]);
  await put(
    `${prefix}input.json`,
    JSON.stringify([noId, backendConversation("c1", "Chat", [{ role: "user", text: "hello world" }])]),
  );
  await put(`${prefix}files/01KBACKSLASH00000000000000_notes\\march.txt`, "Sourdough notes for March.");
  await put(`${prefix}files/01KPLAIN000000000000000000_plain.txt`, "A plain file.");
  s3.destroy();

  const storage = createS3Storage({ region, endpoint: env.s3Endpoint, forcePathStyle: true, credentials });
  const dir = await mkdtemp(join(tmp, "bundle-"));
  const inputs = await loadGraphInputs({
    payload: { userId: "u1", s3Key: prefix, extraS3Keys: [] } as unknown as GraphGenerationRequest,
    storage,
    defaultBucket: env.bucket,
    dir,
    signal: new AbortController().signal,
    includeNotion: true,
    cpu,
  });
  const files = inputs.items.filter((i) => i.kind === "file");
  assert.deepEqual(files.map((i) => [i.origId, i.texts.map((t) => t.text).join("")]).sort(), [
    ["01KBACKSLASH00000000000000", "Sourdough notes for March."],
    ["01KPLAIN000000000000000000", "A plain file."],
  ]);
  assert.ok(
    inputs.warnings.some((w) => /sanitised name/.test(w)),
    inputs.warnings.join("; "),
  );
  // Item 3 at the task's level: the conversation with an empty id is skipped and counted, the rest load.
  assert.deepEqual(
    inputs.items.filter((i) => i.kind === "conversation").map((i) => i.origId),
    ["c1"],
  );
  assert.equal(inputs.skipped, 1);
});

function runner(handlers = createHandlerRegistry(), logLines: string[] = []) {
  const root = join(tmp, "fs-bucket");
  return new TaskRunner({
    handlers,
    services: {
      storage: createFsStorage(root),
      payloadBucket: "bucket",
      vectors: async () => {
        throw new Error("no vector store in this test");
      },
      cpu,
      config: loadConfig({ S3_PAYLOAD_BUCKET: "bucket" }, { requireQueues: false }),
    },
    records: createMemoryResultRecords(),
    log: createLogger({ level: "info" }, { write: (line: string) => void logLines.push(line) }),
    maxReceiveCount: 3,
    retryBaseDelaySeconds: 1,
    retryMaxDelaySeconds: 2,
    progressMinIntervalMs: 0,
  });
}

const envelope = (taskId: string, taskType: string, payload: Record<string, unknown>) =>
  JSON.stringify({ taskId, taskType, payload, timestamp: new Date().toISOString() });

test("item 4: a userId or taskId that cannot be a key segment is refused before any work", async () => {
  const run = runner();
  const cases: [string, string, Record<string, unknown>, RegExp][] = [
    [
      "task_evil_01",
      "GRAPH_GENERATION_REQUEST",
      { userId: "../evil", s3Key: "graph-generation/task_evil_01/" },
      /userId "..\/evil" cannot be used in an object key/,
    ],
    [
      "task_../../elsewhere",
      "GRAPH_GENERATION_REQUEST",
      { userId: "u1", s3Key: "graph-generation/x/" },
      /taskId .* cannot be used in an object key/,
    ],
    [
      "summary_u1_01",
      "GRAPH_SUMMARY_REQUEST",
      { userId: "a/b", graphS3Key: "graph-summary/summary_u1_01/graph.json" },
      /userId "a\/b" cannot be used/,
    ],
    [
      "task_add_node_u1_01",
      "ADD_NODE_REQUEST",
      { userId: "..", s3Key: "add-node/task_add_node_u1_01/" },
      /userId "\.\." cannot be used/,
    ],
    [
      "task_microscope_file_u1_01_block",
      "MICROSCOPE_INGEST_REQUEST",
      { user_id: "u1\\..", group_id: "g1", s3_key: "uploads/none.pdf", file_name: "none.pdf" },
      /user_id "u1\\\.\." cannot be used/,
    ],
  ];
  for (const [taskId, taskType, payload, expected] of cases) {
    const outcome = await run.run(envelope(taskId, taskType, payload), {
      receiveCount: 1,
      signal: new AbortController().signal,
    });
    assert.equal(outcome.kind, "result");
    if (outcome.kind !== "result") continue;
    assert.equal(outcome.status, "FAILED");
    assert.equal(outcome.code, "INVALID_INPUT", `${taskType} ${taskId}: ${JSON.stringify(outcome.envelope)}`);
    assert.match(String(outcome.envelope.payload.error), expected);
  }
});

test("item 10: an INTERNAL_ERROR's log line carries the real error, its stack and its cause", async () => {
  function overflowingSummary(): never {
    const times = Array.from({ length: 10 }, (_, i) => i);
    throw new Error("summary failed", {
      cause: new RangeError(`Maximum call stack size exceeded (${times.length} times)`),
    });
  }
  const throwing: TaskHandler = {
    type: "GRAPH_SUMMARY_REQUEST",
    async run() {
      overflowingSummary();
    },
  };
  const logLines: string[] = [];
  const run = runner(createHandlerRegistry([throwing]), logLines);
  const outcome = await run.run(
    envelope("summary_u1_02", "GRAPH_SUMMARY_REQUEST", { userId: "u1", graphS3Key: "g/graph.json" }),
    { receiveCount: 1, signal: new AbortController().signal },
  );
  assert.equal(outcome.kind === "result" && outcome.code, "INTERNAL_ERROR");
  const failed = logLines
    .map((l) => JSON.parse(l) as { msg: string; err?: { message: string; stack?: string } })
    .find((l) => l.msg === "task failed");
  assert.ok(failed?.err, logLines.join("\n"));
  // pino's error serializer folds the cause chain into `message` and `stack`.
  assert.match(failed.err.message, /^summary failed: Maximum call stack size exceeded/);
  assert.match(failed.err.stack ?? "", /at overflowingSummary/);
  assert.match(failed.err.stack ?? "", /caused by: RangeError: Maximum call stack size exceeded/);
});
