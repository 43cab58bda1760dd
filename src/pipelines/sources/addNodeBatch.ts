/**
 * The AddNode bundle (contract §2.2): `batch.json` (or `test-batch.json`) plus `files/{fileId}_{safeName}`
 * for the changed files. Conversations use the input.json element format (the test variant lacks
 * `conversationId`, which the adapter does not need), notes are `{noteId,title,content}`, files are
 * `{fileId,title,s3Key,mimeType}` whose bytes are the bundle's files/ objects. Every list is streamed.
 */

import { stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { terminal } from "../../contract/errors.js";
import { Deduper, extractOptions, iterateBundleFiles, listFiles } from "./bundle.js";
import { conversationFromMapping } from "./chat.js";
import { idString, isObject, textField } from "./fields.js";
import { fileItemFromPath, parseBundleFileName } from "./fileItem.js";
import { readJsonKey, streamJsonArray } from "./json.js";
import { noteFromPlain } from "./notes.js";
import { orSkip, reportSkip } from "./skip.js";
import type { LoadOptions, SourceItem } from "./types.js";

export interface ExistingCluster {
  id: string;
  name: string;
  description: string;
  size: number;
  themes: string[];
}

export interface AddNodeBatch {
  userId: string | undefined;
  existingClusters: ExistingCluster[];
  items: SourceItem[];
}

/** Reads the whole batch (header and items). `path` is batch.json itself or the folder holding it. */
export async function loadAddNodeBatch(path: string, options: LoadOptions = {}): Promise<AddNodeBatch> {
  const batchPath = await resolveBatchPath(path);
  const header = await readAddNodeBatchHeader(batchPath, options.signal);
  const items: SourceItem[] = [];
  for await (const item of iterateAddNodeBatch(batchPath, options)) items.push(item);
  return { ...header, items };
}

export async function readAddNodeBatchHeader(
  path: string,
  signal?: AbortSignal,
): Promise<Omit<AddNodeBatch, "items">> {
  const batchPath = await resolveBatchPath(path);
  const common = { label: basename(batchPath), ...(signal ? { signal } : {}) };
  const userId = idString(await readJsonKey(batchPath, "userId", common));
  const clusters = await readJsonKey(batchPath, "existingClusters", common);
  const existingClusters = (Array.isArray(clusters) ? clusters : []).filter(isObject).map((c) => ({
    id: idString(c.id) ?? idString(c.clusterId) ?? "",
    name: textField(c.name),
    description: textField(c.description),
    size: typeof c.size === "number" && Number.isFinite(c.size) ? c.size : 0,
    themes: Array.isArray(c.themes) ? c.themes.filter((t): t is string => typeof t === "string") : [],
  }));
  return { userId, existingClusters: existingClusters.filter((c) => c.id !== "") };
}

/** Conversations, then notes, then files (listed ones first, then any other object under files/). */
export async function* iterateAddNodeBatch(
  path: string,
  options: LoadOptions = {},
): AsyncGenerator<SourceItem> {
  const batchPath = await resolveBatchPath(path);
  const label = basename(batchPath);
  const common = { label, ...(options.signal ? { signal: options.signal } : {}) };
  // The file is read once per key: only the first read reports invalid UTF-8.
  const firstRead = { ...common, ...(options.onWarning ? { onWarning: options.onWarning } : {}) };
  const dedupe = new Deduper(options.onWarning);
  const filesDir = join(dirname(batchPath), "files");

  async function* all(): AsyncGenerator<SourceItem> {
    let index = 0;
    for await (const element of streamJsonArray(batchPath, { ...firstRead, key: "conversations" })) {
      const at = index++;
      const item = orSkip(
        () =>
          conversationFromMapping(element, { label: `${label} conversations`, index: at, requireId: true }),
        options,
      );
      if (item) yield item;
    }
    index = 0;
    for await (const element of streamJsonArray(batchPath, { ...common, key: "notes" })) {
      const at = index++;
      const item = orSkip(() => noteFromPlain(element, `${label} notes`, at), options);
      if (item) yield item;
    }
    const objects = await listFiles(filesDir);
    const listed = new Set<string>();
    index = 0;
    for await (const element of streamJsonArray(batchPath, { ...common, key: "files" })) {
      const at = index++;
      if (!isObject(element)) continue;
      const fileId = idString(element.fileId);
      if (fileId === undefined) {
        reportSkip(options, `${label}: files[${at}] has no fileId`);
        continue;
      }
      listed.add(fileId);
      const object = objects.find((name) => parseBundleFileName(name).fileId === fileId);
      const title = textField(element.title) || (object ? parseBundleFileName(object).fileName : fileId);
      const mimeType = textField(element.mimeType);
      yield fileItemFromPath(
        {
          path: object ? join(filesDir, object) : join(filesDir, `${fileId}_missing`),
          origId: fileId,
          fileName: title,
          origin: object ? `files/${object}` : `${label} files[${at}]`,
          ...(mimeType ? { mimeType } : {}),
        },
        extractOptions(options),
      );
    }
    const unlisted = new Set(
      objects.map((n) => parseBundleFileName(n).fileId).filter((id) => !listed.has(id)),
    );
    if (unlisted.size > 0) yield* iterateBundleFiles(filesDir, { ...options, only: unlisted });
  }
  yield* dedupe.filter(all());
}

async function resolveBatchPath(path: string): Promise<string> {
  try {
    if (!(await stat(path)).isDirectory()) return path;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT")
      throw terminal("INPUT_NOT_FOUND", `${path}: not found`);
    throw err;
  }
  for (const name of ["batch.json", "test-batch.json"]) {
    try {
      await stat(join(path, name));
      return join(path, name);
    } catch {
      // try the next name
    }
  }
  throw terminal("INVALID_INPUT", `${path}: no batch.json or test-batch.json in the AddNode folder`);
}
