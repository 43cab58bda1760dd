import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { edgesFromNeighbours } from "../../../src/pipelines/macro/edges.js";
import { nearestNeighbours } from "../../../src/pipelines/macro/neighbours.js";
import { Rng } from "../../../src/pipelines/macro/random.js";
import { markIntraCluster, refineClusters } from "../../../src/pipelines/macro/refine.js";
import { toMatrix } from "../../../src/pipelines/macro/vectors.js";
import { makeBlobs } from "./synthetic.js";

describe("refineClusters", () => {
  const blobs = makeBlobs({ blobs: 4, perBlob: 60, dimension: 32, seed: 31 });
  const { edges } = edgesFromNeighbours(nearestNeighbours(toMatrix(blobs.vectors), { k: 8 }), {
    k: 8,
    floor: 0.2,
  });

  it("moves planted mislabels back to the cluster of their neighbourhood", () => {
    const rng = new Rng(4);
    const labels = Int32Array.from(blobs.truth);
    const planted = rng.sample(labels.length, 20);
    for (const i of planted) labels[i] = (labels[i]! + 1 + rng.int(3)) % 4;
    const r = refineClusters(labels, 4, edges);
    assert.ok(r.moved >= 20);
    // Up to a renaming of the cluster indices, the truth is restored.
    const mapping = new Map<number, number>();
    for (let i = 0; i < labels.length; i++) {
      const t = blobs.truth[i]!;
      if (!mapping.has(t)) mapping.set(t, r.labels[i]!);
      assert.equal(r.labels[i], mapping.get(t), `node ${i}`);
    }
    assert.ok(r.iterations >= 1 && r.iterations <= 10);
  });

  it("leaves a clean partition alone", () => {
    const r = refineClusters(Int32Array.from(blobs.truth), 4, edges);
    assert.equal(r.moved, 0);
  });

  it("never empties a cluster", () => {
    // Cluster 1 holds a single node inside blob 0, whose neighbours all vote for cluster 0.
    const labels = Int32Array.from(blobs.truth, (t) => (t === 0 ? 0 : 2));
    const lone = blobs.truth.indexOf(0);
    labels[lone] = 1;
    const r = refineClusters(labels, 3, edges);
    assert.equal(r.k, 3);
    assert.ok(r.sizes.every((s) => s > 0));
    assert.equal(
      r.sizes.reduce((a, b) => a + b, 0),
      labels.length,
    );
  });

  it("only moves a node with a clear weighted majority elsewhere", () => {
    // Node 0 has two neighbours in cluster 1 (weights 0.5, 0.4) and one in its own cluster 0 (0.45).
    const e = [
      { source: 0, target: 1, weight: 0.5 },
      { source: 0, target: 2, weight: 0.4 },
      { source: 0, target: 3, weight: 0.45 },
      { source: 4, target: 3, weight: 0.9 },
    ];
    const labels = Int32Array.from([0, 1, 1, 0, 0]);
    // 0.9 of 1.35 = 0.67 ≥ 0.6 → moves; with majority 0.7 it stays.
    assert.equal(refineClusters(labels, 2, e, { majority: 0.7 }).moved, 0);
    const moved = refineClusters(labels, 2, e, { majority: 0.6 });
    assert.equal(moved.moved, 1);
    assert.equal(moved.labels[0], moved.labels[1]);
  });

  it("renumbers clusters by size and recomputes is_intra_cluster on every edge", () => {
    const labels = Int32Array.from([1, 1, 1, 0, 0]);
    const r = refineClusters(labels, 2, [], {});
    assert.deepEqual(Array.from(r.labels), [0, 0, 0, 1, 1]);
    assert.deepEqual(r.sizes, [3, 2]);
    assert.deepEqual(Array.from(r.remap), [1, 0]);
    const flagged = [
      { source: 0, target: 1, is_intra_cluster: false },
      { source: 2, target: 3, is_intra_cluster: true },
    ];
    assert.equal(markIntraCluster(flagged, r.labels), 1);
    assert.deepEqual(
      flagged.map((f) => f.is_intra_cluster),
      [true, false],
    );
  });
});
