/**
 * File text extraction: bytes + name (+ MIME type) → bucket, text sections, and a parseError when the file
 * could not be read. It never throws for a bad file (the backend's e2e stubs — a 30-byte PDF, near-empty
 * DOCX/PPTX zips, an `.xyz` text file — must not fail a task); it only rethrows an abort of `signal`.
 *
 * The bucket comes from the name and MIME type (files/buckets.ts), the parser from the bytes: magic numbers
 * first (PDF, zip, legacy OLE), then the extension. So a mislabelled file is still read when possible, and
 * a file whose name promises a format its bytes do not have gets a clear parseError.
 */
import { readFile, stat } from "node:fs/promises";
import type { FileBucket } from "../types.js";
import { extensionOf, fileBucket, HTML_EXTENSIONS } from "./buckets.js";
import { extractDocx } from "./docx.js";
import { htmlToText, looksLikeHtml } from "./html.js";
import { extractPdf } from "./pdf.js";
import { extractPptx } from "./pptx.js";
import type { ExtractedText } from "./result.js";
import { decodeText, looksBinary } from "./text.js";
import { extractXlsx } from "./xlsx.js";
import {
  DEFAULT_ZIP_LIMITS,
  isZip,
  openZip,
  type ZipArchive,
  ZipFormatError,
  ZipLimitError,
  type ZipLimits,
} from "./zip.js";

export interface ExtractOptions {
  /** Files larger than this are not parsed (parseError). Default 100 MB. */
  maxFileBytes?: number;
  /** Text kept per file, in characters; the rest is cut (`truncated`). Default 1,000,000. */
  maxChars?: number;
  /** PDF pages read. Default 500. */
  maxPages?: number;
  /** Per-PDF parse time limit. Default 60 s. */
  pdfTimeoutMs?: number;
  zipLimits?: Partial<ZipLimits>;
  signal?: AbortSignal;
}

export interface FileExtraction {
  sourceType: FileBucket;
  /** Non-empty section texts, in order. */
  texts: string[];
  /** Pages/slides/sheets (at least 1). */
  numSections: number;
  parseError?: string;
  truncated?: boolean;
}

export const EXTRACT_DEFAULTS = {
  maxFileBytes: 100 * 1024 * 1024,
  maxChars: 1_000_000,
  maxPages: 500,
  pdfTimeoutMs: 60_000,
} as const;

export async function extractFileText(
  bytes: Uint8Array,
  file: { fileName: string; mimeType?: string },
  options: ExtractOptions = {},
): Promise<FileExtraction> {
  const sourceType = fileBucket(file.fileName, file.mimeType);
  const maxChars = options.maxChars ?? EXTRACT_DEFAULTS.maxChars;
  let result: ExtractedText;
  if (bytes.length > (options.maxFileBytes ?? EXTRACT_DEFAULTS.maxFileBytes)) {
    result = { sections: [], parseError: `file too large (${bytes.length} bytes)` };
  } else {
    try {
      result = await parseByContent(bytes, file, sourceType, options, maxChars);
    } catch (err) {
      if (options.signal?.aborted) throw options.signal.reason;
      const message =
        err instanceof ZipLimitError || err instanceof ZipFormatError
          ? err.message
          : `could not read file: ${(err as Error)?.message ?? err}`;
      result = { sections: [], parseError: message.split("\n")[0]!.slice(0, 300) };
    }
  }
  return finish(sourceType, result, maxChars);
}

/** `extractFileText` of a local file; its size is checked before it is read, so a huge file is never loaded. */
export async function extractFileAtPath(
  path: string,
  file: { fileName: string; mimeType?: string },
  options: ExtractOptions = {},
): Promise<FileExtraction> {
  const size = (await stat(path)).size;
  const limit = options.maxFileBytes ?? EXTRACT_DEFAULTS.maxFileBytes;
  if (size > limit) {
    return {
      sourceType: fileBucket(file.fileName, file.mimeType),
      texts: [],
      numSections: 1,
      parseError: `file too large (${size} bytes)`,
    };
  }
  return extractFileText(await readFile(path), file, options);
}

