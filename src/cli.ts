#!/usr/bin/env node
/**
 * The `graphnode-worker` command.
 *   worker                                   run the SQS task loop (configuration from the environment)
 *   run <envelope.json> --storage <dir>      run one request envelope locally; the result envelope is the last
 *                                            line of stdout, progress goes to stderr as JSON lines
 *   schemas <dir>                            write the wire contract as JSON Schema files
 *   view <graph.json> [--out <file.html>]    write an offline HTML viewer of a graph.json (default: graph.html
 *                                            next to it) and print its path
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "./config.js";
import { writeJsonSchemas } from "./contract/index.js";
import { createCpuPool } from "./runtime/cpuPool.js";
import { runEnvelopeLocally } from "./runtime/localRun.js";
import { createLogger } from "./runtime/logger.js";
import { startWorker, stopOnSignals } from "./runtime/worker.js";
import { buildGraphFromPath } from "./tasks/graphGeneration/oneShot.js";
import { writeGraphView } from "./viewer/index.js";

const USAGE = `usage:
  graphnode-worker worker
  graphnode-worker graph <export file or folder> --out <dir> [--clusters N] [--min N] [--max N] [--language xx]
  graphnode-worker run <envelope.json> --storage <dir>
  graphnode-worker schemas <dir>
  graphnode-worker view <graph.json> [--out <file.html>]`;

function fail(message: string, code = 2): never {
  process.stderr.write(`graphnode-worker: ${message}\n`);
  process.exit(code);
}

async function commandWorker(): Promise<void> {
  const config = loadConfig(process.env, { requireQueues: true });
  const log = createLogger({ level: config.logLevel });
  const worker = await startWorker(config, log);
  log.info({ healthPort: worker.healthPort }, "worker running");
  stopOnSignals(worker, log);
}

async function commandRun(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: { storage: { type: "string" } },
    allowPositionals: true,
  });
  const file = positionals[0];
  if (!file || !values.storage) fail(`run needs an envelope file and --storage <dir>\n${USAGE}`);
  let body: string;
  try {
    body = readFileSync(file, "utf8");
  } catch {
    fail(`cannot read ${file}`);
  }
  const config = loadConfig(process.env);
  const log = createLogger({ level: config.logLevel === "info" ? "warn" : config.logLevel });
  const abort = new AbortController();
  process.once("SIGINT", () => abort.abort());
  process.once("SIGTERM", () => abort.abort());
  const { outcome, result } = await runEnvelopeLocally({
    body,
    storageDir: values.storage,
    config,
    log,
    signal: abort.signal,
    onProgress: (env) => process.stderr.write(`${JSON.stringify(env)}\n`),
  });
  if (!result) {
    process.stderr.write(`graphnode-worker: no result (${outcome.kind})\n`);
    process.exit(1);
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exitCode = result.payload.status === "COMPLETED" ? 0 : 1;
}

async function commandGraph(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      out: { type: "string" },
      clusters: { type: "string" },
      min: { type: "string" },
      max: { type: "string" },
      language: { type: "string" },
    },
    allowPositionals: true,
  });
  const input = positionals[0];
  if (!input || !values.out) fail(`graph needs an input and --out <dir>\n${USAGE}`);
  const num = (name: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 200) fail(`--${name} must be a whole number from 1 to 200`);
    return n;
  };
  const config = loadConfig(process.env);
  const log = createLogger({ level: config.logLevel === "info" ? "warn" : config.logLevel });
  const cpu = createCpuPool({ threads: config.cpuPoolSize });
  try {
    const out = await buildGraphFromPath({
      input,
      outDir: values.out,
      cpu,
      env: process.env,
      log,
      ...(num("clusters", values.clusters) ? { numClusters: num("clusters", values.clusters) } : {}),
      ...(num("min", values.min) ? { minClusters: num("min", values.min) } : {}),
      ...(num("max", values.max) ? { maxClusters: num("max", values.max) } : {}),
      ...(values.language ? { language: values.language } : {}),
      onProgress: (stage, done, total) => process.stderr.write(`${JSON.stringify({ stage, done, total })}\n`),
    });
    process.stdout.write(
      `${out.nodes} nodes in ${out.clusters} clusters from ${input} (${out.format})\n${out.files.join("\n")}\n`,
    );
  } finally {
    await cpu.close();
  }
}

async function commandSchemas(args: string[]): Promise<void> {
  const dir = args[0];
  if (!dir) fail(`schemas needs an output directory\n${USAGE}`);
  const files = await writeJsonSchemas(dir);
  process.stdout.write(`${files.length} schema files written to ${dir}\n`);
}

async function commandView(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: { out: { type: "string" } },
    allowPositionals: true,
  });
  const file = positionals[0];
  if (!file) fail(`view needs a graph.json file\n${USAGE}`);
  const written = await writeGraphView(file, values.out);
  process.stdout.write(`${written}\n`);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case "worker":
      return commandWorker();
    case "run":
      return commandRun(rest);
    case "schemas":
      return commandSchemas(rest);
    case "graph":
      return commandGraph(rest);
    case "view":
      return commandView(rest);
    case undefined:
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(`${USAGE}\n`);
      return;
    default:
      fail(`unknown command: ${command}\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((err) => {
  if (err instanceof ConfigError) fail(err.message, 2);
  process.stderr.write(`graphnode-worker: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
