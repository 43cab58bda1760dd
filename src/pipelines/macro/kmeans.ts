/**
 * Spherical k-means (cosine): unit centroids, each point goes to the centroid of highest dot product, a
 * centroid is the normalised sum of its points. Greedy k-means++ seeding (several candidates per step, the
 * one that lowers the potential most is kept, as in scikit-learn), several seeded restarts, the lowest
 * inertia Σ(1 − cos) wins. Dot products run in the SIMD kernels (packed.ts), one centroid against all
 * points per call. Written by hand: the JS k-means packages (ml-kmeans…) are Euclidean, allocate per point
 * and have no cosine mode.
 */
import { PackedVectors } from "./packed.js";
import { Rng } from "./random.js";
import type { Matrix } from "./vectors.js";

export interface KMeansOptions {
  seed?: number;
  /** Independent seedings; the lowest inertia wins. Default 4. */
  restarts?: number;
  /** Lloyd iterations per run. Default 50. */
  maxIter?: number;
  /**
   * Stop when at most this share of points changed cluster in an iteration. Default 0.0005: on large inputs
   * the last dozens of iterations each move a handful of points and change nothing measurable.
   */
  tolerance?: number;
  /** Start from these unit centroids (k × d) instead of seeding; restarts are then ignored. */
  initialCentroids?: Float32Array;
}

export interface KMeansResult {
  /** Cluster index per point, in [0, k). */
  labels: Int32Array;
  /** k × d unit centroids. */
  centroids: Float32Array;
  k: number;
  /** Σ over points of (1 − cos(point, its centroid)). */
  inertia: number;
  iterations: number;
}

export function sphericalKMeans(m: Matrix, k: number, opts: KMeansOptions = {}): KMeansResult {
  const { n, d } = m;
  if (n === 0) throw new RangeError("k-means needs at least one point");
  const kk = Math.max(1, Math.min(k, n));
  const rng = new Rng(opts.seed ?? 42);
  const w = new Workspace(m, kk);
  if (opts.initialCentroids) {
    if (opts.initialCentroids.length !== kk * d) throw new RangeError("initialCentroids must be k × d");
    return lloyd(w, opts.initialCentroids.slice(), opts);
  }
  let best: KMeansResult | null = null;
  const restarts = Math.max(1, opts.restarts ?? 4);
  for (let r = 0; r < restarts; r++) {
    const centroids = seedPlusPlus(w, new Rng(rng.fork()));
    const run = lloyd(w, centroids, opts);
    if (!best || run.inertia < best.inertia - 1e-9) best = run;
  }
  return best!;
}

/** The points in SIMD memory with k scratch rows for the centroids, and buffers shared by the restarts. */
class Workspace {
  readonly p: PackedVectors;
  readonly n: number;
  readonly d: number;
  readonly minDist: Float64Array;
  readonly candDist: Float64Array;
  readonly bestDist: Float64Array;
  readonly sums: Float64Array;
  readonly counts: Int32Array;
  /** Each point's dot with its assigned centroid, after an assignment pass. */
  readonly best: Float32Array;
  readonly next: Int32Array;
  constructor(
    readonly m: Matrix,
    readonly k: number,
  ) {
    this.n = m.n;
    this.d = m.d;
    this.p = new PackedVectors(m, { scratchRows: k });
    this.minDist = new Float64Array(m.n);
    this.candDist = new Float64Array(m.n);
    this.bestDist = new Float64Array(m.n);
    this.sums = new Float64Array(k * m.d);
    this.counts = new Int32Array(k);
    this.best = new Float32Array(m.n);
    this.next = new Int32Array(m.n);
  }

  loadCentroids(centroids: Float32Array): void {
    for (let c = 0; c < this.k; c++) this.p.setRow(this.n + c, centroids, c * this.d);
  }
}

/** Greedy k-means++: D(x) = 1 − max cos(x, centroid) (half the squared chord distance). */
function seedPlusPlus(w: Workspace, rng: Rng): Float32Array {
  const { n, d, k, p, minDist, candDist, bestDist } = w;
  const centroids = new Float32Array(k * d);
  const first = rng.int(n);
  centroids.set(p.row(first), 0);
  let potential = 0;
  let out = p.dotRange(first, 0, n);
  for (let i = 0; i < n; i++) {
    minDist[i] = Math.max(0, 1 - out[i]!);
    potential += minDist[i]!;
  }
  const trials = 2 + Math.floor(Math.log(k));
  for (let c = 1; c < k; c++) {
    let bestIdx = -1;
    let bestPotential = Number.POSITIVE_INFINITY;
    for (let t = 0; t < trials; t++) {
      const idx = potential > 0 ? drawProportional(minDist, potential, rng) : rng.int(n);
      out = p.dotRange(idx, 0, n);
      let pot = 0;
      for (let i = 0; i < n; i++) {
        const dist = Math.max(0, 1 - out[i]!);
        const v = Math.min(dist, minDist[i]!);
        candDist[i] = v;
        pot += v;
      }
      if (pot < bestPotential) {
        bestPotential = pot;
        bestIdx = idx;
        bestDist.set(candDist);
      }
    }
    centroids.set(p.row(bestIdx), c * d);
    minDist.set(bestDist);
    potential = bestPotential;
  }
  return centroids;
}

