import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { clusterId, clusterVectors } from "../../../src/pipelines/macro/cluster.js";
import { sphericalKMeans } from "../../../src/pipelines/macro/kmeans.js";
import { adjustedRandIndex } from "../../../src/pipelines/macro/metrics.js";
import { nearestNeighbours } from "../../../src/pipelines/macro/neighbours.js";
import { toMatrix } from "../../../src/pipelines/macro/vectors.js";
import { makeBlobs } from "./synthetic.js";

function assertPartition(labels: Int32Array, k: number, sizes: number[], n: number): void {
  assert.equal(labels.length, n);
  const counts = new Array<number>(k).fill(0);
  for (const c of labels) {
    assert.ok(Number.isInteger(c) && c >= 0 && c < k, `label ${c} outside [0, ${k})`);
    counts[c]!++;
  }
  assert.deepEqual(counts, sizes, "sizes match the labels");
  assert.ok(
    counts.every((c) => c > 0),
    "no empty cluster",
  );
  for (let c = 1; c < k; c++) assert.ok(sizes[c - 1]! >= sizes[c]!, "clusters ordered by size");
}

describe("clusterVectors", () => {
  const blobs = makeBlobs({ blobs: 5, perBlob: [80, 70, 60, 50, 40], dimension: 48, seed: 11 });

  it("recovers the blobs with a given k, every node in exactly one cluster", () => {
    const r = clusterVectors(blobs.vectors, { numClusters: 5, seed: 3 });
    assert.equal(r.k, 5);
    assertPartition(r.labels, r.k, r.sizes, blobs.vectors.length);
    assert.ok(adjustedRandIndex(blobs.truth, Array.from(r.labels)) > 0.95);
    assert.equal(r.selection, undefined);
  });

  it("chooses k by silhouette and finds the number of blobs", () => {
    const r = clusterVectors(blobs.vectors, { minClusters: 2, maxClusters: 10, seed: 5 });
    assert.equal(r.selection?.criterion, "silhouette");
    assert.equal(r.selection?.scores.length, 9);
    assert.equal(r.k, 5);
    const best = Math.max(...r.selection!.scores.map((s) => s.silhouette));
    assert.equal(r.selection!.scores.find((s) => s.k === 5)!.silhouette, best);
  });

  it("recovers other blob counts too", () => {
    for (const [count, seed] of [
      [3, 21],
      [7, 22],
    ] as const) {
      const b = makeBlobs({ blobs: count, perBlob: 40, dimension: 32, seed });
      const r = clusterVectors(b.vectors, { minClusters: 2, maxClusters: 9, seed: 1 });
      assert.equal(r.k, count, `${count} blobs`);
    }
  });

  it("is deterministic for a seed and does not modify its input", () => {
    const before = blobs.vectors.map((v) => v.slice());
    const a = clusterVectors(blobs.vectors, { minClusters: 2, maxClusters: 8, seed: 9 });
    const b = clusterVectors(blobs.vectors, { minClusters: 2, maxClusters: 8, seed: 9 });
    assert.deepEqual(Array.from(a.labels), Array.from(b.labels));
    assert.deepEqual(a.selection, b.selection);
    blobs.vectors.forEach((v, i) => {
      assert.deepEqual(v, before[i]);
    });
  });

  it("accepts one packed Float32Array and gives the same result", () => {
    const packed = toMatrix(blobs.vectors).data.slice();
    const a = clusterVectors(blobs.vectors, { numClusters: 5, seed: 2 });
    const b = clusterVectors(packed, { numClusters: 5, seed: 2, dimension: blobs.dimension });
    assert.deepEqual(Array.from(a.labels), Array.from(b.labels));
  });

  it("clusters smoothed vectors when given neighbour lists, in the full space when dimensions = 0", () => {
    const m = toMatrix(blobs.vectors);
    const nb = nearestNeighbours(m, { k: 8 });
    const r = clusterVectors(m, { numClusters: 5, neighbours: nb, seed: 4, dimensions: 0 });
    assertPartition(r.labels, r.k, r.sizes, m.n);
    assert.equal(r.dimensions, blobs.dimension);
    assert.ok(adjustedRandIndex(blobs.truth, Array.from(r.labels)) > 0.95);
  });

  it("handles fewer nodes than clusters and tiny inputs", () => {
    const few = blobs.vectors.slice(0, 3);
    const r = clusterVectors(few, { numClusters: 8 });
    assert.ok(r.k <= 3 && r.k >= 1);
    assertPartition(r.labels, r.k, r.sizes, 3);
    const one = clusterVectors(blobs.vectors.slice(0, 1), {});
    assert.equal(one.k, 1);
    assert.deepEqual(Array.from(one.labels), [0]);
    const none = clusterVectors([], {});
    assert.equal(none.k, 0);
    const two = clusterVectors(blobs.vectors.slice(0, 2), { minClusters: 3, maxClusters: 8 });
    assertPartition(two.labels, two.k, two.sizes, 2);
  });

  it("names clusters cluster_1 … in index order", () => {
    assert.equal(clusterId(0), "cluster_1");
    assert.equal(clusterId(11), "cluster_12");
  });
});

describe("sphericalKMeans", () => {
  const blobs = makeBlobs({ blobs: 4, perBlob: 30, dimension: 16, seed: 4 });
  const m = toMatrix(blobs.vectors);

  it("keeps the lowest inertia over restarts", () => {
    const one = sphericalKMeans(m, 6, { seed: 1, restarts: 1 });
    const many = sphericalKMeans(m, 6, { seed: 1, restarts: 6 });
    assert.ok(many.inertia <= one.inertia + 1e-9);
    let inertia = 0;
    for (let i = 0; i < m.n; i++) {
      let dot = 0;
      for (let j = 0; j < m.d; j++) dot += m.data[i * m.d + j]! * many.centroids[many.labels[i]! * m.d + j]!;
      inertia += 1 - dot;
    }
    assert.ok(Math.abs(inertia - many.inertia) < 1e-6, "inertia is Σ(1 − cos) to the final centroids");
  });

  it("leaves no cluster empty when points repeat", () => {
    const v = new Float32Array([1, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0.6, 0.8]);
    const r = sphericalKMeans({ data: v, n: 6, d: 2 }, 3, { seed: 2 });
    const counts = new Array<number>(3).fill(0);
    for (const c of r.labels) counts[c]!++;
    assert.ok(
      counts.every((c) => c > 0),
      `counts ${counts}`,
    );
  });
});
