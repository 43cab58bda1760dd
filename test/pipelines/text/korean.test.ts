import assert from "node:assert/strict";
import { test } from "node:test";
import { isKoreanSuffix, stripKoreanSuffix } from "../../../src/pipelines/text/index.js";

test("stripKoreanSuffix removes case particles", () => {
  const cases: [string, string][] = [
    ["프로그램은", "프로그램"],
    ["그래픽을", "그래픽"],
    ["편집기로", "편집기"],
    ["계산을", "계산"],
    ["사용자가", "사용자"],
    ["책을", "책"],
    ["집에서", "집"],
    ["서버에서는", "서버"],
    ["파일로도", "파일"],
    ["리눅스의", "리눅스"],
    ["게임과", "게임"],
    ["도구와", "도구"],
    ["사용자들을", "사용자"],
  ];
  for (const [word, stem] of cases) assert.equal(stripKoreanSuffix(word), stem, word);
});

test("stripKoreanSuffix removes copula and 하다/되다 endings", () => {
  const cases: [string, string][] = [
    ["프로그램이야", "프로그램"],
    ["계산기입니다", "계산기"],
    ["지원합니다", "지원"],
    ["작동하는", "작동"],
    ["제공되는", "제공"],
    ["설계되었습니다", "설계"],
    ["만들었습니다", "만들"],
  ];
  for (const [word, stem] of cases) assert.equal(stripKoreanSuffix(word), stem, word);
});

test("stripKoreanSuffix leaves nouns that only look like noun + particle", () => {
  // 을/가/야 need a matching final consonant; short stems and listed compounds are protected.
  for (const word of [
    "마을",
    "국가",
    "전문가",
    "분야",
    "해상도",
    "실행결과",
    "전자회로",
    "고양이",
    "프로그램",
  ]) {
    assert.equal(stripKoreanSuffix(word), word, word);
  }
});

test("isKoreanSuffix recognises a bare particle or ending", () => {
  assert.ok(isKoreanSuffix("는"));
  assert.ok(isKoreanSuffix("에서는"));
  assert.ok(isKoreanSuffix("입니다"));
  assert.ok(!isKoreanSuffix("프로그램"));
});
