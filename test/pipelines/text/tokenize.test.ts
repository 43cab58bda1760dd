import assert from "node:assert/strict";
import { test } from "node:test";
import { STOPWORDS, terms, tokenize } from "../../../src/pipelines/text/index.js";

test("English: lower-case words, stopwords and junk dropped, plurals folded", () => {
  const toks = tokenize(
    "Can you explain what GNU Chess does? It's based on the Fruit engine's 2048 x11 c++ 3D libraries, boxes and classes; a b.",
  );
  assert.deepEqual(
    toks.map((t) => t.term),
    ["gnu", "chess", "based", "fruit", "engine", "x11", "c++", "3d", "library", "box", "class"],
  );
  const lib = toks.find((t) => t.term === "library")!;
  assert.equal(lib.surface, "libraries");
  assert.equal(lib.script, "latin");
});

test("English: numbers-only, one-letter and hash-like tokens are dropped", () => {
  assert.deepEqual(terms("1 22 333 3.14 1990s 10th a x deadbeef1234 0x1f2e3d4c a1b2c3d4 mp3 h264"), [
    "mp3",
    "h264",
  ]);
});

test("joined marks adjacent terms only (no stopword or punctuation between)", () => {
  const toks = tokenize("chess engine, game of chess; real-time audio");
  assert.deepEqual(
    toks.map((t) => [t.term, t.joined]),
    [
      ["chess", false],
      ["engine", true],
      ["game", false],
      ["chess", false],
      ["real", false],
      ["time", true],
      ["audio", true],
    ],
  );
});

test("Korean: particles are stripped and a particle glued to a Latin name is dropped", () => {
  const toks = tokenize("tapecalc는 어떤 프로그램이야? 그래픽을 편집하는 전화면 계산기입니다.");
  assert.deepEqual(
    toks.map((t) => t.term),
    ["tapecalc", "프로그램", "그래픽", "편집", "전화면", "계산기"],
  );
  assert.ok(toks.every((t) => !STOPWORDS.ko.has(t.term)));
  assert.equal(toks[1]!.script, "hangul");
});

test("Chinese is segmented into words with Intl.Segmenter; stopwords and single characters dropped", () => {
  const words = terms("我们使用图形编辑器来处理图像和视频文件，这是一个开源程序。");
  for (const w of ["图形", "图像", "视频", "文件", "程序"])
    assert.ok(words.includes(w), `${w} in ${words.join(" ")}`);
  assert.ok(words.includes("开源"), "one-character segments of an unknown word are merged back");
  assert.ok(!words.includes("我们") && !words.includes("和") && !words.includes("这"));
  assert.ok(words.every((w) => [...w].length >= 2));
});

test("Japanese is segmented too; hiragana particles are dropped", () => {
  const words = terms("これは画像を編集するためのプログラムです。");
  assert.deepEqual(words, ["画像", "編集", "プログラム"]);
});

test("markup, URLs and code never reach the tokens", () => {
  const words = terms(
    "Use <b>gnuplot</b> (see https://gnuplot.info/docs)\n```\nplot sin(x)\n```\n&nbsp; 【4:0†source】",
  );
  assert.deepEqual(words, ["gnuplot"]);
});