function drawProportional(weights: Float64Array, total: number, rng: Rng): number {
  let r = rng.next() * total;
  const n = weights.length;
  for (let i = 0; i < n; i++) {
    r -= weights[i]!;
    if (r < 0) return i;
  }
  // Rounding left r ≥ 0: the last point with weight.
  for (let i = n - 1; i >= 0; i--) if (weights[i]! > 0) return i;
  return n - 1;
}

/** Labels every point with its nearest centroid (rows n … n+k−1); returns how many labels changed. */
function assign(w: Workspace, labels: Int32Array): number {
  const { n, k, p, best, next } = w;
  best.fill(Number.NEGATIVE_INFINITY);
  for (let c = 0; c < k; c++) {
    const out = p.dotRange(n + c, 0, n);
    for (let i = 0; i < n; i++) {
      if (out[i]! > best[i]!) {
        best[i] = out[i]!;
        next[i] = c;
      }
    }
  }
  let changed = 0;
  for (let i = 0; i < n; i++) {
    if (next[i] !== labels[i]) {
      labels[i] = next[i]!;
      changed++;
    }
  }
  return changed;
}

function lloyd(w: Workspace, centroids: Float32Array, opts: KMeansOptions): KMeansResult {
  const { n, d, k, counts } = w;
  const labels = new Int32Array(n).fill(-1);
  const maxIter = opts.maxIter ?? 50;
  const minChanges = Math.floor((opts.tolerance ?? 0.0005) * n);
  let iterations = 0;
  for (; iterations < maxIter; iterations++) {
    w.loadCentroids(centroids);
    const changed = assign(w, labels);
    if (iterations > 0 && changed <= minChanges) break;
    recomputeCentroids(w, labels, centroids);
    // An empty cluster takes the point worst served by its centroid (from a cluster with other members).
    for (let c = 0; c < k; c++) {
      if (counts[c]! > 0) continue;
      let worst = -1;
      for (let i = 0; i < n; i++) {
        if (counts[labels[i]!]! > 1 && (worst < 0 || w.best[i]! < w.best[worst]!)) worst = i;
      }
      if (worst < 0) break;
      counts[labels[worst]!]!--;
      labels[worst] = c;
      counts[c] = 1;
      w.best[worst] = 1;
      centroids.set(w.p.row(worst), c * d);
    }
  }
  // Final centroids for the final labels, and the inertia against them.
  recomputeCentroids(w, labels, centroids);
  w.loadCentroids(centroids);
  let inertia = 0;
  for (let c = 0; c < k; c++) {
    const out = w.p.dotRange(n + c, 0, n);
    for (let i = 0; i < n; i++) if (labels[i] === c) inertia += 1 - out[i]!;
  }
  return { labels, centroids, k, inertia, iterations };
}

function recomputeCentroids(w: Workspace, labels: Int32Array, centroids: Float32Array): void {
  const { n, d, k, sums, counts } = w;
  const data = w.m.data;
  sums.fill(0);
  counts.fill(0);
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    counts[c]!++;
    const co = c * d;
    const io = i * d;
    for (let j = 0; j < d; j++) sums[co + j] = sums[co + j]! + data[io + j]!;
  }
  for (let c = 0; c < k; c++) {
    if (counts[c] === 0) continue;
    const co = c * d;
    let norm = 0;
    for (let j = 0; j < d; j++) norm += sums[co + j]! * sums[co + j]!;
    norm = Math.sqrt(norm);
    if (norm === 0) continue;
    for (let j = 0; j < d; j++) centroids[co + j] = sums[co + j]! / norm;
  }
}

/** Cluster index of every row of `m` by highest dot product with the given unit centroids (k × d). */
export function assignToCentroids(m: Matrix, centroids: Float32Array, k: number): Int32Array {
  const w = new Workspace(m, k);
  w.loadCentroids(centroids);
  const labels = new Int32Array(m.n).fill(-1);
  assign(w, labels);
  return labels;
}
