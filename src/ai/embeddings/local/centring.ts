/**
 * Per-script centring of the local vectors, so that a bilingual user's topics group by topic, not by
 * language. Two languages share almost no words, so every Korean document of a TF-IDF/LSA space leans
 * towards one "Korean" direction and every English one towards another; clustering then splits by language
 * first (debian-dev mixed: V-measure 0.635, the Korean items 0.340 inside that graph). Subtracting each
 * script group's mean vector removes that shared lean and leaves what differs within a language, which is
 * the topic (0.748 mixed, Korean 0.741, English 0.787; bench:cross-language).
 *
 * Written here because it is a few lines over our own vectors. The group of a document comes from its
 * terms' scripts, so fitting and loading (ADD_NODE) group a text the same way without a language tag. A
 * corpus with fewer than two groups of real size is left as it is: a single-language graph is unchanged.
 */
import { charClass } from "../../../pipelines/text/script.js";
import { l2NormalizeInPlace } from "../vectors.js";
import { decodeFloat32, encodeBase64 } from "./state.js";

/** Which writing system dominates a document's terms. */
export type ScriptGroup = "latin" | "hangul" | "han" | "alpha";

/** A group takes part when it has at least this many documents and this share of the corpus. */
export const MIN_GROUP_DOCS = 10;
export const MIN_GROUP_SHARE = 0.05;

/** The fitted means: per group, and the corpus mean for documents of groups too small to have their own. */
export interface Centring {
  groups: Map<ScriptGroup, Float32Array>;
  fallback: Float32Array;
  docs: Map<ScriptGroup, number>;
}

/** As stored in the embedder state (embedder.json). */
export interface CentringState {
  rule: "script-group-mean-v1";
  groups: Record<string, { docs: number; mean: string }>;
  fallback: string;
}

/**
 * The script group of a document from its terms (words, Korean stems, CJK words): Hangul from a 10 % share
 * of terms on (Korean text is full of Latin names), Han or kana from 20 %, another alphabet from half;
 * otherwise Latin. No letters at all: no group (such a document is not centred).
 */
export function scriptGroupOf(terms: readonly string[]): ScriptGroup | undefined {
  let hangul = 0;
  let han = 0;
  let alpha = 0;
  let latin = 0;
  for (const term of terms) {
    const c = charClass(term.codePointAt(0) ?? 0);
    if (c === "hangul") hangul++;
    else if (c === "han" || c === "kana") han++;
    else if (c === "alpha") alpha++;
    else if (c === "latin") latin++;
  }
  const letters = hangul + han + alpha + latin;
  if (letters === 0) return undefined;
  if (hangul / letters >= 0.1) return "hangul";
  if (han / letters >= 0.2) return "han";
  if (alpha / letters >= 0.5) return "alpha";
  return "latin";
}

/**
 * Means of an n × d matrix of unit vectors by group, or undefined when fewer than two groups are large
 * enough (see MIN_GROUP_DOCS, MIN_GROUP_SHARE). Zero vectors (documents without known terms) are skipped.
 */
export function fitCentring(
  matrix: Float32Array,
  d: number,
  groupOf: readonly (ScriptGroup | undefined)[],
): Centring | undefined {
  const n = groupOf.length;
  const sums = new Map<ScriptGroup, Float64Array>();
  const docs = new Map<ScriptGroup, number>();
  const total = new Float64Array(d);
  let counted = 0;
  for (let i = 0; i < n; i++) {
    const g = groupOf[i];
    if (!g || isZero(matrix, i, d)) continue;
    const sum = sums.get(g) ?? new Float64Array(d);
    for (let j = 0; j < d; j++) {
      const x = matrix[i * d + j]!;
      sum[j]! += x;
      total[j]! += x;
    }
    sums.set(g, sum);
    docs.set(g, (docs.get(g) ?? 0) + 1);
    counted++;
  }
  const minDocs = Math.max(MIN_GROUP_DOCS, Math.ceil(MIN_GROUP_SHARE * counted));
  const groups = new Map<ScriptGroup, Float32Array>();
  for (const [g, sum] of sums) {
    const m = docs.get(g)!;
    if (m >= minDocs)
      groups.set(
        g,
        Float32Array.from(sum, (x) => x / m),
      );
  }
  if (groups.size < 2) return undefined;
  const kept = new Map([...docs].filter(([g]) => groups.has(g)));
  return { groups, fallback: Float32Array.from(total, (x) => x / counted), docs: kept };
}

/** Centres one unit vector in place (its group's mean, else the corpus mean) and re-normalises it. */
export function centreInPlace(v: Float32Array, group: ScriptGroup | undefined, c: Centring): Float32Array {
  if (!group || isZero(v, 0, v.length)) return v;
  const mean = c.groups.get(group) ?? c.fallback;
  for (let j = 0; j < v.length; j++) v[j] = v[j]! - mean[j]!;
  return l2NormalizeInPlace(v) as Float32Array;
}

export function centringToState(c: Centring): CentringState {
  return {
    rule: "script-group-mean-v1",
    groups: Object.fromEntries(
      [...c.groups].map(([g, mean]) => [g, { docs: c.docs.get(g) ?? 0, mean: encodeBase64(mean) }]),
    ),
    fallback: encodeBase64(c.fallback),
  };
}

export function centringFromState(s: CentringState, d: number): Centring {
  if (s.rule !== "script-group-mean-v1") throw new Error(`unknown centring rule ${String(s.rule)}`);
  const groups = new Map<ScriptGroup, Float32Array>();
  const docs = new Map<ScriptGroup, number>();
  for (const [g, { docs: m, mean }] of Object.entries(s.groups)) {
    if (!isScriptGroup(g)) throw new Error(`unknown script group ${g}`);
    groups.set(g, decodeFloat32(mean, d, `centring mean of ${g}`));
    docs.set(g, m);
  }
  return { groups, fallback: decodeFloat32(s.fallback, d, "centring fallback"), docs };
}

function isScriptGroup(g: string): g is ScriptGroup {
  return g === "latin" || g === "hangul" || g === "han" || g === "alpha";
}

function isZero(m: Float32Array, row: number, d: number): boolean {
  for (let j = 0; j < d; j++) if (m[row * d + j] !== 0) return false;
  return true;
}
