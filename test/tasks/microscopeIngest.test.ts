/**
 * MICROSCOPE_INGEST_REQUEST and MICROSCOPE_INGEST_FROM_NODE_REQUEST end to end: the file in S3 (fauxqs) or the
 * note/conversation in MongoDB (FerretDB), requests and results over SQS (fauxqs), chunks in a real ChromaDB,
 * the production handlers, local defaults (no LLM). Each document is sent twice, `_block` and `_nonblock`,
 * as the backend does; then a MICROSCOPE_QUERY over the workspace cites the indexed chunks.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { MongoClient } from "mongodb";
import { loadConfig } from "../../src/config.js";
import { blockGraphFileSchema } from "../../src/contract/files/blockGraph.js";
import { standardizedFileSchema } from "../../src/contract/files/standardized.js";
import { resultPayloadSchemas } from "../../src/contract/results.js";
import { createS3Storage } from "../../src/infra/s3Storage.js";
import type { ObjectStorage } from "../../src/infra/storage.js";
import { createLogger } from "../../src/runtime/logger.js";
import { startWorker } from "../../src/runtime/worker.js";
import { makeDocx, makePdf, makePptx } from "../pipelines/sources/fixtures.js";
import { getTestChroma } from "../support/chroma.js";
import { getMongo, uniqueDbName } from "../support/mongo.js";
import { credentials, type QueueEnv, region, startQueueEnv, workerEnv } from "../support/queueEnv.js";

const userId = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
const groupId = "01KGROUP000000000000000000";
let env: QueueEnv;
let chroma: { url: string; stop(): Promise<void> };
let storage: ObjectStorage;
let worker: { stop(): Promise<void> };
let request: string;
let result: string;
let mongo: MongoClient | undefined;
const dbName = uniqueDbName("microscope");
const mongoUrl = getMongo();

const TEXT = [
  "# Graph neural networks",
  "Graph neural networks learn node representations by message passing between neighbouring nodes.",
  "Message passing aggregates neighbour features with learned weights.",
  "",
  "# Attention",
  "Graph attention networks weight each neighbour's message with attention coefficients.",
  "Attention coefficients are computed from node features.",
].join("\n");

before(async () => {
  env = await startQueueEnv("fauxqs");
  chroma = await getTestChroma();
  storage = createS3Storage({ region, endpoint: env.s3Endpoint, forcePathStyle: true, credentials });
  request = await env.createQueue("req");
  result = await env.createQueue("res");
  if (mongoUrl) {
    mongo = new MongoClient(mongoUrl);
    const db = mongo.db(dbName);
    const created = new Date("2026-06-01T10:00:00Z");
    await db.collection("notes").insertMany([
      {
        _id: "note-ms-1" as never,
        ownerUserId: userId,
        title: "GNN notes",
        content: TEXT,
        folderId: null,
        createdAt: created,
        updatedAt: created,
        deletedAt: null,
      },
      {
        _id: "note-deleted" as never,
        ownerUserId: userId,
        title: "gone",
        content: "text",
        createdAt: created,
        updatedAt: created,
        deletedAt: created,
      },
    ]);
    await db.collection("conversations").insertOne({
      _id: "conv-ms-1" as never,
      ownerUserId: userId,
      title: "Attention chat",
      createdAt: 1760000000000,
      updatedAt: 1760000000000,
    });
    await db.collection("messages").insertMany(
      [
        ["user", "What is a graph attention network?"],
        ["assistant", "A graph attention network weights neighbour messages with attention coefficients."],
        ["system", "ignored"],
        ["user", "How is message passing different in GraphSAGE?"],
        ["assistant", "GraphSAGE samples a fixed number of neighbours and aggregates their features."],
      ].map(([role, content], i) => ({
        _id: `m${i}` as never,
        conversationId: "conv-ms-1",
        ownerUserId: userId,
        role,
        content,
        createdAt: 1760000000000 + i * 1000,
        updatedAt: 1760000000000 + i * 1000,
      })),
    );
  }
  const config = loadConfig(
    workerEnv(
      env,
      { request, result },
      {
        CHROMA_URL: chroma.url,
        MICROSCOPE_CHROMA_COLLECTION: `microscope_test_${Date.now()}`,
        ...(mongoUrl ? { MONGODB_URL: mongoUrl, MONGODB_DB_NAME: dbName } : {}),
        MICROSCOPE_MAX_DOCUMENT_CHARS: "20000",
        WORKER_CONCURRENCY: "4",
      },
    ),
    { requireQueues: true },
  );
  worker = await startWorker(config, createLogger({ level: "silent" }));
});
after(async () => {
  await worker?.stop();
  await mongo
    ?.db(dbName)
    .dropDatabase()
    .catch(() => {});
  await mongo?.close();
  await env.stop();
  await chroma.stop();
});

const received: Record<string, unknown>[] = [];
async function awaitResult(taskId: string): Promise<Record<string, unknown>> {
  const end = Date.now() + 90_000;
  while (Date.now() < end) {
    const hit = received.find((m) => m.taskId === taskId);
    if (hit) return hit;
    received.push(...(await env.drain(result, { count: 1, timeoutMs: 1000 })));
  }
  throw new Error(`no result for ${taskId}`);
}

/** Sends the _block/_nonblock pair for one document and checks both results against the contract. */
async function ingestPair(taskType: string, docId: string, payload: Record<string, unknown>) {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [suffix, block] of [
    ["_block", true],
    ["_nonblock", false],
  ] as const) {
    await env.send(request, {
      taskId: `${docId}${suffix}`,
      taskType,
      timestamp: new Date().toISOString(),
      payload: { ...payload, block_mode: block, ...(block ? { generate_micro_graphs: true } : {}) },
    });
  }
  for (const suffix of ["_block", "_nonblock"]) {
    const env2 = await awaitResult(`${docId}${suffix}`);
    const resultType = taskType.replace("_REQUEST", "_RESULT");
    assert.equal(env2.taskType, resultType);
    const p = env2.payload as Record<string, unknown>;
    const parsed = resultPayloadSchemas[resultType as "MICROSCOPE_INGEST_RESULT"].safeParse(p);
    assert.ok(parsed.success, JSON.stringify(parsed.error?.issues));
    assert.equal(p.status, "COMPLETED", String(p.error));
    assert.equal(p.user_id, userId);
    assert.equal(p.group_id, groupId);
    assert.ok((p.chunks_count as number) >= 1);
    out[suffix] = p;
  }
  const block = blockGraphFileSchema.parse(
    await storage.getJson(env.bucket, out._block!.block_graph_s3_key as string),
  );
  assert.ok(block.block_graph.blocks.length >= 1);
  for (const b of block.block_graph.blocks) assert.ok(Array.isArray(b.micro_graph.nodes));
  assert.equal(
    (out._block!.ingest_stats as { metadata: { localFallback: string } }).metadata.localFallback,
    "no_llm",
    "the local fallback is marked as such",
  );
  const standardized = standardizedFileSchema.parse(
    await storage.getJson(env.bucket, out._nonblock!.standardized_s3_key as string),
  );
  assert.ok(
    standardized.some((g) => g.nodes.length > 0),
    "entities were found",
  );
  assert.equal(out._nonblock!.block_graph_s3_key, undefined);
  return { block, standardized, results: out };
}

