/**
 * Key phrases as entity candidates for the local extractor and block key concepts. Built on the shared
 * keyword pieces (src/pipelines/keywords: candidates = terms and frequent 2–3-term phrases, MMR for
 * diversity) with a scoring tuned for *entities* rather than topic keywords:
 * - phrases get a bonus per extra word, and a word that occurs mostly inside a kept phrase ("message" in
 *   "message passing") is left out;
 * - generic verbs/adjectives and single English -ed/-ly words are not entities;
 * - IDF comes from the texts when there are enough of them, else from their sentences (one short document
 *   still gets a meaningful IDF).
 * Names are shown in the document's own spelling: the keyword candidates display lower-cased surfaces
 * ("gnn"), so the most frequent matching span of the text gives the name back its case ("GNN").
 */
import { type Candidate, documentCandidates, mmrSelect, type Scored } from "../../keywords/index.js";
import { type Token, terms, tokenize } from "../../text/index.js";
import { sentences } from "../sentences.js";

export interface Phrase {
  /** Display name in the text's spelling. */
  name: string;
  /** Matching key: the phrase's terms joined by a space. */
  key: string;
  terms: string[];
  /** Relevance in its text, (0, 1]. */
  score: number;
}

/** Words that are never entities on their own (after plural folding). */
const GENERIC = new Set([
  "use",
  "make",
  "provide",
  "include",
  "support",
  "allow",
  "base",
  "based",
  "new",
  "simple",
  "different",
  "various",
  "several",
  "many",
  "able",
  "way",
  "thing",
  "lot",
  "kind",
  "type",
  "part",
  "example",
  "also",
  "well",
  "good",
  "great",
  "easy",
  "available",
  "possible",
  "following",
  "similar",
  "main",
  "other",
  "number",
  "사용",
  "제공",
  "지원",
  "포함",
  "기능",
  "경우",
  "가능",
  "다양",
  "다른",
  "이용",
  "정도",
  "부분",
  "방법",
  "위해",
]);
const MIN_TEXTS_FOR_IDF = 4;
const PHRASE_BONUS = 0.3;
const DIVERSITY = 0.3;
const MAX_NGRAM = 3;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The most frequent spelling of `display` in `text` (case, hyphens and spacing as written), or undefined
 * when a phrase does not occur verbatim: its words were joined across a particle or an ending in the text
 * ("속도를 높이"), so it is not a name. Inside a Korean phrase a word may keep a noun-modifying ending
 * ("완전 심볼" → "완전한 심볼").
 */
export function surfaceForm(display: string, text: string): string | undefined {
  const words = display.split(/\s+/).filter(Boolean);
  if (!words.length) return undefined;
  const parts = words.map(
    (w, i) => escapeRegExp(w) + (i < words.length - 1 && /[가-힣]$/.test(w) ? "(?:한|인|적인|의|된)?" : ""),
  );
  let re: RegExp;
  try {
    re = new RegExp(parts.join("[\\s\\-_/]+"), "giu");
  } catch {
    return words.length === 1 ? display : undefined;
  }
  const forms = new Map<string, number>();
  let seen = 0;
  for (const m of text.matchAll(re)) {
    forms.set(m[0], (forms.get(m[0]) ?? 0) + 1);
    if (++seen >= 50) break;
  }
  let best: string | undefined;
  let bestCount = 0;
  for (const [form, count] of forms) {
    if (count > bestCount) {
      best = form;
      bestCount = count;
    }
  }
  if (best === undefined) return words.length === 1 ? display : undefined;
  return best.replace(/\s+/g, " ");
}

function notAnEntity(c: Candidate): boolean {
  if (c.words.length > 1) {
    // "optionally displayed", "providing shared calendars": an adverb or a verb phrase, not a name.
    const first = c.display.split(" ")[0]!;
    return /^[a-z]{3,}ly$/.test(first) || (c.words.length > 2 && /^[a-z]{3,}ing$/.test(first));
  }
  return GENERIC.has(c.key) || /^[a-z]{3,}(?:ed|ly)$/.test(c.display);
}

