import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { clusterId } from "../../../src/pipelines/macro/cluster.js";
import { edgesFromNeighbours } from "../../../src/pipelines/macro/edges.js";
import { nearestNeighbours } from "../../../src/pipelines/macro/neighbours.js";
import { buildSubclusters } from "../../../src/pipelines/macro/subclusters.js";
import { toMatrix } from "../../../src/pipelines/macro/vectors.js";
import { makeBlobs } from "./synthetic.js";

describe("buildSubclusters", () => {
  // Two clusters, each made of three tighter blobs: Louvain should split each cluster.
  const blobs = makeBlobs({ blobs: 6, perBlob: 30, dimension: 32, spread: 0.2, seed: 41 });
  const labels = Int32Array.from(blobs.truth, (t) => (t < 3 ? 0 : 1));
  const { edges } = edgesFromNeighbours(nearestNeighbours(toMatrix(blobs.vectors), { k: 8 }), {
    k: 8,
    floor: 0.1,
  });
  const keywords = blobs.truth.map((t, i) => [
    { term: `topic${t}`, score: 1 },
    { term: `item${i}`, score: 0.1 },
  ]);

  it("produces valid subclusters inside their clusters", () => {
    const subs = buildSubclusters(labels, 2, edges, keywords, { seed: 3 });
    assert.ok(subs.length >= 4, `${subs.length} subclusters`);
    const ids = new Set<string>();
    const seen = new Set<number>();
    subs.forEach((s, i) => {
      assert.equal(s.id, `subcluster_${i + 1}`);
      ids.add(s.id);
      assert.ok([clusterId(0), clusterId(1)].includes(s.cluster_id));
      assert.ok(s.size >= 2 && s.size === s.node_ids.length);
      assert.ok(s.node_ids.includes(s.representative_node_id));
      assert.ok(s.density > 0 && s.density <= 1);
      for (const v of s.node_ids) {
        assert.equal(clusterId(labels[v]!), s.cluster_id, "members belong to the subcluster's cluster");
        assert.ok(!seen.has(v), "a node is in at most one subcluster");
        seen.add(v);
      }
      assert.ok(s.top_keywords.length > 0 && s.top_keywords.length <= 5);
      assert.ok(s.top_keywords[0]!.startsWith("topic"));
    });
    assert.equal(ids.size, subs.length);
  });

  it("recovers the planted blobs as communities", () => {
    const subs = buildSubclusters(labels, 2, edges, keywords, { seed: 3 });
    const big = subs.filter((s) => s.size >= 10);
    for (const s of big) {
      const truths = new Set(s.node_ids.map((v) => blobs.truth[v]));
      assert.equal(truths.size, 1, `${s.id} mixes blobs ${[...truths]}`);
    }
  });

  it("is deterministic for a seed and respects minSize", () => {
    const a = buildSubclusters(labels, 2, edges, keywords, { seed: 9, minSize: 3 });
    const b = buildSubclusters(labels, 2, edges, keywords, { seed: 9, minSize: 3 });
    assert.deepEqual(a, b);
    assert.ok(a.every((s) => s.size >= 3));
  });

  it("ignores inter-cluster edges and returns nothing without edges", () => {
    assert.deepEqual(buildSubclusters(labels, 2, [], keywords), []);
    const cross = [{ source: blobs.truth.indexOf(0), target: blobs.truth.indexOf(5), weight: 0.9 }];
    assert.deepEqual(buildSubclusters(labels, 2, cross, keywords), []);
  });
});
