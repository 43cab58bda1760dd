/**
 * Per-text script detection (Hangul / Han / Kana / Latin character counts) and per-character script
 * classes for the tokenizer. Written by hand: it is a count of Unicode ranges, not language identification,
 * and it is all the tokenizer needs (which rules apply to a run of letters, and whether Han characters
 * belong to Chinese or Japanese text).
 */

/** Script class of one code point, as the tokenizer sees it. "alpha" is any other alphabetic letter. */
export type CharClass = "latin" | "alpha" | "hangul" | "han" | "kana" | "digit" | "mark" | "none";

/** The dominant language of a text by script: "en" stands for any Latin-script text; "und" = no letters. */
export type ScriptLanguage = "ko" | "zh" | "ja" | "en" | "und";

export interface ScriptProfile {
  lang: ScriptLanguage;
  hangul: number;
  han: number;
  kana: number;
  latin: number;
  /** Letters of other alphabets (Cyrillic, Greek, Arabic, …). */
  other: number;
}

const LETTER = /\p{L}/u;
const MARK = /\p{M}/u;
const NUMBER = /\p{N}/u;

export function charClass(cp: number): CharClass {
  if (cp < 0x80) {
    if ((cp >= 0x61 && cp <= 0x7a) || (cp >= 0x41 && cp <= 0x5a)) return "latin";
    if (cp >= 0x30 && cp <= 0x39) return "digit";
    return "none";
  }
  if (cp >= 0xac00 && cp <= 0xd7a3) return "hangul";
  if (
    (cp >= 0x1100 && cp <= 0x11ff) ||
    (cp >= 0x3130 && cp <= 0x318f) ||
    (cp >= 0xa960 && cp <= 0xa97f) ||
    (cp >= 0xd7b0 && cp <= 0xd7ff)
  ) {
    return "hangul";
  }
  // Kana, without the katakana middle dot (U+30FB), which is punctuation.
  if ((cp >= 0x3040 && cp <= 0x30ff && cp !== 0x30fb) || (cp >= 0x31f0 && cp <= 0x31ff)) return "kana";
  if (cp >= 0xff66 && cp <= 0xff9f) return "kana";
  if (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x20000 && cp <= 0x3134f) ||
    cp === 0x3005 // 々 (iteration mark)
  ) {
    return "han";
  }
  if ((cp >= 0xc0 && cp <= 0x24f && cp !== 0xd7 && cp !== 0xf7) || (cp >= 0x1e00 && cp <= 0x1eff))
    return "latin";
  const ch = String.fromCodePoint(cp);
  if (LETTER.test(ch)) return "alpha";
  if (MARK.test(ch)) return "mark";
  if (NUMBER.test(ch)) return "digit";
  return "none";
}

/**
 * Counts scripts over the first `maxChars` letters and picks the dominant one. Counts are weighted by
 * rough information per character (a Hangul syllable or a Han character carries about as much as two or
 * three Latin letters), so a Korean sentence with a few English package names is still Korean. Text with
 * Kana is Japanese when Kana make up at least a tenth of its CJK characters; Han without Kana is Chinese.
 */
export function detectScript(text: string, maxChars = 20_000): ScriptProfile {
  let hangul = 0;
  let han = 0;
  let kana = 0;
  let latin = 0;
  let other = 0;
  let seen = 0;
  for (let i = 0; i < text.length && seen < maxChars; i++) {
    const cp = text.codePointAt(i)!;
    if (cp > 0xffff) i++;
    switch (charClass(cp)) {
      case "latin":
        latin++;
        break;
      case "hangul":
        hangul++;
        break;
      case "han":
        han++;
        break;
      case "kana":
        kana++;
        break;
      case "alpha":
        other++;
        break;
      default:
        continue;
    }
    seen++;
  }
  const japanese = kana > 0 && kana * 10 >= kana + han;
  const scores: [ScriptLanguage, number][] = [
    ["ko", hangul * 3],
    ["ja", japanese ? (kana + han) * 2.5 : 0],
    ["zh", japanese ? 0 : han * 3],
    ["en", latin],
    ["und", other],
  ];
  let lang: ScriptLanguage = "und";
  let best = 0;
  for (const [l, s] of scores) {
    if (s > best) {
      best = s;
      lang = l;
    }
  }
  return { lang, hangul, han, kana, latin, other };
}
