/**
 * Mean silhouette with cosine distance (1 − cos) over a set of unit vectors and their labels: for each
 * point, a = mean distance to its own cluster, b = lowest mean distance to another cluster,
 * s = (b − a) / max(a, b); a point alone in its cluster scores 0 (Rousseeuw's convention, as scikit-learn).
 * The pairwise similarities are computed once (`SimilarityTable`, SIMD dots) so several labelings of the
 * same sample (one per candidate k) cost O(m²) each instead of O(m²·d).
 */
import { PackedVectors } from "./packed.js";
import type { Matrix } from "./vectors.js";

export class SimilarityTable {
  /** m × m cosine similarities (symmetric, 1 on the diagonal). */
  readonly sim: Float32Array;
  readonly m: number;

  constructor(points: Matrix) {
    const n = points.n;
    this.m = n;
    this.sim = new Float32Array(n * n);
    const p = new PackedVectors(points);
    for (let i = 0; i < n; i++) {
      this.sim[i * n + i] = 1;
      const count = n - i - 1;
      if (count === 0) continue;
      const out = p.dotRange(i, i + 1, count);
      for (let t = 0; t < count; t++) {
        const j = i + 1 + t;
        this.sim[i * n + j] = out[t]!;
        this.sim[j * n + i] = out[t]!;
      }
    }
  }

  /** Mean silhouette of the labeling (labels in [0, k)). */
  silhouette(labels: Int32Array, k: number): number {
    const m = this.m;
    if (labels.length !== m) throw new RangeError("one label per sampled point");
    const sizes = new Int32Array(k);
    for (let i = 0; i < m; i++) sizes[labels[i]!]!++;
    const sumSim = new Float64Array(k);
    let total = 0;
    for (let i = 0; i < m; i++) {
      sumSim.fill(0);
      const row = i * m;
      for (let j = 0; j < m; j++) sumSim[labels[j]!] = sumSim[labels[j]!]! + this.sim[row + j]!;
      const own = labels[i]!;
      const ownSize = sizes[own]!;
      if (ownSize <= 1) continue;
      // Mean distance to the other members of its own cluster (self-similarity 1 excluded).
      const a = 1 - (sumSim[own]! - 1) / (ownSize - 1);
      let b = Number.POSITIVE_INFINITY;
      for (let c = 0; c < k; c++) {
        if (c === own || sizes[c] === 0) continue;
        const dist = 1 - sumSim[c]! / sizes[c]!;
        if (dist < b) b = dist;
      }
      if (!Number.isFinite(b)) continue;
      const denom = Math.max(a, b);
      total += denom > 0 ? (b - a) / denom : 0;
    }
    return m > 0 ? total / m : 0;
  }
}

/** Mean cosine silhouette of `points` labelled `labels` (k clusters). O(m²·d); sample large sets first. */
export function cosineSilhouette(points: Matrix, labels: Int32Array, k: number): number {
  return new SimilarityTable(points).silhouette(labels, k);
}
