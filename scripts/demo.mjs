#!/usr/bin/env node
/**
 * `npm run demo`: the main job on the embedded local default. Lays out a payload "bucket" folder with a backend
 * bundle (the debian-dev data set from ../shared when present, else the small sample in examples/bundle),
 * writes a GRAPH_GENERATION_REQUEST envelope and runs it through `graphnode-worker run` — the same dispatcher
 * and handler as the SQS worker, with local embeddings, local cluster names and a Chroma server started in the
 * folder. Prints where the outputs are; the result envelope is the last line.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const shared = resolve(root, "../shared/datasets/debian-dev");
const source = existsSync(join(shared, "input.json")) ? shared : join(root, "examples", "bundle");
const storage = join(root, ".tmp", "demo");
const taskId = "task_demo-user_01JDEMO0000000000000000000";
const prefix = `graph-generation/${taskId}/`;

rmSync(storage, { recursive: true, force: true });
mkdirSync(join(storage, prefix), { recursive: true });
for (const name of ["input.json", "notes.json"]) {
  if (existsSync(join(source, name))) cpSync(join(source, name), join(storage, prefix, name));
}
if (existsSync(join(source, "files")))
  cpSync(join(source, "files"), join(storage, prefix, "files"), { recursive: true });
const envelopePath = join(storage, "request.json");
writeFileSync(
  envelopePath,
  JSON.stringify({
    taskId,
    taskType: "GRAPH_GENERATION_REQUEST",
    timestamp: new Date().toISOString(),
    payload: {
      userId: "demo-user",
      s3Key: prefix,
      includeSummary: false,
      language: "en",
      minClusters: 3,
      maxClusters: 15,
    },
  }),
);
console.log(`demo: ${source} → ${storage}`);
const run = spawnSync(
  process.execPath,
  [join(root, "dist/src/cli.js"), "run", envelopePath, "--storage", storage],
  {
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
    env: { ...process.env, PROGRESS_MIN_INTERVAL_MS: process.env.PROGRESS_MIN_INTERVAL_MS ?? "1000" },
  },
);
const lines = (run.stdout ?? "").trim().split("\n");
const result = JSON.parse(lines.at(-1) ?? "null");
if (result?.payload?.status === "COMPLETED") {
  const out = join(storage, result.payload.resultS3Key);
  console.log(`demo: graph written to ${out}`);
  console.log(`demo: timing in ${join(storage, `results/macro/demo-user/${taskId}/timing.json`)}`);
}
console.log(lines.at(-1));
process.exit(run.status ?? 1);
