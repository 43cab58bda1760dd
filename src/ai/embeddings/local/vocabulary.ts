/**
 * Vocabulary selection for the local embedder: document frequencies of terms, bigrams of adjacent terms
 * and character n-grams, then the most frequent features within [minDf, maxDf], capped. Works on integer
 * ids and typed arrays (one pass over the corpus for words, one over word types for n-grams) because this
 * runs over every document of a user's corpus.
 */
import { bigramKey, type FeatureConfig, gramsOf } from "./features.js";
import type { TermSequence } from "./model.js";

export interface VocabularyOptions {
  minDf: number;
  maxDf: number;
  maxWordFeatures: number;
  maxGramFeatures: number;
}

export interface Vocabulary {
  words: string[];
  wordDf: Int32Array;
  grams: string[];
  gramDf: Int32Array;
  /** Every word type seen, with its n-grams as vocabulary ids in gramsOf order (-1 = not in the vocabulary). */
  typeTerms: string[];
  typeGramIds: Int32Array[];
}

/** Indices of candidates with minDf ≤ df ≤ maxDf, most frequent first, ties by first occurrence; capped. */
function select(
  df: ArrayLike<number>,
  order: ArrayLike<number>,
  count: number,
  o: { minDf: number; maxDf: number },
  cap: number,
): number[] {
  const keep: number[] = [];
  for (let i = 0; i < count; i++) if (df[i]! >= o.minDf && df[i]! <= o.maxDf) keep.push(i);
  keep.sort((a, b) => df[b]! - df[a]! || order[a]! - order[b]!);
  return keep.length > cap ? keep.slice(0, cap) : keep;
}

/** Documents read one at a time (the fit never needs all term sequences at once). */
export interface TermCorpus {
  readonly size: number;
  sequence(d: number): TermSequence;
}

/** A corpus over term sequences already in memory. */
export function arrayCorpus(seqs: readonly TermSequence[]): TermCorpus {
  return { size: seqs.length, sequence: (d) => seqs[d]! };
}

export function buildVocabulary(
  corpus: TermCorpus,
  config: FeatureConfig,
  opts: VocabularyOptions,
): Vocabulary {
  const typeIndex = new Map<string, number>();
  const typeTerms: string[] = [];
  const typeDf: number[] = [];
  const typeLast: number[] = [];
  const typeOrder: number[] = [];
  // Bigram ids by first type, then second type: small-integer keys hash much faster than a combined 52-bit key.
  const bigramIndex: (Map<number, number> | undefined)[] = [];
  const bigramA: number[] = [];
  const bigramB: number[] = [];
  const bigramDf: number[] = [];
  const bigramLast: number[] = [];
  const bigramOrder: number[] = [];
  const docTypes: Int32Array[] = [];
  let order = 0;

  for (let d = 0; d < corpus.size; d++) {
    const { terms, joined } = corpus.sequence(d);
    const ids = new Int32Array(terms.length);
    for (let i = 0; i < terms.length; i++) {
      let t = typeIndex.get(terms[i]!);
      if (t === undefined) {
        t = typeTerms.length;
        typeIndex.set(terms[i]!, t);
        typeTerms.push(terms[i]!);
        typeDf.push(0);
        typeLast.push(-1);
        typeOrder.push(order++);
      }
      ids[i] = t;
      if (typeLast[t] !== d) {
        typeLast[t] = d;
        typeDf[t]!++;
      }
      if (config.bigrams && i > 0 && joined[i]) {
        const prev = ids[i - 1]!;
        let byNext = bigramIndex[prev];
        if (!byNext) bigramIndex[prev] = byNext = new Map();
        let b = byNext.get(t);
        if (b === undefined) {
          b = bigramDf.length;
          byNext.set(t, b);
          bigramA.push(ids[i - 1]!);
          bigramB.push(t);
          bigramDf.push(0);
          bigramLast.push(-1);
          bigramOrder.push(order++);
        }
        if (bigramLast[b] !== d) {
          bigramLast[b] = d;
          bigramDf[b]!++;
        }
      }
    }
    docTypes.push(ids);
  }
  bigramIndex.length = 0;

  // Words: unigrams and bigrams compete for the same cap.
  const T = typeTerms.length;
  const B = bigramDf.length;
  const wdf = new Int32Array(T + B);
  const wordOrder = new Float64Array(T + B);
  wdf.set(typeDf);
  wdf.set(bigramDf, T);
  wordOrder.set(typeOrder);
  wordOrder.set(bigramOrder, T);
  const wordSel = select(wdf, wordOrder, T + B, opts, opts.maxWordFeatures);
  const words = wordSel.map((i) =>
    i < T ? typeTerms[i]! : bigramKey(typeTerms[bigramA[i - T]!]!, typeTerms[bigramB[i - T]!]!),
  );
  const wordDf = Int32Array.from(wordSel, (i) => wdf[i]!);

  // Character n-grams, once per word type; document frequency through each document's distinct types.
  const gramIndex = new Map<string, number>();
  const gramStrings: string[] = [];
  const typeGramRaw: Int32Array[] = new Array(T);
  for (let t = 0; t < T; t++) {
    const gs = gramsOf(typeTerms[t]!, config);
    const ids = new Int32Array(gs.length);
    for (let i = 0; i < gs.length; i++) {
      let g = gramIndex.get(gs[i]!);
      if (g === undefined) {
        g = gramStrings.length;
        gramIndex.set(gs[i]!, g);
        gramStrings.push(gs[i]!);
      }
      ids[i] = g;
    }
    typeGramRaw[t] = ids;
  }
  gramIndex.clear();
  const G = gramStrings.length;
  const gramDfAll = new Int32Array(G);
  const gramLast = new Int32Array(G).fill(-1);
  const typeSeen = new Int32Array(T).fill(-1);
  for (let d = 0; d < docTypes.length; d++) {
    const ids = docTypes[d]!;
    for (let i = 0; i < ids.length; i++) {
      const t = ids[i]!;
      if (typeSeen[t] === d) continue;
      typeSeen[t] = d;
      const gs = typeGramRaw[t]!;
      for (let j = 0; j < gs.length; j++) {
        const g = gs[j]!;
        if (gramLast[g] !== d) {
          gramLast[g] = d;
          gramDfAll[g]!++;
        }
      }
    }
  }
  // First occurrence order of n-grams is their id order (assigned while walking types in first-seen order).
  const gramSel = select(
    gramDfAll,
    Int32Array.from({ length: G }, (_, i) => i),
    G,
    opts,
    opts.maxGramFeatures,
  );
  const remap = new Int32Array(G).fill(-1);
  gramSel.forEach((g, k) => {
    remap[g] = k;
  });
  const typeGramIds = typeGramRaw.map((raw) => raw.map((g) => remap[g]!));
  return {
    words,
    wordDf,
    grams: gramSel.map((g) => gramStrings[g]!),
    gramDf: Int32Array.from(gramSel, (g) => gramDfAll[g]!),
    typeTerms,
    typeGramIds,
  };
}
