/**
 * deploy/cloudformation.yaml as a CloudFormation template: its shape (Zod schemas of every resource type it
 * uses), its references, its parameters, the standalone renderings beside it, and no secret values anywhere
 * in deploy/. Offline: nothing is downloaded, nothing is deployed.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { z } from "zod";
import {
  CONCRETE,
  deployPath,
  Evaluator,
  type Json,
  PSEUDO_PARAMETERS,
  parameterProblems,
  parameterValues,
  parseTemplateText,
  readTemplate,
  references,
  repoRoot,
} from "./cfn.js";
import { templateSchema } from "./cfnSchemas.js";
import {
  asFileText,
  renderTaskDefinition,
  renderTaskPolicy,
  STANDALONE_TASK_DEFINITION,
  STANDALONE_TASK_POLICY,
} from "./standalone.js";
import { REQUIRED_PARAMETERS } from "./variants.js";

test("the template parses and every resource matches its CloudFormation schema", () => {
  const result = templateSchema.safeParse(readTemplate());
  assert.ok(result.success, result.success ? "" : z.prettifyError(result.error));
});

test("the schemas reject a misspelt property and a value out of range", () => {
  const t = readTemplate();
  const queue = t.Resources.RequestQueue;
  assert.ok(queue?.Properties, "the template has a RequestQueue with properties");
  const misspelt = structuredClone(t);
  (misspelt.Resources.RequestQueue?.Properties as Record<string, Json>).VisibiltyTimeout = 30;
  assert.equal(templateSchema.safeParse(misspelt).success, false);
  const outOfRange = structuredClone(t);
  (outOfRange.Resources.RequestQueue?.Properties as Record<string, Json>).ReceiveMessageWaitTimeSeconds = 21;
  assert.equal(templateSchema.safeParse(outOfRange).success, false);
});

test("the short-form tags parse to CloudFormation's long form", () => {
  const parsed = parseTemplateText(
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Sub syntax
    "a: !Ref X\nb: !GetAtt Q.Arn\nc: !Sub '${X}-y'\nd: !If [C, !Ref X, !Ref AWS::NoValue]\n",
  );
  assert.deepEqual(parsed, {
    a: { Ref: "X" },
    b: { "Fn::GetAtt": ["Q", "Arn"] },
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Sub syntax
    c: { "Fn::Sub": "${X}-y" },
    d: { "Fn::If": ["C", { Ref: "X" }, { Ref: "AWS::NoValue" }] },
  });
});

test("every Ref, GetAtt, Sub variable and condition names something the template declares", () => {
  const t = readTemplate();
  const declared = new Set([...Object.keys(t.Parameters), ...Object.keys(t.Resources), ...PSEUDO_PARAMETERS]);
  const conditions = new Set(Object.keys(t.Conditions ?? {}));
  const refs = references(t);
  assert.ok(refs.length > 0, "the template refers to its parameters and resources");
  const dangling = refs.filter((r) => (r.kind === "ref" ? !declared.has(r.name) : !conditions.has(r.name)));
  assert.deepEqual(dangling, []);
  const used = new Set(refs.map((r) => r.name));
  const unusedParameters = Object.keys(t.Parameters).filter((p) => !used.has(p));
  assert.deepEqual(unusedParameters, [], "every parameter is used");
  const unusedConditions = [...conditions].filter((c) => !used.has(c));
  assert.deepEqual(unusedConditions, [], "every condition is used");
});

test("parameter defaults satisfy their own constraints, and only deployment-specific parameters lack one", () => {
  const t = readTemplate();
  const problems = Object.entries(t.Parameters).flatMap(([name, p]) =>
    p.Default === undefined ? [] : parameterProblems(name, p, String(p.Default)),
  );
  assert.deepEqual(problems, []);
  const withoutDefault = Object.keys(t.Parameters)
    .filter((name) => t.Parameters[name]?.Default === undefined)
    .sort();
  assert.deepEqual(withoutDefault, Object.keys(REQUIRED_PARAMETERS).sort());
});

test("every resource and output evaluates with the defaults and the required values", () => {
  const t = readTemplate();
  const ev = new Evaluator(t, parameterValues(t, REQUIRED_PARAMETERS), CONCRETE);
  for (const id of Object.keys(t.Resources)) assert.doesNotThrow(() => ev.properties(id), id);
  for (const [name, o] of Object.entries(t.Outputs ?? {})) {
    assert.equal(typeof ev.resolve(o.Value as Json), "string", `output ${name}`);
  }
});

test("the standalone task definition and task policy are the template's, rendered", () => {
  for (const [file, rendered] of [
    [STANDALONE_TASK_DEFINITION, renderTaskDefinition()],
    [STANDALONE_TASK_POLICY, renderTaskPolicy()],
  ] as const) {
    const text = readFileSync(deployPath(file), "utf8");
    assert.deepEqual(
      JSON.parse(text),
      rendered,
      `deploy/${file} differs from the template: run \`npx tsx test/deploy/standalone.ts --write\``,
    );
    assert.equal(text, asFileText(rendered), `deploy/${file} is formatted as the renderer writes it`);
  }
});

test("the standalone task definition leaves only documented placeholders to fill in", () => {
  const text = readFileSync(deployPath(STANDALONE_TASK_DEFINITION), "utf8");
  const placeholders = [...new Set([...text.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1]))].sort();
  assert.deepEqual(placeholders, [
    "AWS_ACCOUNT_ID",
    "AWS_REGION",
    "ChromaUrl",
    "ExecutionRoleArn",
    "ImageTag",
    "SecretArn",
    "TaskRoleArn",
  ]);
  const guide = readFileSync(join(repoRoot(), "docs", "OPERATIONS.md"), "utf8");
  for (const p of placeholders) assert.ok(guide.includes(`\${${p}}`), `docs/OPERATIONS.md explains \${${p}}`);
});

/** Shapes of credentials and keys that must never be committed. */
const SECRET_SHAPES: [string, RegExp][] = [
  ["AWS access key id", /\b(AKIA|ASIA)[A-Z0-9]{16}\b/],
  ["AWS secret access key", /aws_?secret_?access_?key\s*[:=]\s*["']?[A-Za-z0-9/+]{40}/i],
  ["OpenAI-style key", /\bsk-[A-Za-z0-9_-]{20,}/],
  ["Anthropic key", /\bsk-ant-[A-Za-z0-9_-]{10,}/],
  ["Google API key", /\bAIza[0-9A-Za-z_-]{35}\b/],
  ["Groq key", /\bgsk_[A-Za-z0-9]{20,}/],
  ["private key", /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ["URL with a password", /[a-z][a-z0-9+.-]*:\/\/[^\s/:@"']+:[^\s@"'$]+@/i],
];

test("deploy/ holds no secret values", () => {
  const files = readdirSync(deployPath("."));
  assert.ok(files.includes("cloudformation.yaml"), "deploy/ is where the test looks");
  const found = files.flatMap((f) => {
    const text = readFileSync(deployPath(f), "utf8");
    return SECRET_SHAPES.filter(([, re]) => re.test(text)).map(([what]) => `${f}: ${what}`);
  });
  assert.deepEqual(found, []);
  // The detector itself: each shape catches an example of it.
  const examples = [
    `AKIA${"A".repeat(16)}`,
    `aws_secret_access_key = ${"a".repeat(40)}`,
    `sk-${"a".repeat(24)}`,
    `sk-ant-${"a".repeat(12)}`,
    `AIza${"a".repeat(35)}`,
    `gsk_${"a".repeat(24)}`,
    "-----BEGIN RSA PRIVATE KEY-----",
    "mongodb://user:pass@host/db",
  ];
  SECRET_SHAPES.forEach(([what, re], i) => {
    assert.ok(re.test(examples[i] ?? ""), what);
  });
});
