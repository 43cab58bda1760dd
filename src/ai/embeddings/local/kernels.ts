/**
 * Dense and sparse block kernels on row-major Float64Array blocks, for the randomized SVD. Inner loops
 * handle two or four source rows per pass over the output row (one load/store of the output for several
 * multiply-adds), which is about twice as fast in V8 as the naive axpy. Written by hand: no maintained JS BLAS runs on
 * plain typed arrays without native code.
 */

/** out[o : o+width] += Σ_{p ∈ [from, to)} val[p] · src[idx[p]·width + srcOffset·width : …] */
export function gatherRows(
  out: Float64Array,
  o: number,
  idx: Int32Array,
  val: Float64Array,
  from: number,
  to: number,
  src: Float64Array,
  srcRowOffset: number,
  width: number,
): void {
  let p = from;
  for (; p + 3 < to; p += 4) {
    const v0 = val[p]!;
    const v1 = val[p + 1]!;
    const v2 = val[p + 2]!;
    const v3 = val[p + 3]!;
    const s0 = (idx[p]! + srcRowOffset) * width;
    const s1 = (idx[p + 1]! + srcRowOffset) * width;
    const s2 = (idx[p + 2]! + srcRowOffset) * width;
    const s3 = (idx[p + 3]! + srcRowOffset) * width;
    for (let j = 0; j < width; j++) {
      out[o + j] =
        out[o + j]! + v0 * src[s0 + j]! + v1 * src[s1 + j]! + v2 * src[s2 + j]! + v3 * src[s3 + j]!;
    }
  }
  for (; p < to; p++) {
    const v0 = val[p]!;
    const s0 = (idx[p]! + srcRowOffset) * width;
    for (let j = 0; j < width; j++) out[o + j] = out[o + j]! + v0 * src[s0 + j]!;
  }
}

/** Yᵀ · Y for row-major Y (n × w); returns w × w (full, symmetric). Upper triangle, four rows per pass. */
export function gram(y: Float64Array, n: number, w: number): Float64Array {
  const g = new Float64Array(w * w);
  let r = 0;
  for (; r + 3 < n; r += 4) {
    const o0 = r * w;
    const o1 = o0 + w;
    const o2 = o1 + w;
    const o3 = o2 + w;
    for (let i = 0; i < w; i++) {
      const a0 = y[o0 + i]!;
      const a1 = y[o1 + i]!;
      const a2 = y[o2 + i]!;
      const a3 = y[o3 + i]!;
      const gi = i * w;
      for (let j = i; j < w; j++) {
        g[gi + j] = g[gi + j]! + a0 * y[o0 + j]! + a1 * y[o1 + j]! + a2 * y[o2 + j]! + a3 * y[o3 + j]!;
      }
    }
  }
  for (; r < n; r++) {
    const o0 = r * w;
    for (let i = 0; i < w; i++) {
      const a0 = y[o0 + i]!;
      const gi = i * w;
      for (let j = i; j < w; j++) g[gi + j] = g[gi + j]! + a0 * y[o0 + j]!;
    }
  }
  for (let i = 0; i < w; i++) for (let j = 0; j < i; j++) g[i * w + j] = g[j * w + i]!;
  return g;
}

/** Aᵀ · B for row-major A (n × wa) and B (n × wb); returns wa × wb. Four rows per pass over the output. */
export function transposeTimes(
  a: Float64Array,
  b: Float64Array,
  n: number,
  wa: number,
  wb: number,
): Float64Array {
  const out = new Float64Array(wa * wb);
  let r = 0;
  for (; r + 3 < n; r += 4) {
    const a0 = r * wa;
    const a1 = a0 + wa;
    const a2 = a1 + wa;
    const a3 = a2 + wa;
    const b0 = r * wb;
    const b1 = b0 + wb;
    const b2 = b1 + wb;
    const b3 = b2 + wb;
    for (let i = 0; i < wa; i++) {
      const x0 = a[a0 + i]!;
      const x1 = a[a1 + i]!;
      const x2 = a[a2 + i]!;
      const x3 = a[a3 + i]!;
      const oi = i * wb;
      for (let j = 0; j < wb; j++) {
        out[oi + j] = out[oi + j]! + x0 * b[b0 + j]! + x1 * b[b1 + j]! + x2 * b[b2 + j]! + x3 * b[b3 + j]!;
      }
    }
  }
  for (; r < n; r++) {
    const a0 = r * wa;
    const b0 = r * wb;
    for (let i = 0; i < wa; i++) {
      const x0 = a[a0 + i]!;
      const oi = i * wb;
      for (let j = 0; j < wb; j++) out[oi + j] = out[oi + j]! + x0 * b[b0 + j]!;
    }
  }
  return out;
}

