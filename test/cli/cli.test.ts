/**
 * The `graphnode-worker` command as people and scripts meet it, run as a real process: bars and a summary on
 * a terminal (a pseudo-terminal from util-linux `script`), JSON lines when stderr is not a terminal or with
 * --json, --help for every command, --version, and errors as one line (a stack only with --debug).
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { GRAPH_STAGES } from "../../src/pipelines/progress.js";
import { datasetDir } from "../support/datasets.js";

// The repository: two levels up from test/cli, three from the compiled dist/test/cli.
const root = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/dist\/$/, "/");
const bundle = join(root, "examples", "bundle");
const work = mkdtempSync(join(tmpdir(), "cli-"));
after(() => rmSync(work, { recursive: true, force: true }));

/** The CLI's argv: compiled JS when built, else the .ts source under tsx. */
function cliArgv(): string[] {
  const js = fileURLToPath(new URL("../../src/cli.js", import.meta.url));
  return existsSync(js)
    ? [js]
    : ["--import", "tsx", fileURLToPath(new URL("../../src/cli.ts", import.meta.url))];
}

/** A run with stdout and stderr on pipes (not terminals). */
function cli(args: string[]) {
  return spawnSync(process.execPath, [...cliArgv(), ...args], {
    encoding: "utf8",
    env: { ...process.env, LOG_LEVEL: "info" },
  });
}

const shellQuote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
const hasScript = spawnSync("script", ["--version"], { encoding: "utf8" }).status === 0;

/** A run on a pseudo-terminal: stdout and stderr both are the terminal; returns what it showed. */
function cliOnTerminal(args: string[]) {
  const command = [process.execPath, ...cliArgv(), ...args].map(shellQuote).join(" ");
  return spawnSync("script", ["-qec", command, "/dev/null"], {
    encoding: "utf8",
    env: { ...process.env, LOG_LEVEL: "info", COLUMNS: "100", LINES: "40" },
  });
}

/** The text a terminal shows, without the escape sequences that move the cursor. */
const visible = (s: string) =>
  s
    // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escape sequences are what is removed
    .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "")
    .replace(/\r/g, "");

function clusterNames(outDir: string): string[] {
  const graph = JSON.parse(readFileSync(join(outDir, "graph.json"), "utf8")) as {
    metadata: { clusters: Record<string, { name: string }> };
  };
  // The summary cuts names longer than 48 characters: their start is what it shows.
  return Object.values(graph.metadata.clusters).map((c) => c.name.slice(0, 40));
}

