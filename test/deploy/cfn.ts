/**
 * The CloudFormation template of deploy/, read and evaluated offline for the deploy tests: YAML with the
 * short-form tags (!Ref, !Sub, …) turned into their long form, and an evaluator for the intrinsic functions the
 * template uses, given parameter values and stand-ins for the pseudo parameters and for what AWS would assign
 * (queue URLs and ARNs are built the way SQS builds them; other resources' attributes become `${LogicalIdAttr}`
 * placeholders). Written here because the npm packages that evaluate templates need an AWS account (or all of
 * the CDK); this covers exactly the functions a template may use here and fails loudly on any other.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type CollectionTag, parse, type ScalarTag } from "yaml";

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface CfnParameter {
  Type: string;
  Default?: string | number;
  AllowedValues?: (string | number)[];
  AllowedPattern?: string;
  MinValue?: number;
  MaxValue?: number;
  Description?: string;
}

export interface CfnResource {
  Type: string;
  Properties?: JsonObject;
  Condition?: string;
}

export interface CfnTemplate {
  Parameters: Record<string, CfnParameter>;
  Conditions?: Record<string, Json>;
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, JsonObject>;
}

/** The repository root (works from test/deploy under tsx and from dist/test/deploy). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string };
      if (pkg.name === "graphnode-worker") return dir;
    } catch {
      // not here: go up
    }
    const up = dirname(dir);
    if (up === dir) throw new Error("graphnode-worker's package.json not found above the test file");
    dir = up;
  }
}

export const deployPath = (name: string) => join(repoRoot(), "deploy", name);

const FUNCTION_TAGS = [
  "Base64",
  "Cidr",
  "FindInMap",
  "GetAtt",
  "GetAZs",
  "ImportValue",
  "Join",
  "Select",
  "Split",
  "Sub",
  "Transform",
  "And",
  "Equals",
  "If",
  "Not",
  "Or",
];

/** `!Name x` → `{ "Fn::Name": x }` (`Ref` and `Condition` keep their own key); `!GetAtt A.B` → `[A, B]`. */
function cloudFormationTags(): (ScalarTag | CollectionTag)[] {
  const tags: (ScalarTag | CollectionTag)[] = [];
  for (const name of ["Ref", "Condition", ...FUNCTION_TAGS]) {
    const key = name === "Ref" || name === "Condition" ? name : `Fn::${name}`;
    tags.push({
      tag: `!${name}`,
      resolve: (v: string) => ({ [key]: name === "GetAtt" ? v.split(/\.(.*)/s).slice(0, 2) : v }),
    });
    for (const collection of ["seq", "map"] as const) {
      tags.push({ tag: `!${name}`, collection, resolve: (node) => ({ [key]: node.toJSON() }) });
    }
  }
  return tags;
}

export function parseTemplateText(text: string): unknown {
  return parse(text, { customTags: cloudFormationTags(), uniqueKeys: true, prettyErrors: true });
}

export function readTemplate(): CfnTemplate {
  return parseTemplateText(readFileSync(deployPath("cloudformation.yaml"), "utf8")) as CfnTemplate;
}

export interface Pseudo {
  region: string;
  accountId: string;
  partition: string;
  urlSuffix: string;
}

/** Values as an account would have them. */
export const CONCRETE: Pseudo = {
  region: "ap-northeast-2",
  accountId: "123456789012",
  partition: "aws",
  urlSuffix: "amazonaws.com",
};

/** Placeholders for the standalone files of deploy/ (filled in by the operator, e.g. with envsubst). */
export const SYMBOLIC: Pseudo = {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: an envsubst placeholder, not a template literal
  region: "${AWS_REGION}",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: as above
  accountId: "${AWS_ACCOUNT_ID}",
  partition: "aws",
  urlSuffix: "amazonaws.com",
};

export type ParamValues = Record<string, string | string[]>;

/**
 * A value for every parameter: the override, else the default, else (`missing: "placeholder"`) `${Name}`.
 * List parameters get arrays.
 */
export function parameterValues(
  template: CfnTemplate,
  overrides: Record<string, string | string[]> = {},
  missing: "placeholder" | "error" = "error",
): ParamValues {
  const out: ParamValues = {};
  for (const [name, p] of Object.entries(template.Parameters)) {
    const isList = p.Type.startsWith("List<") || p.Type === "CommaDelimitedList";
    let v: string | string[] | undefined = overrides[name];
    if (v === undefined && p.Default !== undefined) {
      v = isList ? String(p.Default).split(",") : String(p.Default);
    }
    if (v === undefined) {
      if (missing === "error") throw new Error(`parameter ${name} has no default and no value was given`);
      v = isList ? [`\${${name}}`] : `\${${name}}`;
    }
    out[name] = v;
  }
  return out;
}

