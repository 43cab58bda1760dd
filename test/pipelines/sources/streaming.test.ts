import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createWriteStream, existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { backendConversation, tempDir, writeFiles } from "./fixtures.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
// Compiled runs (npm test) use the .js next to this file; a tsx run uses the .ts source.
const CHILD_JS = fileURLToPath(new URL("./streamingChild.js", import.meta.url));
const CHILD = existsSync(CHILD_JS)
  ? CHILD_JS
  : fileURLToPath(new URL("./streamingChild.ts", import.meta.url));
const LOADER = existsSync(CHILD_JS) ? [] : ["--import", "tsx"];
const MB = 1024 * 1024;

/** Runs streamingChild.ts under `--max-old-space-size=heapMb`. */
function runChild(
  mode: string,
  dir: string,
  heapMb: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${heapMb}`, ...LOADER, CHILD, mode, dir], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** A deterministic ~`targetMb` MB input.json of 4-message conversations; returns what a loader must find. */
async function writeLargeInput(path: string, targetMb: number) {
  const words = [
    "graph",
    "neural",
    "network",
    "embedding",
    "cluster",
    "vector",
    "node",
    "edge",
    "topic",
    "summary",
    "language",
    "model",
    "token",
    "stream",
    "memory",
    "parser",
    "bundle",
    "message",
    "keyword",
    "insight",
  ];
  let seed = 42;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
  const sentence = (n: number) => Array.from({ length: n }, () => words[next() % words.length]).join(" ");
  const out = createWriteStream(path);
  const expected = { items: 0, messages: 0, chars: 0 };
  let bytes = 0;
  const write = (s: string) =>
    new Promise<void>((resolve) => {
      bytes += Buffer.byteLength(s);
      if (out.write(s)) resolve();
      else out.once("drain", () => resolve());
    });
  await write("[");
  for (let i = 0; bytes < targetMb * MB; i++) {
    const messages = [0, 1, 2, 3].map((m) => ({
      role: m % 2 === 0 ? ("user" as const) : ("assistant" as const),
      text: `${sentence(8 + (next() % 40))}. ${i}`,
    }));
    const conversation = backendConversation(`conv-${String(i).padStart(6, "0")}`, sentence(5), messages);
    await write((i === 0 ? "" : ",") + JSON.stringify(conversation));
    expected.items++;
    expected.messages += messages.length;
    for (const m of messages) expected.chars += m.text.length;
  }
  await write("]");
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
  return expected;
}

describe("input.json is streamed, not parsed whole", () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let expected: { items: number; messages: number; chars: number };
  let fileMb: number;
  before(async () => {
    tmp = await tempDir("sources-stream-");
    await writeFiles(tmp.dir, { "notes.json": { source_nodes: [] } });
    expected = await writeLargeInput(`${tmp.dir}/input.json`, 50);
    fileMb = (await stat(`${tmp.dir}/input.json`)).size / MB;
  });
  after(() => tmp.cleanup());

  // A heap smaller than the file: JSON.parse of the file could not even hold its text.
  const SMALL_HEAP_MB = 40;

  test("iterating a ~50 MB input.json fits in a heap smaller than the file", async () => {
    assert.ok(fileMb >= 50 && SMALL_HEAP_MB < fileMb);
    const run = await runChild("stream", tmp.dir, SMALL_HEAP_MB);
    assert.equal(run.code, 0, run.stderr.slice(-2000));
    assert.deepEqual(JSON.parse(run.stdout), expected);
  });

  test("control: parsing the same file whole does not fit in that heap", async () => {
    const run = await runChild("parse", tmp.dir, SMALL_HEAP_MB);
    assert.notEqual(run.code, 0, "JSON.parse fitted, so the heap cap proves nothing");
    assert.match(run.stderr, /heap out of memory|Allocation failed/i);
  });

  test("keeping every item holds little more than the texts, not the raw JSON (heap capped at 2.5x the file)", async () => {
    const run = await runChild("keep", tmp.dir, Math.ceil(fileMb * 2.5));
    assert.equal(run.code, 0, run.stderr.slice(-2000));
    const result = JSON.parse(run.stdout) as typeof expected & { retained: number };
    assert.deepEqual({ items: result.items, messages: result.messages, chars: result.chars }, expected);
    // The texts are kept (one byte per ASCII char here); sliced strings pinning parser chunks would push the
    // retained heap past the file size.
    assert.ok(
      result.retained < fileMb * MB,
      `retained ${(result.retained / MB).toFixed(1)} MB for a ${fileMb.toFixed(1)} MB file`,
    );
  });
});
