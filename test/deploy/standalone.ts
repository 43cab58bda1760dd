/**
 * The standalone files of deploy/ (for operators who do not use the CloudFormation stack) are renderings of the
 * template: the task definition in the ECS API's form (`aws ecs register-task-definition --cli-input-json`)
 * and the task role's policy. Parameters keep their defaults; those without one, the pseudo parameters and the
 * roles' ARNs become `${NAME}` placeholders (fill in with envsubst).
 *
 * The deploy tests compare the files with these renderings. After changing the template, rewrite them with
 *   npx tsx test/deploy/standalone.ts --write
 */
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import {
  type CfnTemplate,
  deployPath,
  Evaluator,
  type Json,
  type JsonObject,
  parameterValues,
  readTemplate,
  SYMBOLIC,
} from "./cfn.js";

export const STANDALONE_TASK_DEFINITION = "ecs-task-definition.json";
export const STANDALONE_TASK_POLICY = "iam-policy.json";

function symbolicEvaluator(template: CfnTemplate): Evaluator {
  return new Evaluator(template, parameterValues(template, {}, "placeholder"), SYMBOLIC);
}

/** CloudFormation's property names → the ECS API's (lower-case first letter); option maps keep their keys. */
function toEcsApi(value: Json, key = ""): Json {
  if (Array.isArray(value)) return value.map((v) => toEcsApi(v));
  if (value === null || typeof value !== "object") return value;
  if (key === "Options" || key === "DockerLabels") return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [`${k.charAt(0).toLowerCase()}${k.slice(1)}`, toEcsApi(v, k)]),
  );
}

export function renderTaskDefinition(template: CfnTemplate = readTemplate()): JsonObject {
  const id = Object.keys(template.Resources).find(
    (k) => template.Resources[k]?.Type === "AWS::ECS::TaskDefinition",
  );
  if (!id) throw new Error("the template has no AWS::ECS::TaskDefinition");
  return toEcsApi(symbolicEvaluator(template).properties(id)) as JsonObject;
}

export function renderTaskPolicy(template: CfnTemplate = readTemplate()): JsonObject {
  const role = symbolicEvaluator(template).properties("TaskRole");
  const policies = role.Policies as { PolicyDocument: JsonObject }[];
  if (policies.length !== 1 || !policies[0])
    throw new Error("the task role should have exactly one inline policy");
  return policies[0].PolicyDocument;
}

export const asFileText = (value: Json) => `${JSON.stringify(value, null, 2)}\n`;

if (
  process.argv[1] &&
  import.meta.url === pathToFileURL(process.argv[1]).href &&
  process.argv.includes("--write")
) {
  writeFileSync(deployPath(STANDALONE_TASK_DEFINITION), asFileText(renderTaskDefinition()));
  writeFileSync(deployPath(STANDALONE_TASK_POLICY), asFileText(renderTaskPolicy()));
  process.stdout.write(`wrote deploy/${STANDALONE_TASK_DEFINITION} and deploy/${STANDALONE_TASK_POLICY}\n`);
}
