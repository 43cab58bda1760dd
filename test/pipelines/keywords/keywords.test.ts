import assert from "node:assert/strict";
import { test } from "node:test";
import {
  buildKeywordStats,
  clusterKeywords,
  extractKeywords,
  keywordsForDoc,
  mmrSelect,
} from "../../../src/pipelines/keywords/index.js";
import { STOPWORDS, tokenize } from "../../../src/pipelines/text/index.js";
import { loadDebianDev } from "../../ai/embeddings/debianDev.js";

const JUNK = /^[\d\s.,]+$|[<>`*#|[\]()]/;

function isStopTerm(term: string): boolean {
  return term.split(" ").some((w) => STOPWORDS.en.has(w) || STOPWORDS.ko.has(w) || STOPWORDS.zh.has(w));
}

test("keywords on debian-dev: at least 5 per node, no stopwords, numbers or markup, scores in (0, 1]", () => {
  const items = loadDebianDev();
  const docs = items.map((i) => tokenize(i.text));
  const all = extractKeywords(docs, { topN: 5 });
  assert.equal(all.length, items.length);
  all.forEach((kws, i) => {
    const distinct = new Set(docs[i]!.map((t) => t.term)).size;
    if (distinct >= 5)
      assert.ok(kws.length >= 5, `${items[i]!.id}: ${kws.length} keywords from ${distinct} terms`);
    assert.equal(new Set(kws.map((k) => k.term)).size, kws.length, "no duplicates");
    for (const k of kws) {
      assert.ok(k.score > 0 && k.score <= 1, `${k.term}: ${k.score}`);
      assert.ok(!JUNK.test(k.term), `junk keyword ${k.term}`);
      assert.ok(!isStopTerm(k.term), `stopword in ${k.term}`);
      assert.ok(k.term.split(" ").length <= 3);
    }
    if (kws.length > 0) assert.equal(Math.max(...kws.map((k) => k.score)), 1, "the best keyword scores 1");
  });
  // The package a conversation is about is usually among its keywords.
  const named = items.filter((it, i) => {
    const first = it.text.split(/[.\n]/)[0]!.toLowerCase();
    return all[i]!.some((k) => first.includes(k.term));
  });
  assert.ok(named.length > items.length * 0.5);
});

test("keywords prefer a frequent phrase and stay diverse", () => {
  const text =
    "GNU Chess is a chess engine. The chess engine plays against the user. It uses the UCI protocol and an opening book. " +
    "The opening book stores moves; the engine also supports xboard.";
  const corpus = [
    text,
    "Audacity edits audio and records sound.",
    "PostgreSQL is a database server.",
    "Stockfish is another chess engine.",
  ].map((t) => tokenize(t));
  const kws = keywordsForDoc(corpus[0]!, buildKeywordStats(corpus), { topN: 6 });
  const terms = kws.map((k) => k.term);
  assert.ok(terms.includes("opening book"), terms.join(", "));
  assert.ok(terms.some((t) => t.includes("chess")));
  // MMR: not every keyword repeats "chess"/"engine".
  assert.ok(terms.filter((t) => /chess|engine/.test(t)).length <= 3, terms.join(", "));
});

test("Korean keywords are particle-free stems", () => {
  const docs = [
    "그래픽을 편집하는 프로그램은 이미지를 변환합니다. 이미지 변환 기능이 있습니다.",
    "오디오 파일을 녹음하는 프로그램입니다.",
    "메일을 보내는 프로그램입니다.",
  ].map((t) => tokenize(t));
  const [kws] = extractKeywords(docs, { topN: 5 });
  const terms = kws!.map((k) => k.term);
  assert.ok(
    terms.some((t) => t.startsWith("이미지")),
    terms.join(", "),
  );
  assert.ok(terms.includes("그래픽"), terms.join(", "));
  assert.ok(
    terms.every((t) => !/(을|를|은|는|가|합니다)$/.test(t)),
    terms.join(", "),
  );
});

test("a document with fewer than five content terms gets what it has", () => {
  const docs = ["chess engine", "audio editor"].map((t) => tokenize(t));
  const [kws] = extractKeywords(docs, { topN: 5 });
  // A phrase seen once in one document is not frequent enough to be a candidate.
  assert.deepEqual(kws!.map((k) => k.term).sort(), ["chess", "engine"]);
  assert.deepEqual(extractKeywords([tokenize("the and of")])[0], []);
});

test("mmrSelect drops repeated displays and trades relevance for diversity", () => {
  const c = (key: string, score: number) => ({ key, words: key.split(" "), display: key, score });
  const picked = mmrSelect(
    [c("chess engine", 1), c("chess", 0.95), c("engine", 0.9), c("audio", 0.5)],
    2,
    0.5,
  );
  assert.deepEqual(
    picked.map((p) => p.key),
    ["chess engine", "audio"],
  );
  assert.deepEqual(
    mmrSelect([c("chess engine", 1), c("chess", 0.95)], 2, 0).map((p) => p.key),
    ["chess engine", "chess"],
  );
});

test("cluster keywords (c-TF-IDF) name debian-dev sections by their distinctive terms", () => {
  const items = loadDebianDev().filter((i) => i.lang === "en");
  const docs = items.map((i) => tokenize(i.text));
  const byCluster = clusterKeywords(
    docs,
    items.map((i) => i.label),
    { topN: 8 },
  );
  assert.equal(byCluster.size, new Set(items.map((i) => i.label)).size);
  const expect: Record<string, RegExp> = {
    games: /game/,
    sound: /audio|sound/,
    mail: /mail/,
    video: /video/,
    database: /database|sql/,
    editors: /editor|emacs|vim/,
  };
  for (const [label, re] of Object.entries(expect)) {
    const terms = byCluster.get(label)!.map((k) => k.term);
    assert.ok(
      terms.some((t) => re.test(t)),
      `${label}: ${terms.join(", ")}`,
    );
  }
  for (const kws of byCluster.values()) {
    assert.ok(kws.length >= 5);
    for (const k of kws)
      assert.ok(k.score > 0 && k.score <= 1 && !isStopTerm(k.term) && !JUNK.test(k.term), k.term);
  }
});

test("cluster keywords ignore documents without a group and reject mismatched input", () => {
  const docs = ["chess engine game", "chess board game", "audio editor sound", "audio mixer sound"].map((t) =>
    tokenize(t),
  );
  const out = clusterKeywords(docs, ["a", "a", null, "b"]);
  assert.deepEqual([...out.keys()].sort(), ["a", "b"]);
  assert.ok(out.get("a")!.some((k) => k.term === "chess" || k.term === "game"));
  assert.throws(() => clusterKeywords(docs, ["a"]), RangeError);
});
