import assert from "node:assert/strict";
import { test } from "node:test";
import {
  createEmbedder,
  dot,
  fitLocalEmbedder,
  loadLocalEmbedder,
} from "../../../src/ai/embeddings/index.js";
import { TaskError } from "../../../src/contract/errors.js";
import { loadDebianDev } from "./debianDev.js";

const CORPUS = [
  "GNU Chess plays a game of chess against the user or against itself, using a strong chess engine.",
  "Stockfish is a free and strong UCI chess engine derived from Glaurung.",
  "xboard is a graphical chessboard for chess engines and internet chess servers.",
  "Audacity is a fast multi-track audio editor for recording and editing sound files.",
  "Ardour is a digital audio workstation for recording, editing and mixing multi-track audio.",
  "SoX converts audio files between sound formats and applies sound effects.",
  "PostgreSQL is an object-relational SQL database server.",
  "SQLite is a small embeddable SQL database engine with a command line shell.",
  "MariaDB is a fast, multi-threaded SQL database server.",
  "Mutt is a text-based mail client for reading and sending e-mail messages.",
  "Postfix is a mail transfer agent that routes and delivers e-mail.",
  "체스 엔진과 대국하는 체스 게임 프로그램입니다.",
  "오디오 파일을 편집하고 녹음하는 프로그램입니다.",
];

function norm(v: Float32Array): number {
  return Math.sqrt(dot(v, v));
}

test("local embedder: fixed dimension, unit vectors, zero vector for text without content", () => {
  const { embedder, state, vectors } = fitLocalEmbedder(CORPUS, { dimension: 32 });
  assert.equal(embedder.dimension, 32);
  assert.equal(state.dimension, 32);
  assert.equal(embedder.model, "local-tfidf-lsa-v1");
  assert.equal(vectors.length, CORPUS.length);
  for (const v of vectors) {
    assert.equal(v.length, 32);
    assert.ok(Math.abs(norm(v) - 1) < 1e-5);
  }
  const [empty, stop] = embedder.embedSync(["", "the and of what does"]);
  assert.equal(norm(empty!), 0);
  assert.equal(norm(stop!), 0);
});

test("local embedder: a corpus smaller than the dimension still gives full-length unit vectors", () => {
  const { vectors, state } = fitLocalEmbedder(CORPUS.slice(0, 3), { dimension: 64 });
  assert.ok(state.fit.components < 64, "rank is limited by the corpus");
  for (const v of vectors) {
    assert.equal(v.length, 64);
    assert.ok(Math.abs(norm(v) - 1) < 1e-5);
  }
});

test("local embedder: fitting twice gives identical vectors and fingerprints", () => {
  const a = fitLocalEmbedder(CORPUS, { dimension: 16 });
  const b = fitLocalEmbedder(CORPUS, { dimension: 16 });
  assert.equal(a.state.fingerprint, b.state.fingerprint);
  assert.deepEqual(a.vectors, b.vectors);
  assert.deepEqual(JSON.stringify(a.state), JSON.stringify(b.state));
  const c = fitLocalEmbedder(CORPUS, { dimension: 16, seed: 7 });
  assert.notEqual(c.state.fingerprint, a.state.fingerprint, "the seed changes the random projection");
});

test("local embedder: state survives JSON and reproduces old and new vectors exactly", async () => {
  const fitted = fitLocalEmbedder(CORPUS, { dimension: 24 });
  const json = JSON.stringify(fitted.state);
  const loaded = loadLocalEmbedder(JSON.parse(json));
  assert.equal(loaded.fingerprint, fitted.state.fingerprint);
  assert.deepEqual(await loaded.embed(CORPUS), fitted.vectors);
  const unseen = [
    "Crafty is a chess engine with an opening book.",
    "새로운 오디오 녹음 도구",
    "ffmpeg transcodes video",
  ];
  assert.deepEqual(await loaded.embed(unseen), await fitted.embedder.embed(unseen));
  const viaFactory = await createEmbedder({ provider: "local", state: json });
  assert.deepEqual(await viaFactory.embed(unseen), await fitted.embedder.embed(unseen));
});

test("local embedder: related texts are closer than unrelated ones, also for unseen texts", () => {
  const { embedder, vectors } = fitLocalEmbedder(CORPUS, { dimension: 12 });
  const [chess, chess2, audio] = embedder.embedSync([
    "A chess engine that plays chess games.",
    "Chess engine playing a game of chess!",
    "An audio editor for recording sound.",
  ]);
  assert.ok(dot(chess!, chess2!) > 0.9, "near-duplicates are almost identical");
  assert.ok(dot(chess!, chess2!) > dot(chess!, audio!) + 0.3);
  assert.ok(
    dot(vectors[0]!, vectors[1]!) > dot(vectors[0]!, vectors[6]!),
    "chess vs chess beats chess vs database",
  );
  assert.ok(
    dot(vectors[3]!, vectors[4]!) > dot(vectors[3]!, vectors[9]!),
    "audio vs audio beats audio vs mail",
  );
});

test("local embedder: on debian-dev, same-label pairs are more similar than different-label pairs", () => {
  const items = loadDebianDev();
  const { vectors } = fitLocalEmbedder(
    items.map((i) => i.text),
    { dimension: 128 },
  );
  for (const lang of ["en", "ko"]) {
    let same = 0;
    let nSame = 0;
    let diff = 0;
    let nDiff = 0;
    const idx = items.map((it, i) => (it.lang === lang ? i : -1)).filter((i) => i >= 0);
    for (let a = 0; a < idx.length; a++) {
      for (let b = a + 1; b < idx.length; b++) {
        const c = dot(vectors[idx[a]!]!, vectors[idx[b]!]!);
        if (items[idx[a]!]!.label === items[idx[b]!]!.label) {
          same += c;
          nSame++;
        } else {
          diff += c;
          nDiff++;
        }
      }
    }
    const meanSame = same / nSame;
    const meanDiff = diff / nDiff;
    assert.ok(
      meanSame > meanDiff * 1.5,
      `${lang}: same-label ${meanSame.toFixed(3)} vs different-label ${meanDiff.toFixed(3)}`,
    );
  }
});

test("local embedder: aborting stops embedding with the signal's reason", async () => {
  const { embedder } = fitLocalEmbedder(CORPUS, { dimension: 8 });
  const ac = new AbortController();
  ac.abort(new Error("stop now"));
  await assert.rejects(embedder.embed(CORPUS, { signal: ac.signal }), /stop now/);
  assert.throws(() => fitLocalEmbedder(CORPUS, { signal: ac.signal }), /stop now/);
});

test("local embedder: a foreign or damaged state is a terminal error", () => {
  const { state } = fitLocalEmbedder(CORPUS, { dimension: 8 });
  const check = (s: unknown, code: string) =>
    assert.throws(
      () => loadLocalEmbedder(s as never),
      (e: unknown) => e instanceof TaskError && e.kind === "terminal" && e.code === code,
    );
  check("{not json", "INVALID_INPUT");
  check({ ...state, version: 2 }, "EMBEDDING_MODEL_MISMATCH");
  check({ ...state, tokenizer: "other-v9" }, "EMBEDDING_MODEL_MISMATCH");
  check({ ...state, wordIdf: state.gramIdf }, "INVALID_INPUT");
});
