/**
 * The template evaluated for one parameter set, with the parts the deploy tests look at picked out: the
 * worker's container, the environment it would see, the queues by their role (matched through the URLs the
 * container is given, not by logical id) and the task role's statements.
 */
import assert from "node:assert/strict";
import {
  type CfnTemplate,
  CONCRETE,
  Evaluator,
  type JsonObject,
  parameterProblems,
  parameterValues,
  readTemplate,
} from "./cfn.js";
import type { Variant } from "./variants.js";

export interface Queue {
  id: string;
  url: string;
  arn: string;
  name: string;
  properties: JsonObject;
}

export interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Principal?: JsonObject;
  Condition?: JsonObject;
}

export const asList = (v: string | string[] | undefined): string[] => (v === undefined ? [] : [v].flat());

/** Stand-in values for the secrets, shaped like real ones so the loaders accept them. */
const SECRET_STAND_INS: Record<string, string> = { MONGODB_URL: "mongodb://mongo.internal:27017/graphnode" };

export function idsOfType(t: CfnTemplate, type: string): string[] {
  return Object.keys(t.Resources).filter((id) => t.Resources[id]?.Type === type);
}

export function onlyOfType(t: CfnTemplate, type: string): string {
  const ids = idsOfType(t, type);
  assert.equal(ids.length, 1, `exactly one ${type}`);
  return ids[0] as string;
}

export function render(variant: Variant) {
  const template = readTemplate();
  const params = parameterValues(template, variant.overrides);
  const problems = Object.entries(params).flatMap(([name, value]) => {
    const p = template.Parameters[name];
    return p ? parameterProblems(name, p, value) : [`unknown parameter ${name}`];
  });
  assert.deepEqual(problems, [], `${variant.name}: the parameter values are ones the template accepts`);
  const ev = new Evaluator(template, params, CONCRETE);

  const taskDefinition = ev.properties(onlyOfType(template, "AWS::ECS::TaskDefinition"));
  const containers = taskDefinition.ContainerDefinitions as JsonObject[];
  assert.equal(containers.length, 1, "one container: the worker");
  const container = containers[0] as JsonObject;
  const environment = Object.fromEntries(
    ((container.Environment ?? []) as { Name: string; Value: string }[]).map((e) => [e.Name, e.Value]),
  );
  const secrets = (container.Secrets ?? []) as { Name: string; ValueFrom: string }[];
  const env: Record<string, string> = {
    ...environment,
    ...Object.fromEntries(secrets.map((s) => [s.Name, SECRET_STAND_INS[s.Name] ?? "stand-in-value"])),
  };

  const queues: Queue[] = idsOfType(template, "AWS::SQS::Queue").map((id) => {
    const properties = ev.properties(id);
    return {
      id,
      properties,
      url: String(ev.resolve({ Ref: id })),
      arn: String(ev.resolve({ "Fn::GetAtt": [id, "Arn"] })),
      name: String(ev.resolve({ "Fn::GetAtt": [id, "QueueName"] })),
    };
  });
  const queueAt = (variable: string): Queue => {
    const q = queues.find((x) => x.url === environment[variable]);
    assert.ok(q, `${variable} is the URL of a queue of the template`);
    return q;
  };

  const statementsOf = (roleId: string): Statement[] => {
    const role = ev.properties(roleId);
    return ((role.Policies ?? []) as unknown as { PolicyDocument: { Statement: Statement[] } }[]).flatMap(
      (p) => p.PolicyDocument.Statement,
    );
  };

  return {
    template,
    params,
    ev,
    taskDefinition,
    container,
    environment,
    secrets,
    env,
    queues,
    requestQueue: queueAt("AWS_SQS_REQUEST_QUEUE_URL"),
    resultQueue: queueAt("AWS_SQS_RESULT_QUEUE_URL"),
    deadLetterQueue: queueAt("SQS_DEAD_LETTER_QUEUE_URL"),
    roleIdOf: (arnProperty: "TaskRoleArn" | "ExecutionRoleArn") => {
      const raw =
        template.Resources[onlyOfType(template, "AWS::ECS::TaskDefinition")]?.Properties?.[arnProperty];
      const id = (raw as { "Fn::GetAtt"?: string[] })?.["Fn::GetAtt"]?.[0];
      assert.ok(id, `${arnProperty} is the ARN of a role of the template`);
      return id;
    },
    statementsOf,
  };
}

export type Rendered = ReturnType<typeof render>;
