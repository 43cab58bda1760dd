/**
 * deploy/ against the worker itself: the task definition's environment must be configuration the worker
 * accepts (loaded by src/config.ts, the LLM settings by src/ai/llm), with only variables the code reads; the
 * queue's lease and redrive must fit the worker's heartbeat and retry limit; the container must outlive the
 * shutdown grace; scaling and alarms must watch the queues the worker is given. Every check runs for each
 * parameter set of variants.ts.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { resolveLlmConfig } from "../../src/ai/llm/config.js";
import { loadConfig } from "../../src/config.js";
import type { JsonObject } from "./cfn.js";
import { onlyOfType, render } from "./rendered.js";
import { envNamesInSource, envNamesReadByLoaders } from "./sourceScan.js";
import { variants } from "./variants.js";

/** Seconds the container needs after the grace period: abort, release with visibility 0, flush, exit. */
const SHUTDOWN_MARGIN_SECONDS = 15;
/** Fargate's largest stopTimeout. */
const FARGATE_MAX_STOP_TIMEOUT = 120;
/** Read by Node itself rather than by src/. */
const RUNTIME_VARIABLES = new Set(["NODE_OPTIONS"]);
/** Names that hold credentials: these may only come from Secrets. */
const SECRET_NAME = /(API_KEY|SECRET|TOKEN|PASSWORD|CREDENTIAL|^MONGODB_UR[LI]$)/;
/** Set by ECS or the task role, never by the task definition. */
const NEVER_SET = [
  "ECS_AGENT_URI",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_ENDPOINT_URL",
  "AWS_ENDPOINT_URL_SQS",
  "AWS_ENDPOINT_URL_S3",
  "S3_FORCE_PATH_STYLE",
];

/** Memory (MiB) Fargate allows for each CPU size: [min, max, step]. */
const FARGATE_MEMORY: Record<string, [number, number, number]> = {
  "256": [512, 2048, 512],
  "512": [1024, 4096, 1024],
  "1024": [2048, 8192, 1024],
  "2048": [4096, 16384, 1024],
  "4096": [8192, 30720, 1024],
  "8192": [16384, 61440, 4096],
  "16384": [32768, 122880, 8192],
};

