/**
 * GRAPH_SUMMARY_REQUEST end to end through the real protocols: the backend's graph.json in S3 (fauxqs), the
 * request and result over SQS (fauxqs), the production handler registry, no LLM (local text).
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { loadConfig } from "../../src/config.js";
import { summaryFileSchema } from "../../src/contract/files/summary.js";
import { createS3Storage } from "../../src/infra/s3Storage.js";
import { createLogger } from "../../src/runtime/logger.js";
import { startWorker } from "../../src/runtime/worker.js";
import { backendShaped } from "../pipelines/summary/fixtures.js";
import { credentials, type QueueEnv, region, startQueueEnv, workerEnv } from "../support/queueEnv.js";

let env: QueueEnv;
before(async () => {
  env = await startQueueEnv("fauxqs");
});
after(async () => {
  await env.stop();
});

const userId = "4f1d2c3b-1a2b-4c3d-8e9f-0a1b2c3d4e5f";

async function run(taskId: string, payload: Record<string, unknown>) {
  const request = await env.createQueue("req");
  const result = await env.createQueue("res");
  const config = loadConfig(workerEnv(env, { request, result }, { MACRO_LLM_PROVIDER: "none" }), {
    requireQueues: true,
  });
  const worker = await startWorker(config, createLogger({ level: "silent" }));
  await env.send(request, {
    taskId,
    taskType: "GRAPH_SUMMARY_REQUEST",
    timestamp: new Date().toISOString(),
    payload,
  });
  const out = await env.drain(result, { count: 1, timeoutMs: 30_000 });
  await worker.stop();
  const final = out.filter((m) => m.taskType === "GRAPH_SUMMARY_RESULT");
  assert.equal(final.length, 1, JSON.stringify(out));
  return final[0]!.payload as Record<string, unknown>;
}

test("the backend's graph.json becomes a COMPLETED summary.json that passes the contract", async () => {
  const taskId = `summary_${userId}_01J00000000000000000000001`;
  const storage = createS3Storage({ region, endpoint: env.s3Endpoint, forcePathStyle: true, credentials });
  const graphS3Key = `graph-summary/${taskId}/graph.json`;
  await storage.putJson(env.bucket, graphS3Key, backendShaped({ themes: true }));
  const payload = await run(taskId, { userId, graphS3Key, bucket: env.bucket, language: "ko" });
  assert.equal(payload.status, "COMPLETED", JSON.stringify(payload));
  assert.equal(payload.userId, userId);
  assert.equal(payload.summaryS3Key, `results/graph_summary/${userId}/${taskId}/summary.json`);
  const summary = summaryFileSchema.parse(await storage.getJson(env.bucket, payload.summaryS3Key as string));
  assert.deepEqual(summary.clusters.map((c) => c.cluster_id).sort(), [
    "cluster_1",
    "cluster_2",
    "cluster_3",
    "cluster_4",
  ]);
  assert.equal(summary.overview.most_active_period, "평일 오후");
  const meta = (summary as Record<string, unknown>).metadata as Record<string, unknown>;
  assert.equal(meta.generator, "local");
  assert.equal(meta.language, "ko");
});

test("a missing graph.json gets one FAILED result with INPUT_NOT_FOUND", async () => {
  const taskId = `summary_${userId}_01J00000000000000000000002`;
  const payload = await run(taskId, {
    userId,
    graphS3Key: `graph-summary/${taskId}/graph.json`,
    bucket: env.bucket,
  });
  assert.equal(payload.status, "FAILED");
  assert.equal(payload.errorCode, "INPUT_NOT_FOUND");
});