test("on a terminal: a bar per stage with counts, then a summary with the clusters and graph.html", {
  skip: !hasScript && "util-linux script is not installed",
}, () => {
  const out = join(work, "tty");
  const run = cliOnTerminal(["graph", bundle, "--out", out]);
  const shown = visible(run.stdout);
  assert.equal(run.status, 0, shown);
  assert.doesNotMatch(shown, /\{"stage"/, "no JSON progress lines on a terminal");
  assert.match(shown, /reading\s+15 items read/);
  for (const stage of GRAPH_STAGES)
    assert.match(shown, new RegExp(`${stage}\\s+█+\\s+100%\\s+\\d+/\\d+.*done in`), stage);
  assert.match(shown, /embedding\s+█+\s+100%\s+15\/15 items/);
  assert.match(shown, /Read 15 items from .*bundle \(bundle\)/);
  assert.match(shown, /Nothing was skipped\./);
  const names = clusterNames(out);
  assert.ok(names.length >= 1);
  assert.match(shown, new RegExp(`${names.length} clusters? \\(15 nodes`));
  for (const name of names) assert.ok(shown.includes(name), `cluster "${name}" is listed`);
  const html = join(out, "graph.html");
  assert.ok(existsSync(html));
  assert.ok(shown.includes(`Graph: ${html}`));
  assert.match(shown, /open it in a browser: (xdg-open|open) /);
  assert.ok(!shown.includes("    at "), "no stack trace");
});

/** A ChatGPT export of `count` conversations on three topics; `badByte` puts an invalid UTF-8 byte in one. */
function chatgptExport(path: string, count: number, badByte: boolean): string {
  const topics = [
    "sourdough bread flour starter oven",
    "marathon running shoes recovery",
    "kubernetes pods upgrade",
  ];
  const conversations = Array.from({ length: count }, (_, i) => {
    const text = `${topics[i % topics.length]} note ${i}${badByte && i === 4 ? " BAD_BYTE" : ""}`;
    const message = (id: string, role: string, body: string) => ({
      id,
      author: { role },
      content: { content_type: "text", parts: [body] },
      create_time: 1_700_000_000 + i,
    });
    return {
      id: `conv-${i}`,
      title: `Conversation ${i}`,
      create_time: 1_700_000_000 + i,
      current_node: "m2",
      mapping: {
        m1: { id: "m1", parent: null, children: ["m2"], message: message("m1", "user", text) },
        m2: { id: "m2", parent: "m1", children: [], message: message("m2", "assistant", `About ${text}`) },
      },
    };
  });
  const bytes = Buffer.from(JSON.stringify(conversations));
  const at = bytes.indexOf("BAD_BYTE");
  if (at >= 0) bytes[at] = 0xff; // a byte that never occurs in UTF-8
  writeFileSync(path, bytes);
  return path;
}

test("on a terminal, a ChatGPT export with a damaged byte: the summary says what was changed and why", {
  skip: !hasScript && "util-linux script is not installed",
}, () => {
  const input = chatgptExport(join(work, "conversations.json"), 12, true);
  const out = join(work, "tty-warn");
  const run = cliOnTerminal(["graph", input, "--out", out]);
  const shown = visible(run.stdout);
  assert.equal(run.status, 0, shown);
  assert.match(shown, /Read 12 items from .*conversations\.json/);
  assert.match(shown, /1 warning \(what was skipped or changed, and why\):\n\s+- .*invalid UTF-8/);
  for (const name of clusterNames(out)) assert.ok(shown.includes(name), `cluster "${name}" is listed`);
});

test("stderr not a terminal: forward-only JSON progress lines on stderr, the summary on stdout", () => {
  const out = join(work, "pipe");
  const run = cli(["graph", bundle, "--out", out]);
  assert.equal(run.status, 0, run.stderr);
  const lines = run.stderr.trim().split("\n");
  const reports = lines.map((l) => JSON.parse(l) as { stage: string; done: number; total: number });
  const order = reports.map((r) => GRAPH_STAGES.indexOf(r.stage as (typeof GRAPH_STAGES)[number]));
  assert.ok(
    order.every((o) => o >= 0),
    "only graph stages",
  );
  assert.deepEqual(
    [...new Set(order)],
    [...order].sort((a, b) => a - b).filter((o, i, a) => a.indexOf(o) === i),
  );
  for (const stage of GRAPH_STAGES) {
    const own = reports.filter((r) => r.stage === stage);
    assert.ok(own.length > 0, `${stage} reported`);
    const last = own.at(-1)!;
    assert.equal(last.done, last.total, `${stage} ends done`);
    for (let i = 1; i < own.length; i++)
      assert.ok(own[i]!.done / own[i]!.total >= own[i - 1]!.done / own[i - 1]!.total);
  }
  assert.match(run.stdout, /^Read 15 items from /);
  assert.ok(run.stdout.includes(`Graph: ${join(out, "graph.html")}`));
});

test("--json: JSON lines even for a person, and one JSON summary on stdout", () => {
  const out = join(work, "json");
  const run = cli(["graph", bundle, "--out", out, "--json", "--clusters", "3"]);
  assert.equal(run.status, 0, run.stderr);
  for (const line of run.stderr.trim().split("\n")) JSON.parse(line);
  const summary = JSON.parse(run.stdout) as {
    items: number;
    warnings: string[];
    clusters: { id: string; name: string; size: number }[];
    html: string;
    files: string[];
  };
  assert.equal(summary.items, 15);
  assert.deepEqual(summary.warnings, []);
  assert.equal(summary.clusters.length, 3);
  assert.deepEqual(summary.clusters.map((c) => c.name.slice(0, 40)).sort(), clusterNames(out).sort());
  assert.equal(summary.html, join(out, "graph.html"));
  for (const file of summary.files) assert.ok(existsSync(file), file);
});

test("--json on a terminal still prints JSON lines, not bars", {
  skip: !hasScript && "util-linux script is not installed",
}, () => {
  const run = cliOnTerminal(["graph", bundle, "--out", join(work, "tty-json"), "--json"]);
  const shown = visible(run.stdout);
  assert.equal(run.status, 0, shown);
  assert.match(shown, /\{"stage":"embedding","done":\d+,"total":15\}/);
  assert.doesNotMatch(shown, /█/);
});

const COMMANDS: Record<string, RegExp[]> = {
  worker: [/AWS_SQS_REQUEST_QUEUE_URL/, /WORKER_CONCURRENCY/],
  run: [/<envelope\.json>/, /--storage <dir>/, /CHROMA_URL/],
  graph: [
    /<input>/,
    /--out <dir>/,
    /--clusters <n>/,
    /--min <n>/,
    /--max <n>/,
    /--language <xx>/,
    /--json/,
    /--llm-model <file\.gguf>/,
    /MACRO_LLM_PROVIDER/,
  ],
  view: [/<graph\.json>/, /--out <file\.html>/, /Environment variables: none/],
  schemas: [/<dir>/, /Environment variables: none/],
};

test("every command has --help with its options and environment variables", () => {
  for (const [command, expected] of Object.entries(COMMANDS)) {
    const run = cli([command, "--help"]);
    assert.equal(run.status, 0, `${command}: ${run.stderr}`);
    assert.equal(run.stderr, "");
    assert.match(run.stdout, new RegExp(`^Usage: graphnode-worker ${command} `));
    assert.match(run.stdout, /--debug/);
    for (const pattern of expected) assert.match(run.stdout, pattern, `${command} --help`);
    assert.equal(cli(["help", command]).stdout, run.stdout, `help ${command}`);
  }
  const top = cli(["--help"]);
  assert.equal(top.status, 0);
  for (const command of Object.keys(COMMANDS)) assert.match(top.stdout, new RegExp(`^  ${command}\\b`, "m"));
});

test("--version prints package.json's version", () => {
  const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
  for (const args of [["--version"], ["-V"]]) {
    const run = cli(args);
    assert.equal(run.status, 0);
    assert.equal(run.stdout, `${version}\n`);
  }
});

test("an error is one line saying what to do, non-zero, no stack; --debug adds the stack", () => {
  const missing = join(work, "no-such-export.json");
  const run = cli(["graph", missing, "--out", join(work, "err")]);
  assert.equal(run.status, 1);
  assert.equal(run.stdout, "");
  assert.match(run.stderr, /^graphnode-worker graph: .*no-such-export\.json.*\(check the path\)\n$/);
  assert.equal(run.stderr.split("\n").length, 2, "exactly one line");

  for (const args of [
    ["graph", missing, "--out", join(work, "err"), "--debug"],
    ["--debug", "graph", missing, "-o", join(work, "err")],
  ]) {
    const debug = cli(args);
    assert.equal(debug.status, 1);
    const [first, ...rest] = debug.stderr.split("\n");
    assert.equal(first, run.stderr.trimEnd());
    assert.match(rest.join("\n"), /^\s+at /m, "a stack trace");
  }

  const usage = cli(["graph", "--out", join(work, "err"), "--clusterz", "3", bundle]);
  assert.equal(usage.status, 2);
  assert.match(
    usage.stderr,
    /^graphnode-worker graph: unknown option '--clusterz'.*--clusters.*\(see graphnode-worker graph --help\)\n$/,
  );

  const range = cli(["graph", bundle, "--out", join(work, "err"), "--min", "9", "--max", "4"]);
  assert.equal(range.status, 2);
  assert.match(range.stderr, /^graphnode-worker graph: --min 9 is more than --max 4 \(.*\)\n$/);

  const model = cli([
    "graph",
    bundle,
    "--out",
    join(work, "err"),
    "--llm-model",
    join(work, "no-model.gguf"),
  ]);
  assert.equal(model.status, 2);
  assert.match(model.stderr, /^graphnode-worker graph: --llm-model .*no-model\.gguf: no such file \(.*\)\n$/);

  const unknown = cli(["grpah"]);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /^graphnode-worker: unknown command 'grpah'.*graph.*\n$/);
});

