/**
 * Keyword candidates of one tokenised document: its terms, and phrases of 2–3 adjacent terms (tokens that
 * follow each other with no stopword or punctuation between, in the same script). Each candidate keeps a
 * display form: the most frequent surface spelling in the document (Latin words before plural folding),
 * joined with spaces (without spaces for Chinese/Japanese).
 */
import type { Token } from "../text/tokenize.js";

export interface Candidate {
  /** Matching key: terms joined by a space. */
  key: string;
  /** Component terms (for diversity). */
  words: string[];
  tf: number;
  /** The most frequent display form. */
  display: string;
}

function scriptGroup(t: Token): "latin" | "hangul" | "cjk" {
  return t.script === "hangul" ? "hangul" : t.script === "cjk" ? "cjk" : "latin";
}

/** Candidates with their in-document frequency, in order of first occurrence. */
export function documentCandidates(tokens: readonly Token[], maxNgram: number): Map<string, Candidate> {
  const out = new Map<string, Candidate>();
  const displays = new Map<string, Map<string, number>>();
  const add = (from: number, n: number) => {
    const words: string[] = [];
    const surfaces: string[] = [];
    for (let i = from; i < from + n; i++) {
      words.push(tokens[i]!.term);
      surfaces.push(tokens[i]!.surface);
    }
    if (n > 1 && new Set(words).size < n) return; // "chess chess" is not a phrase
    const key = words.join(" ");
    const display = surfaces.join(scriptGroup(tokens[from]!) === "cjk" ? "" : " ");
    const c = out.get(key);
    if (c) c.tf++;
    else out.set(key, { key, words, tf: 1, display });
    let d = displays.get(key);
    if (!d) {
      d = new Map();
      displays.set(key, d);
    }
    d.set(display, (d.get(display) ?? 0) + 1);
  };
  for (let i = 0; i < tokens.length; i++) {
    add(i, 1);
    const g = scriptGroup(tokens[i]!);
    for (let n = 2; n <= maxNgram && i + n <= tokens.length; n++) {
      const last = tokens[i + n - 1]!;
      if (!last.joined || scriptGroup(last) !== g) break;
      add(i, n);
    }
  }
  for (const [key, d] of displays) {
    if (d.size < 2) continue;
    let best = "";
    let bestCount = -1;
    for (const [form, count] of d) {
      if (count > bestCount) {
        best = form;
        bestCount = count;
      }
    }
    out.get(key)!.display = best;
  }
  return out;
}
