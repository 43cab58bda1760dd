/** A user file on local disk → one SourceItem (always one, even when the file cannot be read or parsed). */
import { readFile, stat } from "node:fs/promises";
import { fileBucket, mimeFromFileName } from "./files/buckets.js";
import { EXTRACT_DEFAULTS, type ExtractOptions, extractFileText } from "./files/extract.js";
import { buildItem } from "./item.js";
import type { SourceItem, SourceText } from "./types.js";

/**
 * Splits a bundle object name `{fileId}_{safeName}` at the FIRST `_` (contract §2.1: there is no manifest;
 * ULIDs have no `_`, while safe names may). A name without `_` is all id, and also its own display name.
 */
export function parseBundleFileName(objectName: string): { fileId: string; fileName: string } {
  const cut = objectName.indexOf("_");
  if (cut <= 0) return { fileId: objectName, fileName: objectName };
  return { fileId: objectName.slice(0, cut), fileName: objectName.slice(cut + 1) || objectName };
}

export interface FileSource {
  path: string;
  origId: string;
  /** The display name: title and extension for the bucket. */
  fileName: string;
  /** Content-Type if known; otherwise guessed from the extension. */
  mimeType?: string;
  createTime?: number | null;
  updateTime?: number | null;
  origin?: string;
}

export async function fileItemFromPath(
  source: FileSource,
  options: ExtractOptions = {},
): Promise<SourceItem> {
  const mimeType = source.mimeType?.trim() || mimeFromFileName(source.fileName);
  const base = {
    kind: "file" as const,
    origId: source.origId,
    title: source.fileName,
    createTime: source.createTime ?? null,
    updateTime: source.updateTime ?? null,
  };
  const meta = { fileName: source.fileName, mimeType, ...(source.origin ? { origin: source.origin } : {}) };
  let bytes: Uint8Array;
  try {
    const info = await stat(source.path);
    const limit = options.maxFileBytes ?? EXTRACT_DEFAULTS.maxFileBytes;
    // Checked before reading so a huge file is never loaded into memory.
    if (info.size > limit) {
      return failed(base, meta, source.fileName, `file too large (${info.size} bytes)`);
    }
    bytes = await readFile(source.path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return failed(
      base,
      meta,
      source.fileName,
      code === "ENOENT" ? "file missing" : `file unreadable (${code ?? "error"})`,
    );
  }
  const extraction = await extractFileText(bytes, { fileName: source.fileName, mimeType }, options);
  const texts: SourceText[] = extraction.texts.map((text) => ({ text }));
  return buildItem({
    ...base,
    numSections: extraction.numSections,
    sourceType: extraction.sourceType,
    texts,
    meta: {
      ...meta,
      ...(extraction.parseError ? { parseError: extraction.parseError } : {}),
      ...(extraction.truncated ? { truncated: true } : {}),
    },
  });
}

function failed(
  base: Pick<SourceItem, "kind" | "origId" | "title" | "createTime" | "updateTime">,
  meta: SourceItem["meta"],
  fileName: string,
  parseError: string,
): SourceItem {
  return buildItem({
    ...base,
    numSections: 1,
    sourceType: fileBucket(fileName, meta.mimeType),
    texts: [],
    meta: { ...meta, parseError },
  });
}
