/**
 * A coarse language hint from the dominant script of an item's text. Written by hand because it is a
 * character-class count, not language identification: the product sees Korean, English and Chinese, and the
 * keyword tokenizer only needs to know which script dominates. Latin-script text is reported as "en".
 */
import type { SourceText } from "./types.js";

const SAMPLE_CHARS = 4000;

export function languageHint(texts: readonly SourceText[]): string | undefined {
  let hangul = 0;
  let kana = 0;
  let han = 0;
  let seen = 0;
  for (const { text } of texts) {
    for (const ch of text) {
      if (seen >= SAMPLE_CHARS) break;
      const c = ch.codePointAt(0)!;
      if ((c >= 0xac00 && c <= 0xd7a3) || (c >= 0x1100 && c <= 0x11ff) || (c >= 0x3130 && c <= 0x318f))
        hangul++;
      else if ((c >= 0x3040 && c <= 0x30ff) || (c >= 0x31f0 && c <= 0x31ff)) kana++;
      else if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0xf900 && c <= 0xfaff))
        han++;
      else if (!((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0xc0 && c <= 0x24f))) continue;
      seen++;
    }
    if (seen >= SAMPLE_CHARS) break;
  }
  if (seen === 0) return undefined;
  // Korean, Japanese and Chinese writing is full of Latin names (packages, brands, code), while English text
  // almost never contains Hangul or kana; so a modest share of those scripts decides. Hangul and kana are
  // checked before Han because Japanese mixes kana with Han and Korean sometimes uses Hanja.
  if (hangul / seen >= 0.1) return "ko";
  if (kana / seen >= 0.1) return "ja";
  if (han / seen >= 0.2) return "zh";
  return "en";
}
