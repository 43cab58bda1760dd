/**
 * Alias candidates between entity groups of one type: string similarity of their keys (names.ts), the
 * acronym relation, and, when embeddings are given, cosine similarity of the names. Pairs are "auto"
 * (merged without asking) or "grey" (merged only when an LLM confirms them).
 *
 * Cost: pairs are compared only between keys of comparable length (Dice ≥ t needs the shorter bigram count
 * to be at least t/(2-t) of the longer), and a bucket larger than MAX_FUZZY_GROUPS compares only its most
 * mentioned groups, so a 750-chunk document stays well under a second.
 */
import { bigrams, dice, digitSignature, isAcronymOf } from "../names.js";

export const AUTO_STRING = 0.9;
export const GREY_STRING = 0.72;
export const AUTO_COSINE = 0.95;
export const GREY_COSINE = 0.85;
/** Keys shorter than this are matched exactly only ("gnn" vs "gan"). */
const MIN_FUZZY_KEY = 4;
export const MAX_FUZZY_GROUPS = 2000;
/** Buckets larger than this are not embedded (the cosine pass is quadratic). */
export const MAX_EMBED_GROUPS = 800;

export interface GroupView {
  /** Group id (union-find root). */
  id: number;
  /** Display name (the group's most mentioned name). */
  name: string;
  key: string;
  mentions: number;
}

export interface PairScore {
  a: number;
  b: number;
  string: number;
  cosine: number | undefined;
  acronym: boolean;
  /** The larger of the signals, used to rank grey pairs. */
  score: number;
  kind: "auto" | "grey";
}

function normalise(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  const n = Math.sqrt(s) || 1;
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! / n;
  return out;
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) s += a[i]! * b[i]!;
  return s;
}

/** Scored candidate pairs of one bucket; `vectors[i]` (optional) embeds `groups[i].name`. */
export function scorePairs(groups: readonly GroupView[], vectors?: readonly Float32Array[]): PairScore[] {
  const ranked = groups
    .map((g, i) => ({ g, i }))
    .sort((x, y) => y.g.mentions - x.g.mentions)
    .slice(0, MAX_FUZZY_GROUPS);
  const items = ranked.map(({ g, i }) => {
    const grams = bigrams(g.key);
    let size = 0;
    for (const v of grams.values()) size += v;
    return {
      g,
      grams,
      size,
      digits: digitSignature(g.key),
      vec: vectors?.[i] ? normalise(vectors[i]!) : undefined,
    };
  });
  const byKeyLength = [...items].sort((x, y) => x.size - y.size);
  const ratio = GREY_STRING / (2 - GREY_STRING);
  const out: PairScore[] = [];
  const push = (x: (typeof items)[number], y: (typeof items)[number], str: number, acronym: boolean) => {
    const cosine = x.vec && y.vec ? dot(x.vec, y.vec) : undefined;
    const sameDigits = x.digits === y.digits;
    const fuzzyOk = x.g.key.length >= MIN_FUZZY_KEY && y.g.key.length >= MIN_FUZZY_KEY;
    const auto = sameDigits && fuzzyOk && (str >= AUTO_STRING || (cosine ?? 0) >= AUTO_COSINE);
    const grey = acronym || (fuzzyOk && (str >= GREY_STRING || (cosine ?? 0) >= GREY_COSINE));
    if (!auto && !grey) return;
    out.push({
      a: x.g.id,
      b: y.g.id,
      string: str,
      cosine,
      acronym,
      score: Math.max(str, cosine ?? 0, acronym ? 0.8 : 0),
      kind: auto ? "auto" : "grey",
    });
  };
  // String (and cosine) pairs between keys of comparable length.
  for (let i = 0; i < byKeyLength.length; i++) {
    const x = byKeyLength[i]!;
    for (let j = i + 1; j < byKeyLength.length; j++) {
      const y = byKeyLength[j]!;
      if (!x.vec && x.size < y.size * ratio) break;
      const str = x.size >= y.size * ratio ? dice(x.grams, y.grams) : 0;
      push(x, y, str, false);
    }
  }
  // Acronyms against long forms of very different length (skipped by the length window above).
  const byInitials = new Map<string, (typeof items)[number][]>();
  for (const it of items) {
    const ws = it.g.name.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    if (ws.length < 2) continue;
    const initials = ws.map((w) => w[0]!.toLowerCase()).join("");
    const same = byInitials.get(initials);
    if (same) same.push(it);
    else byInitials.set(initials, [it]);
  }
  const paired = new Map(out.map((p) => [`${Math.min(p.a, p.b)}|${Math.max(p.a, p.b)}`, p]));
  for (const it of items) {
    const letters = it.g.name.replace(/s$/, "").toLowerCase();
    for (const long of byInitials.get(letters) ?? []) {
      if (long === it || !isAcronymOf(it.g.name, long.g.name)) continue;
      const known = paired.get(`${Math.min(it.g.id, long.g.id)}|${Math.max(it.g.id, long.g.id)}`);
      if (known) {
        known.acronym = true;
        known.score = Math.max(known.score, 0.8);
      } else push(it, long, 0, true);
    }
  }
  return out;
}
