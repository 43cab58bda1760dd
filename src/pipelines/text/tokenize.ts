/**
 * Script-aware tokenisation into content terms, shared by the local embedder and keyword extraction.
 *
 * A word (a run of letters/digits) is split further at script changes, and each run gets its own rules:
 * - Latin (and other alphabets): lower-case, possessive 's dropped, plural folding (english.ts); stopwords,
 *   numbers-only tokens, one-letter tokens and hash-like junk are dropped.
 * - Hangul: particles/endings stripped (korean.ts); a Hangul run glued to a Latin word that is only a
 *   particle ("tapecalc는", "GNU의") is dropped.
 * - Han/Kana: Intl.Segmenter word segmentation (ICU dictionaries, built into Node, so no jieba binary);
 *   consecutive one-character segments are merged back (ICU splits unknown words such as 开源 into
 *   characters), then one-character and stopword tokens are dropped.
 *
 * Every token records whether it directly follows the previous kept token (`joined`), so callers can build
 * phrases that never span a stopword or punctuation.
 */
import { stemEnglish } from "./english.js";
import { isKoreanSuffix, stripKoreanSuffix } from "./korean.js";
import { normalizeText } from "./normalize.js";
import { charClass, detectScript, type ScriptLanguage } from "./script.js";
import { MARKUP_JUNK, STOPWORDS } from "./stopwords.js";

export type TokenScript = "latin" | "alpha" | "hangul" | "cjk";

export interface Token {
  /** Matching key: the plural-folded word (Latin), the particle-stripped stem (Korean), the word (CJK). */
  term: string;
  /** Display form: the lower-cased word before plural folding; equals `term` for the other scripts. */
  surface: string;
  script: TokenScript;
  /** True when this token directly follows the previous token (no dropped word or punctuation between). */
  joined: boolean;
}

export interface TokenizeOptions {
  /** The text's language; detected from its scripts when absent. Decides zh vs ja for Han characters. */
  lang?: ScriptLanguage;
  /** The text already went through normalizeText: skip it. */
  normalized?: boolean;
}