test("an error on a terminal: the bars stop and the error is one line", {
  skip: !hasScript && "util-linux script is not installed",
}, () => {
  const run = cliOnTerminal(["graph", join(work, "nothing-here"), "--out", join(work, "tty-err")]);
  const shown = visible(run.stdout);
  assert.equal(run.status, 1, shown);
  assert.match(shown, /graphnode-worker graph: .*nothing-here.*\(check the path\)/);
  assert.ok(!shown.includes("    at "), "no stack trace");
});

const devSet = datasetDir("debian-dev");

test("Ctrl-C: the run stops and says interrupted, exit 130", {
  skip: !existsSync(join(devSet, "input.json")) && "the debian-dev data set is not beside the repository",
}, async () => {
  // 665 items: interrupted once the first stage has started (its first progress line), long before the end.
  const child = spawn(process.execPath, [...cliArgv(), "graph", devSet, "--out", join(work, "interrupted")], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const closed = new Promise<number | null>((resolve) => child.once("close", resolve));
  for await (const line of createInterface({ input: child.stderr })) {
    lines.push(line);
    if (lines.length === 1) child.kill("SIGINT");
  }
  assert.equal(await closed, 130, lines.join("\n"));
  assert.equal(lines.at(-1), "graphnode-worker graph: interrupted");
  assert.ok(
    lines.slice(0, -1).every((l) => l.startsWith("{")),
    "progress lines, then the one line",
  );
});
