#!/usr/bin/env node
/**
 * `npm run demo`: the main job on the embedded local default. Lays out a payload "bucket" folder with a backend
 * bundle (the debian-dev data set from ../shared when present, else the small sample in examples/bundle),
 * writes a GRAPH_GENERATION_REQUEST envelope and runs it through `graphnode-worker run` — the same dispatcher
 * and handler as the SQS worker, with local embeddings, local cluster names and a Chroma server started in the
 * folder. It ends like `graphnode-worker graph`: a bar per stage on a terminal (the run's progress messages;
 * JSON lines when stderr is not a terminal), then the summary with the clusters and where graph.html is.
 * The result envelope is the last line of stdout.
 */
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const { createGraphProgressView } = await import(join(root, "dist/src/cli/progress.js"));
const { formatGraphSummary, sortedClusters } = await import(join(root, "dist/src/cli/summary.js"));
const { GRAPH_STAGES } = await import(join(root, "dist/src/pipelines/progress.js"));
const { writeGraphView } = await import(join(root, "dist/src/viewer/index.js"));

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
process.stderr.write(`demo: ${source} → ${storage}\n`);

const view = createGraphProgressView({
  stream: process.stderr,
  json: process.stderr.isTTY !== true,
  percentOnly: true,
});
/** "[2단계] 키워드 추출 중" → keywords: the worker's progress messages name stages by their number. */
const stageOf = (label) => GRAPH_STAGES[Number(/^\[(\d+)/.exec(label ?? "")?.[1] ?? 0) - 1];

function showRunLine(line) {
  let message;
  try {
    message = JSON.parse(line);
  } catch {
    message = undefined;
  }
  const stage =
    message?.taskType === "GRAPH_GENERATION_PROGRESS" ? stageOf(message.payload?.currentStage) : undefined;
  if (!stage) return view.logDestination.write(line);
  if (process.stderr.isTTY) view.stage(stage, message.payload.progressPercent, 100);
  else process.stderr.write(`${line}\n`);
}

const startedAt = performance.now();
const child = spawn(
  process.execPath,
  [join(root, "dist/src/cli.js"), "run", envelopePath, "--storage", storage],
  {
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      PROGRESS_MIN_INTERVAL_MS: process.env.PROGRESS_MIN_INTERVAL_MS ?? "1000",
      // The backend's search index needs its sentence-transformer baked into the image (npm run models:fetch);
      // the demo is the embedded local default, so it is off unless asked for.
      SEARCH_EMBEDDING_MODEL: process.env.SEARCH_EMBEDDING_MODEL ?? "none",
    },
  },
);
let stdout = "";
child.stdout.setEncoding("utf8").on("data", (chunk) => {
  stdout += chunk;
});
child.stdout.on("error", () => {});
child.stderr.on("error", () => {});
createInterface({ input: child.stderr }).on("line", showRunLine);
const status = await new Promise((done, failed) => {
  child.once("error", failed);
  child.once("close", (code) => done(code ?? 1));
});
view.finish();

const lastLine = stdout.trim().split("\n").at(-1) ?? "null";
let result = null;
try {
  result = JSON.parse(lastLine);
} catch {
  process.stderr.write(`demo: the run printed no result envelope\n`);
}
if (result?.payload?.status === "COMPLETED") {
  const graphPath = join(storage, result.payload.resultS3Key);
  const graph = JSON.parse(readFileSync(graphPath, "utf8"));
  const html = await writeGraphView(graphPath);
  const warned = graph.metadata.input_warnings ?? 0;
  process.stdout.write(
    formatGraphSummary({
      input: source,
      format: graph.metadata.source_format ?? "bundle",
      items: graph.nodes.length,
      warnings: warned > 0 ? [`${warned} warnings about the input (logged by the worker above)`] : [],
      skippedNotion: 0,
      nodes: graph.nodes.length,
      edges: graph.edges.length,
      clusters: sortedClusters(graph.metadata.clusters),
      ...(typeof graph.metadata.naming === "string" ? { naming: graph.metadata.naming } : {}),
      html,
      files: [graphPath, html],
      seconds: (performance.now() - startedAt) / 1000,
    }),
  );
  process.stdout.write(`  timing: ${join(storage, `results/macro/demo-user/${taskId}/timing.json`)}\n`);
} else if (result) {
  process.stderr.write(`demo: the graph failed: ${result.payload?.error ?? "no reason given"}\n`);
}
process.stdout.write(`${lastLine}\n`);
process.exitCode = status;
