import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import {
  createEmbedder,
  createTransformersEmbedder,
  dot,
  meanPool,
  splitIntoWindows,
  type WindowEncoder,
  type WindowTokenizer,
  windowedEmbedder,
} from "../../../src/ai/embeddings/index.js";
import { TaskError } from "../../../src/contract/errors.js";

// A character-level fake tokenizer with <s> = 0 and </s> = 2 around every sequence, like XLM-R.
const tokenizer: WindowTokenizer = {
  encode: (text) => Array.from(text, (ch) => 10 + (ch.codePointAt(0)! % 1000)),
  prefix: [0],
  suffix: [2],
};

/** A fake model: the "mean-pooled" vector of a sequence is computed from its ids; every call is recorded. */
function fakeEncoder(calls: number[][][]): WindowEncoder {
  return async (sequences) => {
    calls.push(sequences);
    return sequences.map((s) => {
      const content = s.slice(1, -1);
      const mean = content.reduce((a, b) => a + b, 0) / Math.max(1, content.length);
      return [1, mean / 100, s.length / 10, content.length % 7];
    });
  };
}

function unit(v: number[]): number[] {
  const n = Math.sqrt(v.reduce((a, b) => a + b * b, 0));
  return v.map((x) => x / n);
}

test("splitIntoWindows makes the fewest near-equal windows within the budget", () => {
  const ids = Array.from({ length: 300 }, (_, i) => i);
  const w = splitIntoWindows(ids, 126);
  assert.deepEqual(
    w.map((x) => x.length),
    [100, 100, 100],
  );
  assert.deepEqual(w.flat(), ids);
  assert.deepEqual(splitIntoWindows([], 126), []);
  assert.deepEqual(
    splitIntoWindows(ids.slice(0, 126), 126).map((x) => x.length),
    [126],
  );
});

test("long texts are embedded in token windows of at most maxTokens and pooled by length", async () => {
  const calls: number[][][] = [];
  const embedder = windowedEmbedder(
    "fake",
    { tokenizer, encode: fakeEncoder(calls), dimension: 4 },
    { maxTokens: 128, batchSize: 3 },
  );
  const long = "abcdefghij".repeat(50); // 500 tokens → 4 windows of 125 content tokens
  const short = "hello";
  const [vLong, vEmpty, vShort] = await embedder.embed([long, "", short]);

  const sequences = calls.flat();
  assert.equal(
    sequences.length,
    5,
    "4 windows for the long text, 1 for the short one, none for the empty one",
  );
  assert.ok(
    calls.every((c) => c.length <= 3),
    "batches respect batchSize",
  );
  for (const s of sequences) {
    assert.ok(s.length <= 128, "no sequence exceeds the model limit");
    assert.equal(s[0], 0);
    assert.equal(s[s.length - 1], 2);
  }
  assert.deepEqual(
    sequences.slice(0, 4).map((s) => s.length - 2),
    [125, 125, 125, 125],
  );
  assert.deepEqual(
    sequences.slice(0, 4).flatMap((s) => s.slice(1, -1)),
    tokenizer.encode(long),
    "windows cover every token once",
  );

  // Expected: token-count-weighted mean of the window vectors, then L2.
  const fake = await fakeEncoder([])(sequences.slice(0, 4));
  const weights = sequences.slice(0, 4).map((s) => s.length);
  const total = weights.reduce((a, b) => a + b, 0);
  const mean = [0, 1, 2, 3].map((j) => fake.reduce((acc, v, i) => acc + weights[i]! * v[j]!, 0) / total);
  assert.deepEqual(
    Array.from(vLong!, (x) => Number(x.toFixed(6))),
    unit(mean).map((x) => Number(x.toFixed(6))),
  );
  assert.equal(dot(vEmpty!, vEmpty!), 0, "empty text: zero vector");
  const [shortFake] = await fakeEncoder([])([[0, ...tokenizer.encode(short), 2]]);
  assert.deepEqual(
    Array.from(vShort!, (x) => Number(x.toFixed(6))),
    unit(shortFake as number[]).map((x) => Number(x.toFixed(6))),
  );
});

test("a model returning vectors of the wrong size is an error, not a silent reshape", async () => {
  const embedder = windowedEmbedder("bad", {
    tokenizer,
    encode: async (seqs) => seqs.map(() => [1, 2, 3]),
    dimension: 4,
  });
  await assert.rejects(embedder.embed(["text"]), /3-dimensional vector, expected 4/);
});

test("meanPool averages only the attended (unpadded) positions", () => {
  // batch 2, padded length 3, hidden 2; the second sequence has length 1.
  const hidden = [1, 2, 3, 4, 5, 6, 10, 20, 99, 99, 99, 99];
  const [a, b] = meanPool(hidden, [3, 1], 3, 2);
  assert.deepEqual(Array.from(a!), [3, 4]);
  assert.deepEqual(Array.from(b!), [10, 20]);
});

function isTerminal(e: unknown): e is TaskError {
  return e instanceof TaskError && e.kind === "terminal";
}

test("transformers provider: a missing local model directory is a clear terminal error", async () => {
  const dir = join(tmpdir(), "graphnode-no-such-model-dir");
  await assert.rejects(createTransformersEmbedder({ localDir: dir }), (e: unknown) => {
    assert.ok(isTerminal(e));
    assert.match(e.message, /embedding model directory not found/);
    assert.ok(e.message.includes(dir));
    return true;
  });
  await assert.rejects(createEmbedder({ provider: "transformers", localDir: dir }), isTerminal);
});

test("transformers provider: an incomplete or broken model directory is a terminal error, never random vectors", async () => {
  const dir = mkdtempSync(join(tmpdir(), "graphnode-model-"));
  try {
    writeFileSync(join(dir, "config.json"), "{}");
    await assert.rejects(createTransformersEmbedder({ localDir: dir }), (e: unknown) => {
      assert.ok(isTerminal(e));
      assert.match(e.message, /incomplete: missing tokenizer\.json, onnx\/\*\.onnx/);
      return true;
    });
    // All files present but not a model: the library's load fails, and that failure is surfaced.
    writeFileSync(join(dir, "config.json"), JSON.stringify({ model_type: "bert", hidden_size: 8 }));
    writeFileSync(join(dir, "tokenizer.json"), "{}");
    writeFileSync(join(dir, "tokenizer_config.json"), "{}");
    mkdirSync(join(dir, "onnx"));
    writeFileSync(join(dir, "onnx", "model.onnx"), "not an onnx file");
    await assert.rejects(createTransformersEmbedder({ localDir: dir }), (e: unknown) => {
      assert.ok(isTerminal(e));
      assert.match(e.message, /could not load the embedding directory/);
      return true;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
