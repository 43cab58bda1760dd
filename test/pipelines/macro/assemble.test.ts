import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { featuresFileSchema } from "../../../src/contract/files/features.js";
import { graphOutputSchema } from "../../../src/contract/files/graph.js";
import {
  assembleFeatures,
  assembleGraph,
  isoFromUnix,
  type MacroItem,
} from "../../../src/pipelines/macro/assemble.js";
import { localClusterLabels } from "../../../src/pipelines/macro/naming.js";
import { runMacroAlgorithms } from "../../../src/pipelines/macro/pipeline.js";
import { makeBlobs } from "./synthetic.js";

describe("graph assembly", () => {
  const blobs = makeBlobs({ blobs: 4, perBlob: [40, 30, 25, 15], dimension: 32, seed: 51 });
  const n = blobs.vectors.length;
  const kinds = ["chat", "markdown", "pdf", "file"] as const;
  const items: MacroItem[] = blobs.truth.map((t, i) => ({
    origId: i % 7 === 0 ? `01KT1AJS0YPC4C3805641T${String(i).padStart(4, "0")}` : `conv-${i}`,
    title: `item ${i}`,
    sourceType: kinds[i % 4]!,
    numSections: 1 + (i % 5),
    createTime: i % 9 === 0 ? null : 1_740_000_000 + i * 3600,
    updateTime: null,
    keywords: [
      { term: `theme${t}`, score: 1 },
      { term: `word${i % 11}`, score: 0.5 },
      { term: `extra${i}`, score: 0.25 },
      { term: `tail${i}`, score: 0.1 },
    ],
  }));
  const result = runMacroAlgorithms(blobs.vectors, {
    minClusters: 2,
    maxClusters: 8,
    seed: 5,
    keywords: items.map((it) => it.keywords),
  });
  const terms = Array.from({ length: result.k }, (_, c) => {
    const counts = new Map<string, number>();
    result.labels.forEach((l, i) => {
      if (l === c)
        counts.set(items[i]!.keywords[0]!.term, (counts.get(items[i]!.keywords[0]!.term) ?? 0) + 1);
    });
    return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([term, score]) => ({ term, score }));
  });
  const clusters = localClusterLabels(terms, result.sizes);
  const graph = assembleGraph({
    items,
    labels: result.labels,
    clusters,
    edges: result.edges,
    subclusters: result.subclusters,
    language: "en",
    embedding: { provider: "test", model: "blobs", dimension: 32 },
    naming: "local",
    generatedAt: new Date("2026-06-12T10:05:00.000Z"),
    extraMetadata: { timing: result.timings, clusters: "must not win" },
  });

  it("finds the blobs and passes the contract schema", () => {
    assert.equal(result.k, 4);
    const checked = graphOutputSchema.safeParse(graph);
    assert.ok(checked.success, checked.success ? "" : JSON.stringify(checked.error.issues.slice(0, 3)));
  });

  it("numbers nodes 0…N−1 in input order with their exact orig_id and fields", () => {
    assert.equal(graph.nodes.length, n);
    graph.nodes.forEach((node, i) => {
      assert.equal(node.id, i);
      assert.equal(node.orig_id, items[i]!.origId);
      assert.equal(node.source_type, items[i]!.sourceType);
      assert.equal(node.num_sections, items[i]!.numSections);
      assert.equal(node.timestamp, isoFromUnix(items[i]!.createTime));
      assert.deepEqual(
        node.top_keywords,
        items[i]!.keywords.slice(0, 3).map((k) => k.term),
      );
      assert.equal(node.cluster_name, graph.metadata.clusters[node.cluster_id]!.name);
    });
    assert.equal(graph.nodes[0]!.timestamp, null);
    assert.equal(graph.nodes[1]!.timestamp, "2025-02-19T22:20:00.000Z");
  });

  it("lists every used cluster in metadata with string-array key_themes and true sizes", () => {
    const meta = graph.metadata;
    assert.equal(meta.total_nodes, n);
    assert.equal(meta.total_edges, graph.edges.length);
    assert.equal(meta.total_clusters, Object.keys(meta.clusters).length);
    assert.equal(meta.generated_at, "2026-06-12T10:05:00.000Z");
    assert.equal(typeof meta.clusters, "object");
    for (const [id, c] of Object.entries(meta.clusters)) {
      assert.match(id, /^cluster_\d+$/);
      assert.equal(c.size, graph.nodes.filter((node) => node.cluster_id === id).length);
      assert.ok(Array.isArray(c.key_themes) && c.key_themes.every((t) => typeof t === "string"));
    }
    assert.deepEqual((meta as Record<string, unknown>).embedding, {
      provider: "test",
      model: "blobs",
      dimension: 32,
    });
    assert.equal((meta as Record<string, unknown>).naming, "local");
  });

  it("writes edges with recomputed intra flags and subclusters that reference real nodes", () => {
    for (const e of graph.edges) {
      assert.equal(e.type, "semantic");
      assert.equal(
        e.is_intra_cluster,
        graph.nodes[e.source]!.cluster_id === graph.nodes[e.target]!.cluster_id,
      );
      assert.ok(["high", "medium", "low"].includes(String(e.confidence)));
    }
    assert.ok(graph.edges.some((e) => e.confidence === "high"));
    assert.ok((graph.subclusters ?? []).length > 0);
    for (const s of graph.subclusters ?? []) {
      assert.ok(Object.hasOwn(graph.metadata.clusters, s.cluster_id));
      for (const v of s.node_ids) assert.equal(graph.nodes[v]!.cluster_id, s.cluster_id);
    }
  });

  it("builds a compact features.json in node order that passes its schema", () => {
    const features = assembleFeatures({
      items,
      vectors: blobs.vectors,
      embedding: { provider: "test", model: "blobs", dimension: 32 },
    });
    const checked = featuresFileSchema.safeParse(features);
    assert.ok(checked.success, checked.success ? "" : JSON.stringify(checked.error.issues.slice(0, 3)));
    assert.equal(features.conversations.length, n);
    features.conversations.forEach((c, i) => {
      assert.equal(c.id, i);
      assert.equal(c.orig_id, items[i]!.origId);
      assert.equal(c.create_time, items[i]!.createTime ?? 0);
    });
    const row = features.embeddings[3]!;
    assert.equal(row.length, 32);
    row.forEach((x, j) => {
      assert.ok(Math.abs(x - blobs.vectors[3]![j]!) <= 5e-7);
      assert.ok(String(x).length <= 9, `compact float ${x}`);
    });
  });

  it("rejects labels without a cluster label", () => {
    assert.throws(
      () =>
        assembleGraph({
          items: items.slice(0, 2),
          labels: Int32Array.from([0, 3]),
          clusters: clusters.slice(0, 1),
          edges: [],
          embedding: { provider: "t", model: "m", dimension: 1 },
          naming: "local",
        }),
      RangeError,
    );
  });
});
