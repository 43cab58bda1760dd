/**
 * Spherical k-means (cosine) with k-means++ seeding, several seeded restarts, the best kept. Deterministic
 * for a given seed. Every point ends in exactly one cluster; clusters never end empty (an empty one is
 * re-seeded with the point farthest from its centroid).
 */
import { SeededRandom } from "../../ai/embeddings/local/random.js";
import { dotRows, type Matrix } from "./vectors.js";

export interface KMeansResult {
  labels: Int32Array;
  centroids: Float32Array;
  k: number;
  /** Sum over points of (1 − cosine to its centroid). */
  inertia: number;
}

function normalizeRows(c: Float32Array, k: number, d: number): void {
  for (let i = 0; i < k; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += c[i * d + j]! * c[i * d + j]!;
    if (s > 0) {
      const inv = 1 / Math.sqrt(s);
      for (let j = 0; j < d; j++) c[i * d + j]! *= inv;
    }
  }
}

function seedPlusPlus(mat: Matrix, k: number, rng: SeededRandom): Float32Array {
  const { data, n, d } = mat;
  const centroids = new Float32Array(k * d);
  const first = rng.int(n);
  centroids.set(data.subarray(first * d, first * d + d), 0);
  const dist = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (let i = 0; i < n; i++) {
      const dd = Math.max(0, 1 - dotRows(data, i, centroids, c - 1, d));
      if (dd < dist[i]!) dist[i] = dd;
      total += dist[i]!;
    }
    let pick = 0;
    if (total > 0) {
      let r = rng.next() * total;
      for (let i = 0; i < n; i++) {
        r -= dist[i]!;
        if (r <= 0) {
          pick = i;
          break;
        }
      }
    } else {
      pick = rng.int(n);
    }
    centroids.set(data.subarray(pick * d, pick * d + d), c * d);
  }
  return centroids;
}

function runOnce(mat: Matrix, k: number, rng: SeededRandom, maxIter: number): KMeansResult {
  const { data, n, d } = mat;
  const centroids = seedPlusPlus(mat, k, rng);
  const labels = new Int32Array(n).fill(-1);
  const best = new Float64Array(n);
  let inertia = 0;
  for (let iter = 0; iter < maxIter; iter++) {
    let changed = 0;
    inertia = 0;
    for (let i = 0; i < n; i++) {
      let bl = 0;
      let bs = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < k; c++) {
        const s = dotRows(data, i, centroids, c, d);
        if (s > bs) {
          bs = s;
          bl = c;
        }
      }
      if (labels[i] !== bl) changed++;
      labels[i] = bl;
      best[i] = bs;
      inertia += 1 - bs;
    }
    // New centroids: normalised mean direction of the members.
    centroids.fill(0);
    const counts = new Int32Array(k);
    for (let i = 0; i < n; i++) {
      const c = labels[i]!;
      counts[c]!++;
      for (let j = 0; j < d; j++) centroids[c * d + j]! += data[i * d + j]!;
    }
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) {
        // Re-seed an empty cluster with the worst-fitting point.
        let worst = 0;
        for (let i = 1; i < n; i++) if (best[i]! < best[worst]!) worst = i;
        centroids.set(data.subarray(worst * d, worst * d + d), c * d);
        best[worst] = 1;
        changed++;
      }
    }
    normalizeRows(centroids, k, d);
    // Converged when (almost) nobody moves: the last 0.05% of moves change nothing a reader would see.
    if (changed <= Math.floor(n / 2000)) break;
  }
  return { labels, centroids, k, inertia };
}

export function sphericalKMeans(
  mat: Matrix,
  k: number,
  opts: { seed?: number; restarts?: number; maxIter?: number } = {},
): KMeansResult {
  const kk = Math.max(1, Math.min(k, mat.n));
  const rng = new SeededRandom(opts.seed ?? 42);
  let bestRun: KMeansResult | undefined;
  for (let r = 0; r < (opts.restarts ?? 4); r++) {
    const run = runOnce(mat, kk, rng, opts.maxIter ?? 40);
    if (!bestRun || run.inertia < bestRun.inertia) bestRun = run;
  }
  return compactLabels(bestRun!, mat);
}

/** Drops clusters left without members (possible only when points coincide) and renumbers 0..k'-1. */
function compactLabels(r: KMeansResult, mat: Matrix): KMeansResult {
  const counts = new Int32Array(r.k);
  for (const l of r.labels) counts[l]!++;
  const remap = new Int32Array(r.k).fill(-1);
  let next = 0;
  for (let c = 0; c < r.k; c++) if (counts[c]! > 0) remap[c] = next++;
  if (next === r.k) return r;
  const centroids = new Float32Array(next * mat.d);
  for (let c = 0; c < r.k; c++) {
    if (remap[c]! >= 0) centroids.set(r.centroids.subarray(c * mat.d, (c + 1) * mat.d), remap[c]! * mat.d);
  }
  return { labels: r.labels.map((l) => remap[l]!), centroids, k: next, inertia: r.inertia };
}
