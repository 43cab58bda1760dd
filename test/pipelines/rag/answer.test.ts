import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createLlmFromModel } from "../../../src/ai/llm/index.js";
import {
  answerQuestion,
  expandByGraph,
  parseCitations,
  type RagChunk,
  type ScoredChunk,
  synthesizeTopic,
} from "../../../src/pipelines/rag/index.js";
import { fastRuntime, promptText, reply, scripted } from "../../ai/llm/support.js";

function chunk(id: string, text: string, entityNames: string[]): RagChunk {
  const [sourceId, index] = id.split("_");
  return {
    id,
    sourceId: sourceId!,
    sourceName: `${sourceId}.pdf`,
    chunkIndex: Number(index),
    text,
    entityNames,
  };
}

const GNN = chunk(
  "gnn_0",
  "A graph neural network learns node representations by message passing. Each layer aggregates the neighbours' features.",
  ["Graph Neural Network", "Message Passing"],
);
const GAT = chunk(
  "gnn_1",
  "Graph attention networks weight each neighbour with learned attention coefficients. This lets the model ignore noisy edges.",
  ["Graph Attention Network", "Message Passing"],
);
const BREAD = chunk(
  "bread_0",
  "Sourdough bread is leavened by wild yeast. The dough ferments for many hours before baking.",
  ["Sourdough"],
);
const WORKSPACE = [GNN, GAT, BREAD];
const hits: ScoredChunk[] = [{ ...GNN, score: 0.71 }];
const expansion = expandByGraph({
  question: "How does message passing work?",
  hits,
  chunks: WORKSPACE,
  hopDepth: 1,
  limit: 5,
});

describe("answerQuestion with an LLM", () => {
  it("answers from numbered context; [n] citations map to chunk ids and invented ones are dropped", async () => {
    const model = scripted([
      reply(
        "Nodes exchange messages with their neighbours [1]. Attention weights them [2][7]. See also [9].",
      ),
    ]);
    const llm = createLlmFromModel(model, fastRuntime());
    const out = await answerQuestion({ question: "How does message passing work?", hits, expansion, llm });
    assert.equal(out.generator, "llm");
    assert.deepEqual(out.citations, [GNN.id, GAT.id]);
    assert.equal(
      out.answer,
      "Nodes exchange messages with their neighbours [1]. Attention weights them [2]. See also.",
    );
    assert.deepEqual(
      out.chunks.map((c) => [c.n, c.id, c.hop, c.cited]),
      [
        [1, GNN.id, 0, true],
        [2, GAT.id, 1, true],
      ],
    );
    assert.equal(out.chunks[1]?.via, "Message Passing");
    assert.equal(out.chunks[1]?.from_chunk_id, GNN.id);
    assert.deepEqual(out.trace, [
      { hop: 1, entity: "Message Passing", chunkId: GAT.id, fromChunkId: GNN.id },
    ]);

    const sent = promptText(model.doGenerateCalls[0]!);
    assert.match(sent, /\[1\] Source: gnn\.pdf/);
    assert.match(sent, /\[2\] Source: gnn\.pdf/);
    assert.match(sent, /How does message passing work\?/);
    assert.match(sent, /only the numbered context passages/);
    assert.ok(!sent.includes("Sourdough"), "chunks outside retrieval and expansion are not sent");
    assert.equal(out.context.includes(GAT.text), true);
  });

  it("passes the user's profile and the requested language to the model", async () => {
    const model = scripted([reply("답 [1]")]);
    const llm = createLlmFromModel(model, fastRuntime());
    const out = await answerQuestion({
      question: "메시지 전달이란?",
      hits,
      llm,
      language: "ko",
      profile: "User knowledge profile (from the user's Macro Graph):\n- Primary interests: graphs",
    });
    const sent = promptText(model.doGenerateCalls[0]!);
    assert.match(sent, /Write in Korean/);
    assert.match(sent, /Primary interests: graphs/);
    assert.deepEqual(out.citations, [GNN.id]);
  });

  it("no_rag asks the model alone: no context, no chunks", async () => {
    const model = scripted([reply("Message passing is how GNN layers share information.")]);
    const llm = createLlmFromModel(model, fastRuntime());
    const out = await answerQuestion({
      question: "What is message passing?",
      hits,
      expansion,
      llm,
      noRag: true,
    });
    assert.equal(out.generator, "llm-no-rag");
    assert.equal(out.answer, "Message passing is how GNN layers share information.");
    assert.equal(out.context, "");
    assert.deepEqual(out.chunks, []);
    const sent = promptText(model.doGenerateCalls[0]!);
    assert.ok(!sent.includes(GNN.text));
    assert.match(sent, /What is message passing\?/);
  });

  it("an empty workspace gets an honest answer without a model call", async () => {
    const model = scripted([reply("should not be called")]);
    const llm = createLlmFromModel(model, fastRuntime());
    const en = await answerQuestion({ question: "What is a GNN?", hits: [], llm });
    assert.equal(en.generator, "empty");
    assert.match(en.answer, /could not find anything in this workspace/);
    assert.deepEqual(en.chunks, []);
    const ko = await answerQuestion({ question: "그래프 신경망이 뭐야?", hits: [], llm });
    assert.match(ko.answer, /워크스페이스/);
    assert.equal(model.doGenerateCalls.length, 0);
  });
});

