/** Small vector helpers shared by the providers: normalisation and weighted pooling. */

/** L2-normalises in place and returns the same array; an all-zero vector stays all-zero. */
export function l2NormalizeInPlace(v: Float32Array | Float64Array): typeof v {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  if (s > 0) {
    const inv = 1 / Math.sqrt(s);
    for (let i = 0; i < v.length; i++) v[i] = v[i]! * inv;
  }
  return v;
}

/** A normalised Float32 copy of any numeric vector. */
export function toUnitFloat32(v: ArrayLike<number>): Float32Array {
  const acc = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) acc[i] = v[i]!;
  l2NormalizeInPlace(acc);
  return Float32Array.from(acc);
}

/**
 * Weighted mean of vectors (e.g. chunk vectors weighted by their token counts), then L2-normalised.
 * Accumulates in float64 so the result does not depend on float32 rounding of partial sums.
 */
export function weightedMeanUnit(
  vectors: readonly ArrayLike<number>[],
  weights: readonly number[],
  dim: number,
): Float32Array {
  const acc = new Float64Array(dim);
  let total = 0;
  for (let i = 0; i < vectors.length; i++) {
    const v = vectors[i]!;
    const w = weights[i] ?? 1;
    if (v.length !== dim) throw new Error(`vector ${i} has length ${v.length}, expected ${dim}`);
    if (!(w > 0)) continue;
    total += w;
    for (let j = 0; j < dim; j++) acc[j] = acc[j]! + w * v[j]!;
  }
  if (total > 0) for (let j = 0; j < dim; j++) acc[j] = acc[j]! / total;
  l2NormalizeInPlace(acc);
  return Float32Array.from(acc);
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) s += a[i]! * b[i]!;
  return s;
}
