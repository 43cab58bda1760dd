/**
 * Projection onto the top-r principal directions of the vectors' second-moment matrix (uncentred PCA, the
 * LSA analogue): the rank-r subspace that best preserves dot products. Used for clustering (spherical
 * k-means separates text topics better on 50–100 dimensions than on 256–384, and it is cheaper) and for
 * the candidate pass of the neighbour search (candidates are then re-scored in the full space).
 *
 * The top directions come from subspace iteration on the d×d second-moment matrix of a seeded sample,
 * then Rayleigh–Ritz: a full eigendecomposition of a 384×384 matrix takes about 1 s in ml-matrix, the
 * iteration only needs d²·(r+8) per step. ml-matrix decomposes the small (r+8)×(r+8) projected matrix.
 */
import { EigenvalueDecomposition, Matrix as MlMatrix } from "ml-matrix";
import { PackedVectors } from "./packed.js";
import { Rng } from "./random.js";
import { type Matrix, normalizeRows } from "./vectors.js";

export interface Projection {
  /** r × d, row-major: one unit direction per row, by decreasing eigenvalue. */
  directions: Float32Array;
  r: number;
  d: number;
  /** Share of the sample's total second moment (Σ‖x‖²) the r directions capture. */
  captured: number;
}

export interface ProjectionOptions {
  /** Rows used to estimate the second-moment matrix. Default 4,000. */
  sampleSize?: number;
  /** Subspace iterations. Default 6. */
  iterations?: number;
  seed?: number;
}

/** The top-r directions of `m` (r is capped at d). */
export function principalDirections(m: Matrix, r: number, opts: ProjectionOptions = {}): Projection {
  const { n, d } = m;
  const rank = Math.max(1, Math.min(r, d));
  const rng = new Rng(opts.seed ?? 42);
  const rows = rng.sample(n, Math.min(n, opts.sampleSize ?? 4000));
  const c = secondMoment(m, rows);
  let trace = 0;
  for (let i = 0; i < d; i++) trace += c[i * d + i]!;

  if (rank === d) {
    // Nothing to reduce: the identity keeps every coordinate.
    const directions = new Float32Array(d * d);
    for (let i = 0; i < d; i++) directions[i * d + i] = 1;
    return { directions, r: d, d, captured: 1 };
  }

  const p = Math.min(d, rank + 8);
  // q: d × p, column-major (column t at q[t*d … t*d+d)).
  let q: Float64Array = new Float64Array(d * p);
  for (let i = 0; i < q.length; i++) q[i] = rng.normal();
  orthonormalizeColumns(q, d, p);
  const iterations = opts.iterations ?? 6;
  for (let it = 0; it < iterations; it++) {
    q = multiplySymmetric(c, d, q, p);
    orthonormalizeColumns(q, d, p);
  }
  // Rayleigh–Ritz: T = Qᵀ C Q (p × p), eigenvectors U, directions Q·U.
  const cq = multiplySymmetric(c, d, q, p);
  const t = new MlMatrix(p, p);
  for (let a = 0; a < p; a++) {
    for (let b = a; b < p; b++) {
      let s = 0;
      for (let i = 0; i < d; i++) s += q[a * d + i]! * cq[b * d + i]!;
      t.set(a, b, s);
      t.set(b, a, s);
    }
  }
  const eig = new EigenvalueDecomposition(t, { assumeSymmetric: true });
  const values = eig.realEigenvalues;
  const vectors = eig.eigenvectorMatrix;
  const order = values.map((_, i) => i).sort((a, b) => values[b]! - values[a]!);
  const directions = new Float32Array(rank * d);
  let captured = 0;
  for (let k = 0; k < rank; k++) {
    const col = order[k]!;
    captured += Math.max(0, values[col]!);
    for (let i = 0; i < d; i++) {
      let s = 0;
      for (let a = 0; a < p; a++) s += q[a * d + i]! * vectors.get(a, col);
      directions[k * d + i] = s;
    }
    // Sign convention: the largest-magnitude coordinate positive, so results do not depend on the solver.
    let big = 0;
    for (let i = 0; i < d; i++)
      if (Math.abs(directions[k * d + i]!) > Math.abs(directions[k * d + big]!)) big = i;
    if (directions[k * d + big]! < 0)
      for (let i = 0; i < d; i++) directions[k * d + i] = -directions[k * d + i]!;
  }
  return { directions, r: rank, d, captured: trace > 0 ? Math.min(1, captured / trace) : 0 };
}

