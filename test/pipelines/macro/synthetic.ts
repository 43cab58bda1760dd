/**
 * Seeded synthetic embeddings for the macro tests: gaussian blobs on the unit sphere. Each blob has a
 * random unit centre and spreads mostly inside its own low-dimensional random subspace (like topic
 * embeddings, which vary along few directions), plus a little isotropic noise; every point is normalised.
 */
import { Rng } from "../../../src/pipelines/macro/random.js";

export interface Blobs {
  vectors: Float32Array[];
  /** True blob per point. */
  truth: number[];
  dimension: number;
}

export interface BlobOptions {
  blobs: number;
  perBlob: number | number[];
  dimension: number;
  /** Spread inside the blob's subspace. Default 0.35. */
  spread?: number;
  /** Dimensions of each blob's subspace. Default 6. */
  intrinsic?: number;
  /** Isotropic noise per coordinate. Default 0.02. */
  noise?: number;
  seed?: number;
  /** Interleave the blobs' points (default true) so input order says nothing about the blob. */
  shuffle?: boolean;
}

function unit(v: Float64Array): Float64Array {
  let s = 0;
  for (const x of v) s += x * x;
  const inv = 1 / Math.sqrt(s);
  for (let i = 0; i < v.length; i++) v[i] = v[i]! * inv;
  return v;
}

export function makeBlobs(opts: BlobOptions): Blobs {
  const rng = new Rng(opts.seed ?? 7);
  const d = opts.dimension;
  const spread = opts.spread ?? 0.35;
  const intrinsic = opts.intrinsic ?? 6;
  const noise = opts.noise ?? 0.02;
  const vectors: Float32Array[] = [];
  const truth: number[] = [];
  for (let b = 0; b < opts.blobs; b++) {
    const centre = unit(Float64Array.from({ length: d }, () => rng.normal()));
    const basis = Array.from({ length: intrinsic }, () =>
      unit(Float64Array.from({ length: d }, () => rng.normal())),
    );
    const count = Array.isArray(opts.perBlob) ? opts.perBlob[b]! : opts.perBlob;
    for (let p = 0; p < count; p++) {
      const v = Float64Array.from(centre);
      for (const u of basis) {
        const a = rng.normal() * spread;
        for (let i = 0; i < d; i++) v[i] = v[i]! + a * u[i]!;
      }
      for (let i = 0; i < d; i++) v[i] = v[i]! + rng.normal() * noise;
      vectors.push(Float32Array.from(unit(v)));
      truth.push(b);
    }
  }
  if (opts.shuffle ?? true) {
    for (let i = vectors.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [vectors[i], vectors[j]] = [vectors[j]!, vectors[i]!];
      [truth[i], truth[j]] = [truth[j]!, truth[i]!];
    }
  }
  return { vectors, truth, dimension: d };
}

/** Exact top-k neighbour ids of point i by cosine (brute force, for checking). */
export function bruteForceTopK(vectors: Float32Array[], i: number, k: number): number[] {
  const scores: [number, number][] = [];
  const a = vectors[i]!;
  for (let j = 0; j < vectors.length; j++) {
    if (j === i) continue;
    const b = vectors[j]!;
    let s = 0;
    for (let t = 0; t < a.length; t++) s += a[t]! * b[t]!;
    scores.push([s, j]);
  }
  scores.sort((x, y) => y[0] - x[0] || x[1] - y[1]);
  return scores.slice(0, k).map((x) => x[1]);
}
