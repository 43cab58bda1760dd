/**
 * A model-free, unfitted local embedder for microscope chunks and questions: feature hashing ("the hashing
 * trick") of word unigrams, bigrams of adjacent words and character n-grams inside words, with sublinear tf,
 * signed buckets, and an L2-normalised result.
 *
 * Why not the macro default (`local-tfidf-lsa-v1`): that model is fitted to one user's corpus and its space
 * changes with every refit, while a microscope workspace grows one document at a time and every chunk ever
 * stored must stay comparable with every later question. A hashed space is fixed forever: the same text gives
 * the same vector in every process and every version that keeps `HASHING_MODEL_NAME`, with nothing to store.
 *
 * Tokens come from the shared tokenizer (`pipelines/text`): English plural folding and stopwords, Korean
 * particle stripping, Chinese/Japanese word segmentation. Character n-grams (3–5 letters for alphabetic words,
 * 2–3 syllables for Hangul/CJK, with word-boundary markers) make inflected and compound forms overlap
 * ("embedding"/"embeddings", "그래프가"/"그래프를" after stripping, 知识图谱/知识). There is no idf (nothing is
 * fitted); stopword removal covers most of what idf would do for short chunks.
 *
 * Written by hand: the hash and the bucket arithmetic are a few lines, and a dependency whose hash could
 * change in a minor release would silently invalidate every stored vector.
 */
import { terminal } from "../../contract/errors.js";
import { type Token, tokenize } from "../../pipelines/text/index.js";
import { type FeatureConfig, gramsOf, sublinear } from "./local/features.js";
import { type Embedder, type EmbedOptions, throwIfAborted } from "./types.js";
import { l2NormalizeInPlace } from "./vectors.js";

export const HASHING_MODEL_NAME = "local-hash-v1";
/**
 * 1024 buckets: on debian-dev (665 chats and notes, 13 topics) the nearest neighbour has the same topic for
 * 56% (en) / 47% (ko) of items at 256 buckets, 70% / 51% at 512, 76% / 66% at 1024, and barely more beyond
 * (78% / 68% at 4096): below 1024, bucket collisions of the many character n-grams blur the space.
 */
export const DEFAULT_HASHING_DIMENSION = 1024;

export interface HashingEmbedderOptions {
  /** Number of buckets (the vector length). Default 1024. Another dimension is another model name. */
  dimension?: number;
  /** Share of the squared norm given to the character n-gram block (0–1). Default 0.4. */
  charWeight?: number;
}

const GRAMS: FeatureConfig = { bigrams: true, latinGrams: [3, 5], cjkGrams: [2, 3], charWeight: 0.4 };
/** Bigrams count half as much as words: they sharpen phrase matches without drowning single-word overlap. */
const BIGRAM_WEIGHT = 0.5;
/** Texts between abort checks. */
const CHECK_EVERY = 64;

/** Namespaces keep a word, a bigram and a character n-gram with the same spelling in different buckets. */
const WORD_PREFIX = "w\u0001";
const BIGRAM_PREFIX = "b\u0001";
const GRAM_PREFIX = "c\u0001";

/**
 * FNV-1a over UTF-16 code units, then murmur3's finaliser so that low and high bits are both well mixed
 * (the low bits pick the bucket, the top bit the sign).
 */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function modelName(dimension: number): string {
  return dimension === DEFAULT_HASHING_DIMENSION ? HASHING_MODEL_NAME : `${HASHING_MODEL_NAME}-d${dimension}`;
}

/** Adds `weight` to the signed bucket of `feature`. */
function addHashed(v: Float64Array, feature: string, weight: number): void {
  const h = hash32(feature);
  const sign = h & 0x80000000 ? -1 : 1;
  const i = (h & 0x7fffffff) % v.length;
  v[i] = v[i]! + sign * weight;
}

function count(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

export class HashingEmbedder implements Embedder {
  readonly model: string;
  readonly dimension: number;
  private readonly wordScale: number;
  private readonly charScale: number;

  constructor(opts: HashingEmbedderOptions = {}) {
    const dimension = opts.dimension ?? DEFAULT_HASHING_DIMENSION;
    if (!Number.isInteger(dimension) || dimension < 16 || dimension > 65536) {
      throw terminal(
        "VALIDATION_ERROR",
        `hashing embedder dimension must be an integer in [16, 65536], got ${dimension}`,
      );
    }
    const charWeight = opts.charWeight ?? GRAMS.charWeight;
    if (!(charWeight >= 0 && charWeight <= 1)) {
      throw terminal("VALIDATION_ERROR", "hashing embedder charWeight must be in [0, 1]");
    }
    this.dimension = dimension;
    this.model =
      charWeight === GRAMS.charWeight ? modelName(dimension) : `${modelName(dimension)}-c${charWeight}`;
    this.wordScale = Math.sqrt(1 - charWeight);
    this.charScale = Math.sqrt(charWeight);
  }

  /** One text's vector; all zeros when the text has no content terms. */
  embedOne(text: string): Float32Array {
    return this.embedTokens(tokenize(text));
  }

  embedTokens(tokens: readonly Token[]): Float32Array {
    const words = new Map<string, number>();
    const bigrams = new Map<string, number>();
    for (let i = 0; i < tokens.length; i++) {
      const tok = tokens[i]!;
      count(words, tok.term);
      if (i > 0 && tok.joined) count(bigrams, `${tokens[i - 1]!.term} ${tok.term}`);
    }
    const wordBlock = new Float64Array(this.dimension);
    for (const [w, tf] of words) addHashed(wordBlock, WORD_PREFIX + w, sublinear(tf));
    for (const [b, tf] of bigrams) addHashed(wordBlock, BIGRAM_PREFIX + b, BIGRAM_WEIGHT * sublinear(tf));

    // Character n-grams per word type, each word weighted by its sublinear tf (fastText-style).
    const grams = new Map<string, number>();
    for (const [w, tf] of words) {
      const wt = sublinear(tf);
      for (const g of gramsOf(w, GRAMS)) count(grams, g, wt);
    }
    const charBlock = new Float64Array(this.dimension);
    for (const [g, tf] of grams) addHashed(charBlock, GRAM_PREFIX + g, sublinear(tf));

    l2NormalizeInPlace(wordBlock);
    l2NormalizeInPlace(charBlock);
    const out = new Float64Array(this.dimension);
    for (let i = 0; i < out.length; i++) {
      out[i] = this.wordScale * wordBlock[i]! + this.charScale * charBlock[i]!;
    }
    l2NormalizeInPlace(out);
    return Float32Array.from(out);
  }

  async embed(texts: string[], opts: EmbedOptions = {}): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i++) {
      if (i % CHECK_EVERY === 0) throwIfAborted(opts.signal);
      out.push(this.embedOne(texts[i] ?? ""));
    }
    throwIfAborted(opts.signal);
    return out;
  }
}

export function createHashingEmbedder(opts: HashingEmbedderOptions = {}): HashingEmbedder {
  return new HashingEmbedder(opts);
}