// Letters, marks and digits, with inner apostrophes (don't, Cirulli's) and a trailing ++ or # (c++, c#).
const WORD = /[\p{L}\p{M}\p{N}]+(?:['’][\p{L}\p{M}\p{N}]+)*(?:\+\+|#(?![\p{L}\p{N}]))?/gu;
const DIGITS_ONLY = /^[\d.,]+$/;
const ORDINAL_OR_YEARS = /^\d+(?:st|nd|rd|th|s|x|k|m|px|pt|ms|mb|gb|kb|hz|khz|mhz|ghz)$/;
const HEX_LIKE = /^(?:(?=.*\d)[0-9a-f]{7,}|0x[0-9a-f]+)$/;
const HIRAGANA_ONLY = /^[\u3040-\u309f]+$/;
const MAX_WORD = 40;
const EN_STOP = STOPWORDS.en;
const KO_STOP = STOPWORDS.ko;

const segmenters = new Map<string, Intl.Segmenter>();
function segmenter(locale: "zh" | "ja"): Intl.Segmenter {
  let s = segmenters.get(locale);
  if (!s) {
    s = new Intl.Segmenter(locale, { granularity: "word" });
    segmenters.set(locale, s);
  }
  return s;
}

type RunKind = "L" | "A" | "H" | "C";
interface Run {
  kind: RunKind;
  text: string;
}

/** Splits one word into runs of one script; digits and marks stay with the run they touch. */
function splitRuns(word: string): Run[] {
  // Fast path: plain ASCII words (most of any English text) are a single Latin run.
  let ascii = true;
  for (let i = 0; i < word.length; i++) {
    if (word.charCodeAt(i) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return [{ kind: "L", text: word }];
  const runs: Run[] = [];
  let kind: RunKind | undefined;
  let start = 0;
  let i = 0;
  while (i < word.length) {
    const cp = word.codePointAt(i)!;
    const size = cp > 0xffff ? 2 : 1;
    const c = charClass(cp);
    let k: RunKind;
    if (c === "latin") k = "L";
    else if (c === "alpha") k = "A";
    else if (c === "hangul") k = "H";
    else if (c === "han" || c === "kana") k = "C";
    else if (c === "digit") k = kind === "A" ? "A" : "L";
    else k = kind ?? "L"; // marks, apostrophes, + and #: part of the current run
    // (a digit run followed by Latin letters, as in 3d or 2to3, stays one Latin run)
    if (kind !== undefined && k !== kind) {
      runs.push({ kind, text: word.slice(start, i) });
      start = i;
    }
    kind = k;
    i += size;
  }
  if (kind !== undefined) runs.push({ kind, text: word.slice(start) });
  return runs;
}

/** Spaces only, or a single hyphen or slash (real-time, TCP/IP): the two words may form a phrase. */
function joiningGap(t: string, from: number, to: number): boolean {
  if (to - from === 1) {
    const c = t.charCodeAt(from);
    return c === 0x20 || c === 0x2d || c === 0x2f || c === 0x0a || c === 0x09;
  }
  for (let i = from; i < to; i++) {
    const c = t.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x09 && c !== 0x0d) return false;
  }
  return to > from;
}

function latinTerm(raw: string): { term: string; surface: string } | undefined {
  let w = raw.toLowerCase();
  if (w.includes("'") || w.includes("’")) w = w.replace(/['’]s$/, "").replace(/['’]/g, "");
  if (w.length < 2 || w.length > MAX_WORD) return undefined;
  let digits = 0;
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) digits++;
  }
  if (digits > 0) {
    if (DIGITS_ONLY.test(w) || ORDINAL_OR_YEARS.test(w) || HEX_LIKE.test(w)) return undefined;
    if (digits * 2 >= w.length && w.length >= 5) return undefined; // ids, versions, serials
  }
  if (EN_STOP.has(w) || MARKUP_JUNK.has(w)) return undefined;
  const term = stemEnglish(w);
  if (term !== w && EN_STOP.has(term)) return undefined;
  return { term, surface: w };
}

function hangulTerm(run: string): string | undefined {
  if (KO_STOP.has(run)) return undefined;
  const stem = stripKoreanSuffix(run);
  if (KO_STOP.has(stem)) return undefined;
  return stem;
}

export function tokenize(text: string, opts: TokenizeOptions = {}): Token[] {
  const t = opts.normalized ? text : normalizeText(text);
  if (!t) return [];
  const lang = opts.lang ?? detectScript(t).lang;
  const cjkLocale = lang === "ja" ? "ja" : "zh";
  const cjkStop = lang === "ja" ? STOPWORDS.ja : STOPWORDS.zh;
  const out: Token[] = [];
  // Whether the next kept token may join the previous one.
  let chain = false;
  let lastEnd = 0;
  const emit = (term: string, surface: string, script: TokenScript) => {
    out.push({ term, surface, script, joined: chain });
    chain = true;
  };

  const re = WORD; // module-level and global: tokenize is synchronous, so resetting lastIndex is safe
  re.lastIndex = 0;
  for (let m = re.exec(t); m !== null; m = re.exec(t)) {
    const start = m.index;
    if (chain && !joiningGap(t, lastEnd, start)) chain = false;
    lastEnd = start + m[0].length;
    const runs = splitRuns(m[0]);
    for (let r = 0; r < runs.length; r++) {
      const run = runs[r]!;
      if (run.kind === "L" || run.kind === "A") {
        const lt = latinTerm(run.text);
        if (lt) emit(lt.term, lt.surface, run.kind === "L" ? "latin" : "alpha");
        else chain = false;
      } else if (run.kind === "H") {
        // A particle or ending on its own carries no content. Glued to a Latin word or number (tapecalc는,
        // 3D로, 2048을) it is dropped without breaking the phrase chain; as a separate word (하며, 는) it breaks it.
        if (isKoreanSuffix(run.text)) {
          if (r === 0) chain = false;
          continue;
        }
        const stem = hangulTerm(run.text);
        if (stem) emit(stem, stem, "hangul");
        else chain = false;
      } else {
        cjkTokens(run.text, cjkLocale, cjkStop, emit, () => {
          chain = false;
        });
      }
    }
  }
  return out;
}

function cjkTokens(
  run: string,
  locale: "zh" | "ja",
  stop: ReadonlySet<string>,
  emit: (term: string, surface: string, script: TokenScript) => void,
  brk: () => void,
): void {
  let pending = ""; // consecutive one-character segments, merged
  const flush = () => {
    if (pending.length >= 2) emit(pending, pending, "cjk");
    else if (pending) brk();
    pending = "";
  };
  for (const seg of segmenter(locale).segment(run)) {
    const w = seg.segment;
    if (!seg.isWordLike || stop.has(w)) {
      flush();
      brk();
      continue;
    }
    if ([...w].length === 1) {
      if (HIRAGANA_ONLY.test(w)) {
        flush();
        brk();
      } else pending += w;
      continue;
    }
    flush();
    if (HIRAGANA_ONLY.test(w) && w.length <= 2) {
      brk();
      continue;
    }
    emit(w, w, "cjk");
  }
  flush();
}

/** The terms of a text, in order (stopwords and junk removed). */
export function terms(text: string, opts?: TokenizeOptions): string[] {
  return tokenize(text, opts).map((tok) => tok.term);
}
