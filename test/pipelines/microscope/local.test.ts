/** The no-LLM path: key phrases as entities, sentence co-occurrence as related_to edges, deterministic. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { validateOutput } from "../../../src/contract/files/validate.js";
import { extractLocal } from "../../../src/pipelines/microscope/extract/local.js";
import {
  chunkText,
  GENERAL_ONTOLOGY,
  indexOntology,
  ingestDocument,
} from "../../../src/pipelines/microscope/index.js";
import { debianDocument, GNN_NOTE } from "./fixtures.js";

const fold = (s: string) => s.replace(/\s+/g, " ").trim();

async function localIngest(text: string, language?: string) {
  return ingestDocument({
    text,
    sourceType: "document",
    blockMode: false,
    generateMicroGraphs: false,
    ...(language ? { language } : {}),
  });
}

for (const lang of ["en", "ko"] as const) {
  test(`local extraction (${lang}): valid standardized.json, grounded evidence, one entry per entity`, async () => {
    const text = debianDocument(lang, 25);
    const r = await localIngest(text);
    const file = validateOutput("standardized.json", r.standardized);
    assert.equal(r.metadata.extraction, "local");
    assert.equal(r.metadata.localFallback, "no_llm");
    assert.equal(r.metadata.llmCalls, 0);
    assert.equal(file.length, r.chunks.length, "one graph per chunk");
    const nodes = file.flatMap((g) => g.nodes);
    const edges = file.flatMap((g) => g.edges);
    assert.ok(nodes.length >= r.chunks.length * 2, `${nodes.length} entities`);
    assert.ok(edges.length >= r.chunks.length, `${edges.length} relations`);
    const names = new Set(nodes.map((n) => n.name));
    assert.equal(names.size, nodes.length, "each entity appears once in the file");
    const folded = fold(text);
    for (const n of nodes) {
      assert.equal(n.type, "Concept");
      assert.ok(Number.isInteger(n.source_chunk_id));
    }
    for (const e of edges) {
      assert.equal(e.type, "related_to");
      assert.ok(names.has(e.start) && names.has(e.target), "no dangling edge");
      assert.notEqual(e.start, e.target);
      assert.ok(e.confidence >= 0.3 && e.confidence <= 0.9, `confidence ${e.confidence}`);
      assert.ok(folded.includes(fold(e.evidence).replace(/…$/, "")), `evidence from the text: ${e.evidence}`);
    }
    // Chunks carry the entity names for the vector index; every name is a node of the file.
    assert.ok(r.chunks.every((c) => c.entityNames.length > 0));
    for (const c of r.chunks) for (const n of c.entityNames) assert.ok(names.has(n), n);
  });
}

test("local extraction is deterministic and keeps the document's spelling of names", async () => {
  const a = await localIngest(GNN_NOTE);
  const b = await localIngest(GNN_NOTE);
  assert.deepEqual(a.standardized, b.standardized);
  const names = a.standardized!.flatMap((g) => g.nodes.map((n) => n.name));
  assert.ok(names.includes("message passing") || names.includes("Message passing"), names.join(", "));
  assert.ok(!names.some((n) => n === "gnn"), "acronyms keep their capitals");
});

test("relations are stronger for entities that co-occur more often", () => {
  const text = [
    "Alpha engine powers the Beta rover.",
    "The Alpha engine and the Beta rover were tested together.",
    "Alpha engine output reached the Beta rover again.",
    "The Gamma antenna was mentioned once with the Alpha engine.",
    "Gamma antenna signals are weak.",
    "Delta sensors appear alone.",
  ].join(" ");
  const chunks = chunkText(text);
  const graph = extractLocal(chunks, { index: indexOntology(GENERAL_ONTOLOGY) });
  const conf = (x: string, y: string) =>
    graph.edges.find(
      (e) => (e.start.includes(x) && e.target.includes(y)) || (e.start.includes(y) && e.target.includes(x)),
    )?.confidence;
  const strong = conf("Alpha", "Beta");
  const weak = conf("Alpha", "Gamma");
  assert.ok(strong !== undefined && weak !== undefined, JSON.stringify(graph.edges));
  assert.ok(strong > weak, `${strong} > ${weak}`);
});
