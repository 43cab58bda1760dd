/** Block mode: local segmentation of markdown and chats, block edges and paths, the LLM steps with mocks. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createLlmFromModel } from "../../../src/ai/llm/index.js";
import { BLOCK_EDGE_TYPES, type BlockGraphFile } from "../../../src/contract/files/blockGraph.js";
import { validateOutput } from "../../../src/contract/files/validate.js";
import { MAX_LABEL_CALLS } from "../../../src/pipelines/microscope/blocks/label.js";
import { type ChatTurn, ingestDocument, parseChatText } from "../../../src/pipelines/microscope/index.js";
import { MAX_RESOLUTION_CALLS } from "../../../src/pipelines/microscope/resolve/ask.js";
import { fastRuntime } from "../../ai/llm/support.js";
import { blockIdsIn, fakeExtraction, GNN_NOTE, microscopeModel } from "./fixtures.js";

function checkCommon(file: BlockGraphFile) {
  const g = validateOutput("block_graph.json", file).block_graph;
  const ids = g.blocks.map((b) => b.block_id);
  assert.deepEqual(
    ids,
    ids.map((_, i) => `blk_${String(i + 1).padStart(4, "0")}`),
    "stable, unique ids in reading order",
  );
  g.blocks.forEach((b, i) => {
    assert.equal(b.order_index, i);
    assert.ok(b.title.length > 0 && b.key_concepts.length > 0, b.block_id);
  });
  const microIds = g.blocks.flatMap((b) => [...b.micro_graph.nodes, ...b.micro_graph.edges].map((x) => x.id));
  assert.equal(new Set(microIds).size, microIds.length, "micro graph ids are unique in the file");
  for (const e of g.edges) assert.ok((BLOCK_EDGE_TYPES as readonly string[]).includes(e.type));
  return g;
}

test("local block mode on a markdown note: one block per section, structure and reading-order edges", async () => {
  const r = await ingestDocument({
    text: GNN_NOTE,
    sourceType: "note",
    blockMode: true,
    generateMicroGraphs: true,
  });
  const g = checkCommon(r.blockGraph!);
  assert.deepEqual(
    g.blocks.map((b) => b.title),
    ["Graph learning notes", "Message passing", "Aggregation functions", "Transformers", "Applications"],
  );
  assert.ok(g.blocks.every((b) => b.turn_range === null));
  assert.equal(r.metadata.blockLabels, "local");
  assert.equal(r.metadata.blockOrdering, "local");
  assert.equal(r.metadata.localFallback, "no_llm");
  const follows = g.edges.filter((e) => e.type === "FOLLOWS");
  assert.equal(follows.length, g.blocks.length - 1);
  follows.forEach((e, i) => {
    assert.deepEqual([e.source, e.target], [g.blocks[i]!.block_id, g.blocks[i + 1]!.block_id]);
  });
  // "Transformers" (a ## section) elaborates the top section it sits under; so do the other ## sections.
  assert.ok(
    g.edges.some((e) => e.type === "ELABORATES" && e.source === "blk_0004" && e.target === "blk_0001"),
  );
  assert.deepEqual(
    g.paths[0],
    g.blocks.map((b) => b.block_id),
  );
  assert.ok(g.ordering_rationale.length > 0);
  // Micro graphs from the block's own chunks, and every chunk belongs to a block.
  assert.ok(g.blocks.every((b) => b.micro_graph.nodes.length > 0));
  assert.ok(r.chunks.every((c) => g.blocks.some((b) => b.block_id === c.block_id)));
  const raw = g.blocks.map((b) => b.raw_text).join("\n\n");
  for (const line of GNN_NOTE.split("\n").filter((l) => l.trim())) assert.ok(raw.includes(line), line);
});

test("without micro graphs the blocks still carry empty micro_graph arrays", async () => {
  const r = await ingestDocument({
    text: GNN_NOTE,
    sourceType: "note",
    blockMode: true,
    generateMicroGraphs: false,
  });
  const g = checkCommon(r.blockGraph!);
  assert.ok(g.blocks.every((b) => b.micro_graph.nodes.length === 0 && b.micro_graph.edges.length === 0));
  assert.equal(r.metadata.extraction, "none");
});

const TURNS: ChatTurn[] = [
  { role: "user", content: "What is a graph neural network?" },
  {
    role: "assistant",
    content:
      "A graph neural network (GNN) learns from graph data. It updates each node with messages from its neighbours, a step called message passing.",
  },
  { role: "user", content: "How does message passing aggregate the neighbours?" },
  {
    role: "assistant",
    content:
      "Message passing aggregates neighbour messages with a sum, a mean or attention weights, layer by layer.",
  },
  { role: "user", content: "Unrelated: how do I bake sourdough bread at home?" },
  {
    role: "assistant",
    content: `${"Sourdough bread needs a starter, flour, water and salt, a long fermentation and a hot oven. ".repeat(12)}Bake it in a Dutch oven for the crust.`,
  },
  { role: "user", content: "And how long should the dough ferment?" },
  { role: "assistant", content: "Let the dough ferment for twelve to sixteen hours in a cool kitchen." },
];

test("local block mode on a chat: blocks of whole Q/A turns with turn_range over message indices", async () => {
  const r = await ingestDocument({
    text: "",
    turns: TURNS,
    sourceType: "chat",
    blockMode: true,
    generateMicroGraphs: true,
    language: "en",
  });
  const g = checkCommon(r.blockGraph!);
  assert.ok(g.blocks.length >= 2 && g.blocks.length < TURNS.length / 2 + 1, `${g.blocks.length} blocks`);
  // The turn ranges tile the conversation: contiguous, no gaps, no overlaps, each starting at a question.
  let next = 0;
  for (const b of g.blocks) {
    const [first, last] = b.turn_range!;
    assert.equal(first, next);
    assert.ok(last >= first);
    assert.equal(TURNS[first]!.role, "user");
    assert.equal(b.title, TURNS[first]!.content.slice(0, 80).replace(/\s+$/, ""));
    next = last + 1;
  }
  assert.equal(next, TURNS.length);
  assert.ok(
    g.blocks.some((b) => b.title.includes("sourdough")),
    "the topic change starts a block",
  );
  assert.ok(g.blocks[0]!.summary!.startsWith("A graph neural network"), "summary from the first answer");
});

test("turn_range indexes the caller's message list, empty messages included", async () => {
  const withEmpty: ChatTurn[] = [TURNS[0]!, { role: "assistant", content: "  " }, ...TURNS.slice(1)];
  const r = await ingestDocument({
    text: "",
    turns: withEmpty,
    sourceType: "chat",
    blockMode: true,
    generateMicroGraphs: false,
  });
  const g = checkCommon(r.blockGraph!);
  assert.equal(g.blocks.at(-1)!.turn_range![1], withEmpty.length - 1);
  assert.ok(g.blocks.every((b) => withEmpty[b.turn_range![0]]!.role === "user"));
});

test("a chat given as Q:/A: text (the incumbent's from-node format) segments the same way", async () => {
  const text = [
    "# Conversation c1",
    ...TURNS.map((t) => `${t.role === "user" ? "Q" : "A"}: ${t.content}`),
  ].join("\n");
  assert.deepEqual(parseChatText(text), TURNS);
  const fromText = await ingestDocument({
    text,
    sourceType: "chat",
    blockMode: true,
    generateMicroGraphs: false,
  });
  const fromTurns = await ingestDocument({
    text: "",
    turns: TURNS,
    sourceType: "chat",
    blockMode: true,
    generateMicroGraphs: false,
  });
  checkCommon(fromText.blockGraph!);
  assert.deepEqual(
    fromText.blockGraph!.block_graph.blocks.map((b) => b.turn_range),
    fromTurns.blockGraph!.block_graph.blocks.map((b) => b.turn_range),
  );
});

test("LLM block mode: labels and ordering from the model, invalid parts dropped, calls bounded", async () => {
  const { model, calls } = microscopeModel({
    extract: (o) => fakeExtraction(o),
    labels: (o) => ({
      blocks: [
        ...blockIdsIn(o).map((id) => ({
          block_id: id,
          title: `LLM title ${id}`,
          summary: `LLM summary of ${id}.`,
          key_concepts: ["message passing", "GNN", "message passing"],
        })),
        { block_id: "blk_9999", title: "invented", summary: "x", key_concepts: ["x"] },
      ],
    }),
    order: () => ({
      edges: [
        {
          source: "blk_0001",
          target: "blk_0002",
          type: "prerequisite of",
          description: "basics first",
          confidence: 0.9,
        },
        { source: "blk_0002", target: "blk_0003", type: "ELABORATES", confidence: "0.7" },
        { source: "blk_0004", target: "blk_0002", type: "contrasts_with" },
        { source: "blk_0003", target: "blk_0003", type: "FOLLOWS" },
        { source: "blk_0001", target: "blk_0042", type: "FOLLOWS" },
        { source: "blk_0001", target: "blk_0005", type: "CAUSES" },
      ],
      paths: [["blk_0001", "blk_0002", "blk_0077", "blk_0003"], ["blk_0999"]],
      rationale: "Basics, then the mechanism, then uses.",
    }),
  });
  const llm = createLlmFromModel(model, fastRuntime());
  const progress: number[] = [];
  const r = await ingestDocument({
    text: GNN_NOTE,
    sourceType: "note",
    blockMode: true,
    generateMicroGraphs: true,
    language: "en",
    llm,
    onProgress: (f) => progress.push(f),
  });
  assert.ok(progress.length >= 3);
  assert.ok(
    progress.every((f, i) => i === 0 || f >= progress[i - 1]!),
    `progress only moves forward: ${progress.join(",")}`,
  );
  assert.equal(progress.at(-1), 1);
  const g = checkCommon(r.blockGraph!);
  assert.ok(g.blocks.every((b) => b.title === `LLM title ${b.block_id}`));
  assert.ok(g.blocks.every((b) => b.summary === `LLM summary of ${b.block_id}.`));
  assert.deepEqual(g.blocks[0]!.key_concepts, ["message passing", "GNN"], "deduplicated");
  assert.deepEqual(
    g.edges.map((e) => [e.source, e.type, e.target]),
    [
      ["blk_0001", "PREREQUISITE_OF", "blk_0002"],
      ["blk_0002", "ELABORATES", "blk_0003"],
      ["blk_0004", "CONTRASTS", "blk_0002"],
    ],
  );
  assert.equal(g.edges[1]!.confidence, 0.7);
  assert.deepEqual(g.paths, [["blk_0001", "blk_0002", "blk_0003"]]);
  assert.equal(g.ordering_rationale, "Basics, then the mechanism, then uses.");
  assert.equal(r.metadata.blockLabels, "llm");
  assert.equal(r.metadata.blockOrdering, "llm");
  assert.equal(r.metadata.extraction, "llm");
  assert.ok(g.blocks.some((b) => b.micro_graph.nodes.some((n) => n.type === "Method")));
  // One ordering call, labels within their budget, extraction batches and resolution within theirs.
  assert.equal(calls.order, 1);
  assert.ok(calls.labels >= 1 && calls.labels <= MAX_LABEL_CALLS);
  assert.equal(calls.extract, r.stats.extractionBatches);
  assert.ok(calls.resolve <= MAX_RESOLUTION_CALLS);
  assert.equal(llm.ledger.calls, calls.extract + calls.resolve + calls.labels + calls.order);
  assert.equal(r.metadata.llmCalls, llm.ledger.calls);
});

test("LLM block mode falls back per step: broken labels and an empty ordering keep the local results", async () => {
  const { model } = microscopeModel({
    extract: (o) => fakeExtraction(o),
    labels: () => "no JSON here",
    order: () => ({ edges: [{ source: "blk_0001", target: "blk_0002", type: "RELATED" }], paths: [] }),
  });
  const llm = createLlmFromModel(model, fastRuntime());
  const r = await ingestDocument({
    text: GNN_NOTE,
    sourceType: "note",
    blockMode: true,
    generateMicroGraphs: true,
    llm,
  });
  const local = await ingestDocument({
    text: GNN_NOTE,
    sourceType: "note",
    blockMode: true,
    generateMicroGraphs: false,
  });
  const g = checkCommon(r.blockGraph!);
  const lg = local.blockGraph!.block_graph;
  assert.deepEqual(
    g.blocks.map((b) => b.title),
    lg.blocks.map((b) => b.title),
  );
  assert.deepEqual(g.edges, lg.edges);
  assert.deepEqual(g.paths, lg.paths);
  assert.equal(r.metadata.blockLabels, "local");
  assert.equal(r.metadata.blockOrdering, "local");
  assert.equal(r.metadata.localFallback, "llm_failed");
  assert.ok(r.metadata.llmFailures.some((f) => f.includes("block-labels")));
  assert.equal(r.metadata.extraction, "llm", "the micro graphs still came from the LLM");
});
