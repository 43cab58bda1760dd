/** LLM extraction with AI SDK mock models: parallel batches, post-filter, repair, failures, call bounds. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createLlmFromModel } from "../../../src/ai/llm/index.js";
import { TaskError } from "../../../src/contract/errors.js";
import { validateOutput } from "../../../src/contract/files/validate.js";
import { maxBatches } from "../../../src/pipelines/microscope/extract/batches.js";
import { extractWithLlm } from "../../../src/pipelines/microscope/extract/llm.js";
import { promptOverheadTokens } from "../../../src/pipelines/microscope/extract/prompt.js";
import {
  chunkText,
  GENERAL_ONTOLOGY,
  indexOntology,
  ingestDocument,
} from "../../../src/pipelines/microscope/index.js";
import { MAX_RESOLUTION_CALLS } from "../../../src/pipelines/microscope/resolve/ask.js";
import { apiError, fastRuntime, reply, scripted } from "../../ai/llm/support.js";
import { fakeExtraction, GNN_NOTE, microscopeModel } from "./fixtures.js";

const fold = (s: string) => s.replace(/\s+/g, " ").trim();
const index = indexOntology(GENERAL_ONTOLOGY);

test("valid answers: parallel batches, grounded graph, GNN variants resolved, calls within the bound", async () => {
  const { model, calls, maxInFlight } = microscopeModel({ extract: (o) => fakeExtraction(o) });
  const llm = createLlmFromModel(model, fastRuntime());
  const chunkTokens = 60;
  // Room for about two chunks per batch next to the prompt.
  const batchTokens = promptOverheadTokens(GENERAL_ONTOLOGY, "en") + 140;
  const r = await ingestDocument({
    text: GNN_NOTE,
    sourceType: "note",
    blockMode: false,
    generateMicroGraphs: false,
    language: "en",
    llm,
    chunkTokens,
    overlapTokens: 10,
    batchTokens,
  });
  const file = validateOutput("standardized.json", r.standardized);
  assert.equal(r.metadata.extraction, "llm");
  assert.equal(r.metadata.localFallback, null);
  assert.ok(r.stats.extractionBatches >= 2, `${r.stats.extractionBatches} batches`);
  assert.ok(maxInFlight() > 1, "batches run in parallel");
  const nodes = file.flatMap((g) => g.nodes);
  const edges = file.flatMap((g) => g.edges);
  const gnn = nodes.filter((n) => /gnn|graph neural/i.test(n.name));
  assert.equal(gnn.length, 1, `one GNN entity: ${gnn.map((n) => n.name).join(", ")}`);
  assert.equal(gnn[0]!.type, "Method");
  assert.ok((gnn[0]!.aliases as string[]).length >= 2, "its variants are kept as aliases");
  const names = new Set(nodes.map((n) => n.name));
  for (const e of edges) {
    assert.ok(names.has(e.start) && names.has(e.target), `${e.start} → ${e.target}`);
    assert.ok(fold(GNN_NOTE).includes(fold(e.evidence)), e.evidence);
    assert.ok(Number.isInteger(e.source_chunk_id) && e.source_chunk_id! < r.chunks.length);
  }
  assert.ok(r.chunks.some((c) => c.entityNames.includes(gnn[0]!.name)));
  // Calls: every call is in the ledger and in the metadata, within the documented bound.
  const ledger = llm.ledger.toJSON();
  assert.equal(ledger.calls, r.metadata.llmCalls);
  assert.equal(ledger.calls, calls.extract + calls.resolve);
  assert.equal(calls.extract, r.stats.extractionBatches);
  const maxChunkTokens = Math.max(...r.chunks.map((c) => c.tokens));
  const bound =
    maxBatches(r.chunks.length, maxChunkTokens, batchTokens, promptOverheadTokens(GENERAL_ONTOLOGY, "en")) +
    MAX_RESOLUTION_CALLS;
  assert.ok(ledger.calls <= bound, `${ledger.calls} calls ≤ ${bound}`);
});

test("post-filter: types mapped or dropped, forbidden/dangling/self-loop edges dropped, fields repaired", async () => {
  const text =
    "A GNN uses message passing between nodes. Alice works at MIT on graph attention. Attention weights neighbours.";
  const answer = {
    nodes: [
      { name: "GNN", type: "method", description: "A graph neural network." },
      { name: " Message  passing ", type: ["Unknown", "Method"], source_chunk_id: "0" },
      { name: "attention", type: "Feeling" },
      { name: "", type: "Concept" },
      { name: "Alice", type: "Person" },
      { name: "[[MIT]]", type: "Organization", source_chunk_id: 99 },
    ],
    edges: [
      {
        source: "GNN",
        target: "message passing",
        type: "USES",
        evidence: "an invented quote",
        confidence: "85",
      },
      { start: "GNN", target: "attention", type: "loves" },
      { start: "attention", target: "MIT", type: "affiliated_with" },
      { start: "GNN", target: "Nobody", type: "uses" },
      { start: "GNN", target: "gnn", type: "uses" },
      {
        start: "Alice",
        target: "MIT",
        type: "affiliated_with",
        confidence: 3.5,
        evidence: "Alice works at MIT",
      },
    ],
  };
  const llm = createLlmFromModel(scripted([reply(JSON.stringify(answer))]), fastRuntime());
  const chunks = chunkText(text);
  const out = await extractWithLlm(chunks, { index, llm });
  const byName = new Map(out.graph.nodes.map((n) => [n.name, n]));
  assert.deepEqual([...byName.keys()], ["GNN", "Message passing", "attention", "Alice", "MIT"]);
  assert.equal(byName.get("GNN")!.type, "Method");
  assert.equal(byName.get("Message passing")!.type, "Method");
  assert.equal(byName.get("attention")!.type, "Concept", "unknown node type → generic");
  assert.equal(byName.get("MIT")!.source_chunk_id, 0, "out-of-batch chunk id → the chunk that mentions it");
  assert.deepEqual(
    out.graph.edges.map((e) => [e.start, e.type, e.target]),
    [
      ["GNN", "uses", "Message passing"],
      ["Alice", "affiliated_with", "MIT"],
    ],
  );
  const [uses, works] = out.graph.edges;
  assert.equal(uses!.confidence, 0.85);
  assert.equal(
    uses!.evidence,
    "A GNN uses message passing between nodes.",
    "invented quote → the chunk's sentence",
  );
  assert.equal(works!.confidence, 1, "clamped");
  assert.equal(works!.evidence, "Alice works at MIT");
  assert.equal(typeof works!.description, "string");
  assert.deepEqual(
    {
      nodesDropped: out.counts.nodesDropped,
      nodeTypesMapped: out.counts.nodeTypesMapped,
      edgesUnknownType: out.counts.edgesUnknownType,
      edgesForbidden: out.counts.edgesForbidden,
      edgesDangling: out.counts.edgesDangling,
      edgesSelfLoop: out.counts.edgesSelfLoop,
      evidenceReplaced: out.counts.evidenceReplaced,
    },
    {
      nodesDropped: 1,
      nodeTypesMapped: 1,
      edgesUnknownType: 1,
      edgesForbidden: 1,
      edgesDangling: 1,
      edgesSelfLoop: 1,
      evidenceReplaced: 1,
    },
  );
});

test("malformed JSON is repaired by one more request", async () => {
  const good = { nodes: [{ name: "GNN", type: "Method", description: "d", source_chunk_id: 0 }], edges: [] };
  const llm = createLlmFromModel(
    scripted([reply('{"nodes": [{"name": "GNN", "type": '), reply(JSON.stringify(good))]),
    fastRuntime(),
  );
  const out = await extractWithLlm(chunkText("A GNN is a model."), { index, llm });
  assert.deepEqual(
    out.graph.nodes.map((n) => n.name),
    ["GNN"],
  );
  const ledger = llm.ledger.toJSON();
  assert.equal(ledger.calls, 1);
  assert.equal(ledger.repairs, 1);
});

test("malformed twice: a TaskError without a fallback; with it, ingest completes locally and says so", async () => {
  const broken = () => createLlmFromModel(scripted([reply("this is not JSON")]), fastRuntime());
  await assert.rejects(
    extractWithLlm(chunkText(GNN_NOTE), { index, llm: broken() }),
    (err: unknown) => err instanceof TaskError && err.code === "LLM_ERROR" && err.kind === "terminal",
  );
  const llm = broken();
  const r = await ingestDocument({
    text: GNN_NOTE,
    sourceType: "note",
    blockMode: false,
    generateMicroGraphs: false,
    llm,
  });
  validateOutput("standardized.json", r.standardized);
  assert.equal(r.metadata.extraction, "local");
  assert.equal(r.metadata.localFallback, "llm_failed");
  assert.ok(r.metadata.llmFailures.length >= 1);
  assert.ok(r.standardized!.flatMap((g) => g.nodes).length > 0, "the local graph is there");
  assert.equal(r.metadata.llmCalls, llm.ledger.calls);
});

test("a provider outage is a transient error (SQS retries the task), not a degraded graph", async () => {
  const llm = createLlmFromModel(scripted([apiError(503)]), fastRuntime({}));
  await assert.rejects(
    ingestDocument({ text: GNN_NOTE, sourceType: "note", blockMode: false, generateMicroGraphs: false, llm }),
    (err: unknown) => err instanceof TaskError && err.code === "LLM_ERROR" && err.kind === "transient",
  );
});

test("an aborted task stops the ingest", async () => {
  const { model } = microscopeModel({ extract: (o) => fakeExtraction(o) });
  const controller = new AbortController();
  controller.abort(new Error("task cancelled"));
  await assert.rejects(
    ingestDocument({
      text: GNN_NOTE,
      sourceType: "note",
      blockMode: false,
      generateMicroGraphs: false,
      llm: createLlmFromModel(model, fastRuntime()),
      signal: controller.signal,
    }),
    /task cancelled/,
  );
});
