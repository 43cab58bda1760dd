/**
 * Fitting the local embedder on a user's own corpus: vocabulary and idf (words, bigrams, character
 * n-grams), randomized SVD of the TF-IDF matrix (LSA), int8 projection. Pure and synchronous on plain
 * arrays, so it can run in a worker thread; deterministic for a given input and seed.
 */
import type { Token } from "../../../pipelines/text/tokenize.js";
import { tokenize } from "../../../pipelines/text/tokenize.js";
import type { Embedder } from "../types.js";
import {
  type Centring,
  centreInPlace,
  centringToState,
  fitCentring,
  type ScriptGroup,
  scriptGroupOf,
} from "./centring.js";
import { type FeatureConfig, FeatureSpace, smoothIdf } from "./features.js";
import { LocalModel, type TermSequence, termSequence } from "./model.js";
import { SeededRandom } from "./random.js";
import {
  dequantizeRows,
  encodeBase64,
  fingerprintOf,
  LOCAL_MODEL_NAME,
  LOCAL_STATE_FORMAT,
  LOCAL_TOKENIZER_VERSION,
  type LocalEmbedderState,
  quantizeRows,
} from "./state.js";
import { randomizedSvd } from "./svd.js";
import { tfidfOperator } from "./tfidfOperator.js";
import { arrayCorpus, buildVocabulary, type TermCorpus } from "./vocabulary.js";

export type LocalFitStage = "tokenize" | "vocabulary" | "svd" | "embed";

/**
 * Each fit step's usual share of the fit's time, in the order the steps run (`onProgress` restarts its count
 * at 0 for every step, so a caller showing one progress bar gives each step this slice of it). Measured on
 * debian-dev/debian-scale: 606 docs 9/15/68/9 %, 6,000 docs 10/16/65/9 %, 25,000 docs 19/22/47/13 % (the
 * SVD's sample is capped, so its share falls with size); these are a middle ground.
 */
export const LOCAL_FIT_STEP_WEIGHTS: Readonly<Record<LocalFitStage, number>> = {
  tokenize: 0.15,
  vocabulary: 0.2,
  svd: 0.5,
  embed: 0.15,
};

export interface LocalFitOptions {
  /**
   * Output dimension (LSA components). Default 256. Components come out ordered by singular value, so the
   * first m coordinates of a vector, re-normalised, are the m-dimensional LSA embedding (useful before
   * k-means, which does better on 50–100 dimensions).
   */
  dimension?: number;
  /** Word bigrams as features. Default true. */
  bigrams?: boolean;
  /**
   * Share of the character n-gram block. Default 0.3: on debian-dev, leave-one-out 10-NN label accuracy is
   * the same with or without n-grams (0.86 en / 0.82 ko) and a larger share blurs English topics, but the
   * n-grams give new texts with unseen words (add_node) a position through shared word pieces instead of a
   * zero vector, and they match Korean word forms the particle stripper misses.
   */
  charWeight?: number;
  /** Default [3, 5]. */
  latinGrams?: [number, number];
  /** Default [2, 3]. */
  cjkGrams?: [number, number];
  /** Minimum document frequency of a feature. Default 2 (1 for corpora under 20 documents). */
  minDf?: number;
  /** Features in more than this share of documents are dropped (corpora of 20+ documents). Default 0.5. */
  maxDfRatio?: number;
  /** Cap on word + bigram features, most frequent first. Default 30,000. */
  maxWordFeatures?: number;
  /** Cap on character n-gram features, most frequent first. Default 30,000. */
  maxGramFeatures?: number;
  /**
   * The SVD is fitted on at most this many documents (a seeded random sample); all are embedded. Default
   * 5,000: the LSA directions of a topic corpus are stable well before that, and the SVD's cost grows
   * linearly with it (about 1 s per 1,000 documents at 256 dimensions on one core).
   */
  svdSampleSize?: number;
  /** Extra random directions for the range finder. Default 10. */
  oversample?: number;
  /** Subspace iterations. Default 1. */
  powerIterations?: number;
  seed?: number;
  /**
   * Subtract each script group's mean vector when the corpus holds two or more groups of real size
   * (centring.ts), so that topics cross languages. Default true; a single-language corpus is unchanged.
   */
  centreByScript?: boolean;
  signal?: AbortSignal;
  /** `done` of `total` units of fit step `stage`; steps run in LOCAL_FIT_STEP_WEIGHTS order, each from 0. */
  onProgress?: (stage: LocalFitStage, done: number, total: number) => void;
}

export interface LocalFitResult {
  embedder: LocalEmbedder;
  state: LocalEmbedderState;
  /** The fitted documents' vectors, in input order (identical to embedder.embed(docs)). */
  vectors: Float32Array[];
}

