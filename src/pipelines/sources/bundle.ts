/**
 * The backend's graph-generation bundle (contract §2.1), downloaded into a local folder by the task handler:
 *
 *   input.json                    conversations (a JSON array, streamed element by element)
 *   notes.json                    {"source_nodes":[…]} (or the legacy notes array [{id,title,content}])
 *   notions.json / notion.json    {"source_nodes":[…]} with or without schema_version/tree
 *   files/{fileId}_{safeName}     raw user files (fileId = the text before the FIRST "_")
 *
 * Exactly one item per conversation, note, Notion page and file, in that order. Repeated ids of the same
 * kind are skipped with a warning (the backend expects one graph node per source document).
 */
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { terminal } from "../../contract/errors.js";
import { conversationFromMapping } from "./chat.js";
import { fileItemFromPath, parseBundleFileName } from "./fileItem.js";
import type { ExtractOptions } from "./files/extract.js";
import { jsonStart, peekFile, streamJsonArray } from "./json.js";
import { itemFromSourceNode, noteFromPlain } from "./notes.js";
import { orSkip } from "./skip.js";
import type { LoadOptions, SourceItem } from "./types.js";

export interface BundleOptions extends LoadOptions {
  /**
   * Content-Type per object under files/, keyed by object name (`{fileId}_{safeName}`) or by fileId; the
   * handler knows it from S3. Missing entries fall back to a guess from the extension.
   */
  mimeTypes?: ReadonlyMap<string, string> | Readonly<Record<string, string>>;
  /**
   * Emit Notion pages (default true). Backends older than develop e526010 cannot resolve Notion ids
   * (contract §7.1): INCLUDE_NOTION_NODES=false turns them off for those.
   */
  includeNotion?: boolean;
}

export async function loadBundle(dir: string, options: BundleOptions = {}): Promise<SourceItem[]> {
  const items: SourceItem[] = [];
  for await (const item of iterateBundle(dir, options)) items.push(item);
  return items;
}

/** Yields the bundle's items one at a time; the raw JSON is never held whole (the texts are kept per item). */
export async function* iterateBundle(dir: string, options: BundleOptions = {}): AsyncGenerator<SourceItem> {
  await requireDirectory(dir);
  const dedupe = new Deduper(options.onWarning);
  const present = new Set(await readdir(dir));
  if (!["input.json", "notes.json", "notions.json", "notion.json", "files"].some((n) => present.has(n))) {
    throw terminal(
      "INVALID_INPUT",
      `${dir}: not a graph-generation bundle (no input.json, notes.json or files/)`,
    );
  }
  if (present.has("input.json")) {
    yield* dedupe.filter(iterateConversations(join(dir, "input.json"), "input.json", options));
  } else {
    options.onWarning?.("input.json is missing from the bundle; no conversations");
  }
  if (present.has("notes.json")) {
    yield* dedupe.filter(iterateNotesFile(join(dir, "notes.json"), "notes.json", "note", options));
  }
  for (const name of ["notions.json", "notion.json"]) {
    if (!present.has(name)) continue;
    if (options.includeNotion === false) {
      options.onWarning?.(`${name} skipped (Notion pages turned off)`);
      continue;
    }
    yield* dedupe.filter(iterateNotesFile(join(dir, name), name, "notion", options));
  }
  if (present.has("files")) {
    yield* dedupe.filter(iterateBundleFiles(join(dir, "files"), options));
  }
}

/** The streaming options of a loader's JSON reads: its signal, and its warnings (invalid UTF-8). */
export function streamOptions(label: string, options: LoadOptions) {
  return {
    label,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
  };
}

/**
 * input.json (or any JSON array of mapping-format conversations), streamed. An element without an id is
 * skipped (reported through onSkip), never the whole file.
 */
export async function* iterateConversations(
  path: string,
  label: string,
  options: LoadOptions = {},
): AsyncGenerator<SourceItem> {
  let index = 0;
  for await (const element of streamJsonArray(path, streamOptions(label, options))) {
    const at = index++;
    const item = orSkip(
      () => conversationFromMapping(element, { label, index: at, requireId: true }),
      options,
    );
    if (item) yield item;
  }
}

/** notes.json / notions.json: `{source_nodes:[…]}`, or a legacy notes array `[{id,title,content}]`. */
export async function* iterateNotesFile(
  path: string,
  label: string,
  defaultKind: "note" | "notion",
  options: LoadOptions = {},
): AsyncGenerator<SourceItem> {
  const start = jsonStart(await peekFile(path));
  const common = streamOptions(label, options);
  let index = 0;
  if (start === "[") {
    for await (const element of streamJsonArray(path, common)) {
      const at = index++;
      const item = orSkip(() => noteFromPlain(element, label, at), options);
      if (item) yield item;
    }
    return;
  }
  if (start !== "{") throw terminal("INVALID_INPUT", `${label}: expected a JSON object with source_nodes`);
  for await (const element of streamJsonArray(path, { ...common, key: "source_nodes" })) {
    const at = index++;
    const item = orSkip(() => itemFromSourceNode(element, { label, index: at, defaultKind }), options);
    if (item) yield item;
  }
}

/** The objects under files/, sorted by name, each as one file item. */
export async function* iterateBundleFiles(
  filesDir: string,
  options: BundleOptions & { only?: ReadonlySet<string> } = {},
): AsyncGenerator<SourceItem> {
  for (const name of await listFiles(filesDir)) {
    options.signal?.throwIfAborted();
    const { fileId, fileName } = parseBundleFileName(name);
    if (options.only && !options.only.has(fileId)) continue;
    const mimeType = lookup(options.mimeTypes, name) ?? lookup(options.mimeTypes, fileId);
    yield fileItemFromPath(
      {
        path: join(filesDir, name),
        origId: fileId,
        fileName,
        origin: `files/${name}`,
        ...(mimeType ? { mimeType } : {}),
      },
      extractOptions(options),
    );
  }
}

export function extractOptions(options: LoadOptions): ExtractOptions {
  return { ...options.files, ...(options.signal ? { signal: options.signal } : {}) };
}

/** Regular files directly in `dir`, sorted; [] when it does not exist. */
export async function listFiles(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries
      .filter((e) => e.isFile())
      .map((e) => e.name)
      .sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
}

function lookup(map: BundleOptions["mimeTypes"], key: string): string | undefined {
  if (!map) return undefined;
  if (map instanceof Map) return map.get(key);
  return Object.hasOwn(map, key) ? (map as Record<string, string>)[key] : undefined;
}

export async function requireDirectory(dir: string): Promise<void> {
  try {
    if (!(await stat(dir)).isDirectory()) throw terminal("INVALID_INPUT", `${dir}: expected a folder`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT")
      throw terminal("INPUT_NOT_FOUND", `${dir}: folder not found`);
    throw err;
  }
}

/** Drops a second item with the same kind and origId, with a warning. */
export class Deduper {
  private readonly seen = new Set<string>();
  constructor(private readonly onWarning?: (message: string) => void) {}
  async *filter(items: AsyncIterable<SourceItem>): AsyncGenerator<SourceItem> {
    for await (const item of items) {
      const key = `${item.kind}\u0000${item.origId}`;
      if (this.seen.has(key)) {
        this.onWarning?.(`duplicate ${item.kind} id ${item.origId} skipped`);
        continue;
      }
      this.seen.add(key);
      yield item;
    }
  }
}