describe("raw files", () => {
  const cases: [string, string, () => Promise<Uint8Array | string>][] = [
    ["pdf", "paper.pdf", () => makePdf([TEXT.replace(/#/g, "")])],
    ["docx", "Report (final).docx", () => makeDocx(TEXT.split("\n").filter(Boolean))],
    ["pptx", "deck.pptx", () => makePptx([{ title: "Graph neural networks", body: TEXT.replace(/#/g, "") }])],
    ["md", "notes.md", async () => TEXT],
    ["txt", "plain.txt", async () => TEXT.replace(/#/g, "")],
    [
      "html",
      "page.html",
      async () => `<html><body><h1>GNN</h1><p>${TEXT.replace(/\n/g, "</p><p>")}</p></body></html>`,
    ],
  ];
  for (const [ext, fileName, make] of cases) {
    test(`a ${ext} file gives both views with schema_name test_schema`, async () => {
      const docId = `task_microscope_file_${userId}_01KFILE${ext.toUpperCase().padEnd(19, "0")}`;
      const key = `microscope-ingest/${userId}/${docId}/${fileName.replace(/[^\w.]/g, "_")}`;
      await storage.putBytes(env.bucket, key, await make());
      await ingestPair("MICROSCOPE_INGEST_REQUEST", docId, {
        user_id: userId,
        group_id: groupId,
        s3_key: key,
        bucket: env.bucket,
        file_name: fileName,
        schema_name: "test_schema",
        ingest_mode: "raw_file",
      });
    });
  }

  test("a missing file, an empty file and a too-large document each get one FAILED result with the ids echoed", async () => {
    const big = `microscope-ingest/${userId}/big/big.txt`;
    await storage.putBytes(env.bucket, big, "word ".repeat(10_000));
    const empty = `microscope-ingest/${userId}/empty/empty.txt`;
    await storage.putBytes(env.bucket, empty, "   ");
    const cases = [
      ["missing", `microscope-ingest/${userId}/nope/nope.pdf`, "INPUT_NOT_FOUND"],
      ["empty", empty, "INVALID_INPUT"],
      ["big", big, "DOCUMENT_TOO_LARGE"],
    ] as const;
    for (const [name, key, code] of cases) {
      const taskId = `task_microscope_file_${userId}_01KFAIL${name.toUpperCase().padEnd(19, "0")}_nonblock`;
      await env.send(request, {
        taskId,
        taskType: "MICROSCOPE_INGEST_REQUEST",
        timestamp: new Date().toISOString(),
        payload: {
          user_id: userId,
          group_id: groupId,
          s3_key: key,
          file_name: key.split("/").pop(),
          block_mode: false,
        },
      });
      const p = (await awaitResult(taskId)).payload as Record<string, unknown>;
      assert.equal(p.status, "FAILED", name);
      assert.equal(p.errorCode, code, `${name}: ${String(p.error)}`);
      assert.equal(p.user_id, userId);
      assert.equal(p.group_id, groupId);
      assert.ok(typeof p.error === "string" && p.error.length > 0);
    }
  });

  test("questions over the workspace cite the indexed chunks", async () => {
    const taskId = `rag_${userId}_query`;
    await env.send(request, {
      taskId,
      taskType: "MICROSCOPE_QUERY_REQUEST",
      timestamp: new Date().toISOString(),
      payload: {
        query: "How do graph attention networks weight messages?",
        user_id: userId,
        group_id: groupId,
      },
    });
    const p = (await awaitResult(taskId)).payload as {
      status: string;
      answer: string;
      chunks: { id: string }[];
    };
    assert.equal(p.status, "COMPLETED");
    assert.ok(p.answer.length > 0);
    assert.ok(p.chunks.length > 0, "chunks from the ingested documents were retrieved");
  });
});

describe("MongoDB nodes", { skip: mongoUrl ? false : "SKIP_FERRETDB=1" }, () => {
  test("a note gives both views", async () => {
    const { block } = await ingestPair(
      "MICROSCOPE_INGEST_FROM_NODE_REQUEST",
      `task_microscope_node_${userId}_01KNOTE0000000000000000000`,
      {
        user_id: userId,
        node_id: "note-ms-1",
        node_type: "note",
        group_id: groupId,
        language: "en",
        ingest_mode: "from_graphnode",
        schema_name: "test_schema",
      },
    );
    assert.ok(block.block_graph.blocks.length >= 2, "the note's two headings become blocks");
  });

  test("a conversation gives both views, blocks carry turn ranges", async () => {
    const { block } = await ingestPair(
      "MICROSCOPE_INGEST_FROM_NODE_REQUEST",
      `task_microscope_node_${userId}_01KCONV0000000000000000000`,
      {
        user_id: userId,
        node_id: "conv-ms-1",
        node_type: "conversation",
        group_id: groupId,
        language: "en",
        ingest_mode: "from_graphnode",
      },
    );
    for (const b of block.block_graph.blocks)
      assert.ok(Array.isArray(b.turn_range), "chat blocks have turn ranges");
  });

  test("a deleted or missing node gets FAILED with a clear error", async () => {
    for (const nodeId of ["note-deleted", "note-nope"]) {
      const taskId = `task_microscope_node_${userId}_${nodeId}_block`;
      await env.send(request, {
        taskId,
        taskType: "MICROSCOPE_INGEST_FROM_NODE_REQUEST",
        timestamp: new Date().toISOString(),
        payload: {
          user_id: userId,
          node_id: nodeId,
          node_type: "note",
          group_id: groupId,
          block_mode: true,
          generate_micro_graphs: true,
        },
      });
      const env2 = await awaitResult(taskId);
      assert.equal(env2.taskType, "MICROSCOPE_INGEST_FROM_NODE_RESULT");
      const p = env2.payload as Record<string, unknown>;
      assert.equal(p.status, "FAILED");
      assert.equal(p.errorCode, "INPUT_NOT_FOUND");
      assert.equal(p.group_id, groupId);
    }
  });
});
