/**
 * `npm run demo` (scripts/demo.mjs) ends the way `graphnode-worker graph` does: bars on a terminal, then the
 * summary with the clusters and where graph.html is; the result envelope stays the last line.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/dist\/$/, "/");
const hasScript = spawnSync("script", ["--version"], { encoding: "utf8" }).status === 0;
const built = existsSync(join(root, "dist", "src", "cli", "progress.js"));

const visible = (s: string) =>
  // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escape sequences are what is removed
  s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "").replace(/\r/g, "");

test("npm run demo on a terminal: bars per stage, then the summary and the result envelope", {
  skip: (!hasScript && "util-linux script is not installed") || (!built && "needs the build (dist/)"),
}, () => {
  const demo = `'${process.execPath}' '${join(root, "scripts", "demo.mjs")}'`;
  const run = spawnSync("script", ["-qec", demo, "/dev/null"], { encoding: "utf8", cwd: root });
  const shown = visible(run.stdout);
  assert.equal(run.status, 0, shown);
  assert.match(shown, /embedding\s+█+\s+100%/);
  assert.match(shown, /merging\s+█+\s+100%/);
  assert.doesNotMatch(shown, /"GRAPH_GENERATION_PROGRESS"/, "progress messages are shown as bars");
  const read = /Read (\d+) items from /.exec(shown);
  assert.ok(read, shown);
  const html = /Graph: (\S+graph\.html)/.exec(shown)?.[1];
  assert.ok(html && existsSync(html), `graph.html written: ${html}`);
  const graph = JSON.parse(readFileSync(join(html, "..", "graph.json"), "utf8")) as {
    nodes: unknown[];
    metadata: { clusters: Record<string, { name: string }> };
  };
  assert.equal(Number(read[1]), graph.nodes.length);
  // The summary cuts names longer than 48 characters.
  for (const { name } of Object.values(graph.metadata.clusters))
    assert.ok(shown.includes(name.slice(0, 40)), name);
  const last = shown.trim().split("\n").at(-1) ?? "";
  assert.equal((JSON.parse(last) as { payload: { status: string } }).payload.status, "COMPLETED");
});
