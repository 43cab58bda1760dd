import assert from "node:assert/strict";
import { test } from "node:test";
import { detectScript } from "../../../src/pipelines/text/index.js";

test("detectScript picks the dominant script per text", () => {
  assert.equal(detectScript("GNU Chess is a chess engine").lang, "en");
  assert.equal(detectScript("tapecalc는 전화면 편집기로 작동하는 고정소수점 계산기입니다").lang, "ko");
  assert.equal(detectScript("我们使用图形编辑器来处理图像和视频文件").lang, "zh");
  assert.equal(detectScript("これは画像を編集するためのプログラムです").lang, "ja");
  assert.equal(detectScript("").lang, "und");
  assert.equal(detectScript("12345 !!! ...").lang, "und");
});

test("detectScript weights scripts so a few Latin names do not outvote Korean", () => {
  const p = detectScript("gnuchess와 xboard는 체스 프로그램");
  assert.ok(p.latin > p.hangul, "more Latin letters than Hangul syllables");
  assert.equal(p.lang, "ko");
  // Han characters inside Japanese text count as Japanese.
  const ja = detectScript("東京大学の研究者が新しい方法を開発した");
  assert.equal(ja.lang, "ja");
  assert.ok(ja.han > ja.kana);
});
