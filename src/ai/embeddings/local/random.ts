/**
 * A seeded PRNG (mulberry32), shared by the local embedder (random projection, document sample) and the
 * macro graph algorithms (k-means++ seeding, restarts, samples, Louvain). The generator is integer
 * arithmetic only, so a seed gives the same numbers on every platform. The embedder draws only uniform values
 * (`symmetric`: uniform entries work as well as Gaussian ones for the SVD's range finder); `normal` is for
 * the graph algorithms' tests and projections.
 */
export class SeededRandom {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [-1, 1). */
  symmetric(): number {
    return this.next() * 2 - 1;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A new seed for a derived generator (restarts get independent streams). */
  fork(): number {
    return Math.floor(this.next() * 4294967296) >>> 0;
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** `k` distinct indices of [0, n), ascending (partial Fisher–Yates). */
  sample(n: number, k: number): Int32Array {
    if (k >= n) return Int32Array.from({ length: n }, (_, i) => i);
    const idx = Int32Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < k; i++) {
      const j = i + this.int(n - i);
      const t = idx[i]!;
      idx[i] = idx[j]!;
      idx[j] = t;
    }
    return idx.slice(0, k).sort();
  }
}