/** The fit's result with the vectors packed row by row (n × dimension) instead of one array per document. */
export interface LocalCorpusFitResult {
  embedder: LocalEmbedder;
  state: LocalEmbedderState;
  matrix: Float32Array;
}

const EMBED_BATCH = 512;

/**
 * The local TF-IDF → LSA embedder. `embed` is synchronous CPU work behind a promise: run big inputs off the
 * main thread (pass the JSON state to a worker and call loadLocalEmbedder there).
 */
export class LocalEmbedder implements Embedder {
  readonly model = LOCAL_MODEL_NAME;
  readonly dimension: number;

  constructor(
    private readonly core: LocalModel,
    /** Identifies the fitted space (see LocalEmbedderState.fingerprint). */
    readonly fingerprint: string,
    /** The fitted corpus's script-group means, when it was centred (centring.ts). */
    private readonly centring?: Centring,
  ) {
    this.dimension = core.dimension;
  }

  /** Which script groups the space is centred on, and how many fitted documents each had (metadata). */
  get centredGroups(): Record<string, number> | undefined {
    return this.centring ? Object.fromEntries(this.centring.docs) : undefined;
  }

  embedTokensSync(docs: readonly (readonly Token[])[]): Float32Array[] {
    return docs.map((d) => this.#embedSequence(termSequence(d)));
  }

  embedSync(texts: readonly string[]): Float32Array[] {
    return texts.map((t) => this.#embedSequence(termSequence(tokenize(t))));
  }

  #embedSequence(seq: TermSequence): Float32Array {
    const v = this.core.embedTerms(seq);
    return this.centring ? centreInPlace(v, scriptGroupOf(seq.terms), this.centring) : v;
  }

  async embed(texts: string[], opts: { signal?: AbortSignal } = {}): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += EMBED_BATCH) {
      if (opts.signal?.aborted) throw opts.signal.reason ?? new Error("aborted");
      out.push(...this.embedSync(texts.slice(i, i + EMBED_BATCH)));
    }
    return out;
  }
}

function resolveConfig(opts: LocalFitOptions): FeatureConfig {
  const cw = opts.charWeight ?? 0.3;
  if (!(cw >= 0 && cw <= 1)) throw new RangeError("charWeight must be between 0 and 1");
  const range = (r: [number, number] | undefined, d: [number, number]): [number, number] => {
    const [lo, hi] = r ?? d;
    if (!(Number.isInteger(lo) && Number.isInteger(hi) && lo >= 1 && hi >= lo && hi <= 8)) {
      throw new RangeError(`invalid n-gram range [${lo}, ${hi}]`);
    }
    return [lo, hi];
  };
  return {
    bigrams: opts.bigrams ?? true,
    latinGrams: range(opts.latinGrams, [3, 5]),
    cjkGrams: range(opts.cjkGrams, [2, 3]),
    charWeight: cw,
  };
}

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new Error("aborted");
}

export function fitLocalEmbedder(docs: readonly string[], opts: LocalFitOptions = {}): LocalFitResult {
  const seqs: TermSequence[] = [];
  for (let i = 0; i < docs.length; i++) {
    if (i % 1000 === 0) {
      checkAbort(opts.signal);
      opts.onProgress?.("tokenize", i, docs.length);
    }
    seqs.push(termSequence(tokenize(docs[i]!)));
  }
  opts.onProgress?.("tokenize", docs.length, docs.length);
  return withRowVectors(fitLocalEmbedderOnCorpus(arrayCorpus(seqs), opts));
}

/** The same fit on documents already tokenised with `tokenize` (share tokenisation with keyword extraction). */
export function fitLocalEmbedderOnTokens(
  docs: readonly (readonly Token[])[],
  opts: LocalFitOptions = {},
): LocalFitResult {
  return withRowVectors(fitLocalEmbedderOnCorpus(arrayCorpus(docs.map((d) => termSequence(d))), opts));
}

function withRowVectors(fit: LocalCorpusFitResult): LocalFitResult {
  const d = fit.state.dimension;
  const n = fit.matrix.length / d;
  const vectors = Array.from({ length: n }, (_, i) => fit.matrix.slice(i * d, (i + 1) * d));
  return { embedder: fit.embedder, state: fit.state, vectors };
}

/**
 * The same fit on documents read one at a time from `corpus` (each is read three times: vocabulary, the SVD
 * sample's features, embedding), so neither every document's term sequence nor its feature row is held at
 * once; the vectors are written into one n × dimension array. Gives exactly the vectors of the other entries.
 */
