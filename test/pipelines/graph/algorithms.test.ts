import assert from "node:assert/strict";
import { test } from "node:test";
import { SeededRandom } from "../../../src/ai/embeddings/local/random.js";
import { chooseK } from "../../../src/pipelines/graph/chooseK.js";
import { sphericalKMeans } from "../../../src/pipelines/graph/kmeans.js";
import { knnGraph } from "../../../src/pipelines/graph/knn.js";
import { clusteringScores } from "../../../src/pipelines/graph/metrics.js";
import { refineLabels } from "../../../src/pipelines/graph/refine.js";
import { buildSubclusters } from "../../../src/pipelines/graph/subclusters.js";
import type { Matrix } from "../../../src/pipelines/graph/vectors.js";

/** `blobs` seeded gaussian blobs on the unit sphere in `d` dimensions. */
function blobs(blobCount: number, perBlob: number, d: number, spread: number, seed = 7) {
  const rng = new SeededRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const centers = Array.from({ length: blobCount }, () => Array.from({ length: d }, gauss));
  const data = new Float32Array(blobCount * perBlob * d);
  const truth: number[] = [];
  let row = 0;
  for (let b = 0; b < blobCount; b++) {
    for (let p = 0; p < perBlob; p++) {
      let norm = 0;
      for (let j = 0; j < d; j++) {
        const v = centers[b]![j]! + spread * gauss();
        data[row * d + j] = v;
        norm += v * v;
      }
      for (let j = 0; j < d; j++) data[row * d + j]! /= Math.sqrt(norm);
      truth.push(b);
      row++;
    }
  }
  return { mat: { data, n: row, d } as Matrix, truth };
}

test("spherical k-means recovers separated blobs, deterministically, with every point in one cluster", () => {
  const { mat, truth } = blobs(5, 60, 16, 0.35);
  const a = sphericalKMeans(mat, 5, { seed: 1 });
  const b = sphericalKMeans(mat, 5, { seed: 1 });
  assert.deepEqual(Array.from(a.labels), Array.from(b.labels));
  assert.equal(a.labels.length, mat.n);
  assert.ok(a.labels.every((l) => l >= 0 && l < a.k));
  assert.ok(clusteringScores(truth, Array.from(a.labels)).vMeasure > 0.95);
});

test("the silhouette criterion finds the number of blobs inside the allowed range", () => {
  const { mat } = blobs(6, 50, 16, 0.3, 11);
  const choice = chooseK(mat, 3, 10, 42);
  assert.equal(choice.k, 6);
  assert.equal(choice.scores.length, 8);
});

test("kNN edges: no self-loops, no duplicate pairs, weights in (0, 1], at most k per node from its own list", () => {
  const { mat } = blobs(4, 50, 12, 0.4, 3);
  const edges = knnGraph(mat, mat, { k: 5, floor: 0.1 });
  const seen = new Set<string>();
  for (const e of edges) {
    assert.ok(e.source < e.target, "one edge per unordered pair, source < target");
    assert.ok(e.weight > 0 && e.weight <= 1);
    const key = `${e.source}-${e.target}`;
    assert.ok(!seen.has(key));
    seen.add(key);
  }
  assert.ok(edges.length <= mat.n * 5);
  assert.ok(edges.length >= mat.n * 2, "a dense-enough graph");
});

test("the inverted-file search agrees with the exact search on most neighbours", () => {
  const { mat } = blobs(20, 150, 24, 0.5, 5);
  const exact = knnGraph(mat, mat, { k: 6, floor: 0, exactLimit: 1e9 });
  const approx = knnGraph(mat, mat, { k: 6, floor: 0, exactLimit: 0 });
  const key = (e: { source: number; target: number }) => e.source * 1e6 + e.target;
  const truth = new Set(exact.map(key));
  const hits = approx.filter((e) => truth.has(key(e))).length;
  assert.ok(hits / exact.length >= 0.9, `recall ${hits / exact.length}`);
});

test("refinement moves planted mislabels back and never empties a cluster", () => {
  const { mat, truth } = blobs(3, 40, 12, 0.3, 9);
  const edges = knnGraph(mat, mat, { k: 6, floor: 0.1 });
  const labels = Int32Array.from(truth);
  const planted = [3, 45, 90];
  for (const i of planted) labels[i] = (labels[i]! + 1) % 3;
  const out = refineLabels(labels, 3, edges);
  for (const i of planted) assert.equal(out.labels[i], truth[i], `node ${i} restored`);
  const sizes = [0, 0, 0];
  for (const l of out.labels) sizes[l]!++;
  assert.ok(sizes.every((s) => s > 0));
  // A singleton cluster keeps its only member even when every neighbour is elsewhere.
  const lonely = Int32Array.from(truth);
  lonely[0] = 3;
  const kept = refineLabels(lonely, 4, edges);
  assert.equal(kept.labels[0], 3);
});

test("subclusters are Louvain communities inside one cluster with valid members and representative", () => {
  const { mat } = blobs(4, 30, 12, 0.3, 21);
  const labels = new Int32Array(mat.n); // one cluster holding four blobs
  const edges = knnGraph(mat, mat, { k: 5, floor: 0.2 });
  const keywords = Array.from({ length: mat.n }, (_, i) => [{ term: `t${Math.floor(i / 30)}`, score: 1 }]);
  const subs = buildSubclusters({ labels, clusterIds: ["cluster_1"], edges, keywords });
  assert.ok(subs.length >= 3 && subs.length <= 6, `${subs.length} subclusters`);
  for (const s of subs) {
    assert.equal(s.cluster_id, "cluster_1");
    assert.equal(s.size, s.node_ids.length);
    assert.ok(s.node_ids.includes(s.representative_node_id));
    assert.ok(s.density > 0 && s.density <= 1);
    assert.ok(s.top_keywords.length > 0);
  }
});
