/**
 * Plain-text decoding. UTF-16 (by its BOM) and valid UTF-8 are taken as they are; anything else is
 * identified by a real charset detector (`chardet`, the ICU detector's statistics over byte patterns and
 * languages) instead of a fixed try-order: trying GBK before Latin-1 took German notes for Chinese
 * ("München" → "M黱chen"), because almost any high-byte text is also valid GBK.
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
  for (const encoding of detectedEncodings(bytes)) {
    const text = tryDecode(encoding, bytes, options);
    if (text !== undefined) return text;
  }
  return new TextDecoder(LAST_RESORT).decode(bytes, options);
}

/** The detector's candidates, most likely first, as labels the WHATWG TextDecoder knows. */
export function detectedEncodings(bytes: Uint8Array): string[] {
  const sample = bytes.subarray(0, DETECT_SAMPLE_BYTES);
  const out: string[] = [];
  for (const match of analyse(sample)) {
    const label = decoderLabel(match.name);
    if (label && match.confidence > 0 && !out.includes(label)) out.push(label);
  }
  return out;
}

/** chardet names → decoder labels; undefined when Node's decoders do not have it. */
function decoderLabel(name: string): string | undefined {
  const lower = name.toLowerCase();
  // Text "in ISO-8859-1" nearly always comes from Windows (cp1252 adds €, quotes and dashes in 0x80-0x9f);
  // WHATWG maps the label to windows-1252 anyway.
  if (lower === "iso-8859-1" || lower === "ascii") return LAST_RESORT;
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