export function fitLocalEmbedderOnCorpus(
  corpus: TermCorpus,
  opts: LocalFitOptions = {},
): LocalCorpusFitResult {
  const dimension = opts.dimension ?? 256;
  if (!(Number.isInteger(dimension) && dimension >= 2 && dimension <= 4096)) {
    throw new RangeError("dimension must be an integer between 2 and 4096");
  }
  const config = resolveConfig(opts);
  const seed = opts.seed ?? 42;
  const n = corpus.size;
  const minDf = opts.minDf ?? (n < 20 ? 1 : 2);
  const maxDf = n >= 20 ? Math.floor((opts.maxDfRatio ?? 0.5) * n) : n;
  checkAbort(opts.signal);
  opts.onProgress?.("vocabulary", 0, 3);

  const vocab = buildVocabulary(corpus, config, {
    minDf,
    maxDf,
    maxWordFeatures: opts.maxWordFeatures ?? 30_000,
    maxGramFeatures: opts.maxGramFeatures ?? 30_000,
  });

  opts.onProgress?.("vocabulary", 1, 3);
  const { words, grams } = vocab;
  const wordIdf = Float32Array.from(vocab.wordDf, (df) => smoothIdf(df, n));
  const gramIdf = Float32Array.from(vocab.gramDf, (df) => smoothIdf(df, n));
  const space = new FeatureSpace(config, words, wordIdf, grams, gramIdf);
  for (let t = 0; t < vocab.typeTerms.length; t++)
    space.cacheTypeGrams(vocab.typeTerms[t]!, vocab.typeGramIds[t]!);
  opts.onProgress?.("vocabulary", 2, 3);
  const featuresOf = (d: number) => {
    const s = corpus.sequence(d);
    return space.docFeatures(s.terms, s.joined);
  };
  opts.onProgress?.("vocabulary", 3, 3);

  checkAbort(opts.signal);

  // LSA on a seeded sample of documents (all of them for small corpora). Only the sample's feature rows are
  // kept; every other document's row is computed when it is embedded (docFeatures is a pure function).
  const random = new SeededRandom(seed);
  const sampleSize = Math.min(n, opts.svdSampleSize ?? 5_000);
  const sample = random.sample(n, sampleSize);
  const op = tfidfOperator(
    space,
    Array.from(sample, (i) => featuresOf(i)),
  );
  const rows = space.wordCount + space.gramCount;
  const svd =
    rows > 0 && n > 0
      ? randomizedSvd(op, {
          rank: dimension,
          oversample: opts.oversample ?? 10,
          powerIterations: opts.powerIterations ?? 1,
          random,
          onStep: (done, total) => {
            checkAbort(opts.signal);
            opts.onProgress?.("svd", done, total);
          },
        })
      : { v: new Float64Array(0), sigma: new Float64Array(dimension), rank: dimension, found: 0 };
  opts.onProgress?.("svd", 1, 1);

  const { values, scales } = quantizeRows(svd.v, rows, dimension);
  const projection = dequantizeRows(values, scales, dimension);
  const fingerprintParts = { features: config, dimension, words, grams, wordIdf, gramIdf, values, scales };
  const fingerprint = fingerprintOf(fingerprintParts);
  const state: LocalEmbedderState = {
    format: LOCAL_STATE_FORMAT,
    version: 1,
    model: LOCAL_MODEL_NAME,
    dimension,
    tokenizer: LOCAL_TOKENIZER_VERSION,
    features: config,
    fingerprint,
    docCount: n,
    words,
    wordIdf: encodeBase64(wordIdf),
    grams,
    gramIdf: encodeBase64(gramIdf),
    projection: {
      encoding: "int8-rowscale",
      rows,
      scales: encodeBase64(scales),
      values: encodeBase64(values),
    },
    fit: {
      svdDocs: sampleSize,
      components: svd.found,
      singularValues: Array.from(svd.sigma.subarray(0, svd.found)),
      seed,
    },
  };

  const model = new LocalModel(space, projection, dimension);
  const matrix = new Float32Array(n * dimension);
  const groups: (ScriptGroup | undefined)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    if (i % 1000 === 0) {
      checkAbort(opts.signal);
      opts.onProgress?.("embed", i, n);
    }
    const s = corpus.sequence(i);
    groups[i] = scriptGroupOf(s.terms);
    matrix.set(model.embedFeatures(space.docFeatures(s.terms, s.joined)), i * dimension);
  }
  const centring = opts.centreByScript === false ? undefined : fitCentring(matrix, dimension, groups);
  if (centring) {
    for (let i = 0; i < n; i++)
      centreInPlace(matrix.subarray(i * dimension, (i + 1) * dimension), groups[i], centring);
    state.centring = centringToState(centring);
    state.fingerprint = fingerprintOf({ ...fingerprintParts, centring });
  }
  opts.onProgress?.("embed", n, n);

  return { embedder: new LocalEmbedder(model, state.fingerprint, centring), state, matrix };
}
