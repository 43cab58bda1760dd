import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError, DEFAULT_CPU_POOL_IDLE_MS, loadConfig } from "../../src/config.js";

test("the backend's e2e variable names are accepted", () => {
  const c = loadConfig({
    AWS_REGION: "ap-northeast-2",
    AWS_ENDPOINT_URL: "http://localstack:4566",
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_SQS_REQUEST_QUEUE_URL: "http://localstack:4566/000000000000/taco-graphnode-request-graph-sqs",
    AWS_SQS_RESULT_QUEUE_URL: "http://localstack:4566/000000000000/taco-graphnode-response-graph-sqs",
    S3_PAYLOAD_BUCKET: "taco5-graphnode-graphdata-s3",
    CHROMA_SERVER_HOST: "chroma",
    CHROMA_SERVER_PORT: "8000",
    CHROMA_DATABASE: "TACO_GraphNode",
    WORKER_CONCURRENCY: "3",
  });
  assert.equal(c.queues.requestUrl, "http://localstack:4566/000000000000/taco-graphnode-request-graph-sqs");
  assert.equal(c.aws.forcePathStyle, true, "path-style is the default with a custom endpoint");
  assert.equal(c.chroma.url, "http://chroma:8000");
  assert.equal(c.chroma.database, "TACO_GraphNode");
  assert.equal(c.loop.concurrency, 3);
  assert.equal(c.loop.waitTimeSeconds, 20);
});

test("the backend's own queue variable names work too", () => {
  const c = loadConfig(
    { SQS_REQUEST_QUEUE_URL: "https://sqs.example/1/req", SQS_RESULT_QUEUE_URL: "https://sqs.example/1/res" },
    { requireQueues: true },
  );
  assert.equal(c.queues.resultUrl, "https://sqs.example/1/res");
});

test("problems name the variable at fault, all at once", () => {
  try {
    loadConfig(
      {
        WORKER_CONCURRENCY: "lots",
        SQS_VISIBILITY_TIMEOUT_SECONDS: "30",
        HEARTBEAT_INTERVAL_SECONDS: "20",
        AWS_ACCESS_KEY_ID: "only-half",
      },
      { requireQueues: true },
    );
    assert.fail("expected a ConfigError");
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    const text = err.message;
    for (const name of [
      "WORKER_CONCURRENCY",
      "HEARTBEAT_INTERVAL_SECONDS",
      "AWS_SQS_REQUEST_QUEUE_URL",
      "AWS_SQS_RESULT_QUEUE_URL",
      "AWS_SECRET_ACCESS_KEY",
    ]) {
      assert.ok(text.includes(name), `message should name ${name}: ${text}`);
    }
    assert.ok(!text.includes("only-half"), "values (possibly secrets) are not echoed");
  }
});

test("the heartbeat defaults to a third of the lease", () => {
  const c = loadConfig({ SQS_VISIBILITY_TIMEOUT_SECONDS: "90" });
  assert.equal(c.loop.heartbeatIntervalSeconds, 30);
});

test("CPU_POOL_IDLE_MS: a few seconds by default, validated when set", () => {
  assert.equal(loadConfig({}).cpuPoolIdleMs, DEFAULT_CPU_POOL_IDLE_MS);
  assert.equal(loadConfig({ CPU_POOL_IDLE_MS: "60000" }).cpuPoolIdleMs, 60_000);
  assert.throws(() => loadConfig({ CPU_POOL_IDLE_MS: "soon" }), /CPU_POOL_IDLE_MS/);
});
