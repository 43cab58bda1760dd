/**
 * A node:test reporter that counts results and writes them as one JSON object to its destination, for
 * scripts/test.mjs to print the closing `N passed, N failed` line (the spec reporter prints the details).
 *
 * What counts as one test: a leaf test (no subtests). Suites and tests with subtests are not counted
 * themselves, except when they fail while none of their subtests did (a failing before/after hook, a file that
 * crashed outside any test, a file that timed out): that counts as one failure, so no failure goes uncounted.
 * Skipped and todo tests are counted apart and never as failures; a skipped suite counts as one skipped test.
 *
 * Written by hand because the built-in reporters give only text, and their totals count suites and files
 * differently on Node 20 and Node 24. Works on both: events are told apart by file and nesting only (the
 * order is children first, then their parent, within each file).
 *
 * Output: loaded as `file:///…/summary-reporter.mjs?out=<encoded path>`, it writes the JSON to that file
 * synchronously after every result ("complete": false) and once more at the end ("complete": true), and
 * nothing to its destination; so a run stopped by the test command's time limit still tells what had
 * finished. (The path travels in the module URL rather than an environment variable so that test processes,
 * which inherit the environment, never see it.) Loaded without `?out=`, it writes the JSON to its destination
 * at the end.
 */
import { writeFileSync } from "node:fs";

/** The first line that says something (assertion messages often start with an empty one). */
function firstLine(text, max = 300) {
  const line =
    String(text ?? "")
      .split("\n")
      .find((l) => l.trim() !== "") ?? "";
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

function errorMessage(error) {
  if (!error) return "";
  const inner = error.cause && typeof error.cause === "object" ? error.cause : error;
  return firstLine(inner.message ?? String(inner));
}

export default async function* summaryReporter(source) {
  const counts = { passed: 0, failed: 0, skipped: 0, todo: 0 };
  const failures = [];
  /** Per file: per nesting level, whether a finished test was seen there and whether any of them failed. */
  const files = new Map();
  const summaryFile = new URL(import.meta.url).searchParams.get("out");
  const save = (complete) => {
    if (summaryFile) writeFileSync(summaryFile, `${JSON.stringify({ ...counts, failures, complete })}\n`);
  };

  for await (const event of source) {
    if (event.type !== "test:pass" && event.type !== "test:fail") continue;
    const data = event.data;
    const file = data.file ?? "";
    const nesting = data.nesting ?? 0;
    let levels = files.get(file);
    if (!levels) {
      levels = [];
      files.set(file, levels);
    }
    // The level below holds this test's children (all finished before it); reset it for the next sibling.
    const children = levels[nesting + 1] ?? { seen: false, failed: false };
    levels[nesting + 1] = { seen: false, failed: false };
    const here = levels[nesting] ?? { seen: false, failed: false };
    levels[nesting] = here;
    here.seen = true;

    const failed = event.type === "test:fail" && !data.todo;
    const isParent = children.seen || data.details?.type === "suite";
    if (failed || children.failed) here.failed = true;

    const skipped = data.skip !== undefined && data.skip !== false;
    const todo = data.todo !== undefined && data.todo !== false;
    if (isParent) {
      // A skipped suite reports none of its tests: it counts as one skipped test.
      if (!children.seen && (skipped || todo)) {
        if (todo) counts.todo++;
        else counts.skipped++;
        save(false);
      } else if (failed && !children.failed) {
        counts.failed++;
        failures.push({ name: data.name, file, error: errorMessage(data.details?.error), whole: true });
        save(false);
      }
      continue;
    }
    if (todo) counts.todo++;
    else if (skipped) counts.skipped++;
    else if (failed) {
      counts.failed++;
      failures.push({ name: data.name, file, error: errorMessage(data.details?.error), whole: false });
    } else counts.passed++;
    save(false);
  }
  if (summaryFile) save(true);
  else yield `${JSON.stringify({ ...counts, failures, complete: true })}\n`;
}
