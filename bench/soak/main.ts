/**
 * npm run soak — the reliability soak (not part of npm test): worker processes from the production entry on
 * fauxqs and a real ChromaDB, fault proxies in front of S3 and Chroma, random SIGKILL/SIGTERM with
 * replacement, a few hundred mixed requests. Prints progress, then one line of figures and the problems
 * found; exits 1 on any loss, on a worker crash that was not one of the kills, or on a request queue that is
 * not empty at the end.
 *
 * Options (environment): SOAK_SEED (1), SOAK_REQUESTS (500), SOAK_WORKERS (3), SOAK_KILL_EVERY_MS (5000; 0 = no
 * kills), SOAK_MAX_KILLS (no limit), SOAK_FAULT_RATE (0.05 of S3 and of Chroma requests), SOAK_FIFO=1 (FIFO result queue),
 * SOAK_MAX_SECONDS (3600), SOAK_DATASET_DIR (../shared/datasets/debian-dev beside the repository), SOAK_RUN_DIR (worker logs;
 * default a new temp folder), CHROMA_TEST_URL (use this Chroma server instead of starting one).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { runSoak } from "./harness.js";
import { optionsFromEnv } from "./options.js";
import { details, failures, figuresLine, findings } from "./report.js";

const say = (line: string) => process.stderr.write(`[soak] ${line}\n`);
const options = { ...optionsFromEnv(), log: say };
say(
  `seed ${options.seed}, ${options.requests} requests, ${options.workers} workers, a kill every ~${options.killEveryMs} ms, fault rate ${options.faultRate}${options.fifo ? ", FIFO result queue" : ""}`,
);
const report = await runSoak(options);
writeFileSync(join(report.runDir, "report.json"), JSON.stringify(report, null, 2));
for (const line of details(report)) say(line);
const hard = failures(report);
for (const f of findings(report)) say(`finding: ${f}`);
for (const f of hard) say(`FAILED: ${f}`);
say(`worker logs and report.json in ${report.runDir}`);
process.stdout.write(`${figuresLine(report)}\n`);
process.exitCode = hard.length > 0 ? 1 : 0;
