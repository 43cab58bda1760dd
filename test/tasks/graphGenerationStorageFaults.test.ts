/**
 * GRAPH_GENERATION_REQUEST when the connection to S3 breaks while an input downloads (issue 10, point 1): the
 * task is retried through its visibility (transient STORAGE_ERROR), the process carries on, and the
 * redelivery completes. The worker used to die here on an unhandled 'error' event of the download stream.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { loadConfig } from "../../src/config.js";
import { createS3Storage } from "../../src/infra/s3Storage.js";
import { backendConversation } from "../pipelines/sources/fixtures.js";
import { getTestChroma } from "../support/chroma.js";
import { type RuleFaultKind, startFaultInjectingProxy } from "../support/faultProxy.js";
import { credentials, type QueueEnv, region, startQueueEnv, workerEnv } from "../support/queueEnv.js";
import { runnerByHand } from "../support/receiveByHand.js";

let env: QueueEnv;
let chroma: { url: string; stop(): Promise<void> };
before(async () => {
  env = await startQueueEnv("fauxqs");
  chroma = await getTestChroma();
});
after(async () => {
  await env.stop();
  await chroma.stop();
});

const userId = "4f1d2c3b-1a2b-4c3d-8e9f-0a1b2c3d4e5f";
const topics = [
  ["graph", "neural", "network", "message", "passing", "attention"],
  ["sourdough", "bread", "flour", "starter", "oven", "crust"],
  ["jazz", "piano", "chord", "rhythm", "melody", "band"],
];

for (const kind of ["resetMidBody", "cutMidBody"] as RuleFaultKind[]) {
  test(`an input download broken mid-body (${kind}) is a retry of that task, then the redelivery completes`, async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on("uncaughtException", onUncaught);
    const taskId = `task_${userId}_01J0000000000000000${kind.toUpperCase().slice(0, 7)}`;
    const prefix = `graph-generation/${taskId}/`;
    const direct = createS3Storage({ region, endpoint: env.s3Endpoint, forcePathStyle: true, credentials });
    const conversations = Array.from({ length: 12 }, (_, i) => {
      const t = topics[i % topics.length] as string[];
      return backendConversation(`conv-${i}`, `${t[0]} ${t[1]} ${i}`, [
        { role: "user", text: `How does ${t.join(" ")} work? (${i})` },
        { role: "assistant", text: `${t.slice().reverse().join(" ")} explained, case ${i}.` },
      ]);
    });
    await direct.putJson(env.bucket, `${prefix}input.json`, conversations);
    const proxy = await startFaultInjectingProxy({
      target: env.s3Endpoint,
      rules: [{ kind, match: `${prefix}input.json`, methods: ["GET"], first: 1 }],
    });
    const config = loadConfig(
      workerEnv(
        env,
        { request: await env.createQueue("req"), result: await env.createQueue("res") },
        { CHROMA_URL: chroma.url, MACRO_CHROMA_COLLECTION: `macro_s3fault_${Date.now()}` },
      ),
    );
    const storage = createS3Storage({ region, endpoint: proxy.url, forcePathStyle: true, credentials });
    const runner = runnerByHand({ config, storage, payloadBucket: env.bucket });
    const body = JSON.stringify({
      taskId,
      taskType: "GRAPH_GENERATION_REQUEST",
      timestamp: new Date().toISOString(),
      payload: { userId, s3Key: prefix, bucket: env.bucket, language: "en", minClusters: 2, maxClusters: 3 },
    });
    const receive = (receiveCount: number) => runner.receive(body, receiveCount);
    try {
      const first = await receive(1);
      assert.equal(first.kind, "retry", JSON.stringify(first));
      assert.equal(first.kind === "retry" && first.code, "STORAGE_ERROR");
      assert.equal(proxy.counts[kind], 1, "the download was broken once");
      const second = await receive(2);
      assert.equal(second.kind, "result", JSON.stringify(second));
      const payload = (second.kind === "result" ? second.envelope.payload : {}) as Record<string, unknown>;
      assert.equal(payload.status, "COMPLETED", JSON.stringify(payload));
    } finally {
      process.off("uncaughtException", onUncaught);
      await runner.close();
      await proxy.close();
    }
    assert.deepEqual(uncaught.map(String), [], "no uncaught error");
  });
}
