/**
 * Vectors copied into WebAssembly memory for the SIMD dot kernels (wasmDot.ts): n data rows, then
 * `scratchRows` writable rows (centroids, projection directions, split normals), each padded with zeros to
 * a stride of 16 floats; an output buffer and an id buffer follow. Falls back to plain JS loops on a
 * runtime without WebAssembly SIMD (same results up to float rounding).
 */

import { dotRows, type Matrix } from "./vectors.js";
import { createMemory, type DotExports, instantiateDot } from "./wasmDot.js";

export interface PackedOptions {
  /** Extra writable rows after the data rows. Default 0. */
  scratchRows?: number;
  /** Largest batch for dotRange/dotIds. Default n + scratchRows. */
  batch?: number;
  /** Use the JS loops even when SIMD is available (tests). */
  forceJs?: boolean;
}

export class PackedVectors {
  readonly n: number;
  readonly d: number;
  /** Floats per row (d rounded up to a multiple of 16). */
  readonly stride: number;
  readonly rows: number;
  /** All rows (data then scratch), row r at [r·stride, r·stride + d). */
  readonly data: Float32Array;
  /** Results of the last batch call. */
  readonly out: Float32Array;
  /** Ids for dotIds. */
  readonly ids: Int32Array;
  private readonly kernel: DotExports | null;
  private readonly rowBytes: number;
  private readonly outOffset: number;
  private readonly idsOffset: number;

  constructor(m: Matrix, opts: PackedOptions = {}) {
    this.n = m.n;
    this.d = m.d;
    this.stride = Math.max(16, Math.ceil(m.d / 16) * 16);
    this.rows = m.n + (opts.scratchRows ?? 0);
    const batch = Math.max(1, opts.batch ?? this.rows);
    this.rowBytes = this.stride * 4;
    const dataBytes = this.rows * this.rowBytes;
    this.outOffset = dataBytes;
    this.idsOffset = dataBytes + batch * 4;
    const total = this.idsOffset + batch * 4;
    const memory = createMemory(total);
    const buffer = memory ? memory.buffer : new ArrayBuffer(total);
    this.kernel = memory && !opts.forceJs ? instantiateDot(memory) : null;
    this.data = new Float32Array(buffer, 0, this.rows * this.stride);
    this.out = new Float32Array(buffer, this.outOffset, batch);
    this.ids = new Int32Array(buffer, this.idsOffset, batch);
    const { data, n, d } = m;
    if (d === this.stride) this.data.set(data.subarray(0, n * d));
    else for (let i = 0; i < n; i++) this.data.set(data.subarray(i * d, i * d + d), i * this.stride);
  }

  get simd(): boolean {
    return this.kernel !== null;
  }

  /** Writes `values` (length d) into row r (any row; meant for scratch rows n … rows−1). */
  setRow(r: number, values: ArrayLike<number>, from = 0): void {
    const o = r * this.stride;
    for (let j = 0; j < this.d; j++) this.data[o + j] = values[from + j]!;
  }

  /** Row r's d values (a view; valid while the row is not rewritten). */
  row(r: number): Float32Array {
    return this.data.subarray(r * this.stride, r * this.stride + this.d);
  }

  dot(i: number, j: number): number {
    if (this.kernel) return this.kernel.dot(i * this.rowBytes, j * this.rowBytes, this.rowBytes);
    return dotRows(this.data, i, this.data, j, this.stride);
  }

  /** out[t] = dot(row i, row first + t) for t < count; returns `out`. */
  dotRange(i: number, first: number, count: number): Float32Array {
    if (this.kernel) {
      this.kernel.dotRange(i * this.rowBytes, first * this.rowBytes, count, this.rowBytes, this.outOffset);
    } else {
      for (let t = 0; t < count; t++) this.out[t] = dotRows(this.data, i, this.data, first + t, this.stride);
    }
    return this.out;
  }

  /** out[t] = dot(row i, row ids[t]) for t < count (fill `ids` first); returns `out`. */
  dotIds(i: number, count: number): Float32Array {
    if (this.kernel) {
      this.kernel.dotIds(i * this.rowBytes, 0, this.idsOffset, count, this.rowBytes, this.outOffset);
    } else {
      for (let t = 0; t < count; t++)
        this.out[t] = dotRows(this.data, i, this.data, this.ids[t]!, this.stride);
    }
    return this.out;
  }
}
