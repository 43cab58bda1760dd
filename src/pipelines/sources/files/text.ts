/**
 * Plain-text decoding. UTF-16 (by its BOM) and valid UTF-8 are taken as they are; anything else is
 * identified by a real charset detector (`chardet`, the ICU detector's statistics over byte patterns and
 * languages) instead of a fixed try-order: trying GBK before Latin-1 took German notes for Chinese
 * ("München" → "M黱chen"), because almost any high-byte text is also valid GBK. A few words are too
 * little for its statistics: those are told apart by their shapes (see decodeShort).
 */
import { analyse } from "chardet";

/** A NUL byte or many control characters in the first 8 KB mean binary (UTF-16 with a BOM is text). */
export function looksBinary(bytes: Uint8Array): boolean {
  if (utf16Bom(bytes)) return false;
  const n = Math.min(bytes.length, 8192);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b === 0) return true;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) control++;
  }
  return n > 0 && control / n > 0.1;
}

function utf16Bom(bytes: Uint8Array): "utf-16le" | "utf-16be" | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return "utf-16le";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "utf-16be";
  return undefined;
}

/** Bytes the detector looks at: plenty for its statistics, and a bounded cost for a large file. */
const DETECT_SAMPLE_BYTES = 64 * 1024;

/**
 * High (non-ASCII) bytes the sample needs before the detector's guess is taken as it is: on a few words its
 * statistics have too little to go on (two Korean syllables came out Greek at confidence 60, nine bytes of
 * Korean Arabic at 50).
 */
const MIN_HIGH_BYTES_TO_DETECT = 48;

/** Never fails (every byte is a character), so it is the last resort. */
const LAST_RESORT = "windows-1252";

/**
 * The text of `bytes`. `partial`: the bytes are the start of a longer file, so a character cut at the end is
 * dropped instead of making the encoding fail.
 */
export function decodeText(bytes: Uint8Array, opts: { partial?: boolean } = {}): string {
  const options = { stream: opts.partial === true };
  const bom = utf16Bom(bytes);
  if (bom) return new TextDecoder(bom).decode(bytes, options);
  // Valid UTF-8 is almost never an accident in another encoding; the decoder drops a UTF-8 BOM.
  const utf8 = tryDecode("utf-8", bytes, options);
  if (utf8 !== undefined) return utf8;
  const sample = bytes.subarray(0, DETECT_SAMPLE_BYTES);
  if (highByteRuns(sample).total >= MIN_HIGH_BYTES_TO_DETECT) {
    const [best] = detectedEncodings(sample);
    const text = best ? tryDecode(best.encoding, bytes, options) : undefined;
    if (text !== undefined) return text;
  }
  return decodeShort(bytes, sample, options);
}

/**
 * Too little text for statistics: shapes decide, in the order of the users' languages. Korean first (CP949
 * is strict: Latin-1 rarely decodes, and then as Hanja, which modern Korean seldom uses), then Latin-1
 * (accented letters are lone high bytes inside ASCII words), then Japanese by its kana, then Chinese and
 * Big5 unless they fuse Latin letters into ideographs ("M黱chen").
 */
function decodeShort(bytes: Uint8Array, sample: Uint8Array, options: { stream: boolean }): string {
  const korean = tryDecode("euc-kr", bytes, options);
  if (korean !== undefined && !IDEOGRAPH.test(korean)) return korean;
  if (latinShaped(sample)) return new TextDecoder(LAST_RESORT).decode(bytes, options);
  const japanese = tryDecode("shift_jis", bytes, options);
  if (japanese !== undefined && kanaShare(japanese) >= 0.3) return japanese;
  for (const encoding of ["gb18030", "big5"]) {
    const text = tryDecode(encoding, bytes, options);
    if (text !== undefined && !FUSED_LATIN.test(text)) return text;
  }
  for (const text of [korean, japanese]) if (text !== undefined && !FUSED_LATIN.test(text)) return text;
  return new TextDecoder(LAST_RESORT).decode(bytes, options);
}

const IDEOGRAPH = /[\u3400-\u9fff\uf900-\ufaff]/;
/** A wide character between two Latin letters: an accented letter and the next letter read as one. */
const FUSED_LATIN = /[A-Za-z][\u0800-\uffff][A-Za-z]/;

/** Runs of consecutive high bytes: how many bytes in all, how many runs, how many of length one. */
function highByteRuns(bytes: Uint8Array): { total: number; runs: number; single: number; longest: number } {
  let total = 0;
  let runs = 0;
  let single = 0;
  let longest = 0;
  let run = 0;
  const close = () => {
    if (run === 0) return;
    runs++;
    if (run === 1) single++;
    longest = Math.max(longest, run);
    run = 0;
  };
  for (const b of bytes) {
    if (b >= 0x80) {
      total++;
      run++;
    } else close();
  }
  close();
  return { total, runs, single, longest };
}

/** Latin-1 text: its high bytes are accented letters, alone (or two: "üß") among ASCII ones. */
function latinShaped(bytes: Uint8Array): boolean {
  const r = highByteRuns(bytes);
  return r.runs > 0 && r.longest <= 2 && r.single * 2 >= r.runs;
}

/** The share of hiragana and katakana among the characters beyond Latin. */
function kanaShare(text: string): number {
  let wide = 0;
  let kana = 0;
  for (const c of text) {
    const code = c.codePointAt(0)!;
    if (code < 0x0800) continue;
    wide++;
    if ((code >= 0x3040 && code <= 0x30ff) || (code >= 0xff66 && code <= 0xff9d)) kana++;
  }
  return wide === 0 ? 0 : kana / wide;
}

/** The detector's candidates, most likely first, as labels the WHATWG TextDecoder knows. */
export function detectedEncodings(sample: Uint8Array): { encoding: string; confidence: number }[] {
  const out: { encoding: string; confidence: number }[] = [];
  for (const match of analyse(sample)) {
    const encoding = decoderLabel(match.name);
    if (encoding && match.confidence > 0 && !out.some((c) => c.encoding === encoding))
      out.push({ encoding, confidence: match.confidence });
  }
  return out;
}

/** chardet names → decoder labels; undefined when Node's decoders do not have it. */
function decoderLabel(name: string): string | undefined {
  const lower = name.toLowerCase();
  // Text "in ISO-8859-1" nearly always comes from Windows (cp1252 adds €, quotes and dashes in 0x80-0x9f);
  // WHATWG maps the label to windows-1252 anyway.
  if (lower === "iso-8859-1" || lower === "ascii") return LAST_RESORT;
  // GB18030 is a superset of GBK and GB2312.
  // EUC-KR files written on Windows are CP949 (UHC); WHATWG's euc-kr decoder is CP949.
  if (lower === "euc-kr") return "euc-kr";
  try {
    new TextDecoder(lower);
    return lower;
  } catch {
    return undefined;
  }
}

function tryDecode(encoding: string, bytes: Uint8Array, options: { stream: boolean }): string | undefined {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes, options);
  } catch {
    return undefined;
  }
}
