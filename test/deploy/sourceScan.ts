/**
 * What the worker's source actually does, for checking deploy/ against it: the AWS operations it calls (and the
 * IAM actions those need) and the environment variables it reads. Found by reading src/ (the AWS SDK v3
 * `new XCommand(` calls and the ECS agent endpoint) and by running the real configuration loaders on an
 * environment that records every name they look up.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { resolveLlmConfig } from "../../src/ai/llm/config.js";
import { LLM_PROVIDERS } from "../../src/ai/llm/types.js";
import { loadConfig } from "../../src/config.js";
import { repoRoot } from "./cfn.js";

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (e.isFile() && /\.(ts|mts)$/.test(e.name) && !e.name.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

function readSources(): { file: string; text: string }[] {
  const root = repoRoot();
  return sourceFiles(join(root, "src")).map((p) => ({
    file: relative(root, p),
    text: readFileSync(p, "utf8"),
  }));
}

/**
 * IAM actions per SDK operation. Batch operations have no IAM action of their own (SQS authorises them with
 * the single-message action); HeadObject is authorised by s3:GetObject and ListObjectsV2 by s3:ListBucket.
 * An operation missing here fails the test on purpose: decide its action, then grant it in deploy/.
 */
const IAM_ACTIONS: Record<string, Record<string, string[]>> = {
  sqs: {
    ReceiveMessage: ["sqs:ReceiveMessage"],
    DeleteMessage: ["sqs:DeleteMessage"],
    DeleteMessageBatch: ["sqs:DeleteMessage"],
    ChangeMessageVisibility: ["sqs:ChangeMessageVisibility"],
    ChangeMessageVisibilityBatch: ["sqs:ChangeMessageVisibility"],
    SendMessage: ["sqs:SendMessage"],
    SendMessageBatch: ["sqs:SendMessage"],
    GetQueueAttributes: ["sqs:GetQueueAttributes"],
    GetQueueUrl: ["sqs:GetQueueUrl"],
  },
  s3: {
    GetObject: ["s3:GetObject"],
    HeadObject: ["s3:GetObject"],
    ListObjectsV2: ["s3:ListBucket"],
    ListObjects: ["s3:ListBucket"],
    HeadBucket: ["s3:ListBucket"],
    PutObject: ["s3:PutObject"],
    CreateMultipartUpload: ["s3:PutObject"],
    UploadPart: ["s3:PutObject"],
    CompleteMultipartUpload: ["s3:PutObject"],
    AbortMultipartUpload: ["s3:AbortMultipartUpload"],
    CopyObject: ["s3:GetObject", "s3:PutObject"],
    DeleteObject: ["s3:DeleteObject"],
    DeleteObjects: ["s3:DeleteObject"],
  },
};

export interface AwsCall {
  file: string;
  service: string;
  operation: string;
  /** Undefined when the operation is not in the table above. */
  actions?: string[];
}

/** Every AWS operation src/ calls: SDK v3 commands, and the ECS agent's task-protection endpoint. */
export function awsCallsInSource(): AwsCall[] {
  const calls: AwsCall[] = [];
  const importRe = /import\s*\{([^}]*)\}\s*from\s*["']@aws-sdk\/client-([a-z0-9-]+)["']/g;
  for (const { file, text } of readSources()) {
    const serviceOf = new Map<string, string>();
    for (const m of text.matchAll(importRe)) {
      for (const raw of (m[1] ?? "").split(",")) {
        const name = raw.trim().replace(/^type\s+/, "");
        if (name && !raw.trim().startsWith("type "))
          serviceOf.set(name.split(/\s+as\s+/).pop() ?? name, m[2] ?? "");
      }
    }
    for (const m of text.matchAll(/\bnew\s+([A-Z][A-Za-z0-9]*)\s*\(/g)) {
      const cls = m[1] ?? "";
      const service = serviceOf.get(cls);
      if (!service) continue;
      if (cls.endsWith("Client")) continue;
      // An aggregated client (`new S3()`, with methods) would hide its operations from this scan.
      if (!cls.endsWith("Command")) {
        calls.push({ file, service, operation: `${cls} (not a Command: extend test/deploy/sourceScan.ts)` });
        continue;
      }
      const operation = cls.slice(0, -"Command".length);
      const actions = IAM_ACTIONS[service]?.[operation];
      calls.push({ file, service, operation, ...(actions ? { actions } : {}) });
    }
    if (/lib-storage/.test(text) && /from\s*["']@aws-sdk\/lib-storage["']/.test(text)) {
      calls.push({
        file,
        service: "s3",
        operation: "Upload (lib-storage)",
        actions: ["s3:PutObject", "s3:AbortMultipartUpload"],
      });
    }
    // The ECS agent endpoint calls UpdateTaskProtection (PUT) / GetTaskProtection (GET) with the task role.
    if (text.includes("task-protection/v1/state")) {
      if (/method:\s*["']PUT["']/.test(text)) {
        calls.push({
          file,
          service: "ecs",
          operation: "UpdateTaskProtection",
          actions: ["ecs:UpdateTaskProtection"],
        });
      }
      if (/method:\s*["']GET["']/.test(text)) {
        calls.push({
          file,
          service: "ecs",
          operation: "GetTaskProtection",
          actions: ["ecs:GetTaskProtection"],
        });
      }
    }
  }
  return calls;
}

/** Names read as `env.NAME`, `env["NAME"]` or `first(env, "NAME", …)` anywhere in src/. */
export function envNamesInSource(): Set<string> {
  const names = new Set<string>();
  for (const { text } of readSources()) {
    for (const m of text.matchAll(/\benv\s*\??\.\s*([A-Z][A-Z0-9_]+)\b/g)) names.add(m[1] ?? "");
    for (const m of text.matchAll(/\benv\s*\[\s*["'`]([A-Z][A-Z0-9_]+)["'`]\s*\]/g)) names.add(m[1] ?? "");
    for (const m of text.matchAll(/\bfirst\(\s*env\s*,([^)]*)\)/g)) {
      for (const s of (m[1] ?? "").matchAll(/["']([A-Z][A-Z0-9_]+)["']/g)) names.add(s[1] ?? "");
    }
  }
  names.delete("");
  return names;
}

/** An environment that records every name looked up in it. */
function recording(base: Record<string, string>, seen: Set<string>): Record<string, string | undefined> {
  return new Proxy(base, {
    get(target, key) {
      if (typeof key === "string") seen.add(key);
      return Reflect.get(target, key);
    },
  });
}

/**
 * Names the configuration loaders read: loadConfig and the LLM settings of both pipeline families, for every
 * provider (keys are looked up by provider name), on an empty environment (every fallback is tried) and on
 * `env` (what only some settings unlock, e.g. CHROMA_SERVER_PORT after CHROMA_SERVER_HOST).
 */
export function envNamesReadByLoaders(env: Record<string, string>): Set<string> {
  const seen = new Set<string>();
  for (const base of [{}, env]) {
    try {
      loadConfig(recording({ ...base }, seen));
    } catch {
      // invalid values still had their names read
    }
    for (const prefix of ["MACRO", "MICROSCOPE"] as const) {
      for (const provider of LLM_PROVIDERS) {
        const probe = {
          ...base,
          [`${prefix}_LLM_PROVIDER`]: provider,
          [`${prefix}_LLM_BASE_URL`]: "http://llm.test",
        };
        try {
          resolveLlmConfig(recording(probe, seen), prefix);
        } catch {
          // as above
        }
      }
    }
  }
  return seen;
}
