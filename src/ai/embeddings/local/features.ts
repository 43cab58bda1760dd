/**
 * The local embedder's TF-IDF feature space: word features (content terms and, optionally, bigrams of
 * adjacent terms) and character n-grams inside words (3–5 for Latin script, 2–3 syllables for Hangul and
 * CJK, with word-boundary markers), both with sublinear tf and smooth idf.
 *
 * Character n-grams are aggregated per word type (fastText-style): a document's n-gram vector is
 * Σ_words (1 + ln tf_w) · ĝ_w, where ĝ_w is the word's idf-weighted n-gram vector, L2-normalised. This is
 * what makes the model cheap: the projection of a word's n-grams is computed once per word type, not once
 * per occurrence, and the SVD works on (docs × words) and (words × n-grams) instead of a much denser
 * (docs × n-grams) matrix. Each block is L2-normalised per document and the two are mixed by `charWeight`.
 *
 * Everything here is plain typed arrays and Maps, so it runs unchanged in a worker thread.
 */
import { charClass } from "../../../pipelines/text/script.js";

export interface FeatureConfig {
  /** Add bigrams of adjacent terms ("chess engine") to the word features. */
  bigrams: boolean;
  /** Character n-gram lengths for Latin-script (and other alphabetic) words, inclusive. */
  latinGrams: [number, number];
  /** Character n-gram lengths for Hangul and CJK words, in syllables/characters, inclusive. */
  cjkGrams: [number, number];
  /** Share of the squared norm given to the character n-gram block (0 = words only, 1 = n-grams only). */
  charWeight: number;
}

/** A word type's n-gram features: ids into the gram vocabulary and its L2-normalised weights. */
export interface TypeGrams {
  ids: Int32Array;
  weights: Float64Array;
}

/** One document's features, already weighted and block-normalised (the rows of the TF-IDF matrix). */
export interface DocFeatures {
  wordIds: Int32Array;
  wordValues: Float64Array;
  /** Word types (terms) of the document in first-occurrence order, with their scaled weights. */
  types: string[];
  typeValues: Float64Array;
}

// Word-boundary markers; terms never contain them (they are letters, digits, and ' + #).
const BOW = "<";
const EOW = ">";

function isCjkTerm(term: string): boolean {
  const c = charClass(term.codePointAt(0)!);
  return c === "hangul" || c === "han" || c === "kana";
}

/** The character n-grams of one term (with repeats), boundary markers included. */
export function gramsOf(term: string, cfg: FeatureConfig): string[] {
  const s = BOW + term + EOW;
  const [lo, hi] = isCjkTerm(term) ? cfg.cjkGrams : cfg.latinGrams;
  const out: string[] = [];
  // Code-unit slicing is exact unless the term has astral characters (rare Han extensions): then go by code point.
  const astral = /[\uD800-\uDBFF]/.test(s);
  const chars = astral ? Array.from(s) : undefined;
  const len = chars ? chars.length : s.length;
  for (let n = lo; n <= hi; n++) {
    for (let i = 0; i + n <= len; i++) {
      // A one-character gram that is just a marker carries no information.
      if (n === 1 && (i === 0 || i === len - 1)) continue;
      out.push(chars ? chars.slice(i, i + n).join("") : s.slice(i, i + n));
    }
  }
  return out;
}

export function bigramKey(a: string, b: string): string {
  return `${a} ${b}`;
}

export function sublinear(tf: number): number {
  return 1 + Math.log(tf);
}

/** Smooth idf (as in scikit-learn): ln((1 + N) / (1 + df)) + 1, always ≥ 1. */
export function smoothIdf(df: number, docCount: number): number {
  return Math.log((1 + docCount) / (1 + df)) + 1;
}

/** The fitted vocabulary with its idf weights; turns term sequences into weighted feature rows. */
export class FeatureSpace {
  readonly wordIndex = new Map<string, number>();
  /** Bigram features by first term, then second term: looking up two already-hashed strings is much cheaper than building "a b". */
  private readonly bigramIndex = new Map<string, Map<string, number>>();
  readonly gramIndex = new Map<string, number>();
  private readonly typeCache = new Map<string, TypeGrams>();
  private readonly scratch: Float64Array;
  private readonly wordScratch: Float64Array;
  private readonly alpha: number;
  private readonly beta: number;

  constructor(
    readonly config: FeatureConfig,
    readonly words: readonly string[],
    readonly wordIdf: Float32Array,
    readonly grams: readonly string[],
    readonly gramIdf: Float32Array,
  ) {
    if (wordIdf.length !== words.length || gramIdf.length !== grams.length) {
      throw new Error("feature space: idf length does not match vocabulary length");
    }
    words.forEach((w, i) => {
      this.wordIndex.set(w, i);
      const sp = w.indexOf(" ");
      if (sp > 0) {
        const first = w.slice(0, sp);
        let m = this.bigramIndex.get(first);
        if (!m) {
          m = new Map();
          this.bigramIndex.set(first, m);
        }
        m.set(w.slice(sp + 1), i);
      }
    });
    for (let i = 0; i < grams.length; i++) this.gramIndex.set(grams[i]!, i);
    this.scratch = new Float64Array(grams.length);
    this.wordScratch = new Float64Array(words.length);
    const cw = Math.min(1, Math.max(0, config.charWeight));
    this.alpha = Math.sqrt(1 - cw);
    this.beta = Math.sqrt(cw);
  }

