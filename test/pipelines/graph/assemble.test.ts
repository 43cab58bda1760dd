import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { featuresFileSchema, featuresToWriteIssue } from "../../../src/contract/files/features.js";
import { graphOutputSchema } from "../../../src/contract/files/graph.js";
import { assembleGraph } from "../../../src/pipelines/graph/assemble.js";
import { buildMacroGraph } from "../../../src/pipelines/graph/build.js";
import { dropSharedTerms, localClusterLabel } from "../../../src/pipelines/graph/localNames.js";
import type { ClusterLabel } from "../../../src/pipelines/naming/clusterNames.js";
import type { SourceItem } from "../../../src/pipelines/sources/types.js";
import { makeBlobs } from "../macro/synthetic.js";

describe("graph.json and features.json assembly", () => {
  const blobs = makeBlobs({ blobs: 4, perBlob: [40, 30, 25, 15], dimension: 32, seed: 51 });
  const n = blobs.vectors.length;
  const topics = [
    "telescope galaxy orbit",
    "sourdough flour oven",
    "chess opening endgame",
    "tomato garden soil",
  ];
  const kinds = ["chat", "markdown", "pdf", "file"] as const;
  const items: SourceItem[] = blobs.truth.map((t, i) => ({
    kind: kinds[i % 4] === "chat" ? "conversation" : kinds[i % 4] === "markdown" ? "note" : "file",
    origId: i % 7 === 0 ? `01KT1AJS0YPC4C3805641T${String(i).padStart(4, "0")}` : `conv-${i}`,
    title: `item ${i}`,
    sourceType: kinds[i % 4]!,
    numSections: 1 + (i % 5),
    createTime: i % 9 === 0 ? null : 1_740_000_000 + i * 3600,
    updateTime: null,
    texts: [{ text: `${topics[t]} notes about ${topics[t]!.split(" ")[i % 3]} number${i % 11}` }],
    meta: {},
  }));
  const packed = new Float32Array(n * 32);
  for (const [i, v] of blobs.vectors.entries()) packed.set(v, i * 32);
  const built = buildMacroGraph(
    {
      items,
      minClusters: 2,
      maxClusters: 8,
      seed: 5,
      precomputed: { data: packed, dimension: 32, model: "blobs" },
    },
    { progress: () => {} },
  );
  // Local names as the GRAPH_GENERATION task makes them; the last cluster is left without a label.
  const terms = dropSharedTerms(built.clusterTerms);
  const labels = new Map<string, ClusterLabel>(
    built.clusterIds
      .slice(0, -1)
      .map((id, c) => [id, localClusterLabel(terms[c] ?? [], built.clusterSizes[c] ?? 0, "en", id)]),
  );
  const embedding = { provider: "test", model: "blobs", dimension: 32 };
  const { graph, features } = assembleGraph(items, built, labels, {
    language: "en",
    naming: "local",
    generatedAt: "2026-06-12T10:05:00.000Z",
    embedding,
    extraMetadata: { timing: built.timings, clusters: "must not win", total_nodes: -1 },
  });

  it("passes the contract schemas", () => {
    assert.ok(built.clusterIds.length >= 2);
    const g = graphOutputSchema.safeParse(graph);
    assert.ok(g.success, g.success ? "" : JSON.stringify(g.error.issues.slice(0, 3)));
    // The written file (rows serialise from their views) against the schema a reader uses, and the writer's check.
    assert.equal(featuresToWriteIssue(features), undefined);
    const f = featuresFileSchema.safeParse(JSON.parse(JSON.stringify(features)));
    assert.ok(f.success, f.success ? "" : JSON.stringify(f.error.issues.slice(0, 3)));
  });

  it("numbers nodes 0…N−1 in input order with their exact orig_id and fields", () => {
    assert.equal(graph.nodes.length, n);
    graph.nodes.forEach((node, i) => {
      const item = items[i]!;
      assert.equal(node.id, i);
      assert.equal(node.orig_id, item.origId);
      assert.equal(node.title, item.title);
      assert.equal(node.source_type, item.sourceType);
      assert.equal(node.num_sections, item.numSections);
      assert.equal(
        node.timestamp,
        item.createTime === null ? null : new Date(item.createTime * 1000).toISOString(),
      );
      assert.ok(node.keywords.length > 0, `node ${i} has keywords`);
      assert.deepEqual(
        node.top_keywords,
        node.keywords.slice(0, 3).map((k) => k.term),
      );
      assert.equal(node.cluster_name, graph.metadata.clusters[node.cluster_id]!.name);
    });
    assert.equal(graph.nodes[0]!.timestamp, null);
    assert.equal(graph.nodes[1]!.timestamp, "2025-02-19T22:20:00.000Z");
  });

  it("lists every cluster in metadata with true sizes, string key_themes and the id as a missing label's name", () => {
    const meta = graph.metadata;
    assert.equal(meta.total_nodes, n);
    assert.equal(meta.total_edges, graph.edges.length);
    assert.equal(meta.total_clusters, Object.keys(meta.clusters).length);
    assert.equal(meta.generated_at, "2026-06-12T10:05:00.000Z");
    for (const [id, c] of Object.entries(meta.clusters)) {
      assert.match(id, /^cluster_\d+$/);
      assert.equal(c.size, graph.nodes.filter((node) => node.cluster_id === id).length);
      assert.ok(Array.isArray(c.key_themes) && c.key_themes.every((t) => typeof t === "string"));
    }
    const unlabelled = built.clusterIds[built.clusterIds.length - 1]!;
    assert.equal(meta.clusters[unlabelled]!.name, unlabelled);
    const extra = meta as Record<string, unknown>;
    assert.deepEqual(extra.embedding, embedding);
    assert.equal(extra.naming, "local");
    assert.deepEqual(extra.timing, built.timings, "extra metadata is kept");
  });

  it("writes semantic edges with true intra-cluster flags and subclusters of real nodes", () => {
    assert.ok(graph.edges.some((e) => e.confidence === "high"));
    for (const e of graph.edges) {
      assert.equal(e.type, "semantic");
      assert.equal(
        e.is_intra_cluster,
        graph.nodes[e.source]!.cluster_id === graph.nodes[e.target]!.cluster_id,
      );
      assert.ok(["high", "medium", "low"].includes(String(e.confidence)));
    }
    assert.ok((graph.subclusters ?? []).length > 0);
    for (const s of graph.subclusters ?? []) {
      assert.ok(Object.hasOwn(graph.metadata.clusters, s.cluster_id));
      for (const v of s.node_ids) assert.equal(graph.nodes[v]!.cluster_id, s.cluster_id);
    }
  });

  it("builds features.json in node order with compact vectors", () => {
    assert.equal(features.conversations.length, n);
    features.conversations.forEach((c, i) => {
      assert.equal(c.id, i);
      assert.equal(c.orig_id, items[i]!.origId);
      assert.equal(c.create_time, items[i]!.createTime ?? 0);
      assert.equal(c.update_time, 0);
    });
    // What is written (the rows are views, rounded when serialised) is what a reader of the file parses.
    const written = featuresFileSchema.parse(JSON.parse(JSON.stringify(features)));
    const row = written.embeddings[3]!;
    assert.equal(row.length, 32);
    row.forEach((x, j) => {
      assert.ok(Math.abs(x - blobs.vectors[3]![j]!) <= 5e-7 + 1e-9);
      assert.ok(String(x).length <= 9, `compact float ${x}`);
    });
  });
});
