import assert from "node:assert/strict";
import { test } from "node:test";
import {
  createEmbedder,
  DEFAULT_HASHING_DIMENSION,
  dot,
  HASHING_MODEL_NAME,
  HashingEmbedder,
} from "../../../src/ai/embeddings/index.js";
import { TaskError } from "../../../src/contract/errors.js";
import { loadDebianDev } from "./debianDev.js";

const norm = (v: Float32Array) => Math.sqrt(dot(v, v));

test("hashing embedder: 1024-d unit vectors named local-hash-v1, zero vector for text without content", async () => {
  const e = new HashingEmbedder();
  assert.equal(e.model, HASHING_MODEL_NAME);
  assert.equal(e.model, "local-hash-v1");
  assert.equal(e.dimension, DEFAULT_HASHING_DIMENSION);
  const [a, empty, stop] = await e.embed(["Graph neural networks learn node embeddings.", "", "the of and"]);
  assert.equal(a!.length, 1024);
  assert.ok(Math.abs(norm(a!) - 1) < 1e-5);
  assert.ok(empty!.every((x) => x === 0));
  assert.ok(stop!.every((x) => x === 0));
});

test("hashing embedder: deterministic across calls, instances and the factory (nothing is fitted)", async () => {
  const texts = [
    "체스 엔진과 대국하는 프로그램",
    "Stockfish is a strong UCI chess engine.",
    "知识图谱和语言模型",
  ];
  const one = await new HashingEmbedder().embed(texts);
  const two = await new HashingEmbedder().embed([...texts].reverse());
  const viaFactory = await createEmbedder({ provider: "hashing" });
  assert.equal(viaFactory.model, HASHING_MODEL_NAME);
  const three = await viaFactory.embed(texts);
  for (let i = 0; i < texts.length; i++) {
    assert.deepEqual(one[i], two[texts.length - 1 - i]);
    assert.deepEqual(one[i], three[i]);
  }
});

test("hashing embedder: paraphrases are closer than unrelated text, in English, Korean and Chinese", async () => {
  const e = new HashingEmbedder();
  const cases: [string, string, string][] = [
    [
      "Graph neural networks learn node embeddings by message passing.",
      "Node embeddings are learned through message passing in a graph neural network.",
      "Sourdough bread needs a long fermentation before baking.",
    ],
    [
      "그래프 신경망은 메시지 전달로 노드 임베딩을 학습합니다.",
      "노드 임베딩은 그래프 신경망의 메시지 전달로 학습됩니다.",
      "사워도우 빵은 굽기 전에 오래 발효해야 합니다.",
    ],
    ["知识图谱把实体和关系连接起来。", "实体和关系在知识图谱中相互连接。", "面包在烘烤之前需要长时间发酵。"],
  ];
  for (const [q, near, far] of cases) {
    const [vq, vn, vf] = await e.embed([q, near, far]);
    assert.ok(dot(vq!, vn!) > dot(vq!, vf!) + 0.2, `${q}: ${dot(vq!, vn!)} vs ${dot(vq!, vf!)}`);
  }
  // Inflected forms share words (plural folding) and character n-grams.
  const [s, p] = await e.embed(["embedding", "embeddings"]);
  assert.ok(dot(s!, p!) > 0.9);
});

test("hashing embedder: on debian-dev, an item's nearest neighbour mostly shares its topic", async () => {
  const items = loadDebianDev();
  const vectors = await new HashingEmbedder().embed(items.map((i) => i.text));
  for (const lang of ["en", "ko"]) {
    const idx = items.map((it, i) => (it.lang === lang ? i : -1)).filter((i) => i >= 0);
    assert.ok(idx.length > 50, `debian-dev has ${lang} items`);
    const counts = new Map<string, number>();
    for (const i of idx) counts.set(items[i]!.label, (counts.get(items[i]!.label) ?? 0) + 1);
    const majorityShare = Math.max(...counts.values()) / idx.length;
    let hits = 0;
    for (const a of idx) {
      let best = -2;
      let label = "";
      for (const b of idx) {
        if (a === b) continue;
        const c = dot(vectors[a]!, vectors[b]!);
        if (c > best) {
          best = c;
          label = items[b]!.label;
        }
      }
      if (label === items[a]!.label) hits++;
    }
    const accuracy = hits / idx.length;
    // Guessing the most common topic would be right majorityShare of the time (about 10% here).
    assert.ok(accuracy > 0.5 && accuracy > 4 * majorityShare, `${lang}: 1-NN topic accuracy ${accuracy}`);
  }
});

test("hashing embedder: another dimension is another model; invalid settings are terminal", async () => {
  const small = new HashingEmbedder({ dimension: 64 });
  assert.equal(small.dimension, 64);
  assert.notEqual(small.model, HASHING_MODEL_NAME);
  assert.equal((await small.embed(["chess engine"]))[0]!.length, 64);
  assert.throws(
    () => new HashingEmbedder({ dimension: 3 }),
    (e) => e instanceof TaskError && e.kind === "terminal",
  );
  assert.throws(
    () => new HashingEmbedder({ charWeight: 2 }),
    (e) => e instanceof TaskError && e.kind === "terminal",
  );
});

test("hashing embedder: an aborted signal stops embedding", async () => {
  const ac = new AbortController();
  ac.abort(new Error("stop"));
  await assert.rejects(new HashingEmbedder().embed(["a text"], { signal: ac.signal }), /stop/);
});