  get wordCount(): number {
    return this.words.length;
  }

  get gramCount(): number {
    return this.grams.length;
  }

  /** A word type's normalised, idf-weighted n-gram vector (only n-grams in the vocabulary). Cached. */
  typeGrams(term: string): TypeGrams {
    const hit = this.typeCache.get(term);
    if (hit) return hit;
    const grams = gramsOf(term, this.config);
    const ids = new Int32Array(grams.length);
    for (let i = 0; i < grams.length; i++) ids[i] = this.gramIndex.get(grams[i]!) ?? -1;
    return this.cacheTypeGrams(term, ids);
  }

  /**
   * Fills the cache for a term whose n-grams were already mapped to vocabulary ids (in gramsOf order,
   * -1 for n-grams outside the vocabulary), as the fit does; gives exactly what typeGrams(term) computes.
   */
  cacheTypeGrams(term: string, gramIds: ArrayLike<number>): TypeGrams {
    const counts = new Map<number, number>();
    for (let i = 0; i < gramIds.length; i++) {
      const id = gramIds[i]!;
      if (id >= 0) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    const ids = new Int32Array(counts.size);
    const weights = new Float64Array(counts.size);
    let k = 0;
    let norm = 0;
    for (const [id, c] of counts) {
      const w = c * this.gramIdf[id]!;
      ids[k] = id;
      weights[k] = w;
      norm += w * w;
      k++;
    }
    if (norm > 0) {
      const inv = 1 / Math.sqrt(norm);
      for (let i = 0; i < weights.length; i++) weights[i] = weights[i]! * inv;
    }
    const entry = { ids, weights };
    // Bounded: embedding a stream of new texts must not grow memory without limit.
    if (this.typeCache.size >= 500_000) this.typeCache.clear();
    this.typeCache.set(term, entry);
    return entry;
  }

  /** Weighted, block-normalised feature row of one document. */
  docFeatures(terms: readonly string[], joined: ArrayLike<boolean | number>): DocFeatures {
    // Word-feature counts in a scratch array, in order of first occurrence.
    const tf = this.wordScratch;
    const seen: number[] = [];
    const bigrams = this.config.bigrams;
    for (let i = 0; i < terms.length; i++) {
      let id = this.wordIndex.get(terms[i]!);
      if (id !== undefined) {
        if (tf[id] === 0) seen.push(id);
        tf[id] = tf[id]! + 1;
      }
      if (bigrams && i > 0 && joined[i]) {
        id = this.bigramIndex.get(terms[i - 1]!)?.get(terms[i]!);
        if (id !== undefined) {
          if (tf[id] === 0) seen.push(id);
          tf[id] = tf[id]! + 1;
        }
      }
    }
    const wordIds = Int32Array.from(seen);
    const wordValues = new Float64Array(seen.length);
    let wNorm = 0;
    for (let k = 0; k < seen.length; k++) {
      const id = seen[k]!;
      const v = sublinear(tf[id]!) * this.wordIdf[id]!;
      tf[id] = 0;
      wordValues[k] = v;
      wNorm += v * v;
    }
    if (wNorm > 0) {
      const s = this.alpha / Math.sqrt(wNorm);
      for (let i = 0; i < wordValues.length; i++) wordValues[i] = wordValues[i]! * s;
    }

    const typeTf = new Map<string, number>();
    for (const t of terms) typeTf.set(t, (typeTf.get(t) ?? 0) + 1);
    const types: string[] = [];
    const vals: number[] = [];
    const touched: number[] = [];
    const acc = this.scratch;
    for (const [term, tf] of typeTf) {
      const tg = this.typeGrams(term);
      if (tg.ids.length === 0) continue;
      const a = sublinear(tf);
      types.push(term);
      vals.push(a);
      for (let i = 0; i < tg.ids.length; i++) {
        const g = tg.ids[i]!;
        if (acc[g] === 0) touched.push(g);
        acc[g] = acc[g]! + a * tg.weights[i]!;
      }
    }
    let cNorm = 0;
    for (const g of touched) {
      cNorm += acc[g]! * acc[g]!;
      acc[g] = 0;
    }
    const typeValues = Float64Array.from(vals);
    if (cNorm > 0) {
      const s = this.beta / Math.sqrt(cNorm);
      for (let i = 0; i < typeValues.length; i++) typeValues[i] = typeValues[i]! * s;
    }
    return { wordIds, wordValues, types, typeValues };
  }
}
