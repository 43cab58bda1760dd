/** Ontology choice: the request's schema wins, then a known name, else the general one (never a failure). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { TaskError } from "../../../src/contract/errors.js";
import { validateOutput } from "../../../src/contract/files/validate.js";
import {
  GENERAL_ONTOLOGY,
  indexOntology,
  ingestDocument,
  NAMED_ONTOLOGIES,
  resolveOntology,
} from "../../../src/pipelines/microscope/index.js";
import { GNN_NOTE } from "./fixtures.js";

test("an unknown schema name (the e2e's test_schema) or none falls back to the general ontology", () => {
  const unknown = resolveOntology({ schemaName: "test_schema" });
  assert.equal(unknown.ontology, GENERAL_ONTOLOGY);
  assert.equal(unknown.source, "default");
  assert.equal(unknown.requested, "test_schema");
  const none = resolveOntology({});
  assert.equal(none.ontology.name, "general");
  assert.equal(none.requested, undefined);
  assert.equal(resolveOntology({ schemaName: "  " }).requested, undefined);
});

test("known names match with the incumbent's file-name decoration and any case", () => {
  assert.ok(NAMED_ONTOLOGIES.size >= 3);
  for (const name of ["research", "RESEARCH", "ontology_schema_research.json", "paper"]) {
    const r = resolveOntology({ schemaName: name });
    assert.equal(r.source, "named", name);
    assert.equal(r.ontology.name, "research");
  }
  assert.equal(resolveOntology({ schemaName: "default" }).ontology.name, "general");
});

test("the request's schema object wins over the name; strings and objects both work as types", () => {
  const r = resolveOntology({
    schemaName: "research",
    schema: {
      node_types: ["Dish", { name: "Ingredient", description: "food item" }],
      edge_types: ["contains", { name: "pairs_with", forbidden_pairs: [["Ingredient", "any"]] }],
      _comment: "ignored",
    },
  });
  assert.equal(r.source, "request");
  assert.equal(r.ontology.name, "research", "named after the requested schema");
  assert.deepEqual(r.ontology.node_types, ["Dish", "Ingredient"]);
  assert.deepEqual(
    r.ontology.edge_types.map((e) => e.name),
    ["contains", "pairs_with"],
  );
  assert.ok(Object.keys(r.ontology.node_fields).length > 0, "default field instructions");
  const idx = indexOntology(r.ontology);
  assert.equal(idx.nodeType("dish"), "Dish");
  assert.equal(idx.edgeType("PAIRS WITH"), "pairs_with");
  assert.equal(idx.isForbidden("pairs_with", "Ingredient", "Dish"), true);
  assert.equal(idx.isForbidden("pairs_with", "Dish", "Ingredient"), false);
  assert.equal(idx.genericNodeType, "Dish", "no Concept-like type: the first one");
});

test("an invalid schema object is a terminal VALIDATION_ERROR naming the problem", () => {
  for (const schema of [{ node_types: [] }, { node_types: ["A"], edge_types: "x" }, "not an object"]) {
    assert.throws(
      () => resolveOntology({ schema }),
      (err: unknown) =>
        err instanceof TaskError &&
        err.code === "VALIDATION_ERROR" &&
        err.kind === "terminal" &&
        /ontology/i.test(err.message),
    );
  }
});

test("the general ontology: generic types for the local fallback, forbidden pairs with 'any'", () => {
  const idx = indexOntology(GENERAL_ONTOLOGY);
  assert.equal(idx.genericNodeType, "Concept");
  assert.equal(idx.genericEdgeType, "related_to");
  assert.equal(idx.isForbidden("affiliated_with", "Concept", "Organization"), true);
  assert.equal(idx.isForbidden("affiliated_with", "Person", "Organization"), false);
  assert.equal(idx.nodeType("[[method]]"), "Method");
});

test("ingest with test_schema completes with the general ontology and says so", async () => {
  const r = await ingestDocument({
    text: GNN_NOTE,
    sourceType: "note",
    blockMode: false,
    generateMicroGraphs: false,
    schemaName: "test_schema",
  });
  validateOutput("standardized.json", r.standardized);
  assert.equal(r.metadata.ontology, "general");
  assert.equal(r.metadata.ontologySource, "default");
  assert.equal(r.metadata.requestedSchema, "test_schema");
});
