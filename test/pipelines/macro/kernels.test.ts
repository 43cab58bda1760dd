import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PackedVectors } from "../../../src/pipelines/macro/packed.js";
import { Rng } from "../../../src/pipelines/macro/random.js";
import { principalDirections, project, reduceDimensions } from "../../../src/pipelines/macro/reduce.js";
import { cosineSilhouette, SimilarityTable } from "../../../src/pipelines/macro/silhouette.js";
import { normalizeRows, toMatrix } from "../../../src/pipelines/macro/vectors.js";
import { simdAvailable } from "../../../src/pipelines/macro/wasmDot.js";
import { makeBlobs } from "./synthetic.js";

function randomMatrix(n: number, d: number, seed: number) {
  const rng = new Rng(seed);
  return { data: Float32Array.from({ length: n * d }, () => rng.normal()), n, d };
}

function jsDot(a: Float32Array, i: number, b: Float32Array, j: number, d: number): number {
  let s = 0;
  for (let t = 0; t < d; t++) s += a[i * d + t]! * b[j * d + t]!;
  return s;
}

describe("SIMD dot kernels", () => {
  it("are available on this runtime", () => {
    assert.ok(simdAvailable());
  });

  for (const d of [1, 7, 16, 33, 256, 384]) {
    it(`agree with plain loops at d = ${d} (single, range, ids; SIMD and JS paths)`, () => {
      const m = randomMatrix(40, d, d);
      for (const forceJs of [false, true]) {
        const p = new PackedVectors(m, { scratchRows: 1, forceJs });
        assert.equal(p.simd, !forceJs);
        const tol = 1e-4 * Math.sqrt(d);
        assert.ok(Math.abs(p.dot(3, 17) - jsDot(m.data, 3, m.data, 17, d)) < tol);
        const out = p.dotRange(5, 10, 20);
        for (let t = 0; t < 20; t++) assert.ok(Math.abs(out[t]! - jsDot(m.data, 5, m.data, 10 + t, d)) < tol);
        p.ids.set([39, 0, 12, 12]);
        const byId = p.dotIds(8, 4);
        for (const [t, j] of [39, 0, 12, 12].entries()) {
          assert.ok(Math.abs(byId[t]! - jsDot(m.data, 8, m.data, j, d)) < tol);
        }
        p.setRow(40, m.data, 2 * d);
        assert.ok(Math.abs(p.dot(40, 2) - jsDot(m.data, 2, m.data, 2, d)) < tol);
      }
    });
  }
});

describe("principal directions", () => {
  it("finds an orthonormal basis of low-rank data and preserves its dot products", () => {
    // Rank-5 data in 40 dimensions.
    const rng = new Rng(3);
    const basis = randomMatrix(5, 40, 9).data;
    const n = 300;
    const data = new Float32Array(n * 40);
    for (let i = 0; i < n; i++) {
      for (let b = 0; b < 5; b++) {
        const a = rng.normal();
        for (let j = 0; j < 40; j++) data[i * 40 + j] = data[i * 40 + j]! + a * basis[b * 40 + j]!;
      }
    }
    const m = { data, n, d: 40 };
    const proj = principalDirections(m, 5, { seed: 1 });
    assert.ok(proj.captured > 0.999, `captured ${proj.captured}`);
    for (let a = 0; a < 5; a++) {
      for (let b = a; b < 5; b++) {
        const dot = jsDot(proj.directions, a, proj.directions, b, 40);
        assert.ok(Math.abs(dot - (a === b ? 1 : 0)) < 1e-4);
      }
    }
    const reduced = project(m, proj, false);
    for (const [i, j] of [
      [0, 1],
      [10, 200],
      [5, 5],
    ] as const) {
      const full = jsDot(data, i, data, j, 40);
      const low = jsDot(reduced.data, i, reduced.data, j, 5);
      assert.ok(Math.abs(full - low) < 1e-3 * Math.max(1, Math.abs(full)));
    }
  });

  it("returns the input itself when the target dimension is not smaller", () => {
    const m = randomMatrix(10, 8, 1);
    assert.equal(reduceDimensions(m, 8, true).reduced, m);
  });
});

describe("cosine silhouette", () => {
  it("matches the definition computed directly", () => {
    const b = makeBlobs({ blobs: 3, perBlob: 15, dimension: 12, spread: 0.6, seed: 61 });
    const m = normalizeRows(toMatrix(b.vectors));
    const labels = Int32Array.from(b.truth, (t, i) => (i % 10 === 0 ? (t + 1) % 3 : t));
    let total = 0;
    for (let i = 0; i < m.n; i++) {
      const mean = [0, 0, 0];
      const size = [0, 0, 0];
      for (let j = 0; j < m.n; j++) {
        if (j === i) continue;
        mean[labels[j]!]! += 1 - jsDot(m.data, i, m.data, j, m.d);
        size[labels[j]!]!++;
      }
      const a = mean[labels[i]!]! / size[labels[i]!]!;
      const others = [0, 1, 2].filter((c) => c !== labels[i]).map((c) => mean[c]! / size[c]!);
      const bb = Math.min(...others);
      total += (bb - a) / Math.max(a, bb);
    }
    const expected = total / m.n;
    assert.ok(Math.abs(cosineSilhouette(m, labels, 3) - expected) < 1e-5);
    const table = new SimilarityTable(m);
    assert.ok(table.silhouette(Int32Array.from(b.truth), 3) > table.silhouette(labels, 3));
  });
});