/** The coordinates of every row of `m` in the projection's basis (n × r); `normalize` re-scales rows to 1. */
export function project(m: Matrix, proj: Projection, normalize: boolean): Matrix {
  if (proj.d !== m.d) throw new RangeError(`projection is for dimension ${proj.d}, vectors have ${m.d}`);
  const { n, d } = m;
  const r = proj.r;
  const p = new PackedVectors(m, { scratchRows: r });
  for (let k = 0; k < r; k++) p.setRow(n + k, proj.directions, k * d);
  const out = new Float32Array(n * r);
  // One direction against all rows per call.
  for (let k = 0; k < r; k++) {
    const col = p.dotRange(n + k, 0, n);
    for (let i = 0; i < n; i++) out[i * r + k] = col[i]!;
  }
  const res = { data: out, n, d: r };
  return normalize ? normalizeRows(res) : res;
}

/** Convenience: project onto the top-r directions, or return `m` itself when r ≥ d. */
export function reduceDimensions(
  m: Matrix,
  r: number,
  normalize: boolean,
  opts: ProjectionOptions = {},
): { reduced: Matrix; projection: Projection | null } {
  if (r >= m.d) return { reduced: m, projection: null };
  const projection = principalDirections(m, r, opts);
  return { reduced: project(m, projection, normalize), projection };
}

/** (1/|rows|) Σ x xᵀ over the sampled rows, d × d (full, symmetric): dots of the sample's columns. */
function secondMoment(m: Matrix, rows: Int32Array): Float64Array {
  const { data, d } = m;
  const s = rows.length;
  const columns = new Float32Array(d * s);
  for (let t = 0; t < s; t++) {
    const o = rows[t]! * d;
    for (let j = 0; j < d; j++) columns[j * s + t] = data[o + j]!;
  }
  const p = new PackedVectors({ data: columns, n: d, d: s });
  const c = new Float64Array(d * d);
  const inv = s > 0 ? 1 / s : 0;
  for (let i = 0; i < d; i++) {
    const out = p.dotRange(i, i, d - i);
    for (let t = 0; t < d - i; t++) {
      const v = out[t]! * inv;
      c[i * d + i + t] = v;
      c[(i + t) * d + i] = v;
    }
  }
  return c;
}

/** C · Q for symmetric C (d × d, row-major) and Q (d × p, column-major); result column-major. */
function multiplySymmetric(c: Float64Array, d: number, q: Float64Array, p: number): Float64Array {
  const out = new Float64Array(d * p);
  for (let t = 0; t < p; t++) {
    const qo = t * d;
    for (let i = 0; i < d; i++) {
      const ci = i * d;
      let s = 0;
      for (let j = 0; j < d; j++) s += c[ci + j]! * q[qo + j]!;
      out[qo + i] = s;
    }
  }
  return out;
}

/**
 * Modified Gram–Schmidt (two passes) on the p columns (column-major, length d each). A column that vanishes
 * (rank-deficient data) is replaced by the next basis vector not yet in the span.
 */
function orthonormalizeColumns(q: Float64Array, d: number, p: number): void {
  let basis = 0;
  for (let t = 0; t < p; t++) {
    const to = t * d;
    for (;;) {
      for (let pass = 0; pass < 2; pass++) {
        for (let u = 0; u < t; u++) {
          const uo = u * d;
          let s = 0;
          for (let i = 0; i < d; i++) s += q[to + i]! * q[uo + i]!;
          for (let i = 0; i < d; i++) q[to + i] = q[to + i]! - s * q[uo + i]!;
        }
      }
      let norm = 0;
      for (let i = 0; i < d; i++) norm += q[to + i]! * q[to + i]!;
      norm = Math.sqrt(norm);
      if (norm > 1e-9 || basis >= d) {
        const inv = norm > 0 ? 1 / norm : 0;
        for (let i = 0; i < d; i++) q[to + i] = q[to + i]! * inv;
        break;
      }
      for (let i = 0; i < d; i++) q[to + i] = i === basis ? 1 : 0;
      basis++;
    }
  }
}
