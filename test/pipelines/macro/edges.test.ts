import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildSimilarityEdges, edgesFromNeighbours } from "../../../src/pipelines/macro/edges.js";
import { nearestNeighbours } from "../../../src/pipelines/macro/neighbours.js";
import { toMatrix } from "../../../src/pipelines/macro/vectors.js";
import { bruteForceTopK, makeBlobs } from "./synthetic.js";

describe("nearestNeighbours", () => {
  it("exact search returns the brute-force top k, best first", () => {
    const b = makeBlobs({ blobs: 4, perBlob: 50, dimension: 24, seed: 3 });
    const nb = nearestNeighbours(toMatrix(b.vectors), { k: 7, method: "exact" });
    assert.equal(nb.method, "exact");
    for (let i = 0; i < b.vectors.length; i++) {
      const got = Array.from(nb.index.subarray(i * 7, i * 7 + 7));
      assert.deepEqual(new Set(got), new Set(bruteForceTopK(b.vectors, i, 7)), `node ${i}`);
      for (let t = 1; t < 7; t++) assert.ok(nb.similarity[i * 7 + t - 1]! >= nb.similarity[i * 7 + t]!);
    }
  });

  it("approximate search has recall ≥ 0.9 against exact on 3,000 points", () => {
    const b = makeBlobs({ blobs: 12, perBlob: 250, dimension: 64, spread: 0.5, intrinsic: 10, seed: 5 });
    const m = toMatrix(b.vectors);
    const k = 10;
    const exact = nearestNeighbours(m, { k, method: "exact" });
    const approx = nearestNeighbours(m, { k, method: "approximate", seed: 1 });
    assert.equal(approx.method, "approximate");
    let hits = 0;
    for (let i = 0; i < m.n; i++) {
      const truth = new Set(exact.index.subarray(i * k, i * k + k));
      for (let t = 0; t < k; t++) if (truth.has(approx.index[i * k + t]!)) hits++;
    }
    const recall = hits / (m.n * k);
    assert.ok(recall >= 0.9, `recall ${recall.toFixed(3)}`);
  });

  it("is deterministic for a seed and never lists a node as its own neighbour", () => {
    const b = makeBlobs({ blobs: 6, perBlob: 100, dimension: 32, seed: 8 });
    const m = toMatrix(b.vectors);
    const a1 = nearestNeighbours(m, { k: 5, method: "approximate", seed: 3 });
    const a2 = nearestNeighbours(m, { k: 5, method: "approximate", seed: 3 });
    assert.deepEqual(a1.index, a2.index);
    for (let i = 0; i < m.n; i++) {
      const row = Array.from(a1.index.subarray(i * 5, i * 5 + 5));
      assert.ok(!row.includes(i));
      assert.equal(new Set(row).size, row.length);
    }
  });

  it("pads with −1 when there are fewer nodes than k + 1", () => {
    const b = makeBlobs({ blobs: 1, perBlob: 3, dimension: 8, seed: 1 });
    const nb = nearestNeighbours(toMatrix(b.vectors), { k: 10 });
    assert.equal(nb.k, 2);
    assert.ok(Array.from(nb.index).every((j) => j >= 0 && j < 3));
    assert.equal(nearestNeighbours(toMatrix(b.vectors.slice(0, 1)), { k: 4 }).k, 0);
  });
});

describe("similarity edges", () => {
  const b = makeBlobs({ blobs: 5, perBlob: 60, dimension: 32, seed: 12 });
  const m = toMatrix(b.vectors);

  it("has no self-loops or duplicate pairs, weights in (0, 1], source < target", () => {
    const { edges } = buildSimilarityEdges(m, { k: 6, floor: 0.1 });
    assert.ok(edges.length > 0);
    const pairs = new Set<string>();
    for (const e of edges) {
      assert.ok(e.source < e.target, "source < target (so no self-loop)");
      assert.ok(e.weight > 0 && e.weight <= 1, `weight ${e.weight}`);
      const key = `${e.source}-${e.target}`;
      assert.ok(!pairs.has(key), `duplicate ${key}`);
      pairs.add(key);
    }
  });

  it("keeps only each node's top k above the floor", () => {
    const k = 5;
    const floor = 0.5;
    const nb = nearestNeighbours(m, { k: 10, method: "exact" });
    const { edges } = edgesFromNeighbours(nb, { k, floor });
    const topK = (i: number) => new Set(bruteForceTopK(b.vectors, i, k));
    const ownEdges = new Array<number>(m.n).fill(0);
    for (const e of edges) {
      assert.ok(e.weight >= floor);
      const fromSource = topK(e.source).has(e.target);
      const fromTarget = topK(e.target).has(e.source);
      assert.ok(fromSource || fromTarget, "every edge is in one endpoint's top k");
      assert.equal(e.mutual, fromSource && fromTarget);
      if (fromSource) ownEdges[e.source]!++;
      if (fromTarget) ownEdges[e.target]!++;
    }
    assert.ok(
      ownEdges.every((c) => c <= k),
      "no node proposes more than k edges",
    );
    assert.ok(edges.length <= m.n * k);
  });

  it("marks as high only mutual edges at or above the high threshold", () => {
    const set = buildSimilarityEdges(m, { k: 6, floor: 0.2 });
    assert.ok(set.highThreshold >= 0.5);
    const high = set.edges.filter((e) => e.confidence === "high");
    assert.ok(high.length > 0 && high.length <= Math.ceil(set.edges.length * 0.26));
    for (const e of set.edges) {
      if (e.confidence === "high") assert.ok(e.mutual && e.weight >= set.highThreshold);
      else if (e.mutual) assert.ok(e.confidence === "medium" && e.weight < set.highThreshold);
      else assert.equal(e.confidence, "low");
    }
  });

  it("returns no edges when nothing passes the floor", () => {
    assert.deepEqual(buildSimilarityEdges(m, { floor: 1.01 }).edges, []);
  });
});
