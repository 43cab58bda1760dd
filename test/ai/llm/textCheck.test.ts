/** The checks every LLM text passes before it replaces a local text. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { checkText, TextVerdicts } from "../../../src/ai/llm/index.js";

test("the script must be the requested language's: Korean gibberish is not an English overview", () => {
  const en = { kind: "sentence" as const, language: "en" };
  assert.equal(checkText("새롭에 있어운방에 있어운방은", en), "wrong_script");
  assert.equal(checkText("You mostly ask about graph learning and baking.", en), null);
  const ko = { kind: "sentence" as const, language: "ko" };
  assert.equal(checkText("You mostly ask about graph learning and baking.", ko), "wrong_script");
  assert.equal(
    checkText("주로 Python과 GNN 학습에 대해 질문합니다.", ko),
    null,
    "Latin terms in Korean are fine",
  );
  // Labels: technical terms in Latin script are fine in any language; other scripts are not.
  assert.equal(checkText("Kubernetes", { kind: "label", language: "ko" }), null);
  assert.equal(checkText("데이터 분석", { kind: "label", language: "en" }), "wrong_script");
  assert.equal(checkText("Машинное обучение", { kind: "label", language: "ko" }), "wrong_script");
  assert.equal(
    checkText("anything at all.", { kind: "sentence", language: "xx" }),
    null,
    "unknown: no check",
  );
});

test("sentences must be complete: a reply cut off by the budget is rejected", () => {
  const req = { kind: "sentence" as const, language: "en" };
  assert.equal(checkText("Consolidate repeated questions about ", req), "incomplete_sentence");
  assert.equal(checkText("Consolidate repeated questions about sourdough.", req), null);
  assert.equal(checkText("Is this a question?", req), null);
  assert.equal(checkText("He said “done.”", req), null);
  assert.equal(checkText("반복되는 질문을 정리하세요.", { kind: "sentence", language: "ko" }), null);
});

test("too short, empty, markup, repetition, copies of the prompt and unknown ids are rejected", () => {
  const s = { kind: "sentence" as const, language: "en" };
  assert.equal(checkText("", s), "empty");
  assert.equal(checkText("   ", s), "empty");
  assert.equal(checkText("Ok.", s), "too_short");
  assert.equal(checkText('{"summary_text": "x"}', s), "markup");
  assert.equal(checkText("play play play play play play play play.", s), "repetitive");
  assert.equal(checkText("playplayplayplay", { kind: "label", language: "en" }), "repetitive");
  assert.equal(
    checkText("Key_Themes", { kind: "label", language: "en", echoes: ["key themes"] }),
    "copied_from_prompt",
  );
  assert.equal(
    checkText("Base them only on the distinctive terms.", {
      ...s,
      instructions: ["You name clusters. Base them only on the distinctive terms. Answer in JSON."],
    }),
    "copied_from_prompt",
  );
  const knownIds = new Set(["cluster_1", "cluster_2"]);
  assert.equal(checkText("This grows out of cluster_7 over time.", { ...s, knownIds }), "unknown_id");
  assert.equal(checkText("This grows out of cluster_2 over time.", { ...s, knownIds }), null);
  assert.equal(checkText("Total 1,000,000 items were seen.", s), null, "digits are not a loop");
});

test("verdicts count accepted and rejected texts per item, with reasons only", () => {
  const v = new TextVerdicts();
  assert.equal(
    v.take("a", "  A fine sentence here.  ", { kind: "sentence", language: "en" }),
    "A fine sentence here.",
  );
  assert.equal(v.take("b", "cut off at", { kind: "sentence", language: "en" }), null);
  v.reject("c", "unknown_id_in_answer");
  assert.equal(v.accepted, 1);
  assert.deepEqual(v.rejected, [
    { item: "b", reason: "too_short" },
    { item: "c", reason: "unknown_id_in_answer" },
  ]);
  assert.deepEqual(v.reasons(), { too_short: 1, unknown_id_in_answer: 1 });
});
