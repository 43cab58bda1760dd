/**
 * A fitted local model: the feature space plus the LSA projection (features × dimension). Turns a
 * document's weighted feature row x into normalize(x · V). Word-type projections (the n-gram part of a
 * word, projected) are cached, which is what keeps embedding fast.
 *
 * Fitting and loading build this same object from the same numbers, and every vector goes through
 * `embedFeatures`, so a loaded model reproduces the fitted vectors bit for bit.
 */
import type { Token } from "../../../pipelines/text/tokenize.js";
import { l2NormalizeInPlace } from "../vectors.js";
import type { DocFeatures, FeatureSpace } from "./features.js";
import { gatherRowsF32 } from "./kernels.js";

export interface TermSequence {
  terms: string[];
  joined: Uint8Array;
}

export function termSequence(tokens: readonly Token[]): TermSequence {
  const terms = new Array<string>(tokens.length);
  const joined = new Uint8Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) {
    terms[i] = tokens[i]!.term;
    joined[i] = tokens[i]!.joined ? 1 : 0;
  }
  return { terms, joined };
}

/**
 * Bytes of cached word-type projections (dimension float32s each). A cache, so its size changes speed, never
 * a vector; 200,000 entries of 256 dimensions were 200 MB held by the fit of a large corpus.
 */
const TYPE_CACHE_BYTES = 48 * 1024 * 1024;

export class LocalModel {
  private readonly typeProjection = new Map<string, Float32Array>();
  private readonly typeCacheLimit: number;

  constructor(
    readonly space: FeatureSpace,
    /** Row-major (words, then n-grams) × dimension. */
    readonly projection: Float32Array,
    readonly dimension: number,
  ) {
    if (projection.length !== (space.wordCount + space.gramCount) * dimension) {
      throw new Error("local model: projection size does not match the vocabulary");
    }
    this.typeCacheLimit = Math.max(1000, Math.floor(TYPE_CACHE_BYTES / (4 * Math.max(1, dimension))));
  }

  /** Σ_g ĝ_w[g] · V[g] for one word type, rounded to float32 (cached). */
  private projectType(term: string): Float32Array {
    const hit = this.typeProjection.get(term);
    if (hit) return hit;
    const dim = this.dimension;
    const { ids, weights } = this.space.typeGrams(term);
    const acc = new Float64Array(dim);
    gatherRowsF32(acc, ids, weights, ids.length, this.projection, this.space.wordCount, dim);
    const out = Float32Array.from(acc);
    if (this.typeProjection.size >= this.typeCacheLimit) this.typeProjection.clear();
    this.typeProjection.set(term, out);
    return out;
  }

  embedFeatures(f: DocFeatures): Float32Array {
    const dim = this.dimension;
    const acc = new Float64Array(dim);
    gatherRowsF32(acc, f.wordIds, f.wordValues, f.wordIds.length, this.projection, 0, dim);
    const types = f.types;
    const tv = f.typeValues;
    let i = 0;
    for (; i + 3 < types.length; i += 4) {
      const p0 = this.projectType(types[i]!);
      const p1 = this.projectType(types[i + 1]!);
      const p2 = this.projectType(types[i + 2]!);
      const p3 = this.projectType(types[i + 3]!);
      const v0 = tv[i]!;
      const v1 = tv[i + 1]!;
      const v2 = tv[i + 2]!;
      const v3 = tv[i + 3]!;
      for (let j = 0; j < dim; j++) acc[j] = acc[j]! + v0 * p0[j]! + v1 * p1[j]! + v2 * p2[j]! + v3 * p3[j]!;
    }
    for (; i < types.length; i++) {
      const v = tv[i]!;
      const tp = this.projectType(types[i]!);
      for (let j = 0; j < dim; j++) acc[j] = acc[j]! + v * tp[j]!;
    }
    l2NormalizeInPlace(acc);
    return Float32Array.from(acc);
  }

  embedTerms(seq: TermSequence): Float32Array {
    return this.embedFeatures(this.space.docFeatures(seq.terms, seq.joined));
  }
}
