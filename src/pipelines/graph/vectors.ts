/**
 * Packed row-major vector matrices (n × d Float32Array) and the small kernels the graph stages share.
 * Hand-written: these are a handful of dot-product loops over typed arrays; a numeric library would add a
 * dependency and copies for no gain at these sizes.
 */

export interface Matrix {
  data: Float32Array;
  n: number;
  d: number;
}

export function pack(rows: readonly Float32Array[], d?: number): Matrix {
  const dim = d ?? rows[0]?.length ?? 0;
  const data = new Float32Array(rows.length * dim);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    data.set(r.length === dim ? r : r.subarray(0, dim), i * dim);
  }
  return { data, n: rows.length, d: dim };
}

/**
 * The first `m` coordinates of each row, re-normalised. LSA components come in order of importance, so this
 * is the m-dimensional LSA; fewer, stronger dimensions cluster text better (measured on debian-dev).
 */
export function truncateNormalize(mat: Matrix, m: number): Matrix {
  const dm = Math.min(m, mat.d);
  const out = new Float32Array(mat.n * dm);
  for (let i = 0; i < mat.n; i++) {
    let norm = 0;
    const src = i * mat.d;
    for (let j = 0; j < dm; j++) {
      const v = mat.data[src + j]!;
      out[i * dm + j] = v;
      norm += v * v;
    }
    if (norm > 0) {
      const inv = 1 / Math.sqrt(norm);
      for (let j = 0; j < dm; j++) out[i * dm + j]! *= inv;
    }
  }
  return { data: out, n: mat.n, d: dm };
}

export function dotRows(a: Float32Array, ai: number, b: Float32Array, bi: number, d: number): number {
  let s = 0;
  const ao = ai * d;
  const bo = bi * d;
  for (let j = 0; j < d; j++) s += a[ao + j]! * b[bo + j]!;
  return s;
}

export function isZeroRow(mat: Matrix, i: number): boolean {
  for (let j = 0; j < mat.d; j++) if (mat.data[i * mat.d + j] !== 0) return false;
  return true;
}
