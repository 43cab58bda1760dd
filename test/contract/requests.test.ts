import assert from "node:assert/strict";
import { test } from "node:test";
import {
  addNodeRequestSchema,
  graphGenerationRequestSchema,
  graphSummaryRequestSchema,
  microscopeIngestFromNodeRequestSchema,
  microscopeIngestRequestSchema,
  microscopeQueryRequestSchema,
  microscopeRelatedQuestionsRequestSchema,
  microscopeSynthesizeRequestSchema,
  parseEnvelope,
  REQUEST_TASK_TYPES,
  requestPayloadSchemas,
} from "../../src/contract/index.js";
import { graphGenerationMessage, json, microscopeFromNodeMessage } from "./examples.js";

function payloadOf(message: string): Record<string, unknown> {
  return json<{ payload: Record<string, unknown> }>(message).payload;
}

test("every request type has a payload schema; ADD_CONVERSATION_REQUEST is ADD_NODE_REQUEST's", () => {
  for (const type of REQUEST_TASK_TYPES) assert.ok(requestPayloadSchemas[type], type);
  assert.equal(requestPayloadSchemas.ADD_CONVERSATION_REQUEST, requestPayloadSchemas.ADD_NODE_REQUEST);
});

test("the contract's request examples validate through their envelope", () => {
  for (const message of [graphGenerationMessage, microscopeFromNodeMessage]) {
    const parsed = parseEnvelope(message);
    assert.ok(parsed.ok);
    const type = parsed.envelope.taskType as (typeof REQUEST_TASK_TYPES)[number];
    const checked = requestPayloadSchemas[type].safeParse(parsed.envelope.payload);
    assert.ok(checked.success, JSON.stringify(checked.error?.issues));
  }
  const fromNode = microscopeIngestFromNodeRequestSchema.parse(payloadOf(microscopeFromNodeMessage));
  assert.equal(fromNode.block_mode, true);
  assert.equal(fromNode.generate_micro_graphs, true);
  assert.equal(fromNode.schema_name, undefined);
});

test("graph generation: incumbent defaults, but no default language", () => {
  const p = graphGenerationRequestSchema.parse({ userId: "u1", s3Key: "graph-generation/t/" });
  assert.equal(p.minClusters, 3);
  assert.equal(p.maxClusters, 8);
  assert.equal(p.includeSummary, true);
  assert.equal(p.inputType, "auto");
  assert.deepEqual(p.extraS3Keys, []);
  assert.equal(p.numClusters, undefined);
  assert.equal(p.language, undefined);
  assert.equal(p.summaryLanguage, undefined);
  assert.equal(p.bucket, undefined);
});

test("null and blank optional fields count as absent", () => {
  const p = graphGenerationRequestSchema.parse({
    userId: "u1",
    s3Key: "k/",
    language: null,
    bucket: "",
    includeSummary: null,
    numClusters: null,
  });
  assert.equal(p.language, undefined);
  assert.equal(p.bucket, undefined);
  assert.equal(p.includeSummary, true);
  assert.equal(p.numClusters, undefined);
  assert.equal(
    graphGenerationRequestSchema.parse({ userId: "u1", s3Key: "k/", includeSummary: false }).includeSummary,
    false,
  );
});

test("unknown extra fields on request payloads pass and are kept", () => {
  const p = addNodeRequestSchema.parse({
    userId: "u1",
    s3Key: "add-node/t/batch.json",
    futureFlag: { x: 1 },
  });
  assert.deepEqual((p as Record<string, unknown>).futureFlag, { x: 1 });
  const s = graphSummaryRequestSchema.parse({
    userId: "u1",
    graphS3Key: "graph-summary/t/graph.json",
    bucket: "graph-node-payloads",
    extra: true,
  });
  assert.equal((s as Record<string, unknown>).extra, true);
  assert.equal(s.language, undefined);
});

