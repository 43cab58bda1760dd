/**
 * Row-major packed vectors, the one shape every macro algorithm works on: `data` holds n rows of d floats.
 * Inner loops run over typed arrays with several accumulators (V8 does not vectorise; four independent sums
 * keep the FP pipeline busy), which is what makes 26,500 × 256 tractable in plain JS.
 */
import type { Rng } from "./random.js";

export interface Matrix {
  data: Float32Array;
  n: number;
  d: number;
}

/** Either one vector per node or one packed n×d array (then `dimension` is required). */
export type VectorInput = readonly Float32Array[] | readonly number[][] | Float32Array;

/** Packs the input into a Matrix (copying; the rows are not re-normalised, see `normalizeRows`). */
export function toMatrix(input: VectorInput, dimension?: number): Matrix {
  if (input instanceof Float32Array) {
    if (!dimension || dimension <= 0 || input.length % dimension !== 0) {
      throw new RangeError("a packed Float32Array needs a dimension that divides its length");
    }
    return { data: input, n: input.length / dimension, d: dimension };
  }
  const n = input.length;
  const d = dimension ?? input[0]?.length ?? 0;
  const data = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const row = input[i]!;
    if (row.length !== d) throw new RangeError(`vector ${i} has dimension ${row.length}, expected ${d}`);
    for (let j = 0; j < d; j++) data[i * d + j] = row[j]!;
  }
  return { data, n, d };
}

/** Scales every row to unit length in place (zero rows stay zero). Returns the matrix. */
export function normalizeRows(m: Matrix): Matrix {
  const { data, n, d } = m;
  for (let i = 0; i < n; i++) {
    const o = i * d;
    let s = 0;
    for (let j = 0; j < d; j++) s += data[o + j]! * data[o + j]!;
    if (s > 0) {
      const inv = 1 / Math.sqrt(s);
      for (let j = 0; j < d; j++) data[o + j] = data[o + j]! * inv;
    }
  }
  return m;
}

/** Dot product of row `i` of `a` with row `j` of `b` (both of width d). */
export function dotRows(a: Float32Array, i: number, b: Float32Array, j: number, d: number): number {
  const ao = i * d;
  const bo = j * d;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < d; k += 4) {
    s0 += a[ao + k]! * b[bo + k]!;
    s1 += a[ao + k + 1]! * b[bo + k + 1]!;
    s2 += a[ao + k + 2]! * b[bo + k + 2]!;
    s3 += a[ao + k + 3]! * b[bo + k + 3]!;
  }
  for (; k < d; k++) s0 += a[ao + k]! * b[bo + k]!;
  return s0 + s1 + s2 + s3;
}

/**
 * Dots of four rows of `a` (a0…a3, row indices) with row `j` of `b`, written to out[0..3]. One load of b's
 * row feeds four products, about 1.3× the throughput of four separate `dotRows` calls.
 */
export function dot4(
  a: Float32Array,
  a0: number,
  a1: number,
  a2: number,
  a3: number,
  b: Float32Array,
  j: number,
  d: number,
  out: Float64Array,
): void {
  const o0 = a0 * d;
  const o1 = a1 * d;
  const o2 = a2 * d;
  const o3 = a3 * d;
  const bo = j * d;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let k = 0; k < d; k++) {
    const v = b[bo + k]!;
    s0 += a[o0 + k]! * v;
    s1 += a[o1 + k]! * v;
    s2 += a[o2 + k]! * v;
    s3 += a[o3 + k]! * v;
  }
  out[0] = s0;
  out[1] = s1;
  out[2] = s2;
  out[3] = s3;
}

/** The given rows, copied into a new matrix. */
export function selectRows(m: Matrix, rows: ArrayLike<number>): Matrix {
  const out = new Float32Array(rows.length * m.d);
  for (let t = 0; t < rows.length; t++) {
    const i = rows[t]!;
    out.set(m.data.subarray(i * m.d, (i + 1) * m.d), t * m.d);
  }
  return { data: out, n: rows.length, d: m.d };
}

/** A seeded sample of at most `size` row indices (ascending); all rows when n ≤ size. */
export function sampleRows(n: number, size: number, rng: Rng): Int32Array {
  return rng.sample(n, size);
}