/** A · T for row-major A (n × w) and T (w × k); returns n × k. */
export function times(a: Float64Array, t: Float64Array, n: number, w: number, k: number): Float64Array {
  const out = new Float64Array(n * k);
  for (let r = 0; r < n; r++) {
    const oa = r * w;
    const oo = r * k;
    let i = 0;
    for (; i + 3 < w; i += 4) {
      const x0 = a[oa + i]!;
      const x1 = a[oa + i + 1]!;
      const x2 = a[oa + i + 2]!;
      const x3 = a[oa + i + 3]!;
      const t0 = i * k;
      const t1 = t0 + k;
      const t2 = t1 + k;
      const t3 = t2 + k;
      for (let j = 0; j < k; j++) {
        out[oo + j] = out[oo + j]! + x0 * t[t0 + j]! + x1 * t[t1 + j]! + x2 * t[t2 + j]! + x3 * t[t3 + j]!;
      }
    }
    for (; i < w; i++) {
      const x0 = a[oa + i]!;
      const t0 = i * k;
      for (let j = 0; j < k; j++) out[oo + j] = out[oo + j]! + x0 * t[t0 + j]!;
    }
  }
  return out;
}

/** out[0 : width] += Σ_k val[k] · src[ids[k]·width …] with a Float32 source (the projection). */
export function gatherRowsF32(
  out: Float64Array,
  ids: ArrayLike<number>,
  val: ArrayLike<number>,
  count: number,
  src: Float32Array,
  srcRowOffset: number,
  width: number,
): void {
  let p = 0;
  for (; p + 3 < count; p += 4) {
    const v0 = val[p]!;
    const v1 = val[p + 1]!;
    const v2 = val[p + 2]!;
    const v3 = val[p + 3]!;
    const s0 = (ids[p]! + srcRowOffset) * width;
    const s1 = (ids[p + 1]! + srcRowOffset) * width;
    const s2 = (ids[p + 2]! + srcRowOffset) * width;
    const s3 = (ids[p + 3]! + srcRowOffset) * width;
    for (let j = 0; j < width; j++) {
      out[j] = out[j]! + v0 * src[s0 + j]! + v1 * src[s1 + j]! + v2 * src[s2 + j]! + v3 * src[s3 + j]!;
    }
  }
  for (; p < count; p++) {
    const v0 = val[p]!;
    const s0 = (ids[p]! + srcRowOffset) * width;
    for (let j = 0; j < width; j++) out[j] = out[j]! + v0 * src[s0 + j]!;
  }
}

/**
 * Cholesky factor of a symmetric w × w matrix (lower, row-major), or undefined when it is not
 * numerically positive definite (then the caller falls back to an eigen-decomposition).
 */
export function cholesky(a: Float64Array, w: number): Float64Array | undefined {
  const l = new Float64Array(w * w);
  let maxDiag = 0;
  for (let i = 0; i < w; i++) maxDiag = Math.max(maxDiag, a[i * w + i]!);
  const floor = maxDiag * 1e-13;
  for (let j = 0; j < w; j++) {
    let d = a[j * w + j]!;
    for (let k = 0; k < j; k++) d -= l[j * w + k]! * l[j * w + k]!;
    if (!(d > floor)) return undefined;
    const ljj = Math.sqrt(d);
    l[j * w + j] = ljj;
    for (let i = j + 1; i < w; i++) {
      let s = a[i * w + j]!;
      for (let k = 0; k < j; k++) s -= l[i * w + k]! * l[j * w + k]!;
      l[i * w + j] = s / ljj;
    }
  }
  return l;
}

/** (L⁻¹)ᵀ for a lower-triangular L (row-major); an upper-triangular w × w matrix. */
export function inverseTransposeLower(l: Float64Array, w: number): Float64Array {
  // Solve L X = I column by column (forward substitution); X = L⁻¹ is lower triangular.
  const x = new Float64Array(w * w);
  for (let c = 0; c < w; c++) {
    for (let i = c; i < w; i++) {
      let s = i === c ? 1 : 0;
      for (let k = c; k < i; k++) s -= l[i * w + k]! * x[k * w + c]!;
      x[i * w + c] = s / l[i * w + i]!;
    }
  }
  const t = new Float64Array(w * w);
  for (let i = 0; i < w; i++) for (let j = 0; j < w; j++) t[j * w + i] = x[i * w + j]!;
  return t;
}
