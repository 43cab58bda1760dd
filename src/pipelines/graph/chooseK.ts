/**
 * Picks the number of topics inside [min, max] by the mean silhouette (cosine distance) of spherical k-means
 * on a seeded sample of at most 2,000 points: the k whose clusters are most cohesive and best separated.
 * The sample keeps this cheap at any corpus size; the final clustering then runs on every point.
 */
import { SeededRandom } from "../../ai/embeddings/local/random.js";
import { sphericalKMeans } from "./kmeans.js";
import { dotRows, type Matrix } from "./vectors.js";

export interface KChoice {
  k: number;
  /** Mean silhouette per tried k. */
  scores: { k: number; silhouette: number }[];
}

export function sampleRows(mat: Matrix, size: number, seed: number): Matrix {
  if (mat.n <= size) return mat;
  const rng = new SeededRandom(seed);
  const idx = Array.from({ length: mat.n }, (_, i) => i);
  for (let i = 0; i < size; i++) {
    const j = i + rng.int(mat.n - i);
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  const data = new Float32Array(size * mat.d);
  for (let i = 0; i < size; i++)
    data.set(mat.data.subarray(idx[i]! * mat.d, (idx[i]! + 1) * mat.d), i * mat.d);
  return { data, n: size, d: mat.d };
}

export function silhouette(dist: Float32Array, n: number, labels: Int32Array, k: number): number {
  const sums = new Float64Array(k);
  const counts = new Int32Array(k);
  for (const l of labels) counts[l]!++;
  let total = 0;
  for (let i = 0; i < n; i++) {
    sums.fill(0);
    for (let j = 0; j < n; j++) if (j !== i) sums[labels[j]!]! += dist[i * n + j]!;
    const own = labels[i]!;
    if (counts[own]! <= 1) continue; // silhouette of a singleton is 0
    const a = sums[own]! / (counts[own]! - 1);
    let b = Number.POSITIVE_INFINITY;
    for (let c = 0; c < k; c++) if (c !== own && counts[c]! > 0) b = Math.min(b, sums[c]! / counts[c]!);
    if (!Number.isFinite(b)) continue;
    total += (b - a) / Math.max(a, b, 1e-12);
  }
  return total / n;
}

export function chooseK(mat: Matrix, min: number, max: number, seed: number): KChoice {
  const sample = sampleRows(mat, 2000, seed);
  const n = sample.n;
  const lo = Math.max(2, Math.min(min, n));
  const hi = Math.max(lo, Math.min(max, n - 1));
  if (n < 3) return { k: Math.max(1, Math.min(min, n)), scores: [] };
  const dist = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dd = 1 - dotRows(sample.data, i, sample.data, j, sample.d);
      dist[i * n + j] = dd;
      dist[j * n + i] = dd;
    }
  }
  const scores: { k: number; silhouette: number }[] = [];
  let best = { k: lo, silhouette: Number.NEGATIVE_INFINITY };
  for (let k = lo; k <= hi; k++) {
    const r = sphericalKMeans(sample, k, { seed, restarts: 2 });
    const s = silhouette(dist, n, r.labels, r.k);
    scores.push({ k, silhouette: Math.round(s * 1e4) / 1e4 });
    if (s > best.silhouette + 1e-9) best = { k, silhouette: s };
  }
  return { k: best.k, scores };
}
