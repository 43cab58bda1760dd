/**
 * A defensive zip reader for Office files (docx, pptx, xlsx are zips of XML).
 *
 * Limits are checked from the central directory BEFORE anything is inflated: entry count, total declared
 * uncompressed size, and the per-entry compression ratio; a zip bomb is refused ("zip limits exceeded"),
 * never expanded. Each entry is then inflated with zlib's `maxOutputLength` set to its declared size, so an
 * entry that lies about its size stops at the lie instead of expanding.
 *
 * Written by hand (about 100 lines of a stable, public format) because the libraries at hand do not give
 * both: fflate's unzipSync inflates whatever the filter accepts into a buffer of the declared size but keeps
 * inflating past it (CPU unbounded for a lying entry) and does not expose entry offsets, and its streaming
 * Unzip reads local headers, which streamed zips leave without sizes.
 */
import { inflateRawSync } from "node:zlib";
import { Inflate } from "fflate";

export interface ZipLimits {
  /** Most entries allowed (Office files have tens to a few hundred). */
  maxEntries: number;
  /** Most total declared uncompressed bytes. */
  maxTotalBytes: number;
  /** Highest uncompressed/compressed ratio allowed for an entry larger than `ratioCheckFloor`. */
  maxRatio: number;
  /** Entries smaller than this are not ratio-checked (tiny entries of zeros are harmless). */
  ratioCheckFloor: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 2000,
  maxTotalBytes: 200 * 1024 * 1024,
  maxRatio: 200,
  ratioCheckFloor: 1024 * 1024,
};

export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflate. */
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
  encrypted: boolean;
}

/** The archive breaks a limit; the message starts with "zip limits exceeded". */
export class ZipLimitError extends Error {
  constructor(detail: string) {
    super(`zip limits exceeded (${detail})`);
    this.name = "ZipLimitError";
  }
}

/** The bytes are not a readable zip archive. */
export class ZipFormatError extends Error {
  constructor(detail: string) {
    super(`invalid zip archive (${detail})`);
    this.name = "ZipFormatError";
  }
}

export interface ZipArchive {
  entries: ReadonlyMap<string, ZipEntry>;
  /** The entry's bytes, or undefined when there is no such entry. */
  read(name: string): Uint8Array | undefined;
  /** The entry as UTF-8 text, or undefined when there is no such entry. */
  readText(name: string): string | undefined;
  /**
   * Inflates the entry piece by piece, handing each decompressed chunk to `onChunk` until it returns false
   * (the caller has what it needs: the rest is never inflated). False when there is no such entry.
   */
  stream(name: string, onChunk: (chunk: Uint8Array) => boolean): boolean;
}

/**
 * Compressed bytes pushed into the inflater at a time. Deflate expands at most ~1032x, so one push yields at
 * most ~16 MB even for a lying entry, and stopping between pushes bounds the work done past a cap.
 */
const STREAM_INPUT_CHUNK = 16 * 1024;

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const utf8 = new TextDecoder("utf-8");

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5);
}

/** Reads the central directory, enforces the limits, and returns a lazy reader. Throws ZipLimitError/ZipFormatError. */
export function openZip(bytes: Uint8Array, limits: ZipLimits = DEFAULT_ZIP_LIMITS): ZipArchive {
  const entries = readCentralDirectory(bytes, limits);
  let total = 0;
  for (const entry of entries.values()) {
    total += entry.size;
    if (total > limits.maxTotalBytes) {
      throw new ZipLimitError(`more than ${limits.maxTotalBytes} bytes uncompressed`);
    }
    if (
      entry.size > limits.ratioCheckFloor &&
      entry.size > limits.maxRatio * Math.max(1, entry.compressedSize)
    ) {
      throw new ZipLimitError(
        `entry ${entry.name} expands ${Math.round(entry.size / Math.max(1, entry.compressedSize))}x`,
      );
    }
  }
  const read = (name: string) => {
    const entry = entries.get(name);
    return entry === undefined ? undefined : inflateEntry(bytes, entry);
  };
  return {
    entries,
    read,
    readText(name) {
      const data = read(name);
      return data === undefined ? undefined : utf8.decode(data);
    },
    stream(name, onChunk) {
      const entry = entries.get(name);
      if (entry === undefined) return false;
      streamEntry(bytes, entry, onChunk);
      return true;
    },
  };
}

