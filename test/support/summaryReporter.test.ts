/**
 * scripts/summary-reporter.mjs, which gives the run's closing `N passed, N failed` line, counts what really
 * happened: leaf tests only, hook and file-level failures once each, skipped and todo tests apart. Checked by
 * running Node's test runner on fixture files under the Node that runs this test (20 and 24 in CI).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The repository root, found from this file whether it runs from test/ (tsx) or dist/test/ (compiled). */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "scripts", "summary-reporter.mjs"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("cannot find scripts/summary-reporter.mjs above this test");
    dir = parent;
  }
  return dir;
}

const fixtures: Record<string, string> = {
  // 4 passed (pass, two subtests, a test in a suite), 1 failed test, 1 suite whose after hook failed,
  // 1 skipped, 1 todo; the parent test and the suite are not counted themselves.
  "mixed.test.mjs": `
import { after, describe, it, test } from "node:test";
import assert from "node:assert/strict";
test("passes", () => {});
test("fails", () => { assert.equal(1, 2); });
test("parent", async (t) => { await t.test("child one", () => {}); await t.test("child two", () => {}); });
test("skipped", { skip: "not today" }, () => {});
test("todo", { todo: true }, () => { throw new Error("todo failures do not count"); });
describe("suite with a failing after hook", () => {
  it("passes inside", () => {});
  after(() => { throw new Error("after hook failed"); });
});
`,
  // A file that throws before defining any test: one failure.
  "crash.test.mjs": `throw new Error("crashed at import");\n`,
  // A skipped suite reports none of its tests: one skipped.
  "skipped.test.mjs": `
import { describe, it } from "node:test";
describe("skipped suite", { skip: "no server" }, () => { it("inside", () => {}); });
`,
  // A before hook that fails cancels both tests: two failures, the suite adds none.
  "before.test.mjs": `
import { before, describe, it } from "node:test";
describe("suite with a failing before hook", () => {
  before(() => { throw new Error("before hook failed"); });
  it("first", () => {});
  it("second", () => {});
});
`,
};

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "summary-reporter-"));
  for (const [name, text] of Object.entries(fixtures)) writeFileSync(join(dir, name), text);
});
after(() => rmSync(dir, { recursive: true, force: true }));

interface Summary {
  passed: number;
  failed: number;
  skipped: number;
  todo: number;
  complete: boolean;
  failures: { name: string; file: string; whole: boolean }[];
}

/** Runs the fixtures with the reporter loaded from `reporterUrl`, its destination being `destination`. */
function runFixtures(reporterUrl: string, destination: string): void {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Inside a test run this is set; a nested runner would otherwise report to this run instead.
  delete env.NODE_TEST_CONTEXT;
  const run = spawnSync(
    process.execPath,
    [
      "--test",
      "--test-concurrency=2",
      `--test-reporter=${reporterUrl}`,
      `--test-reporter-destination=${destination}`,
      ...Object.keys(fixtures)
        .sort()
        .map((f) => join(dir, f)),
    ],
    { cwd: dir, env, encoding: "utf8", timeout: 120_000 },
  );
  assert.equal(run.status, 1, `the fixture run fails: ${run.stderr}`);
}

function assertCounts(summary: Summary): void {
  assert.deepEqual(
    { passed: summary.passed, failed: summary.failed, skipped: summary.skipped, todo: summary.todo },
    { passed: 4, failed: 5, skipped: 2, todo: 1 },
  );
  assert.equal(summary.complete, true);
  const names = summary.failures.map((f) => f.name);
  assert.ok(names.includes("fails"));
  assert.ok(names.includes("suite with a failing after hook"));
  assert.ok(names.includes("first") && names.includes("second"));
  assert.ok(summary.failures.some((f) => f.file.endsWith("crash.test.mjs")));
  assert.ok(!names.includes("passes") && !names.includes("todo"));
}

const reporterUrl = () => pathToFileURL(join(repoRoot(), "scripts", "summary-reporter.mjs")).href;

test("counts leaf tests, hook and file failures once, skipped and todo apart (JSON to its destination)", () => {
  const out = join(dir, "destination.json");
  runFixtures(reporterUrl(), out);
  assertCounts(JSON.parse(readFileSync(out, "utf8")) as Summary);
});

test("with ?out= in its URL, writes the same counts to that file and nothing to its destination", () => {
  const out = join(dir, "out file.json");
  const destination = join(dir, "destination-empty.txt");
  runFixtures(`${reporterUrl()}?out=${encodeURIComponent(out)}`, destination);
  assertCounts(JSON.parse(readFileSync(out, "utf8")) as Summary);
  assert.equal(readFileSync(destination, "utf8"), "");
});
