/** Entity resolution: certain merges, similarity merges, grey pairs asked of the LLM in bounded calls. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createLlmFromModel } from "../../../src/ai/llm/index.js";
import type { GraphEdge, GraphNode } from "../../../src/pipelines/microscope/graph.js";
import { GENERAL_ONTOLOGY, indexOntology } from "../../../src/pipelines/microscope/index.js";
import { nameKey } from "../../../src/pipelines/microscope/names.js";
import { MAX_PAIRS_PER_CALL, MAX_RESOLUTION_CALLS } from "../../../src/pipelines/microscope/resolve/ask.js";
import { resolveEntities } from "../../../src/pipelines/microscope/resolve.js";
import { fastRuntime, promptText } from "../../ai/llm/support.js";
import { microscopeModel } from "./fixtures.js";

const node = (
  name: string,
  chunk: number,
  type = "Method",
  description = `${name} (chunk ${chunk})`,
): GraphNode => ({
  name,
  type,
  description,
  source_chunk_id: chunk,
});
const edge = (start: string, target: string, chunk: number, confidence = 0.8): GraphEdge => ({
  start,
  target,
  type: "uses",
  description: `${start} uses ${target}`,
  source_chunk_id: chunk,
  evidence: `${start} … ${target}`,
  confidence,
});
const index = indexOntology(GENERAL_ONTOLOGY);

test("name keys fold case, spacing, punctuation and plurals (acronym plurals too)", () => {
  assert.equal(nameKey("Graph Neural Networks"), nameKey("graph-neural network"));
  assert.equal(nameKey("GNNs"), nameKey("GNN"));
  assert.equal(nameKey("ＧＮＮ"), nameKey("gnn"), "NFKC");
  assert.notEqual(nameKey("Python 2"), nameKey("Python 3"));
});

test("GNN / GNNs / graph neural network (GNN) / Graph Neural Networks become one entity; edges follow", async () => {
  const r = await resolveEntities(
    {
      nodes: [
        node("GNN", 0),
        node("message passing", 0, "Concept"),
        node("GNNs", 1),
        node("graph neural network (GNN)", 2),
        node("Message-passing", 2, "Concept"),
        node("Graph Neural Networks", 3, "Concept"),
        node("GNN", 3),
      ],
      edges: [
        edge("GNNs", "message passing", 1, 0.6),
        edge("graph neural network (GNN)", "Message-passing", 2, 0.9),
        edge("GNN", "Graph Neural Networks", 3),
      ],
    },
    { index },
  );
  const gnn = r.nodes.find((n) => n.name === "GNN");
  assert.ok(gnn, r.nodes.map((n) => n.name).join(", "));
  assert.deepEqual(
    new Set(gnn.aliases),
    new Set(["GNNs", "graph neural network (GNN)", "Graph Neural Networks"]),
  );
  assert.equal(gnn.type, "Method", "the most mentioned type");
  assert.deepEqual(gnn.chunks, [0, 1, 2, 3]);
  assert.equal(gnn.source_chunk_id, 0);
  assert.ok(gnn.description.includes(" | "), "descriptions merged");
  assert.equal(r.nodes.length, 2);
  // Both edges collapse into one (the stronger one); the GNN → "Graph Neural Networks" edge is a self-loop now.
  assert.equal(r.edges.length, 1);
  assert.equal(r.edges[0]!.start, "GNN");
  assert.equal(r.edges[0]!.target, "message passing");
  assert.equal(r.edges[0]!.confidence, 0.9);
  assert.deepEqual(r.mentions.get(2)?.sort(), ["GNN", "message passing"]);
});

test("an acronym the document defines merges with its long form", async () => {
  const graph = { nodes: [node("LLM", 0), node("large language model", 1)], edges: [] };
  const without = await resolveEntities(graph, { index });
  assert.equal(without.nodes.length, 2, "not merged without evidence and without an LLM");
  const withText = await resolveEntities(graph, {
    index,
    text: "We study large language models (LLMs) and how they learn.",
  });
  assert.equal(withText.nodes.length, 1);
});

test("grey pairs stay apart without an LLM; an LLM decides them in one call per type", async () => {
  const graph = {
    nodes: [
      node("GPT-4", 0, "Technology"),
      node("GPT-4o", 1, "Technology"),
      node("React", 0, "Technology"),
      node("Preact", 1, "Technology"),
      node("Python 2", 0, "Technology"),
      node("Python 3", 1, "Technology"),
      node("convolution network", 0),
      node("convolutional network", 1),
    ],
    edges: [],
  };
  const local = await resolveEntities(graph, { index });
  assert.equal(local.nodes.length, 8, "nothing merged on similarity alone in the grey band");
  assert.ok(local.stats.greyPairs >= 3);

  const asked: string[] = [];
  const { model, calls } = microscopeModel({
    resolve: (o) => {
      const text = promptText(o);
      asked.push(text);
      const lines = [...text.matchAll(/^(\d+)\. "([^"]+)".*\| "([^"]+)"/gm)];
      return {
        decisions: lines.map((m) => ({ pair: Number(m[1]), same: m[2]!.startsWith("convolution") })),
      };
    },
  });
  const llm = createLlmFromModel(model, fastRuntime());
  const r = await resolveEntities(graph, { index, llm });
  assert.equal(calls.resolve, 2, "one call per type with grey pairs (Technology, Method)");
  assert.equal(llm.ledger.calls, 2);
  assert.equal(r.nodes.length, 7, "only the confirmed pair merged");
  assert.ok(r.nodes.some((n) => n.name.startsWith("convolution") && n.aliases.length === 1));
  assert.ok(!asked.join("\n").includes('"Python 2" | "GPT'), "pairs are only within similar names");
  assert.equal(r.stats.llmMerges, 1);
});

test("the LLM is asked at most MAX_RESOLUTION_CALLS times with at most MAX_PAIRS_PER_CALL pairs", async () => {
  const types = ["Method", "Concept", "Technology", "Artifact", "Event", "Topic", "Metric"];
  const nodes: GraphNode[] = [];
  types.forEach((type, t) => {
    for (let k = 0; k < 12; k++) {
      nodes.push(node(`${type} system ${String.fromCharCode(97 + k)}x${t}`, k, type));
      nodes.push(node(`${type} systems ${String.fromCharCode(97 + k)}y${t}`, k + 1, type));
    }
  });
  const pairsPerCall: number[] = [];
  const { model, calls } = microscopeModel({
    resolve: (o) => {
      pairsPerCall.push([...promptText(o).matchAll(/^\d+\. /gm)].length);
      return { decisions: [] };
    },
  });
  const llm = createLlmFromModel(model, fastRuntime());
  const r = await resolveEntities({ nodes, edges: [] }, { index, llm });
  assert.ok(r.stats.greyPairs > MAX_RESOLUTION_CALLS * 3);
  assert.equal(calls.resolve, MAX_RESOLUTION_CALLS);
  assert.equal(llm.ledger.calls, MAX_RESOLUTION_CALLS);
  assert.ok(
    pairsPerCall.every((n) => n >= 1 && n <= MAX_PAIRS_PER_CALL),
    pairsPerCall.join(","),
  );
});

test("embeddings merge aliases with different spellings; failures only skip that step", async () => {
  const graph = {
    nodes: [node("automobile", 0, "Concept"), node("motorcar", 1, "Concept"), node("bicycle", 2, "Concept")],
    edges: [],
  };
  const vec = (x: number, y: number) => Float32Array.from([x, y, 0]);
  const table: Record<string, Float32Array> = {
    automobile: vec(1, 0.01),
    motorcar: vec(0.99, 0.02),
    bicycle: vec(0.2, 1),
  };
  const r = await resolveEntities(graph, { index, embed: async (texts) => texts.map((t) => table[t]!) });
  assert.equal(r.nodes.length, 2);
  assert.equal(r.stats.embeddedNames, 3);
  const failed = await resolveEntities(graph, {
    index,
    embed: async () => {
      throw new Error("model not loaded");
    },
  });
  assert.equal(failed.nodes.length, 3);
  assert.match(failed.stats.failures[0]!, /embedding/);
});