function scoreDoc(cands: Map<string, Candidate>, df: Map<string, number>, n: number): Scored[] {
  const phraseOk = (c: Candidate) => c.words.length === 1 || c.tf >= 2 || (df.get(c.key) ?? 0) >= 2;
  const subsumed = new Set<string>();
  for (const c of cands.values()) {
    if (c.words.length < 2 || !phraseOk(c)) continue;
    for (let len = 1; len < c.words.length; len++) {
      for (let i = 0; i + len <= c.words.length; i++) {
        const sub = cands.get(c.words.slice(i, i + len).join(" "));
        if (sub && (sub.tf === c.tf || (c.tf >= 2 && sub.tf <= 1.5 * c.tf))) subsumed.add(sub.key);
      }
    }
  }
  const out: Scored[] = [];
  for (const c of cands.values()) {
    if (!phraseOk(c) || subsumed.has(c.key) || notAnEntity(c)) continue;
    const idf = Math.log((1 + n) / (1 + (df.get(c.key) ?? 0))) + 1;
    out.push({
      key: c.key,
      words: c.words,
      display: c.display,
      score: (1 + Math.log(c.tf)) * idf * (1 + PHRASE_BONUS * (c.words.length - 1)),
    });
  }
  const max = out.reduce((m, s) => Math.max(m, s.score), 0);
  for (const s of out) s.score = max > 0 ? s.score / max : 0;
  return out;
}

/** Key phrases per text; `topN(i)` phrases for text i. */
export function keyPhrases(texts: readonly string[], topN: (i: number) => number): Phrase[][] {
  const docs = texts.map((t) => tokenize(t));
  const idfDocs: Token[][] =
    texts.length >= MIN_TEXTS_FOR_IDF ? docs : texts.flatMap((t) => sentences(t).map((s) => tokenize(s)));
  const df = new Map<string, number>();
  for (const d of idfDocs)
    for (const key of documentCandidates(d, MAX_NGRAM).keys()) df.set(key, (df.get(key) ?? 0) + 1);
  return docs.map((doc, i) =>
    // Twice as many as wanted: phrases that do not occur verbatim are dropped below.
    mmrSelect(scoreDoc(documentCandidates(doc, MAX_NGRAM), df, idfDocs.length), topN(i) * 2, DIVERSITY)
      .map((s) => {
        const ts = terms(s.display);
        const name = surfaceForm(s.display, texts[i]!);
        return name ? { name, key: ts.join(" "), terms: ts, score: s.score } : undefined;
      })
      .filter((p): p is Phrase => p !== undefined && p.terms.length > 0)
      .slice(0, topN(i)),
  );
}

/** Finds phrases in token sequences: every phrase key indexed by its first term. */
export class PhraseMatcher {
  readonly #byFirst = new Map<string, { key: string; terms: string[] }[]>();

  add(key: string, phraseTerms: string[]): void {
    const first = phraseTerms[0];
    if (first === undefined) return;
    let list = this.#byFirst.get(first);
    if (!list) {
      list = [];
      this.#byFirst.set(first, list);
    }
    if (!list.some((p) => p.key === key)) list.push({ key, terms: phraseTerms });
  }

  /** Phrase keys found in `tokens`, each with the position of its first occurrence, in order. */
  find(tokens: readonly Token[]): { key: string; at: number }[] {
    const found = new Map<string, number>();
    for (let i = 0; i < tokens.length; i++) {
      const list = this.#byFirst.get(tokens[i]!.term);
      if (!list) continue;
      for (const p of list) {
        if (found.has(p.key) || i + p.terms.length > tokens.length) continue;
        let ok = true;
        for (let j = 1; j < p.terms.length && ok; j++) {
          const t = tokens[i + j]!;
          ok = t.term === p.terms[j] && t.joined;
        }
        if (ok) found.set(p.key, i);
      }
    }
    return [...found].map(([key, at]) => ({ key, at })).sort((a, b) => a.at - b.at);
  }
}
