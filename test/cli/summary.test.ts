/** The closing summary and the error line, as text: what was skipped and why, clusters, how to open the graph. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { formatCliError } from "../../src/cli/errors.js";
import { formatSeconds, personLogLine } from "../../src/cli/progress.js";
import {
  formatGraphSummary,
  type GraphRunSummary,
  openCommand,
  sortedClusters,
} from "../../src/cli/summary.js";
import { ConfigError } from "../../src/config.js";
import { terminal } from "../../src/contract/errors.js";

const base: GraphRunSummary = {
  input: "conversations.json",
  format: "chatgpt",
  items: 1234,
  warnings: [],
  skippedNotion: 0,
  nodes: 1234,
  edges: 5000,
  clusters: sortedClusters({
    c0: { name: "Cooking", size: 10 },
    c1: { name: "Kubernetes upgrades", size: 900 },
    c2: { name: "", size: 324 },
  }),
  naming: "local",
  html: "/home/me/My Graph/graph.html",
  files: ["/home/me/My Graph/graph.json", "/home/me/My Graph/graph.html"],
  seconds: 83.4,
};

test("the summary: items, clusters largest first, and the command that opens graph.html", () => {
  const text = formatGraphSummary(base);
  assert.match(
    text,
    /^Read 1,234 items from conversations\.json \(chatgpt\) in 83s\.\n {2}Nothing was skipped\.\n/,
  );
  assert.match(text, /3 clusters \(1,234 nodes, 5,000 links, named from their own terms\):/);
  const order = ["Kubernetes upgrades", "c2", "Cooking"].map((name) => text.indexOf(`  ${name} `));
  assert.ok(
    order.every((i, k) => i > 0 && (k === 0 || i > order[k - 1]!)),
    text,
  );
  assert.ok(text.includes("Graph: /home/me/My Graph/graph.html"));
  assert.ok(text.includes("xdg-open '/home/me/My Graph/graph.html'") || process.platform !== "linux");
  assert.ok(text.includes("file:///home/me/My%20Graph/graph.html"));
  assert.ok(text.includes("also written in /home/me/My Graph: graph.json"));
});

test("the summary says what was skipped and why, a few lines of it, and counts Notion pages left out", () => {
  const warnings = Array.from({ length: 8 }, (_, i) => `conversation ${i}: skipped (no messages)`);
  const text = formatGraphSummary({ ...base, warnings, skippedNotion: 2 });
  assert.match(text, /2 Notion pages left out \(INCLUDE_NOTION_NODES=false\)/);
  assert.match(
    text,
    /8 warnings \(what was skipped or changed, and why\):\n {4}- conversation 0: skipped \(no messages\)\n/,
  );
  assert.ok(text.includes("- conversation 4:") && !text.includes("- conversation 5:"));
  assert.match(text, /… and 3 more \(--json lists them all\)/);
});

test("open commands per platform", () => {
  assert.equal(openCommand("/tmp/g/graph.html", "linux"), "xdg-open /tmp/g/graph.html");
  assert.equal(openCommand("/tmp/g/graph.html", "darwin"), "open /tmp/g/graph.html");
  assert.equal(openCommand("C:\\g\\graph.html", "win32"), 'start "" "C:\\g\\graph.html"');
  assert.equal(openCommand("/tmp/it's/graph.html", "linux"), "xdg-open '/tmp/it'\\''s/graph.html'");
});

test("error lines: one line with a hint; a configuration's problems folded in; the stack only with debug", () => {
  const config = formatCliError(new ConfigError(["CPU_POOL_SIZE must be a number", "LOG_LEVEL is unknown"]), {
    command: "graph",
  });
  assert.equal(
    config,
    "graphnode-worker graph: invalid configuration: CPU_POOL_SIZE must be a number; LOG_LEVEL is unknown (fix the variables named; see --help and .env.example)\n",
  );
  const bad = terminal("INVALID_INPUT", "x.json: line 1\n  unexpected token");
  assert.equal(
    formatCliError(bad, { command: "graph" }),
    "graphnode-worker graph: x.json: line 1; unexpected token (see --help for the exports and folders it reads)\n",
  );
  const cause = new Error("inner cause");
  const debug = formatCliError(new Error("outer", { cause }), { debug: true });
  assert.match(
    debug,
    /^graphnode-worker: outer \(run again with --debug for details\)\nError: outer\n\s+at /,
  );
  assert.match(debug, /caused by: Error: inner cause/);
  const abort = Object.assign(new Error("This operation was aborted"), { name: "AbortError" });
  assert.equal(
    formatCliError(abort, { command: "graph", debug: true }),
    "graphnode-worker graph: interrupted\n",
  );
});

test("log lines for a person, and short times", () => {
  assert.equal(
    personLogLine('{"level":"warn","msg":"search index skipped","pid":1}'),
    "warn: search index skipped",
  );
  assert.equal(
    personLogLine('{"level":"error","msg":"failed","err":{"message":"boom"}}'),
    "error: failed (boom)",
  );
  assert.equal(personLogLine("plain text\n"), "plain text");
  assert.deepEqual([7.2, 125, 3780, Number.NaN].map(formatSeconds), ["7s", "2m 05s", "1h 03m", "?"]);
});
