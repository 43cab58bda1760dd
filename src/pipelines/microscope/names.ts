/**
 * Entity-name normalisation and similarity for resolution.
 *
 * `nameKey`: NFKC, lower case, punctuation and whitespace removed, simple English plural folded per word
 * (the shared stemmer, plus acronym plurals: "GNNs" → "gnn"), so "Graph Neural Networks", "graph-neural
 * network" and "graph neural network" share a key. `similarity`: Dice coefficient of character bigrams of
 * the keys (the classic "string-similarity" measure; a few lines, and that package is deprecated).
 */
import { stemEnglish } from "../text/index.js";

/** Splits a name into its words, keeping the original case (for the acronym-plural rule). */
function words(name: string): string[] {
  return name
    .normalize("NFKC")
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

function foldWord(w: string): string {
  // "GNNs", "LLMs", "APIs": an upper-case acronym with a plural s.
  if (/^[\p{Lu}\p{N}]{2,}s$/u.test(w)) return w.slice(0, -1).toLowerCase();
  const lower = w.toLowerCase();
  return /^[a-z]+$/.test(lower) ? stemEnglish(lower) : lower;
}

export function nameKey(name: string): string {
  return words(name).map(foldWord).join("");
}

/** The word keys of a name (for acronym matching and word overlap). */
export function nameWords(name: string): string[] {
  return words(name).map(foldWord);
}

/** "long form (SHORT)" or "SHORT (long form)": both parts, else undefined. */
export function parentheticalParts(name: string): [string, string] | undefined {
  const m = /^(.+?)\s*[(（]([^()（）]+)[)）]\s*$/.exec(name.normalize("NFKC").trim());
  if (!m) return undefined;
  const a = m[1]!.trim();
  const b = m[2]!.trim();
  return a && b ? [a, b] : undefined;
}

/** Whether `short` is the initials of `long` ("GNN" / "graph neural network", "LLM" / "large language models"). */
export function isAcronymOf(short: string, long: string): boolean {
  const s = short.normalize("NFKC").replace(/s$/, "");
  if (!/^[\p{Lu}\p{N}][\p{Lu}\p{N}&-]{1,9}$/u.test(s)) return false;
  const letters = s.replace(/[&-]/g, "").toLowerCase();
  const ws = words(long).filter((w) => !/^(?:of|and|for|the|in|on|to)$/i.test(w));
  if (ws.length < 2) return false;
  return ws.map((w) => w[0]!.toLowerCase()).join("") === letters;
}

const DEFINITION = /([\p{L}][\p{L}\p{N}\- ]{2,80}?)\s*[(（]\s*([\p{Lu}][\p{Lu}\p{N}&-]{1,9}s?)\s*[)）]/gu;

/**
 * Acronyms the document defines, "graph neural network (GNN)": pairs [long form, acronym]. The long form is
 * the shortest tail of the words before the parenthesis whose initials spell the acronym.
 */
export function acronymDefinitions(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const m of text.matchAll(DEFINITION)) {
    const short = m[2]!;
    const before = m[1]!.trim().split(/\s+/);
    for (let n = 2; n <= Math.min(before.length, 10); n++) {
      const long = before.slice(-n).join(" ");
      if (isAcronymOf(short, long)) {
        out.push([long, short]);
        break;
      }
    }
  }
  return out;
}

/** Digits of a name: "GPT-4" and "GPT-4o" share them, "Python 2" and "Python 3" do not. */
export function digitSignature(key: string): string {
  return key.replace(/\D+/g, " ").trim();
}

export function bigrams(key: string): Map<string, number> {
  const out = new Map<string, number>();
  const chars = Array.from(key);
  if (chars.length === 1) out.set(chars[0]!, 1);
  for (let i = 0; i + 1 < chars.length; i++) {
    const g = chars[i]! + chars[i + 1]!;
    out.set(g, (out.get(g) ?? 0) + 1);
  }
  return out;
}

/** Dice coefficient of bigram multisets, in [0, 1]. */
export function dice(a: Map<string, number>, b: Map<string, number>): number {
  let inter = 0;
  let na = 0;
  let nb = 0;
  for (const v of a.values()) na += v;
  for (const [g, v] of b) {
    nb += v;
    const w = a.get(g);
    if (w) inter += Math.min(v, w);
  }
  return na + nb > 0 ? (2 * inter) / (na + nb) : 0;
}

export function similarity(a: string, b: string): number {
  return a === b ? 1 : dice(bigrams(a), bigrams(b));
}
