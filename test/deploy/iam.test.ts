/**
 * The roles of deploy/ against the code: the task role grants exactly the IAM actions of the AWS calls found in
 * src/ (SDK commands and the ECS agent's task-protection endpoint), each on the one resource the worker uses
 * it for; the execution role only what ECS needs to start the container; no wildcards but the one AWS
 * requires; both roles assumable only by ECS tasks of this account.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { loadConfig } from "../../src/config.js";
import { asList, render, type Statement } from "./rendered.js";
import { awsCallsInSource } from "./sourceScan.js";
import { variants } from "./variants.js";

const defaults = () => render(variants()[0] ?? { name: "defaults", overrides: {} });

/** Statements that may use "*": action → why. */
const WILDCARD_RESOURCE_ALLOWED: Record<string, string> = {
  "ecr:GetAuthorizationToken": "has no resource type; AWS requires Resource *",
};

/** What ECS itself needs from the execution role: pull from ECR, write logs, read the secret. */
const EXECUTION_ACTIONS = [
  "ecr:GetAuthorizationToken",
  "ecr:BatchCheckLayerAvailability",
  "ecr:GetDownloadUrlForLayer",
  "ecr:BatchGetImage",
  "logs:CreateLogStream",
  "logs:PutLogEvents",
  "secretsmanager:GetSecretValue",
];

function grants(statements: Statement[]): Map<string, Set<string>> {
  const byResource = new Map<string, Set<string>>();
  for (const s of statements) {
    for (const resource of asList(s.Resource)) {
      const set = byResource.get(resource) ?? new Set<string>();
      for (const a of asList(s.Action)) set.add(a);
      byResource.set(resource, set);
    }
  }
  return byResource;
}

const sorted = (m: Map<string, Set<string>>) =>
  Object.fromEntries(
    [...m].map(([k, v]) => [k, [...v].sort()]).sort(([a], [b]) => String(a).localeCompare(String(b))),
  );

test("the task role grants exactly the IAM actions of the AWS calls in src/", () => {
  const calls = awsCallsInSource();
  const unmapped = calls.filter((c) => !c.actions).map((c) => `${c.file}: ${c.service} ${c.operation}`);
  assert.deepEqual(unmapped, [], "AWS operations without a known IAM action (map them in sourceScan.ts)");
  const operations = new Set(calls.map((c) => c.operation));
  for (const op of ["ReceiveMessage", "SendMessage", "GetObject", "PutObject", "UpdateTaskProtection"]) {
    assert.ok(operations.has(op), `the scan finds ${op} (is it still looking at the right files?)`);
  }
  const needed = [...new Set(calls.flatMap((c) => c.actions ?? []))].sort();

  const r = defaults();
  const statements = r.statementsOf(r.roleIdOf("TaskRoleArn"));
  const granted = [...new Set(statements.flatMap((s) => asList(s.Action)))].sort();
  assert.deepEqual(granted, needed, "granted actions = actions the code needs");
});

test("each task-role action is granted on the one resource the worker uses it for", () => {
  const r = defaults();
  const config = loadConfig(r.env);
  const { partition, region, accountId } = {
    partition: "aws",
    region: "ap-northeast-2",
    accountId: "123456789012",
  };
  const bucket = `arn:${partition}:s3:::${config.payloadBucket}`;
  const cluster = String(r.ev.properties("Cluster").ClusterName);
  const expected = new Map<string, Set<string>>([
    // Receive, heartbeat/retry/release, delete after the result; requeue of a message deferred by the
    // per-user cap (consumer.ts sends a delayed copy to the request queue).
    [
      r.requestQueue.arn,
      new Set(["sqs:ReceiveMessage", "sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:SendMessage"]),
    ],
    [r.resultQueue.arn, new Set(["sqs:SendMessage"])], // results and progress
    [r.deadLetterQueue.arn, new Set(["sqs:SendMessage"])], // unreadable bodies, with the reason
    // Results over 8 MiB go up in parts; a failed multipart upload is aborted so its parts do not linger.
    [`${bucket}/*`, new Set(["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"])],
    [bucket, new Set(["s3:ListBucket"])],
    [`arn:${partition}:ecs:${region}:${accountId}:task/${cluster}/*`, new Set(["ecs:UpdateTaskProtection"])],
  ]);
  assert.deepEqual(sorted(grants(r.statementsOf(r.roleIdOf("TaskRoleArn")))), sorted(expected));
});

test("the execution role can pull the image, write the log group and read the task's secrets, nothing more", () => {
  const r = defaults();
  const statements = r.statementsOf(r.roleIdOf("ExecutionRoleArn"));
  const actions = [...new Set(statements.flatMap((s) => asList(s.Action)))].sort();
  assert.deepEqual(actions, [...EXECUTION_ACTIONS].sort());
  const g = grants(statements);
  const secretArn = String(r.params.SecretArn);
  assert.deepEqual([...(g.get(secretArn) ?? [])], ["secretsmanager:GetSecretValue"]);
  for (const s of r.secrets)
    assert.ok(s.ValueFrom.startsWith(`${secretArn}:`), `${s.Name} is in the readable secret`);
  const log = r.container.LogConfiguration as { Options: Record<string, string> };
  const logGroupArn = [...g.keys()].find((k) => k.includes(":log-group:"));
  assert.ok(
    logGroupArn?.includes(`:log-group:${log.Options["awslogs-group"]}:`),
    "logs go to the granted group",
  );
  const repo = [...g.keys()].find((k) => k.includes(":repository/"));
  assert.ok(
    repo && String(r.container.Image).includes(`/${repo.split(":repository/")[1]}:`),
    "pulls its own repo",
  );
});

test("no wildcard actions or resources, no Deny/Not* tricks, except where AWS requires a wildcard", () => {
  const r = defaults();
  for (const role of ["TaskRoleArn", "ExecutionRoleArn"] as const) {
    for (const s of r.statementsOf(r.roleIdOf(role))) {
      const where = `${role} ${s.Sid ?? "statement"}`;
      assert.equal(s.Effect, "Allow", where);
      assert.ok(!("NotAction" in s) && !("NotResource" in s), where);
      for (const a of asList(s.Action)) assert.ok(!a.includes("*"), `${where}: action ${a}`);
      for (const res of asList(s.Resource)) {
        if (res !== "*") continue;
        const actions = asList(s.Action);
        assert.ok(
          actions.every((a) => a in WILDCARD_RESOURCE_ALLOWED),
          `${where}: Resource * only for ${Object.keys(WILDCARD_RESOURCE_ALLOWED).join(", ")}`,
        );
      }
    }
  }
});

test("both roles can only be assumed by ECS tasks of this account", () => {
  const r = defaults();
  for (const role of ["TaskRoleArn", "ExecutionRoleArn"] as const) {
    const props = r.ev.properties(r.roleIdOf(role));
    assert.equal(
      props.ManagedPolicyArns,
      undefined,
      `${role}: no managed policies (their scope is not ours)`,
    );
    const trust = (props.AssumeRolePolicyDocument as unknown as { Statement: Statement[] }).Statement;
    assert.equal(trust.length, 1, role);
    const [s] = trust;
    assert.deepEqual(s?.Principal, { Service: "ecs-tasks.amazonaws.com" }, role);
    assert.deepEqual(asList(s?.Action), ["sts:AssumeRole"], role);
    assert.deepEqual(s?.Condition, { StringEquals: { "aws:SourceAccount": "123456789012" } }, role);
  }
});
