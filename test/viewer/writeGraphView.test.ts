/** writeGraphView and the `graphnode-worker view` command on real files. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { TaskError } from "../../src/contract/errors.js";
import { writeGraphView } from "../../src/viewer/index.js";
import { makeGraph } from "./fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "viewer-write-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function graphFile(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, body);
  return path;
}

/** Runs the CLI (compiled JS when built, else the .ts source under tsx). */
function cli(args: string[]) {
  const js = fileURLToPath(new URL("../../src/cli.js", import.meta.url));
  const argv = existsSync(js)
    ? [js]
    : ["--import", "tsx", fileURLToPath(new URL("../../src/cli.ts", import.meta.url))];
  return spawnSync(process.execPath, [...argv, ...args], { encoding: "utf8" });
}

test("writes graph.html next to the json by default, or where --out says", async () => {
  const graph = makeGraph({ clusters: 2, nodesPerCluster: 5, edgesPerNode: 1 });
  const input = graphFile("graph.json", JSON.stringify(graph));
  const written = await writeGraphView(input);
  assert.equal(written, join(dir, "graph.html"));
  const html = readFileSync(written, "utf8");
  assert.match(html, /^<!doctype html>/);
  for (const node of graph.nodes) assert.ok(html.includes(JSON.stringify(node.title)), node.title);

  const elsewhere = join(dir, "other.html");
  assert.equal(await writeGraphView(input, elsewhere), elsewhere);
  assert.equal(readFileSync(elsewhere, "utf8"), html, "the same page (same input, same title)");
});

test("a missing file, bad JSON or a non-graph is a TaskError with a clear message", async () => {
  await assert.rejects(writeGraphView(join(dir, "absent.json")), (err: unknown) => {
    return (
      err instanceof TaskError &&
      err.code === "INPUT_NOT_FOUND" &&
      /cannot read .*absent\.json/.test(err.message)
    );
  });
  await assert.rejects(writeGraphView(graphFile("broken.json", "{nodes: ")), (err: unknown) => {
    return (
      err instanceof TaskError && err.code === "INVALID_INPUT" && /broken\.json is not JSON/.test(err.message)
    );
  });
  await assert.rejects(writeGraphView(graphFile("summary.json", `{"overview": {}}`)), (err: unknown) => {
    return (
      err instanceof TaskError &&
      err.code === "INVALID_INPUT" &&
      /summary\.json: not a graph\.json/.test(err.message)
    );
  });
  assert.equal(existsSync(join(dir, "summary.html")), false);
});

test("`graphnode-worker view` prints the written path; bad input exits 1 with the reason", () => {
  const input = graphFile(
    "cli-graph.json",
    JSON.stringify(makeGraph({ clusters: 2, nodesPerCluster: 3, edgesPerNode: 1 })),
  );
  const out = join(dir, "cli.html");
  const ok = cli(["view", input, "--out", out]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(ok.stdout, `${out}\n`);
  assert.match(readFileSync(out, "utf8"), /<canvas id="canvas"/);

  const bad = cli(["view", graphFile("cli-bad.json", "[]")]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /graphnode-worker view: .*cli-bad\.json: not a graph\.json/);

  const none = cli(["view"]);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /graphnode-worker view: missing required argument 'graph\.json'/);
});
