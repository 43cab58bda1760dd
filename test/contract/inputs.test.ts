import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { test } from "node:test";
import {
  addNodeBatchFileSchema,
  conversationElementSchema,
  inputJsonSchema,
  notesFileSchema,
  notionFileSchema,
  summaryInputGraphSchema,
} from "../../src/contract/index.js";
import { datasetDir } from "../support/datasets.js";
import { addNodeBatchJson, inputJson, json, notesJson } from "./examples.js";

test("the contract's input.json, notes.json and batch.json examples parse", () => {
  assert.equal(inputJsonSchema.parse(json(inputJson)).length, 1);
  assert.equal(notesFileSchema.parse(json(notesJson)).source_nodes[0]?.id, "n1");
  const batch = addNodeBatchFileSchema.parse(json(addNodeBatchJson));
  assert.equal(batch.files?.length, 1);
  assert.deepEqual(batch.conversations?.[0]?.mapping, {});
});

test("input.json tolerates empty mappings, null messages, extra keys; needs some id", () => {
  const conv = {
    id: "c9",
    title: "t",
    create_time: 0,
    update_time: 0,
    current_node: "m1",
    mapping: { m1: { id: "m1", message: null, parent: null, children: [] } },
  };
  assert.ok(conversationElementSchema.safeParse(conv).success);
  assert.ok(inputJsonSchema.safeParse([]).success);
  const { id: _, ...noId } = conv;
  assert.equal(conversationElementSchema.safeParse(noId).success, false);
  assert.ok(conversationElementSchema.safeParse({ ...noId, conversationId: "c9" }).success);
});

test("the test-endpoint batch variant (no notes, no conversationId, no files) parses", () => {
  const variant = {
    userId: "user-12345",
    existingClusters: [],
    conversations: [
      { id: "c2", conversation_id: "c2", title: "x", create_time: 1, update_time: 2, mapping: {} },
    ],
  };
  const batch = addNodeBatchFileSchema.parse(variant);
  assert.equal(batch.notes, undefined);
  assert.equal(batch.files, undefined);
  assert.equal(
    addNodeBatchFileSchema.safeParse({ ...variant, existingClusters: [{ name: "no id" }] }).success,
    false,
  );
});

test("notions.json (code) and notion.json (doc, with tree and schema_version) both parse", () => {
  const page = {
    id: "1f2e3d4c-0000-4000-8000-000000000000",
    title: "Page",
    sections: [{ id: "1f2e3d4c-0000-4000-8000-000000000000-body", content: "text" }],
    source_type: "notion",
    create_time: 1760000000,
    update_time: 1760000000,
  };
  assert.ok(notionFileSchema.safeParse({ source_nodes: [page] }).success);
  const documented = {
    schema_version: "1.0",
    integration_id: "i1",
    workspace_id: "w1",
    synced_at: "2026-06-01T00:00:00Z",
    tree: { nodes: [{ id: page.id, parent_id: null, children: [] }] },
    source_nodes: [page],
  };
  assert.ok(notionFileSchema.safeParse(documented).success);
  assert.equal(notionFileSchema.safeParse({ tree: {} }).success, false);
});

test("the graph-summary input with the backend's quirks parses", () => {
  const graph = {
    nodes: [
      {
        id: 0,
        orig_id: "c1",
        cluster_id: "cluster_-1",
        cluster_name: "",
        keywords: [],
        top_keywords: [],
        timestamp: null,
      },
      {
        id: 1,
        orig_id: "n1",
        cluster_id: "cluster_1",
        cluster_name: "",
        keywords: [],
        top_keywords: [],
        timestamp: "2026-06-01T00:00:00.000Z",
        num_sections: 1,
        source_type: "markdown",
      },
    ],
    edges: [{ source: 0, target: 1, weight: 0, type: "hard", is_intra_cluster: false }],
    subclusters: [
      {
        id: "s1",
        cluster_id: "cluster_1",
        node_ids: [0, 1],
        representative_node_id: -1,
        size: 2,
        density: 0,
        top_keywords: [],
      },
    ],
    metadata: {
      generated_at: "2026-06-12T10:00:00.000Z",
      total_nodes: 2,
      total_edges: 1,
      total_clusters: 1,
      clusters: { cluster_1: { name: "", description: "", size: 1, key_themes: ["GNN"] } },
      language: "ko",
    },
  };
  assert.ok(summaryInputGraphSchema.safeParse(graph).success);
  assert.equal(
    summaryInputGraphSchema.safeParse({ ...graph, nodes: [{ id: "0", orig_id: "c1" }] }).success,
    false,
  );
});

const DATASET = datasetDir("debian-dev");
test("the debian-dev data set's input.json and notes.json parse", {
  skip: !existsSync(`${DATASET}/input.json`),
}, () => {
  const conversations = inputJsonSchema.parse(JSON.parse(readFileSync(`${DATASET}/input.json`, "utf8")));
  assert.ok(conversations.length > 100);
  const notes = notesFileSchema.parse(JSON.parse(readFileSync(`${DATASET}/notes.json`, "utf8")));
  assert.ok(notes.source_nodes.length > 10);
});
