/**
 * Issue 12 item 10: the summary of a big graph. `Math.min(...times)` over 152,934 timestamps threw
 * "Maximum call stack size exceeded"; every such spread is a loop now.
 *
 * How many arguments a spread survives depends on the stack size, so the graph is summarised in a child
 * Node whose stack is small (--stack-size=100: a spread of about 20,000 values already overflows), which
 * makes a 40,000-node graph prove what the 150,000-node one showed, at a fraction of its cost.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const child = fileURLToPath(new URL("./bigGraphChild.js", import.meta.url));

test("a summary of a graph too big to spread into a call completes", async () => {
  const nodes = 40_000;
  const { stdout } = await promisify(execFile)(process.execPath, ["--stack-size=100", child, String(nodes)], {
    maxBuffer: 16 * 1024 * 1024,
  });
  const overview = JSON.parse(stdout) as { total_source_nodes: number; time_span: string };
  assert.equal(overview.total_source_nodes, nodes);
  assert.match(overview.time_span, /^2020-01-01 ~ 2020-/);
});