test("request payloads that cannot be served are rejected", () => {
  const bad: Array<[keyof typeof requestPayloadSchemas, unknown]> = [
    ["GRAPH_GENERATION_REQUEST", { s3Key: "k/" }],
    ["GRAPH_GENERATION_REQUEST", { userId: "", s3Key: "k/" }],
    ["GRAPH_GENERATION_REQUEST", { userId: "u1", s3Key: "k/", minClusters: 9, maxClusters: 8 }],
    ["GRAPH_GENERATION_REQUEST", { userId: "u1", s3Key: "k/", minClusters: "3" }],
    ["ADD_NODE_REQUEST", { userId: "u1" }],
    ["GRAPH_SUMMARY_REQUEST", { userId: "u1", s3Key: "x" }],
    ["MICROSCOPE_INGEST_REQUEST", { user_id: "u1", group_id: "g", s3_key: "k" }],
    ["MICROSCOPE_INGEST_FROM_NODE_REQUEST", { user_id: "u1", node_id: "n1", node_type: "file" }],
    ["MICROSCOPE_QUERY_REQUEST", { query: "  " }],
    ["MICROSCOPE_SYNTHESIZE_REQUEST", { user_id: "u1" }],
    ["MICROSCOPE_RELATED_QUESTIONS_REQUEST", { query: "q", top_k: 0 }],
    ["ADD_CONVERSATION_REQUEST", null],
  ];
  for (const [type, payload] of bad) {
    assert.equal(
      requestPayloadSchemas[type].safeParse(payload).success,
      false,
      `${type} ${JSON.stringify(payload)}`,
    );
  }
});

test("microscope ingest: pydantic aliases schema and generateMicroGraphs, incumbent defaults", () => {
  const ontology = { node_types: ["Concept"], edge_types: [{ name: "uses" }] };
  const raw = microscopeIngestRequestSchema.parse({
    user_id: "u1",
    group_id: "g1",
    s3_key: "microscope-ingest/u1/d1/a b.pdf",
    bucket: "b",
    file_name: "a b.pdf",
    ingest_mode: "raw_file",
    schema: ontology,
    generateMicroGraphs: true,
  });
  assert.deepEqual(raw.ontology_schema, ontology);
  assert.equal(raw.generate_micro_graphs, true);
  // The alias keys stay on the parsed object (see resolveIngestAliases); handlers read the canonical names.
  assert.equal(raw.block_mode, false);
  assert.equal(raw.block_granularity, "medium");
  assert.equal(raw.source_type, "chat");
  assert.equal(raw.skip_store, false);
  assert.equal(raw.language, undefined);

  const both = microscopeIngestFromNodeRequestSchema.parse({
    user_id: "u1",
    node_id: "n1",
    node_type: "conversation",
    generate_micro_graphs: false,
    generateMicroGraphs: true,
    ontology_schema: { node_types: ["A"] },
    schema: ontology,
  });
  assert.equal(both.generate_micro_graphs, false, "the snake_case name wins");
  assert.deepEqual(both.ontology_schema, { node_types: ["A"] });
  assert.equal(both.group_id, "");
  assert.equal(both.generate_micro_graphs, false);
});

test("microscope RAG requests: defaults top_k 5, hop_depth 1, no_rag false, ids default to empty", () => {
  const q = microscopeQueryRequestSchema.parse({ query: "what is a GNN?" });
  assert.equal(q.top_k, 5);
  assert.equal(q.hop_depth, 1);
  assert.equal(q.no_rag, false);
  assert.equal(q.user_id, "");
  assert.equal(q.group_id, "");
  const s = microscopeSynthesizeRequestSchema.parse({
    topic: "graphs",
    user_id: "u1",
    group_id: "g1",
    top_k: 8,
  });
  assert.equal(s.topic, "graphs");
  assert.equal(s.top_k, 8);
  assert.equal(microscopeSynthesizeRequestSchema.parse({ query: "graphs" }).topic, "graphs");
  const r = microscopeRelatedQuestionsRequestSchema.parse({ query: "q", hop_depth: 2, api_key: null });
  assert.equal(r.hop_depth, 2);
  assert.equal(r.api_key, undefined);
});