describe("answerQuestion without an LLM", () => {
  it("answers extractively with the best-matching sentences and their citations, marked as such", async () => {
    const out = await answerQuestion({
      question: "How do attention coefficients weight neighbours?",
      hits,
      expansion,
    });
    assert.equal(out.generator, "extractive");
    const lines = out.answer.split("\n");
    assert.match(lines[0]!, /^\(Extractive answer: no language model is configured/);
    assert.match(lines[1]!, /attention coefficients.*\[2\]$/);
    assert.equal(out.citations[0], GAT.id);
    const ids = new Set(out.chunks.map((c) => c.id));
    for (const id of out.citations) assert.ok(ids.has(id));
    assert.ok(out.chunks.find((c) => c.id === GAT.id)?.cited);
  });

  it("says so in the question's language when no_rag is asked without a model", async () => {
    const out = await answerQuestion({ question: "그래프란?", hits, noRag: true });
    assert.equal(out.generator, "no-llm");
    assert.match(out.answer, /언어 모델/);
  });
});

describe("citations", () => {
  it("reads ranges, lists and CJK brackets; drops numbers out of range", () => {
    const p = parseCitations("A [1-3]. B [2, 5]. C 【4】. D [0].", 4);
    assert.deepEqual(p.numbers, [1, 2, 3, 4]);
    assert.equal(p.text, "A [1, 2, 3]. B [2]. C [4]. D.");
    assert.deepEqual(parseCitations("No markers here.", 3), { numbers: [], text: "No markers here." });
  });
});

describe("synthesizeTopic", () => {
  const topicHits: ScoredChunk[] = [
    { ...GNN, score: 0.6 },
    { ...BREAD, score: 0.3 },
    { ...GAT, score: 0.5 },
  ];

  it("groups the context by document and maps the overview's citations", async () => {
    const model = scripted([reply("GNNs pass messages [1] and weigh them [2]; bread ferments [3] [8].")]);
    const llm = createLlmFromModel(model, fastRuntime());
    const out = await synthesizeTopic({ topic: "learning and fermentation", hits: topicHits, llm });
    assert.equal(out.generator, "llm");
    assert.deepEqual(
      out.chunks.map((c) => c.id),
      [GNN.id, GAT.id, BREAD.id],
      "chunks of one document are adjacent",
    );
    assert.deepEqual(out.citations, [GNN.id, GAT.id, BREAD.id]);
    assert.ok(!out.answer.includes("[8]"));
    const sent = promptText(model.doGenerateCalls[0]!);
    assert.ok(sent.indexOf("### gnn.pdf") < sent.indexOf("### bread.pdf"));
  });

  it("without an LLM, writes an extractive overview per document", async () => {
    const out = await synthesizeTopic({ topic: "wild yeast fermentation", hits: topicHits });
    assert.equal(out.generator, "extractive");
    assert.match(out.answer, /^\(Extractive overview/);
    assert.match(out.answer, /From gnn\.pdf:/);
    assert.match(out.answer, /From bread\.pdf:\n- Sourdough bread is leavened by wild yeast\. \[3\]/);
    const ids = new Set(out.chunks.map((c) => c.id));
    for (const id of out.citations) assert.ok(ids.has(id));
  });

  it("reports an empty workspace instead of failing", async () => {
    const out = await synthesizeTopic({ topic: "quantum gravity", hits: [] });
    assert.equal(out.generator, "empty");
    assert.match(out.answer, /quantum gravity/);
  });
});
