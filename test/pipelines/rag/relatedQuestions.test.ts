import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createLlmFromModel } from "../../../src/ai/llm/index.js";
import {
  cleanQuestions,
  type RagChunk,
  relatedQuestions,
  type ScoredChunk,
  templateQuestions,
} from "../../../src/pipelines/rag/index.js";
import { fastRuntime, promptText, reply, scripted } from "../../ai/llm/support.js";

function chunk(id: string, entityNames: string[]): RagChunk {
  const [sourceId, index] = id.split("_");
  return {
    id,
    sourceId: sourceId!,
    sourceName: sourceId!,
    chunkIndex: Number(index),
    text: `text ${id}`,
    entityNames,
  };
}

const A = chunk("d_0", ["Graph Neural Network", "Message Passing"]);
const B = chunk("d_1", ["Message Passing", "Attention"]);
const C = chunk("d_2", ["Attention", "Transformer"]);
const WORKSPACE = [A, B, C];
const hits: ScoredChunk[] = [{ ...A, score: 0.8 }];

describe("relatedQuestions with an LLM", () => {
  it("sends seed and neighbour entities; cleans, dedupes and caps the model's list", async () => {
    const model = scripted([
      reply(
        JSON.stringify({
          questions: [
            "1. How does attention change message passing?",
            "  ",
            "- How does attention change message passing?",
            "What is a graph neural network?",
            "",
            "How do GNNs learn?",
            "Why use transformers for graphs?",
            "What limits message passing?",
            "One too many?",
          ],
        }),
      ),
    ]);
    const llm = createLlmFromModel(model, fastRuntime());
    const out = await relatedQuestions({
      question: "How do GNNs learn?",
      hits,
      chunks: WORKSPACE,
      hopDepth: 1,
      llm,
      count: 4,
    });
    assert.equal(out.generator, "llm");
    assert.deepEqual(out.questions, [
      "How does attention change message passing?",
      "What is a graph neural network?",
      "Why use transformers for graphs?",
      "What limits message passing?",
    ]);
    assert.ok(out.questions.every((q) => q.trim() !== ""));
    assert.deepEqual(out.seedEntities, ["Graph Neural Network", "Message Passing"]);
    assert.deepEqual(out.entities, ["Graph Neural Network", "Message Passing", "Attention"]);
    const sent = promptText(model.doGenerateCalls[0]!);
    assert.match(sent, /Graph Neural Network; Message Passing; Attention/);
    assert.ok(!sent.includes("Transformer"), "two hops away with hop_depth 1");
  });

  it("hop_depth 2 reaches further entities", async () => {
    const out = await relatedQuestions({ question: "q?", hits, chunks: WORKSPACE, hopDepth: 2 });
    assert.ok(out.entities.includes("Transformer"));
  });

  it("falls back to templates when the model's list is unusable", async () => {
    const model = scripted([reply(JSON.stringify({ questions: ["", "   ", "How do GNNs learn?"] }))]);
    const out = await relatedQuestions({
      question: "How do GNNs learn?",
      hits,
      chunks: WORKSPACE,
      hopDepth: 1,
      llm: createLlmFromModel(model, fastRuntime()),
    });
    assert.equal(out.generator, "template");
    assert.ok(out.questions.length > 0);
    assert.ok(out.questions.every((q) => q.trim() !== ""));
  });
});

describe("relatedQuestions without an LLM", () => {
  it("writes template questions about the top entities in the question's language", async () => {
    const en = await relatedQuestions({
      question: "How do GNNs learn?",
      hits,
      chunks: WORKSPACE,
      hopDepth: 1,
    });
    assert.equal(en.generator, "template");
    assert.equal(en.questions[0], "What is Graph Neural Network?");
    assert.equal(en.questions[1], "How is Graph Neural Network related to Message Passing?");
    assert.equal(new Set(en.questions).size, en.questions.length);

    const koHits: ScoredChunk[] = [{ ...chunk("k_0", ["그래프 신경망", "메시지 전달"]), score: 0.7 }];
    const ko = await relatedQuestions({
      question: "그래프 신경망은 어떻게 학습하나요?",
      hits: koHits,
      chunks: [],
      hopDepth: 1,
    });
    assert.equal(ko.language, "ko");
    assert.deepEqual(ko.questions.slice(0, 3), [
      "그래프 신경망이란 무엇인가요?",
      "그래프 신경망과 메시지 전달의 관계는 무엇인가요?",
      "메시지 전달이란 무엇인가요?",
    ]);
  });

  it("uses the question's own words when the workspace has nothing", async () => {
    const out = await relatedQuestions({
      question: "Where is sourdough fermentation explained?",
      hits: [],
      chunks: [],
      hopDepth: 1,
    });
    assert.deepEqual(out.entities, []);
    assert.ok(out.questions.length > 0);
    assert.ok(out.questions.some((q) => /fermentation|sourdough/.test(q)));
  });
});

describe("question helpers", () => {
  it("cleanQuestions drops echoes of the original question, numbering and quotes", () => {
    assert.deepEqual(
      cleanQuestions(['"What is X?"', "2) what is x", "What is x?", 7, "Q1: Why Y?"], "What is X", 5),
      ["Why Y?"],
    );
  });

  it("templateQuestions picks Korean particles by the final consonant, neutral after Latin words", () => {
    assert.deepEqual(templateQuestions(["사과"], "ko", 3), [
      "사과란 무엇인가요?",
      "사과가 왜 중요한가요?",
      "사과의 예로는 무엇이 있나요?",
    ]);
    assert.equal(templateQuestions(["GNN"], "ko", 1)[0], "GNN(이)란 무엇인가요?");
  });
});