/** The problems of a value under its parameter's constraints (empty when it is acceptable). */
export function parameterProblems(name: string, p: CfnParameter, value: string | string[]): string[] {
  const problems: string[] = [];
  for (const v of Array.isArray(value) ? value : [value]) {
    if (p.AllowedValues && !p.AllowedValues.map(String).includes(v)) {
      problems.push(`${name}: ${v} is not one of its AllowedValues`);
    }
    if (p.AllowedPattern && !new RegExp(p.AllowedPattern).test(v)) {
      problems.push(`${name}: ${v} does not match its AllowedPattern`);
    }
    if (p.Type === "Number") {
      const n = Number(v);
      if (v.trim() === "" || !Number.isFinite(n)) problems.push(`${name}: ${v} is not a number`);
      if (p.MinValue !== undefined && n < p.MinValue) problems.push(`${name}: ${v} is below MinValue`);
      if (p.MaxValue !== undefined && n > p.MaxValue) problems.push(`${name}: ${v} is above MaxValue`);
    }
  }
  return problems;
}

const NO_VALUE = Symbol("AWS::NoValue");
type Value = Json | typeof NO_VALUE;

export class Evaluator {
  constructor(
    readonly template: CfnTemplate,
    readonly params: ParamValues,
    readonly pseudo: Pseudo,
  ) {}

  /** The value with every intrinsic function evaluated and every AWS::NoValue removed. */
  resolve(value: Json): Json {
    const out = this.eval(value);
    if (out === NO_VALUE) throw new Error("AWS::NoValue at the top of a resolved value");
    return out;
  }

  condition(name: string): boolean {
    const c = this.template.Conditions?.[name];
    if (c === undefined) throw new Error(`unknown condition ${name}`);
    return this.truth(c);
  }

  /** Properties of a resource, resolved. */
  properties(logicalId: string): JsonObject {
    const r = this.template.Resources[logicalId];
    if (!r) throw new Error(`unknown resource ${logicalId}`);
    return this.resolve(r.Properties ?? {}) as JsonObject;
  }

  private truth(c: Json): boolean {
    if (c !== null && typeof c === "object" && !Array.isArray(c)) {
      const [key, arg] = Object.entries(c)[0] ?? [];
      const args = arg as Json[];
      switch (key) {
        case "Condition":
          return this.condition(String(arg));
        case "Fn::Equals":
          return String(this.eval(args[0] as Json)) === String(this.eval(args[1] as Json));
        case "Fn::Not":
          return !this.truth(args[0] as Json);
        case "Fn::And":
          return args.every((a) => this.truth(a));
        case "Fn::Or":
          return args.some((a) => this.truth(a));
      }
    }
    throw new Error(`not a condition: ${JSON.stringify(c)}`);
  }

