/**
 * PDF text with pdfjs-dist's legacy build (the Node-compatible one), text only: no worker thread (pdfjs
 * runs its "fake worker" in-process), no canvas, no fonts, no eval. One section per page, up to `maxPages`.
 * A timeout becomes a parseError; an abort of the caller's signal is rethrown.
 */
import type { ExtractedText } from "./result.js";

export interface PdfOptions {
  maxPages: number;
  timeoutMs: number;
  signal?: AbortSignal;
}

type PdfJs = typeof import("pdfjs-dist/legacy/build/pdf.mjs");
let pdfjs: Promise<PdfJs> | undefined;
/** Loaded on first use: pdfjs is large, and most inputs hold no PDF. */
const loadPdfJs = () => {
  pdfjs ??= import("pdfjs-dist/legacy/build/pdf.mjs");
  return pdfjs;
};

export async function extractPdf(bytes: Uint8Array, options: PdfOptions): Promise<ExtractedText> {
  options.signal?.throwIfAborted();
  const { getDocument, VerbosityLevel } = await loadPdfJs();
  // pdfjs takes ownership of (and may detach) the buffer it is given, so hand it a copy.
  const task = getDocument({
    data: new Uint8Array(bytes),
    verbosity: VerbosityLevel.ERRORS,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: false,
  });
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  let onAbort = () => {};
  const stopped = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(new Error("timeout"));
    }, options.timeoutMs);
    onAbort = () => reject(options.signal?.reason);
    // The signal may have fired while pdfjs was loading, before this listener existed.
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener("abort", onAbort, { once: true });
  });
  stopped.catch(() => {});
  const sections: string[] = [];
  let pageCount = 0;
  try {
    const doc = await Promise.race([task.promise, stopped]);
    pageCount = doc.numPages;
    const last = Math.min(pageCount, options.maxPages);
    for (let n = 1; n <= last; n++) {
      const page = await Promise.race([doc.getPage(n), stopped]);
      const content = await Promise.race([page.getTextContent(), stopped]);
      let text = "";
      for (const item of content.items) {
        if ("str" in item) text += item.str + (item.hasEOL ? "\n" : "");
      }
      sections.push(text.replace(/[ \t]+\n/g, "\n").trim());
      page.cleanup();
    }
    return {
      sections,
      sectionCount: Math.max(1, pageCount),
      ...(pageCount > options.maxPages ? { truncated: true } : {}),
    };
  } catch (err) {
    if (options.signal?.aborted) throw options.signal.reason;
    const reason = timedOut ? `timed out after ${options.timeoutMs} ms` : describe(err);
    return {
      sections,
      sectionCount: Math.max(1, pageCount),
      parseError: `PDF could not be read: ${reason}`,
      ...(sections.length > 0 ? { truncated: true } : {}),
    };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
    await task.destroy().catch(() => {});
  }
}

function describe(err: unknown): string {
  const e = err as { name?: string; message?: string };
  if (e?.name === "PasswordException") return "password protected";
  if (e?.name === "InvalidPDFException") return "invalid PDF structure";
  return (e?.message ?? String(err)).split("\n")[0]!.slice(0, 200);
}
