/**
 * MICROSCOPE_INGEST with its chunk index unreachable: the indexing is retried inside the task, then left for a
 * redelivery while receives remain; only the last allowed receive completes without the index (and says so in
 * ingest_stats.vector_index.error). Before, the first failure was swallowed and the chunks silently missing.
 * Chroma is reached through the fault-injecting proxy; each receive is run by hand through a TaskRunner.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { loadConfig } from "../../src/config.js";
import { createS3Storage } from "../../src/infra/s3Storage.js";
import type { ObjectStorage } from "../../src/infra/storage.js";
import { getTestChroma } from "../support/chroma.js";
import { startFaultInjectingProxy } from "../support/faultProxy.js";
import { credentials, type QueueEnv, region, startQueueEnv, workerEnv } from "../support/queueEnv.js";
import { runnerByHand } from "../support/receiveByHand.js";

const userId = "3f1c2a9e-0b7d-4e21-9a55-6c1d2e3f4a5b";
const groupId = "01KGROUPFAULTS000000000000";
const TEXT = [
  "Graph neural networks learn node representations by message passing between neighbouring nodes.",
  "Message passing aggregates neighbour features with learned weights.",
  "Attention lets a node weight its neighbours by learned relevance scores.",
].join("\n");

let env: QueueEnv;
let chroma: { url: string; stop(): Promise<void> };
let storage: ObjectStorage;
let request: string;
let result: string;

before(async () => {
  env = await startQueueEnv("fauxqs");
  chroma = await getTestChroma();
  storage = createS3Storage({ region, endpoint: env.s3Endpoint, credentials, forcePathStyle: true });
  request = await env.createQueue("ms-faults-req");
  result = await env.createQueue("ms-faults-res");
});
after(async () => {
  await env.stop();
  await chroma.stop();
});

async function runnerWithChromaDown(collection: string) {
  const proxy = await startFaultInjectingProxy({
    target: chroma.url,
    rules: [{ kind: "resetBeforeResponse", probability: 1 }],
  });
  const config = loadConfig(
    workerEnv(
      env,
      { request, result },
      {
        CHROMA_URL: proxy.url,
        MICROSCOPE_CHROMA_COLLECTION: collection,
        CHROMA_RETRIES: "2",
        CHROMA_RETRY_BASE_DELAY_MS: "10",
      },
    ),
    { requireQueues: true },
  );
  const runner = runnerByHand({ config, storage, payloadBucket: env.bucket });
  return {
    proxy,
    receive: runner.receive,
    close: async () => {
      await runner.close();
      await proxy.close();
    },
  };
}

test("a microscope ingest whose chunk index is down is retried, and only the last receive completes without it", async () => {
  const key = `microscope-ingest/${userId}/faults/notes.txt`;
  await storage.putBytes(env.bucket, key, TEXT);
  const taskId = `task_microscope_file_${userId}_01KINDEXDOWN000000000000_nonblock`;
  const body = JSON.stringify({
    taskId,
    taskType: "MICROSCOPE_INGEST_REQUEST",
    timestamp: new Date().toISOString(),
    payload: {
      user_id: userId,
      group_id: groupId,
      s3_key: key,
      bucket: env.bucket,
      file_name: "notes.txt",
      block_mode: false,
    },
  });
  const down = await runnerWithChromaDown(`microscope_faults_${Date.now()}`);
  try {
    const first = await down.receive(body, 1);
    assert.equal(first.kind, "retry", JSON.stringify(first));
    assert.equal(first.kind === "retry" && first.code, "VECTOR_STORE_ERROR");
    assert.ok(
      down.proxy.counts.resetBeforeResponse >= 3,
      "the first attempt and both in-task retries failed",
    );

    const last = await down.receive(body, 3);
    assert.equal(last.kind, "result", JSON.stringify(last));
    const p = (last.kind === "result" ? last.envelope.payload : {}) as Record<string, unknown>;
    assert.equal(p.status, "COMPLETED", JSON.stringify(p));
    const stats = p.ingest_stats as { vector_index?: { error?: string } };
    assert.match(String(stats.vector_index?.error), /vector store unavailable/);
  } finally {
    await down.close();
  }
});
