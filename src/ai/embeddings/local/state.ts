/**
 * The fitted state of the local embedder, as a JSON-serialisable object (store it with JSON.stringify,
 * e.g. next to features.json, and load it for add_node). Numeric arrays are base64 strings of
 * little-endian typed arrays; the projection is int8 with one float32 scale per feature row, which makes it
 * 4× smaller than float32 at a cosine error far below 0.001. The fitted vectors themselves are computed
 * from the dequantised projection, so loading a state reproduces them exactly.
 */
import { createHash } from "node:crypto";
import type { Centring, CentringState } from "./centring.js";
import type { FeatureConfig } from "./features.js";

export const LOCAL_MODEL_NAME = "local-tfidf-lsa-v1";
export const LOCAL_STATE_FORMAT = "graphnode-local-embedder";
/** Bump when tokenisation or feature extraction changes in a way that changes vectors. */
export const LOCAL_TOKENIZER_VERSION = "graphnode-text-v1";

export interface LocalEmbedderState {
  format: typeof LOCAL_STATE_FORMAT;
  version: 1;
  model: string;
  dimension: number;
  tokenizer: string;
  features: FeatureConfig;
  /** Content hash of vocabulary and projection: two states with the same fingerprint embed identically. */
  fingerprint: string;
  docCount: number;
  words: string[];
  /** base64 Float32Array, one per word feature. */
  wordIdf: string;
  grams: string[];
  /** base64 Float32Array, one per n-gram feature. */
  gramIdf: string;
  projection: {
    encoding: "int8-rowscale";
    rows: number;
    /** base64 Float32Array, one scale per row (feature). */
    scales: string;
    /** base64 Int8Array, rows × dimension, row-major. */
    values: string;
  };
  /** Script-group means subtracted from every vector (centring.ts); absent for a single-language corpus. */
  centring?: CentringState;
  /** Informational: how the projection was fitted. */
  fit: { svdDocs: number; components: number; singularValues: number[]; seed: number };
}

export function encodeBase64(a: Float32Array | Int8Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");
}

function decodeBytes(b64: string, what: string): Uint8Array {
  if (typeof b64 !== "string") throw new Error(`local embedder state: ${what} is not a base64 string`);
  const b = Buffer.from(b64, "base64");
  // Copy into a fresh, aligned buffer (Buffer.from may return a slice of a shared pool).
  const out = new Uint8Array(b.length);
  out.set(b);
  return out;
}

export function decodeFloat32(b64: string, length: number, what: string): Float32Array {
  const bytes = decodeBytes(b64, what);
  if (bytes.length !== length * 4)
    throw new Error(`local embedder state: ${what} has ${bytes.length / 4} values, expected ${length}`);
  return new Float32Array(bytes.buffer);
}

export function decodeInt8(b64: string, length: number, what: string): Int8Array {
  const bytes = decodeBytes(b64, what);
  if (bytes.length !== length)
    throw new Error(`local embedder state: ${what} has ${bytes.length} values, expected ${length}`);
  return new Int8Array(bytes.buffer);
}

/** Per-row symmetric int8 quantisation of a rows × dim matrix. */
export function quantizeRows(
  v: Float64Array,
  rows: number,
  dim: number,
): { values: Int8Array; scales: Float32Array } {
  const values = new Int8Array(rows * dim);
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const o = r * dim;
    let max = 0;
    for (let j = 0; j < dim; j++) max = Math.max(max, Math.abs(v[o + j]!));
    const scale = Math.fround(max / 127);
    scales[r] = scale;
    if (scale === 0) continue;
    for (let j = 0; j < dim; j++)
      values[o + j] = Math.max(-127, Math.min(127, Math.round(v[o + j]! / scale)));
  }
  return { values, scales };
}

export function dequantizeRows(values: Int8Array, scales: Float32Array, dim: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < scales.length; r++) {
    const s = scales[r]!;
    const o = r * dim;
    for (let j = 0; j < dim; j++) out[o + j] = values[o + j]! * s;
  }
  return out;
}

export function fingerprintOf(parts: {
  features: FeatureConfig;
  dimension: number;
  words: readonly string[];
  grams: readonly string[];
  wordIdf: Float32Array;
  gramIdf: Float32Array;
  values: Int8Array;
  scales: Float32Array;
  centring?: Centring;
}): string {
  const h = createHash("sha256");
  h.update(JSON.stringify([LOCAL_MODEL_NAME, LOCAL_TOKENIZER_VERSION, parts.features, parts.dimension]));
  h.update(parts.words.join("\n"));
  h.update("\u0000");
  h.update(parts.grams.join("\n"));
  for (const a of [parts.wordIdf, parts.gramIdf, parts.values, parts.scales]) {
    h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  }
  if (parts.centring) {
    // Sorted, so the same means give the same fingerprint whatever order the groups were found in.
    const groups = [...parts.centring.groups].sort(([a], [b]) => a.localeCompare(b));
    for (const [g, mean] of [...groups, ["fallback", parts.centring.fallback] as const]) {
      h.update(`\u0000${g}`);
      h.update(new Uint8Array(mean.buffer, mean.byteOffset, mean.byteLength));
    }
  }
  return h.digest("hex").slice(0, 16);
}