function readCentralDirectory(bytes: Uint8Array, limits: ZipLimits): Map<string, ZipEntry> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number) => view.getUint16(at, true);
  const u32 = (at: number) => view.getUint32(at, true);
  const u64 = (at: number) => Number(view.getBigUint64(at, true));
  if (bytes.length < 22) throw new ZipFormatError("too short");
  let eocd = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (u32(at) === EOCD) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) throw new ZipFormatError("no end of central directory");
  let count = u16(eocd + 10);
  let cdOffset = u32(eocd + 16);
  if ((count === 0xffff || cdOffset === 0xffffffff) && eocd >= 20 && u32(eocd - 20) === ZIP64_LOCATOR) {
    const z = u64(eocd - 12);
    if (z + 56 > bytes.length || u32(z) !== ZIP64_EOCD) throw new ZipFormatError("bad zip64 directory");
    count = u64(z + 32);
    cdOffset = u64(z + 48);
  }
  // Checked before walking the directory, so a directory of millions of entries is not even listed.
  if (count > limits.maxEntries) throw new ZipLimitError(`${count} entries, at most ${limits.maxEntries}`);
  const entries = new Map<string, ZipEntry>();
  let at = cdOffset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || u32(at) !== CENTRAL) throw new ZipFormatError("bad central directory");
    const flags = u16(at + 8);
    const nameLen = u16(at + 28);
    const extraLen = u16(at + 30);
    const commentLen = u16(at + 32);
    if (at + 46 + nameLen + extraLen > bytes.length) throw new ZipFormatError("truncated central directory");
    let compressedSize = u32(at + 20);
    let size = u32(at + 24);
    let localHeaderOffset = u32(at + 42);
    // Zip64 extended information: 8-byte values for whichever fields hold 0xffffffff, in this order.
    for (let x = at + 46 + nameLen; x + 4 <= at + 46 + nameLen + extraLen; ) {
      const id = u16(x);
      const len = u16(x + 2);
      if (id === 0x0001) {
        let p = x + 4;
        const end = x + 4 + len;
        if (size === 0xffffffff && p + 8 <= end) {
          size = u64(p);
          p += 8;
        }
        if (compressedSize === 0xffffffff && p + 8 <= end) {
          compressedSize = u64(p);
          p += 8;
        }
        if (localHeaderOffset === 0xffffffff && p + 8 <= end) localHeaderOffset = u64(p);
      }
      x += 4 + len;
    }
    const name = utf8.decode(bytes.subarray(at + 46, at + 46 + nameLen));
    entries.set(name, {
      name,
      method: u16(at + 10),
      compressedSize,
      size,
      localHeaderOffset,
      encrypted: (flags & 1) !== 0,
    });
    at += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** The entry's compressed bytes (checked local header, not encrypted, within the archive). */
function entryData(bytes: Uint8Array, entry: ZipEntry): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = entry.localHeaderOffset;
  if (at + 30 > bytes.length || view.getUint32(at, true) !== LOCAL) {
    throw new ZipFormatError(`bad local header for ${entry.name}`);
  }
  if (entry.encrypted) throw new ZipFormatError(`${entry.name} is encrypted`);
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  const end = start + entry.compressedSize;
  if (end > bytes.length) throw new ZipFormatError(`truncated data for ${entry.name}`);
  return bytes.subarray(start, end);
}

function inflateEntry(bytes: Uint8Array, entry: ZipEntry): Uint8Array {
  const data = entryData(bytes, entry);
  if (entry.method === 0) {
    if (entry.compressedSize !== entry.size) throw new ZipFormatError(`size mismatch for ${entry.name}`);
    return data;
  }
  if (entry.method !== 8)
    throw new ZipFormatError(`unsupported compression ${entry.method} for ${entry.name}`);
  if (entry.size === 0) return new Uint8Array(0);
  try {
    return inflateRawSync(data, { maxOutputLength: entry.size });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") {
      throw new ZipLimitError(`entry ${entry.name} is larger than it declares`);
    }
    throw new ZipFormatError(`${entry.name}: ${(err as Error).message}`);
  }
}

/**
 * fflate's streaming Inflate, fed a slice at a time, so a 190 MB part is never held whole and reading stops
 * as soon as `onChunk` says so. Output beyond the declared size is refused as in `inflateEntry`.
 */
function streamEntry(bytes: Uint8Array, entry: ZipEntry, onChunk: (chunk: Uint8Array) => boolean): void {
  const data = entryData(bytes, entry);
  if (entry.method === 0) {
    if (entry.compressedSize !== entry.size) throw new ZipFormatError(`size mismatch for ${entry.name}`);
    for (let at = 0; at < data.length; at += STREAM_INPUT_CHUNK * 16) {
      if (!onChunk(data.subarray(at, at + STREAM_INPUT_CHUNK * 16))) return;
    }
    return;
  }
  if (entry.method !== 8)
    throw new ZipFormatError(`unsupported compression ${entry.method} for ${entry.name}`);
  let produced = 0;
  let wanted = true;
  // Errors of the caller's chunk handler (and the size check) are kept apart from the inflater's own, which
  // mean a corrupt entry.
  let stopped: unknown;
  const inflater = new Inflate((chunk) => {
    if (!wanted) return;
    produced += chunk.length;
    try {
      if (produced > entry.size) throw new ZipLimitError(`entry ${entry.name} is larger than it declares`);
      wanted = onChunk(chunk);
    } catch (err) {
      stopped = err;
      wanted = false;
    }
  });
  try {
    for (let at = 0; at < data.length && wanted; at += STREAM_INPUT_CHUNK) {
      const end = Math.min(data.length, at + STREAM_INPUT_CHUNK);
      inflater.push(data.subarray(at, end), end === data.length);
    }
  } catch (err) {
    if (stopped === undefined) throw new ZipFormatError(`${entry.name}: ${(err as Error).message}`);
  }
  if (stopped !== undefined) throw stopped;
}
