/**
 * Which `source_type` bucket a user file gets, and a default MIME type by extension.
 *
 * The backend counts file nodes per bucket in the summary's `file_counts_by_extension` (contract §3.2.a);
 * valid buckets are pdf|docx|pptx|xlsx|txt|other, mirroring its macroFileType
 * (pdf|word|powerpoint|spreadsheet|text|other). e2e expects pdf, docx, pptx ≥ 1 and other == 1 for its
 * stub files (a PDF, a DOCX, a PPTX and an `.xyz` text file). Mapping, name first like the backend's
 * `macroFileTypeFromUserFileDoc`, then the MIME type:
 *
 *   .pdf                                  → pdf
 *   .docx .doc .docm .dotx .odt .rtf       → docx   (word processing)
 *   .pptx .ppt .pptm .ppsx .odp            → pptx   (presentations)
 *   .xlsx .xls .xlsm .ods .csv .tsv        → xlsx   (spreadsheets and tabular text)
 *   .txt .md .markdown .html .htm .json …  → txt    (plain text formats; see TEXT_EXTENSIONS)
 *   otherwise, MIME contains pdf → pdf; word/msword → docx; presentation/powerpoint → pptx;
 *   spreadsheet/excel → xlsx
 *   anything else (".xyz", no extension)  → other  (even when its bytes are text, as the backend would say)
 */
import type { FileBucket } from "../types.js";

const BY_EXTENSION: Record<string, FileBucket> = {
  pdf: "pdf",
  docx: "docx",
  doc: "docx",
  docm: "docx",
  dotx: "docx",
  odt: "docx",
  rtf: "docx",
  pptx: "pptx",
  ppt: "pptx",
  pptm: "pptx",
  ppsx: "pptx",
  odp: "pptx",
  xlsx: "xlsx",
  xls: "xlsx",
  xlsm: "xlsx",
  ods: "xlsx",
  csv: "xlsx",
  tsv: "xlsx",
};

/** Extensions read as text (and bucketed "txt"). */
export const TEXT_EXTENSIONS = new Set([
  "txt",
  "text",
  "md",
  "markdown",
  "mdx",
  "rst",
  "log",
  "html",
  "htm",
  "xhtml",
  "json",
  "jsonl",
  "xml",
  "yaml",
  "yml",
]);

export const HTML_EXTENSIONS = new Set(["html", "htm", "xhtml"]);

/** Lower-case extension without the dot ("" when none). */
export function extensionOf(fileName: string): string {
  const base = fileName.slice(fileName.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  return dot <= 0 ? "" : base.slice(dot + 1).toLowerCase();
}

export function fileBucket(fileName: string, mimeType?: string): FileBucket {
  const ext = extensionOf(fileName);
  const byExt = BY_EXTENSION[ext];
  if (byExt) return byExt;
  if (TEXT_EXTENSIONS.has(ext)) return "txt";
  const mime = (mimeType ?? "").toLowerCase();
  if (mime.includes("pdf")) return "pdf";
  if (mime.includes("msword") || mime.includes("wordprocessingml")) return "docx";
  if (mime.includes("presentation") || mime.includes("powerpoint")) return "pptx";
  if (mime.includes("spreadsheet") || mime.includes("excel")) return "xlsx";
  return "other";
}

const MIME_BY_EXTENSION: Record<string, string> = {
  pdf: "application/pdf",
  doc: "application/msword",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  ppt: "application/vnd.ms-powerpoint",
  pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  xls: "application/vnd.ms-excel",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  csv: "text/csv",
  tsv: "text/tab-separated-values",
  txt: "text/plain",
  md: "text/markdown",
  markdown: "text/markdown",
  html: "text/html",
  htm: "text/html",
  json: "application/json",
  xml: "application/xml",
};

/** The MIME type for a file name by extension; `application/octet-stream` when unknown (as the backend). */
export function mimeFromFileName(fileName: string): string {
  return MIME_BY_EXTENSION[extensionOf(fileName)] ?? "application/octet-stream";
}