for (const variant of variants()) {
  test(`${variant.name}: the environment is configuration the worker accepts, with the queues of the stack`, () => {
    const r = render(variant);
    const config = loadConfig(r.env, { requireQueues: true });
    assert.equal(config.queues.requestUrl, r.requestQueue.url);
    assert.equal(config.queues.resultUrl, r.resultQueue.url);
    assert.equal(config.queues.deadLetterUrl, r.deadLetterQueue.url);
    assert.equal(config.payloadBucket, r.params.PayloadBucketName);
    assert.equal(config.aws.region, "ap-northeast-2");
    assert.equal(config.aws.endpoint, undefined, "real AWS endpoints");
    assert.equal(config.aws.credentials, undefined, "credentials come from the task role");
    assert.ok(config.chroma.url, "a vector store is configured");
    assert.equal(config.ecsAgentUri, undefined, "ECS sets ECS_AGENT_URI itself");
    for (const prefix of ["MACRO", "MICROSCOPE"] as const) {
      const llm = resolveLlmConfig(r.env, prefix);
      if (llm.provider !== "none") {
        assert.ok(llm.apiKey, `${prefix}: the ${llm.provider} key is among the task's secrets`);
      }
    }
  });

  test(`${variant.name}: the request queue's lease and redrive fit the worker's heartbeat and retry limit`, () => {
    const r = render(variant);
    const { loop } = loadConfig(r.env);
    const q = r.requestQueue.properties;
    assert.notEqual(q.FifoQueue, true, "the backend sends to a standard queue");
    assert.ok(
      Number(q.VisibilityTimeout) >= loop.visibilityTimeoutSeconds,
      "the queue's default visibility is at least the worker's lease",
    );
    assert.ok(
      loop.visibilityTimeoutSeconds > 2 * loop.heartbeatIntervalSeconds,
      `the lease (${loop.visibilityTimeoutSeconds} s) outlasts two heartbeats (${loop.heartbeatIntervalSeconds} s)`,
    );
    const redrive = q.RedrivePolicy as { deadLetterTargetArn: string; maxReceiveCount: string | number };
    assert.ok(
      Number(redrive.maxReceiveCount) > loop.maxReceiveCount,
      `redrive (${redrive.maxReceiveCount}) only after the worker's own limit (MAX_RECEIVE_COUNT ${loop.maxReceiveCount})`,
    );
    assert.equal(redrive.deadLetterTargetArn, r.deadLetterQueue.arn, "redrive goes to the worker's DLQ");
    assert.ok(
      Number(r.deadLetterQueue.properties.MessageRetentionPeriod) >
        Number(q.MessageRetentionPeriod ?? 345600),
      "the DLQ keeps messages longer than the request queue (a moved message keeps its enqueue time)",
    );
    assert.ok(loop.retryMaxDelaySeconds <= 43200, "a retry delay is a visibility timeout");
  });

  test(`${variant.name}: the container outlives the shutdown grace and probes /healthz`, () => {
    const r = render(variant);
    const config = loadConfig(r.env);
    const stop = Number(r.container.StopTimeout);
    assert.ok(stop <= FARGATE_MAX_STOP_TIMEOUT, "Fargate caps stopTimeout at 120 s");
    assert.ok(
      stop >= config.loop.shutdownGraceSeconds + SHUTDOWN_MARGIN_SECONDS,
      `stopTimeout ${stop} s ≥ SHUTDOWN_GRACE_SECONDS ${config.loop.shutdownGraceSeconds} s + ${SHUTDOWN_MARGIN_SECONDS} s`,
    );
    const health = r.container.HealthCheck as { Command: string[] };
    assert.equal(health.Command[0], "CMD");
    assert.ok(
      health.Command.join(" ").includes(`http://127.0.0.1:${config.http.port}/healthz`),
      "the health check asks the worker's /healthz on HTTP_PORT",
    );
    const ports = (r.container.PortMappings as { ContainerPort: number }[]).map((p) =>
      Number(p.ContainerPort),
    );
    assert.deepEqual(ports, [config.http.port], "the metrics port is the one mapped");
    const log = r.container.LogConfiguration as { LogDriver: string; Options: Record<string, string> };
    assert.equal(log.LogDriver, "awslogs");
    assert.ok(log.Options["awslogs-group"] && log.Options["awslogs-stream-prefix"]);
  });

  test(`${variant.name}: every variable set is one the worker reads, credentials only as secrets`, () => {
    const r = render(variant);
    const read = new Set([...envNamesReadByLoaders(r.env), ...envNamesInSource(), ...RUNTIME_VARIABLES]);
    assert.ok(
      read.has("AWS_SQS_REQUEST_QUEUE_URL") && read.has("OPENAI_API_KEY"),
      "the scan sees the loaders",
    );
    const names = [...Object.keys(r.environment), ...r.secrets.map((s) => s.Name)];
    assert.deepEqual(
      names.filter((n) => !read.has(n)),
      [],
      "variables the worker never reads",
    );
    assert.equal(new Set(names).size, names.length, "each variable is set once");
    assert.deepEqual(
      Object.keys(r.environment).filter((n) => SECRET_NAME.test(n)),
      [],
      "credentials in plain environment variables",
    );
    assert.deepEqual(
      names.filter((n) => NEVER_SET.includes(n)),
      [],
    );
    const secretArn = String(r.params.SecretArn);
    for (const s of r.secrets) {
      assert.equal(s.ValueFrom, `${secretArn}:${s.Name}::`, `${s.Name} is the same-named key of the secret`);
    }
  });

  test(`${variant.name}: the task size is a Fargate size the thread pool and heap fit in`, () => {
    const r = render(variant);
    const config = loadConfig(r.env);
    const cpu = String(r.taskDefinition.Cpu);
    const memory = Number(r.taskDefinition.Memory);
    const range = FARGATE_MEMORY[cpu];
    assert.ok(range, `${cpu} is a Fargate CPU size`);
    const [min, max, step] = range;
    assert.ok(memory >= min && memory <= max && (memory - min) % step === 0, `${memory} MiB fits ${cpu} CPU`);
    assert.ok(config.cpuPoolSize <= Number(cpu) / 1024, "no more CPU threads than vCPUs");
    const heap = Number(/--max-old-space-size=(\d+)/.exec(r.environment.NODE_OPTIONS ?? "")?.[1]);
    assert.ok(
      heap > 0 && heap <= memory * 0.8,
      `the V8 heap limit (${heap} MiB) leaves room in ${memory} MiB`,
    );
    assert.deepEqual(r.taskDefinition.RequiresCompatibilities, ["FARGATE"]);
    assert.equal(r.taskDefinition.NetworkMode, "awsvpc");
  });

  test(`${variant.name}: scaling follows the request backlog per task, alarms watch the queues`, () => {
    const r = render(variant);
    const config = loadConfig(r.env);
    const t = r.template;
    const cluster = r.ev.properties(onlyOfType(t, "AWS::ECS::Cluster"));
    const service = r.ev.properties(onlyOfType(t, "AWS::ECS::Service"));
    assert.equal(service.DesiredCount, undefined, "auto scaling owns the desired count");
    const target = r.ev.properties(onlyOfType(t, "AWS::ApplicationAutoScaling::ScalableTarget"));
    assert.equal(target.ResourceId, `service/${cluster.ClusterName}/${service.ServiceName}`);
    assert.ok(Number(target.MinCapacity) >= 1, "the metric divides by running tasks: never scale to zero");
    assert.ok(Number(target.MaxCapacity) >= Number(target.MinCapacity));

    const policy = r.ev.properties(onlyOfType(t, "AWS::ApplicationAutoScaling::ScalingPolicy"));
    const tracking = policy.TargetTrackingScalingPolicyConfiguration as JsonObject;
    assert.equal(
      Number(tracking.TargetValue),
      config.loop.concurrency,
      "one container's worth of requests per task",
    );
    const metrics = (tracking.CustomizedMetricSpecification as { Metrics: JsonObject[] }).Metrics;
    const stat = (id: string) => metrics.find((m) => m.Id === id)?.MetricStat as JsonObject | undefined;
    const dims = (id: string) =>
      Object.fromEntries(
        ((stat(id)?.Metric as JsonObject)?.Dimensions as { Name: string; Value: string }[]).map((d) => [
          d.Name,
          d.Value,
        ]),
      );
    const returned = metrics.filter((m) => m.ReturnData !== false);
    assert.equal(returned.length, 1, "one metric is tracked");
    const expression = String(returned[0]?.Expression);
    for (const m of metrics.filter((x) => x.MetricStat)) {
      assert.ok(new RegExp(`\\b${m.Id}\\b`).test(expression), `${m.Id} is used in ${expression}`);
      const d = dims(String(m.Id));
      if ("QueueName" in d)
        assert.equal(d.QueueName, r.requestQueue.name, "the backlog is the request queue's");
      else assert.deepEqual(d, { ClusterName: cluster.ClusterName, ServiceName: service.ServiceName });
    }
    const queueMetrics = metrics.map((m) => (m.MetricStat as JsonObject | undefined)?.Metric as JsonObject);
    const names = queueMetrics.filter(Boolean).map((m) => m.MetricName);
    assert.ok(names.includes("ApproximateNumberOfMessagesVisible"), "waiting requests count");

    const alarms = Object.keys(t.Resources)
      .filter((id) => t.Resources[id]?.Type === "AWS::CloudWatch::Alarm")
      .map((id) => r.ev.properties(id));
    const watches = (queue: string, metric: string) =>
      alarms.some(
        (a) =>
          a.MetricName === metric &&
          (a.Dimensions as { Name: string; Value: string }[]).some(
            (d) => d.Name === "QueueName" && d.Value === queue,
          ),
      );
    assert.ok(
      watches(r.deadLetterQueue.name, "ApproximateNumberOfMessagesVisible"),
      "an alarm on the DLQ's depth",
    );
    assert.ok(
      watches(r.requestQueue.name, "ApproximateAgeOfOldestMessage"),
      "an alarm on the oldest request",
    );
  });
}

test("the parameter ranges keep every allowed combination inside the worker's limits", () => {
  const t = render(variants()[0] ?? { name: "defaults", overrides: {} }).template;
  const p = t.Parameters;
  const max = (name: string) => Number(p[name]?.MaxValue);
  const min = (name: string) => Number(p[name]?.MinValue);
  assert.ok(
    min("RedriveMaxReceiveCount") > max("MaxReceiveCount"),
    "redrive always after the worker's limit",
  );
  const stop = Number(
    (
      t.Resources[onlyOfType(t, "AWS::ECS::TaskDefinition")]?.Properties?.ContainerDefinitions as JsonObject[]
    )[0]?.StopTimeout,
  );
  assert.ok(
    stop >= max("ShutdownGraceSeconds") + SHUTDOWN_MARGIN_SECONDS,
    "stopTimeout covers the longest grace",
  );
  assert.ok(min("MinTasks") >= 1);
  assert.ok(max("CpuPoolSize") * 1024 <= Math.max(...(p.TaskCpu?.AllowedValues ?? []).map(Number)));
});