  private eval(value: Json): Value {
    if (Array.isArray(value)) {
      return value.map((v) => this.eval(v)).filter((v): v is Json => v !== NO_VALUE);
    }
    if (value === null || typeof value !== "object") return value;
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === "Ref" || keys[0]?.startsWith("Fn::"))) {
      return this.intrinsic(keys[0], value[keys[0]] as Json);
    }
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      const r = this.eval(v);
      if (r !== NO_VALUE) out[k] = r;
    }
    return out;
  }

  private intrinsic(fn: string, arg: Json): Value {
    const list = () => {
      if (!Array.isArray(arg)) throw new Error(`${fn} takes a list`);
      return arg;
    };
    switch (fn) {
      case "Ref":
        return this.ref(String(arg));
      case "Fn::GetAtt": {
        const [id, attr] = list().map(String);
        return this.getAtt(id ?? "", attr ?? "");
      }
      case "Fn::Sub":
        return this.sub(arg);
      case "Fn::If": {
        const [name, yes, no] = list();
        return this.condition(String(name)) ? this.eval(yes as Json) : this.eval(no as Json);
      }
      case "Fn::Join": {
        const [sep, items] = list();
        const resolved = this.eval(items as Json);
        if (!Array.isArray(resolved)) throw new Error("Fn::Join needs a list");
        return resolved.map(String).join(String(sep));
      }
      case "Fn::Select": {
        const [index, items] = list();
        const resolved = this.eval(items as Json);
        if (!Array.isArray(resolved)) throw new Error("Fn::Select needs a list");
        const item = resolved[Number(this.eval(index as Json))];
        if (item === undefined) throw new Error("Fn::Select index out of range");
        return item;
      }
      case "Fn::Split": {
        const [sep, text] = list();
        return String(this.eval(text as Json)).split(String(sep));
      }
      case "Fn::Equals":
      case "Fn::Not":
      case "Fn::And":
      case "Fn::Or":
        return this.truth({ [fn]: arg });
      default:
        throw new Error(`${fn} is not supported by the test evaluator (extend test/deploy/cfn.ts)`);
    }
  }

  private ref(name: string): Value {
    switch (name) {
      case "AWS::NoValue":
        return NO_VALUE;
      case "AWS::Region":
        return this.pseudo.region;
      case "AWS::AccountId":
        return this.pseudo.accountId;
      case "AWS::Partition":
        return this.pseudo.partition;
      case "AWS::URLSuffix":
        return this.pseudo.urlSuffix;
      case "AWS::StackName":
        return "graphnode-worker";
    }
    if (name in this.params) return this.params[name] as Json;
    const r = this.template.Resources[name];
    if (!r) throw new Error(`Ref to unknown ${name}`);
    const p = this.properties(name);
    switch (r.Type) {
      case "AWS::SQS::Queue":
        return this.queueUrl(String(p.QueueName));
      case "AWS::Logs::LogGroup":
        return String(p.LogGroupName);
      case "AWS::ECS::Cluster":
        return String(p.ClusterName);
      default:
        return `\${${name}}`;
    }
  }

  private getAtt(id: string, attr: string): Value {
    const r = this.template.Resources[id];
    if (!r) throw new Error(`GetAtt of unknown resource ${id}`);
    const { partition, region, accountId } = this.pseudo;
    const p = this.properties(id);
    const known: Record<string, Record<string, () => string>> = {
      "AWS::SQS::Queue": {
        Arn: () => `arn:${partition}:sqs:${region}:${accountId}:${p.QueueName}`,
        QueueName: () => String(p.QueueName),
        QueueUrl: () => this.queueUrl(String(p.QueueName)),
      },
      "AWS::Logs::LogGroup": {
        Arn: () => `arn:${partition}:logs:${region}:${accountId}:log-group:${p.LogGroupName}:*`,
      },
      "AWS::ECS::Service": { Name: () => String(p.ServiceName) },
    };
    const make = known[r.Type]?.[attr];
    return make ? make() : `\${${id}${attr}}`;
  }

  private queueUrl(name: string): string {
    return `https://sqs.${this.pseudo.region}.${this.pseudo.urlSuffix}/${this.pseudo.accountId}/${name}`;
  }

  private sub(arg: Json): string {
    const [text, vars] = Array.isArray(arg)
      ? [String(arg[0]), (arg[1] ?? {}) as JsonObject]
      : [String(arg), {}];
    return text.replace(/\$\{([^}]+)\}/g, (_, raw: string) => {
      if (raw.startsWith("!")) return `\${${raw.slice(1)}}`;
      let v: Value;
      if (raw in vars) v = this.eval(vars[raw] as Json);
      else if (raw.includes(".") && !raw.startsWith("AWS::")) {
        const [id, attr] = raw.split(/\.(.*)/s);
        v = this.getAtt(id ?? "", attr ?? "");
      } else v = this.ref(raw);
      if (typeof v !== "string" && typeof v !== "number") throw new Error(`\${${raw}} is not a string`);
      return String(v);
    });
  }
}

/** Every name the template refers to (Ref, GetAtt, Sub variables, conditions), with where it was found. */
export function references(template: CfnTemplate): { kind: "ref" | "condition"; name: string; at: string }[] {
  const out: { kind: "ref" | "condition"; name: string; at: string }[] = [];
  const walk = (v: Json, at: string) => {
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        walk(x, `${at}[${i}]`);
      });
      return;
    }
    if (v === null || typeof v !== "object") return;
    for (const [k, x] of Object.entries(v)) {
      const here = `${at}.${k}`;
      if (k === "Ref") out.push({ kind: "ref", name: String(x), at: here });
      else if (k === "Condition" && typeof x === "string") out.push({ kind: "condition", name: x, at: here });
      else if (k === "Fn::If" && Array.isArray(x))
        out.push({ kind: "condition", name: String(x[0]), at: here });
      else if (k === "Fn::GetAtt" && Array.isArray(x))
        out.push({ kind: "ref", name: String(x[0]), at: here });
      else if (k === "Fn::Sub") {
        const [text, vars] = Array.isArray(x) ? [String(x[0]), (x[1] ?? {}) as JsonObject] : [String(x), {}];
        for (const m of text.matchAll(/\$\{([^}!][^}]*)\}/g)) {
          const name = (m[1] ?? "").split(".")[0] ?? "";
          if (!(name in vars))
            out.push({ kind: "ref", name: m[1]?.startsWith("AWS::") ? m[1] : name, at: here });
        }
      }
      walk(x, here);
    }
  };
  walk(template as unknown as Json, "template");
  for (const [id, r] of Object.entries(template.Resources)) {
    if (r.Condition) out.push({ kind: "condition", name: r.Condition, at: `Resources.${id}.Condition` });
  }
  return out;
}

export const PSEUDO_PARAMETERS = [
  "AWS::AccountId",
  "AWS::NoValue",
  "AWS::Partition",
  "AWS::Region",
  "AWS::StackId",
  "AWS::StackName",
  "AWS::URLSuffix",
  "AWS::NotificationARNs",
];