async function parseByContent(
  bytes: Uint8Array,
  file: { fileName: string; mimeType?: string },
  bucket: FileBucket,
  options: ExtractOptions,
  maxChars: number,
): Promise<ExtractedText> {
  const ext = extensionOf(file.fileName);
  if (isPdf(bytes, bucket === "pdf")) {
    return extractPdf(bytes, {
      maxPages: options.maxPages ?? EXTRACT_DEFAULTS.maxPages,
      timeoutMs: options.pdfTimeoutMs ?? EXTRACT_DEFAULTS.pdfTimeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }
  if (isZip(bytes)) {
    const zip = openZip(bytes, { ...DEFAULT_ZIP_LIMITS, ...options.zipLimits });
    return extractOffice(zip, bucket, maxChars);
  }
  if (isOleCompound(bytes)) {
    return { sections: [], parseError: "legacy binary Office format (.doc/.ppt/.xls) is not supported" };
  }
  if (
    bucket === "pdf" ||
    bucket === "docx" ||
    bucket === "pptx" ||
    (bucket === "xlsx" && ext !== "csv" && ext !== "tsv")
  ) {
    return { sections: [], parseError: `not a valid ${ext ? `.${ext}` : bucket} file` };
  }
  if (looksBinary(bytes))
    return { sections: [], parseError: `unsupported binary file${ext ? ` (.${ext})` : ""}` };
  const head = decodeText(bytes.subarray(0, 512), { partial: true });
  const isHtml =
    HTML_EXTENSIONS.has(ext) || (file.mimeType ?? "").toLowerCase().includes("html") || looksLikeHtml(head);
  if (isHtml) return { sections: [htmlToText(decodeText(bytes))], sectionCount: 1 };
  // Plain text: no character takes more than 4 bytes, so the cap's worth of bytes is all that is decoded.
  const capBytes = maxChars * 4;
  if (bytes.length <= capBytes) return { sections: [decodeText(bytes)], sectionCount: 1 };
  return {
    sections: [decodeText(bytes.subarray(0, capBytes), { partial: true })],
    sectionCount: 1,
    truncated: true,
  };
}

/** The Office document a zip holds; the name's bucket picks the expected one so its absence is reported. */
function extractOffice(zip: ZipArchive, bucket: FileBucket, maxChars: number): ExtractedText {
  const kind =
    bucket === "docx" || bucket === "pptx" || bucket === "xlsx"
      ? bucket
      : zip.entries.has("word/document.xml")
        ? "docx"
        : zip.entries.has("ppt/presentation.xml")
          ? "pptx"
          : zip.entries.has("xl/workbook.xml")
            ? "xlsx"
            : undefined;
  if (kind === "docx") return extractDocx(zip, maxChars);
  if (kind === "pptx") return extractPptx(zip, maxChars);
  if (kind === "xlsx") return extractXlsx(zip, maxChars);
  return { sections: [], parseError: "zip archive without a Word, PowerPoint or Excel document" };
}

/** Keeps non-empty sections up to `maxChars` characters in total. */
function finish(sourceType: FileBucket, result: ExtractedText, maxChars: number): FileExtraction {
  const texts: string[] = [];
  let left = maxChars;
  let truncated = result.truncated === true;
  for (const section of result.sections) {
    const text = section.trim();
    if (!text) continue;
    if (left <= 0) {
      truncated = true;
      break;
    }
    if (text.length > left) {
      texts.push(text.slice(0, left));
      truncated = true;
      left = 0;
      continue;
    }
    texts.push(text);
    left -= text.length;
  }
  return {
    sourceType,
    texts,
    numSections: Math.max(1, result.sectionCount ?? result.sections.length),
    ...(result.parseError ? { parseError: result.parseError } : {}),
    ...(truncated ? { truncated } : {}),
  };
}

/** "%PDF-" at the start, or anywhere in the first 1 KB for a file named .pdf (readers tolerate leading junk). */
function isPdf(bytes: Uint8Array, namedPdf: boolean): boolean {
  const head = bytes.subarray(0, namedPdf ? 1024 : 5);
  for (let i = 0; i + 5 <= head.length; i++) {
    if (
      head[i] === 0x25 &&
      head[i + 1] === 0x50 &&
      head[i + 2] === 0x44 &&
      head[i + 3] === 0x46 &&
      head[i + 4] === 0x2d
    ) {
      return true;
    }
  }
  return false;
}

function isOleCompound(bytes: Uint8Array): boolean {
  const sig = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
  return bytes.length >= 8 && sig.every((b, i) => bytes[i] === b);
}
