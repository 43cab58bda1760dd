/** RAG answers are checked like every LLM text: another script than the answer's language, or a loop, is not used. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { checkAnswerText, createLlmFromModel } from "../../../src/ai/llm/index.js";
import { answerQuestion, type RagChunk, synthesizeTopic } from "../../../src/pipelines/rag/index.js";
import { fastRuntime, reply, scripted } from "../../ai/llm/support.js";

const GNN: RagChunk = {
  id: "gnn_0",
  sourceId: "gnn",
  sourceName: "gnn.pdf",
  chunkIndex: 0,
  text: "A graph neural network learns node representations by message passing. Each layer aggregates features.",
  entityNames: ["Graph Neural Network"],
};
const hits = [{ ...GNN, score: 0.7 }];

test("an English question answered with Korean gibberish gets the extractive answer", async () => {
  const llm = createLlmFromModel(scripted([reply("새롭에 있어운방에 있어운방은 [1]")]), fastRuntime());
  const out = await answerQuestion({ question: "How does message passing work?", hits, llm, language: "en" });
  assert.equal(out.generator, "extractive");
  assert.ok(out.answer.includes("message passing"));
});

test("a looping synthesis falls back to the extractive one", async () => {
  const llm = createLlmFromModel(
    scripted([reply(`GNNs [1] ${"play play play ".repeat(40)}`)]),
    fastRuntime(),
  );
  const out = await synthesizeTopic({ topic: "graph neural networks", hits, llm, language: "en" });
  assert.equal(out.generator, "extractive");
});

test("code, URLs and citation markers do not count against the script; a good answer is used", async () => {
  assert.equal(
    checkAnswerText(
      "`kubectl get pods` 명령으로 파드 목록을 확인합니다 [1].\n```\nkubectl get pods -A\n```",
      "ko",
    ),
    null,
  );
  assert.equal(checkAnswerText("Use `kubectl get pods` to list pods [1].", "ko"), "wrong_script");
  const llm = createLlmFromModel(
    scripted([reply("Each layer aggregates the neighbours' features [1].")]),
    fastRuntime(),
  );
  const out = await answerQuestion({ question: "How does message passing work?", hits, llm, language: "en" });
  assert.equal(out.generator, "llm");
});
