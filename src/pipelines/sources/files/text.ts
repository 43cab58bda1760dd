/**
 * Plain-text decoding. Tries what Korean/Chinese users' files are likely to be, like the incumbent
 * (utf-8, cp949, gbk, latin-1), using the WHATWG decoders built into Node (full ICU).
 */

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

const FALLBACKS = ["utf-8", "euc-kr", "gbk"] as const;

/**
 * The text of `bytes` in the first encoding that reads them without error. `partial`: the bytes are the
 * start of a longer file, so a character cut at the end is dropped instead of making the encoding fail.
 */
export function decodeText(bytes: Uint8Array, opts: { partial?: boolean } = {}): string {
  const options = { stream: opts.partial === true };
  const bom = utf16Bom(bytes);
  if (bom) return new TextDecoder(bom).decode(bytes, options);
  for (const encoding of FALLBACKS) {
    try {
      // The utf-8 decoder drops a UTF-8 BOM by default.
      return new TextDecoder(encoding, { fatal: true }).decode(bytes, options);
    } catch {
      // not this encoding
    }
  }
  return new TextDecoder("windows-1252").decode(bytes, options);
}
