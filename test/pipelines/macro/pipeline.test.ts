import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { adjustedRandIndex } from "../../../src/pipelines/macro/metrics.js";
import { runMacroAlgorithms } from "../../../src/pipelines/macro/pipeline.js";
import { makeBlobs } from "./synthetic.js";

describe("runMacroAlgorithms", () => {
  it("is deterministic for a seed end to end", () => {
    const b = makeBlobs({ blobs: 5, perBlob: 40, dimension: 24, seed: 71 });
    const a1 = runMacroAlgorithms(b.vectors, { minClusters: 2, maxClusters: 8, seed: 7 });
    const a2 = runMacroAlgorithms(b.vectors, { minClusters: 2, maxClusters: 8, seed: 7 });
    assert.deepEqual(Array.from(a1.labels), Array.from(a2.labels));
    assert.deepEqual(a1.edges, a2.edges);
    assert.deepEqual(a1.subclusters, a2.subclusters);
    assert.equal(a1.k, 5);
    assert.ok(adjustedRandIndex(b.truth, Array.from(a1.labels)) > 0.95);
    for (const e of a1.edges) assert.equal(e.is_intra_cluster, a1.labels[e.source] === a1.labels[e.target]);
  });

  it("uses the approximate search above the exact limit and still recovers the blobs", () => {
    const b = makeBlobs({ blobs: 4, perBlob: 150, dimension: 32, seed: 72 });
    const r = runMacroAlgorithms(b.vectors, { numClusters: 4, seed: 1, neighbours: { exactLimit: 100 } });
    assert.equal(r.neighbours.method, "approximate");
    assert.ok(adjustedRandIndex(b.truth, Array.from(r.labels)) > 0.95);
  });

  it("handles empty, single and two-node inputs", () => {
    const b = makeBlobs({ blobs: 1, perBlob: 2, dimension: 8, seed: 73 });
    const none = runMacroAlgorithms([], {});
    assert.equal(none.k, 0);
    assert.deepEqual(none.edges, []);
    const one = runMacroAlgorithms(b.vectors.slice(0, 1), {});
    assert.equal(one.k, 1);
    assert.deepEqual(Array.from(one.labels), [0]);
    assert.deepEqual(one.edges, []);
    const two = runMacroAlgorithms(b.vectors, { numClusters: 1 });
    assert.equal(two.k, 1);
    assert.ok(two.edges.length <= 1);
  });
});
