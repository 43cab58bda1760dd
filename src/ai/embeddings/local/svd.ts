/**
 * Randomized truncated SVD (Halko, Martinsson & Tropp 2011, range finder with subspace iteration) of a
 * matrix given only as a linear operator, on row-major Float64Array blocks.
 *
 * Written by hand because no maintained JS library does a truncated SVD of a large sparse (or implicit)
 * matrix: ml-matrix and friends decompose dense matrices only, and a dense 10k × 60k TF-IDF matrix would
 * not fit. The only dense decompositions needed are of small l × l symmetric matrices, done with
 * ml-matrix's EigenvalueDecomposition.
 */
import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import { cholesky, gram, inverseTransposeLower, times, transposeTimes } from "./kernels.js";
import type { SeededRandom } from "./random.js";

/** A rows × cols matrix known through its products with dense blocks (row-major, `width` columns). */
export interface LinearOperator {
  readonly rows: number;
  readonly cols: number;
  /** A · M, where M is cols × width; returns rows × width. */
  apply(m: Float64Array, width: number): Float64Array;
  /** Aᵀ · N, where N is rows × width; returns cols × width. */
  applyT(n: Float64Array, width: number): Float64Array;
}

export interface SvdOptions {
  rank: number;
  oversample: number;
  powerIterations: number;
  random: SeededRandom;
  /** Called before each operator pass (for cancellation checks and progress). */
  onStep?: (done: number, total: number) => void;
}

export interface SvdResult {
  /** Right singular vectors, cols × rank (row-major); columns beyond `found` are zero. */
  v: Float64Array;
  sigma: Float64Array;
  rank: number;
  /** How many singular triplets are non-degenerate (≤ rank). */
  found: number;
}

/** Eigen-decomposition of a symmetric width × width matrix, eigenvalues descending. */
function symmetricEigen(a: Float64Array, width: number): { values: Float64Array; vectors: Float64Array } {
  const rows: number[][] = [];
  for (let i = 0; i < width; i++) {
    const r = new Array<number>(width);
    // Symmetrise explicitly: accumulated round-off makes a[i][j] and a[j][i] differ in the last bits.
    for (let j = 0; j < width; j++) r[j] = 0.5 * (a[i * width + j]! + a[j * width + i]!);
    rows.push(r);
  }
  const evd = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true });
  const vals = evd.realEigenvalues;
  const vecs = evd.eigenvectorMatrix;
  const order = vals.map((_, i) => i).sort((x, y) => vals[y]! - vals[x]! || x - y);
  const values = new Float64Array(width);
  const vectors = new Float64Array(width * width); // column c = eigenvector c
  order.forEach((src, c) => {
    values[c] = vals[src]!;
    // Fix the sign (largest-magnitude entry positive) so results do not depend on solver internals.
    let best = 0;
    for (let i = 0; i < width; i++) if (Math.abs(vecs.get(i, src)) > Math.abs(best)) best = vecs.get(i, src);
    const sign = best < 0 ? -1 : 1;
    for (let i = 0; i < width; i++) vectors[i * width + c] = sign * vecs.get(i, src);
  });
  return { values, vectors };
}

/**
 * Orthonormal basis of the columns of Y (n × w): Cholesky QR (Q = Y R⁻¹ with YᵀY = RᵀR), or, when YᵀY is
 * singular (fewer documents or features than columns), Q = Y U Λ^-½ from its eigen-decomposition, which
 * drops the directions without energy.
 */
function orthonormalize(y: Float64Array, n: number, w: number): { q: Float64Array; width: number } {
  const g = gram(y, n, w);
  const l = cholesky(g, w);
  if (l) return { q: times(y, inverseTransposeLower(l, w), n, w, w), width: w };
  const { values, vectors } = symmetricEigen(g, w);
  const top = values[0] ?? 0;
  let keep = 0;
  while (keep < w && values[keep]! > top * 1e-12 && values[keep]! > 0) keep++;
  const t = new Float64Array(w * keep);
  for (let i = 0; i < w; i++)
    for (let c = 0; c < keep; c++) t[i * keep + c] = vectors[i * w + c]! / Math.sqrt(values[c]!);
  return { q: times(y, t, n, w, keep), width: keep };
}

export function randomizedSvd(op: LinearOperator, opts: SvdOptions): SvdResult {
  const rank = opts.rank;
  const width = Math.max(1, Math.min(rank + opts.oversample, op.rows, op.cols));
  const totalSteps = 4 + 2 * opts.powerIterations;
  let step = 0;
  const tick = () => opts.onStep?.(step++, totalSteps);

  const omega = new Float64Array(op.cols * width);
  for (let i = 0; i < omega.length; i++) omega[i] = opts.random.symmetric();
  tick();
  let y = op.apply(omega, width);
  let w = width;
  // Subspace iteration Y = (A Aᵀ)^q A Ω. One power step keeps the column scales within a range float64
  // handles easily, so re-orthonormalisation is only needed between further steps.
  for (let it = 0; it < opts.powerIterations; it++) {
    if (it > 0) ({ q: y, width: w } = orthonormalize(y, op.rows, w));
    if (w === 0) break;
    tick();
    const z = op.applyT(y, w);
    tick();
    y = op.apply(z, w);
  }
  const basis = orthonormalize(y, op.rows, w);
  const q = basis.q;
  w = basis.width;
  const v = new Float64Array(op.cols * rank);
  const sigma = new Float64Array(rank);
  if (w === 0) return { v, sigma, rank, found: 0 };

  // B = Qᵀ A (w × cols). Its Gram B Bᵀ = Qᵀ A Aᵀ Q gives the singular values and left vectors of B.
  tick();
  const z = op.applyT(q, w); // = Bᵀ
  tick();
  const bbt = transposeTimes(q, op.apply(z, w), op.rows, w, w);
  const { values, vectors } = symmetricEigen(bbt, w);
  const top = values[0] ?? 0;
  let found = 0;
  while (found < Math.min(rank, w) && values[found]! > top * 1e-10 && values[found]! > 0) found++;
  // V = Aᵀ Q U Σ⁻¹: one more operator pass instead of a dense cols × w × rank product.
  const t = new Float64Array(w * found);
  for (let i = 0; i < w; i++) {
    for (let c = 0; c < found; c++) t[i * found + c] = vectors[i * w + c]! / Math.sqrt(values[c]!);
  }
  tick();
  const vFound = op.applyT(times(q, t, op.rows, w, found), found);
  for (let r = 0; r < op.cols; r++) {
    for (let c = 0; c < found; c++) v[r * rank + c] = vFound[r * found + c]!;
  }
  for (let c = 0; c < found; c++) sigma[c] = Math.sqrt(values[c]!);
  return { v, sigma, rank, found };
}
