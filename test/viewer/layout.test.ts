/** The build-time layout: Barnes–Hut repulsion, per-cluster force layout, cluster packing. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { type LocalEdge, layoutCluster, NODE_SPACING } from "../../src/viewer/forceLayout.js";
import { layoutGraph } from "../../src/viewer/layout.js";
import { QuadTree } from "../../src/viewer/quadTree.js";

function prng(seed: number) {
  let s = seed;
  return () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
}

const dist = (x: Float64Array, y: Float64Array, i: number, j: number) =>
  Math.hypot(x[i]! - x[j]!, y[i]! - y[j]!);

test("the quadtree's repulsion is close to the exact sum over all pairs", () => {
  const random = prng(7);
  const n = 600;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    // two blobs and a sparse halo: cells of very different densities
    const blob = i % 3;
    x[i] = (blob === 0 ? -80 : blob === 1 ? 80 : 0) + (random() - 0.5) * (blob === 2 ? 400 : 60);
    y[i] = (random() - 0.5) * (blob === 2 ? 400 : 60);
  }
  const tree = new QuadTree(x, y);
  tree.rebuild();
  const out = new Float64Array(2);
  // Where forces nearly cancel (inside a blob) a relative error means little, so errors are measured
  // against the mean force magnitude.
  const errors: number[] = [];
  const magnitudes: number[] = [];
  for (let i = 0; i < n; i++) {
    let ex = 0;
    let ey = 0;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const dx = x[i]! - x[j]!;
      const dy = y[i]! - y[j]!;
      const d2 = dx * dx + dy * dy;
      ex += (100 * dx) / d2;
      ey += (100 * dy) / d2;
    }
    tree.repulsion(i, 100, out);
    errors.push(Math.hypot(out[0]! - ex, out[1]! - ey));
    magnitudes.push(Math.hypot(ex, ey));
  }
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const meanForce = mean(magnitudes);
  assert.ok(
    mean(errors) / meanForce < 0.05,
    `mean error ${(mean(errors) / meanForce).toFixed(3)} of the mean force`,
  );
  assert.ok(
    Math.max(...errors) / meanForce < 0.25,
    `worst error ${(Math.max(...errors) / meanForce).toFixed(3)}`,
  );
});

test("coincident nodes are pushed apart, never NaN", () => {
  const n = 50;
  const x = new Float64Array(n).fill(3);
  const y = new Float64Array(n).fill(-2);
  const tree = new QuadTree(x, y);
  tree.rebuild();
  const out = new Float64Array(2);
  for (let i = 0; i < n; i++) {
    tree.repulsion(i, 100, out);
    assert.ok(Number.isFinite(out[0]) && Number.isFinite(out[1]) && Math.hypot(out[0]!, out[1]!) > 0);
  }
  const laid = layoutCluster(n, []);
  let closest = Infinity;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) closest = Math.min(closest, dist(laid.x, laid.y, i, j));
  assert.ok(closest > NODE_SPACING / 4, `closest pair ${closest}`);
});

test("a cluster layout keeps linked nodes close: two groups joined by one edge end up apart", () => {
  const random = prng(3);
  const size = 60;
  const edges: LocalEdge[] = [];
  for (let g = 0; g < 2; g++) {
    for (let i = 0; i < size; i++) {
      for (let k = 0; k < 4; k++)
        edges.push({ a: g * size + i, b: g * size + Math.floor(random() * size), w: 0.8 });
    }
  }
  edges.push({ a: 0, b: size, w: 0.3 });
  const clean = edges.filter((e) => e.a !== e.b);
  const { x, y, r } = layoutCluster(2 * size, clean);
  let within = 0;
  let across = 0;
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      if (i !== j) within += dist(x, y, i, j) + dist(x, y, size + i, size + j);
      across += dist(x, y, i, size + j);
    }
  }
  within /= 2 * size * (size - 1);
  across /= size * size;
  assert.ok(
    across > 1.5 * within,
    `mean distance within groups ${within.toFixed(1)}, across ${across.toFixed(1)}`,
  );
  for (let i = 0; i < 2 * size; i++) assert.ok(Math.hypot(x[i]!, y[i]!) <= r);
});

test("a dense cluster does not collapse: its nodes spread over an area that grows with their number", () => {
  const random = prng(11);
  for (const n of [100, 1600]) {
    const edges: LocalEdge[] = [];
    for (let i = 0; i < n; i++)
      for (let k = 0; k < 6; k++) edges.push({ a: i, b: Math.floor(random() * n), w: 1 });
    const { r } = layoutCluster(
      n,
      edges.filter((e) => e.a !== e.b),
    );
    assert.ok(r > 0.3 * NODE_SPACING * Math.sqrt(n), `n=${n}: radius ${r.toFixed(0)}`);
  }
});

test("the graph layout puts each cluster in its own disc, discs apart, same result every time", () => {
  const random = prng(5);
  const sizes = [120, 40, 40, 9, 1, 0, 300];
  const clusterOf: number[] = [];
  sizes.forEach((size, c) => {
    for (let i = 0; i < size; i++) clusterOf.push(c);
  });
  const edges: [number, number, number][] = [];
  for (let i = 0; i < clusterOf.length; i++) {
    for (let k = 0; k < 3; k++) {
      const j = Math.floor(random() * clusterOf.length);
      if (j !== i) edges.push([i, j, 0.3 + 0.7 * random()]);
    }
  }
  const input = { clusterOf, clusterCount: sizes.length, edges };
  const layout = layoutGraph(input);
  clusterOf.forEach((c, i) => {
    const disc = layout.clusters[c]!;
    assert.ok(
      Math.hypot(layout.x[i]! - disc.x, layout.y[i]! - disc.y) <= disc.r + 1e-9,
      `node ${i} in disc ${c}`,
    );
  });
  assert.equal(layout.clusters[5]!.r, 0, "an empty cluster has no disc");
  for (let a = 0; a < sizes.length; a++) {
    for (let b = a + 1; b < sizes.length; b++) {
      const da = layout.clusters[a]!;
      const db = layout.clusters[b]!;
      if (da.r === 0 || db.r === 0) continue;
      assert.ok(Math.hypot(da.x - db.x, da.y - db.y) >= da.r + db.r, `discs ${a} and ${b} do not overlap`);
    }
  }
  const again = layoutGraph(structuredClone(input));
  assert.deepEqual([...again.x], [...layout.x]);
  assert.deepEqual([...again.y], [...layout.y]);
});
