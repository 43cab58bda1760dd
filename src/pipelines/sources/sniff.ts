/**
 * `loadAnySource(path)` for CLI users and the legacy single-key input: looks at a file or folder and picks
 * the loader, or fails with an error that says what was expected.
 *
 * Folders: a backend bundle (input.json / notes.json / notions.json / files/), an AddNode folder
 * (batch.json), an unzipped ChatGPT or Claude export (conversations.json, or newer ChatGPT exports'
 * conversations-000.json, conversations-001.json, …), or a folder of notes (.md/.markdown/.txt anywhere
 * below). Files: an export's .zip is read directly (within the zip limits); JSON is recognised by shape
 * (arrays by the majority of their first elements, objects by their top-level keys), .md/.markdown/.txt is
 * one note, anything else one user file.
 *
 * One unusable element never rejects a whole export: it is skipped with a warning and counted (onSkip).
 */
import { isUtf8 } from "node:buffer";
import { closeSync, openSync, writeSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, extname, join } from "node:path";
import { terminal } from "../../contract/errors.js";
import { iterateAddNodeBatch } from "./addNodeBatch.js";
import {
  type BundleOptions,
  Deduper,
  extractOptions,
  iterateBundle,
  iterateNotesFile,
  streamOptions,
} from "./bundle.js";
import { conversationFromMapping, isMappingConversation, isTitleOnlyConversation } from "./chat.js";
import { conversationFromClaude, isClaudeConversation } from "./claude.js";
import { fileItemFromPath, parseBundleFileName } from "./fileItem.js";
import { DEFAULT_ZIP_LIMITS, openZip, type ZipArchive, ZipFormatError, ZipLimitError } from "./files/zip.js";
import { jsonStart, peekFile, streamJsonArray, topLevelKeys } from "./json.js";
import {
  iterateMarkdownFolder,
  listNoteFiles,
  NOTE_EXTENSIONS,
  noteFromMarkdownFile,
} from "./markdownFolder.js";
import { isLegacyNote, noteFromPlain } from "./notes.js";
import { orSkip, reportSkip } from "./skip.js";
import type { SourceItem } from "./types.js";

export type SourceFormat =
  | "bundle" // backend graph-generation folder
  | "add-node-batch" // batch.json (+ files/)
  | "conversations" // JSON array of mapping-format conversations: ChatGPT export or backend input.json
  | "chatgpt-conversation" // one mapping-format conversation object
  | "claude-export" // Claude conversations.json
  | "source-nodes" // {source_nodes:[…]}: notes.json, notions.json, the incumbent's merged format
  | "legacy-notes" // [{id,title,content}]
  | "export-zip" // a ChatGPT or Claude export as downloaded: a zip holding conversations.json (or its parts)
  | "empty-array" // []
  | "markdown-folder"
  | "markdown-file"
  | "document"; // any other file: one user file item

export interface DetectedSource {
  format: SourceFormat;
  /** The file or folder to read (for an export folder: its conversations.json or first part). */
  path: string;
  /** A split export (conversations-000.json, -001.json, …): every part, in order, `path` first. */
  parts?: string[];
}

export interface AnySourceOptions extends BundleOptions {
  /** Ids are orig_ids: throw on a conversation without one (backend inputs) instead of using `conv_{index}`. */
  requireIds?: boolean;
}

const BUNDLE_MARKERS = ["input.json", "notes.json", "notions.json", "notion.json", "files"];
const EXPECTED_FOLDER =
  "expected a backend bundle folder (input.json, notes.json, files/), an AddNode folder (batch.json), " +
  "a chat export folder (conversations.json) or a folder of .md/.markdown/.txt notes";
const EXPECTED_ARRAY =
  'expected ChatGPT conversations (objects with "mapping"), Claude conversations (with "chat_messages") ' +
  "or notes ({id, title, content})";
const EXPECTED_OBJECT =
  'expected {"source_nodes": […]}, a ChatGPT conversation (with "mapping") or an AddNode batch (with "conversations")';

export async function detectSource(path: string): Promise<DetectedSource> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch {
    throw terminal("INPUT_NOT_FOUND", `${path}: no such file or folder`);
  }
  if (info.isDirectory()) return detectFolder(path);
  if (extname(path).toLowerCase() === ".zip") {
    // Opened here too, so a zip that is no export (or breaks a limit) fails before any work.
    exportEntries(await openExportZip(path), basename(path));
    return { format: "export-zip", path };
  }
  return { format: await detectFile(path), path };
}

/** conversations.json, or a newer ChatGPT export's conversations-000.json, conversations-001.json, … */
const EXPORT_PART = /^conversations(-\d+)?\.json$/;

/** The parts of a conversations file set among `names`, in order: conversations.json alone, else the split. */
function exportParts(names: Iterable<string>): string[] {
  const matching = [...names].filter((n) => EXPORT_PART.test(n));
  if (matching.includes("conversations.json")) return ["conversations.json"];
  return matching.sort((a, b) => partNumber(a) - partNumber(b));
}

function partNumber(name: string): number {
  return Number(/-(\d+)\.json$/.exec(name)?.[1] ?? 0);
}

async function detectFolder(dir: string): Promise<DetectedSource> {
  const names = new Set(await readdir(dir));
  // Before the bundle check: an AddNode folder also has files/.
  if (names.has("batch.json") || names.has("test-batch.json")) return { format: "add-node-batch", path: dir };
  if (BUNDLE_MARKERS.some((n) => names.has(n))) return { format: "bundle", path: dir };
  const parts = exportParts(names).map((n) => join(dir, n));
  if (parts.length > 0) {
    const first = parts[0]!;
    return { format: await detectFile(first), path: first, ...(parts.length > 1 ? { parts } : {}) };
  }
  if ((await listNoteFiles(dir)).length > 0) return { format: "markdown-folder", path: dir };
  throw terminal("INVALID_INPUT", `${dir}: unrecognised folder; ${EXPECTED_FOLDER}`);
}

async function detectFile(path: string): Promise<SourceFormat> {
  const name = basename(path);
  const ext = extname(path).toLowerCase();
  // Only .json (or extension-less) files are sniffed as JSON: a markdown note may well start with "[".
  const start = ext === ".json" || ext === "" ? jsonStart(await peekFile(path)) : undefined;
  if (start === "[") return sniffArray(path, name);
  if (start === "{") {
    const decisive = new Set(["source_nodes", "mapping", "conversations", "existingClusters"]);
    const keys = await topLevelKeys(path, { stopAt: (k) => decisive.has(k) });
    const key = keys.find((k) => decisive.has(k));
    if (key === "source_nodes") return "source-nodes";
    if (key === "mapping") return "chatgpt-conversation";
    if (key === "conversations" || key === "existingClusters") return "add-node-batch";
    throw terminal("INVALID_INPUT", `${name}: unrecognised JSON object; ${EXPECTED_OBJECT}`);
  }
  if (ext === ".json") throw terminal("INVALID_INPUT", `${name}: not a JSON array or object`);
  if (NOTE_EXTENSIONS.has(ext)) return "markdown-file";
  return "document";
}

export async function loadAnySource(
  path: string,
  options: AnySourceOptions = {},
): Promise<{ format: SourceFormat; items: SourceItem[] }> {
  const detected = await detectSource(path);
  const items: SourceItem[] = [];
  for await (const item of iterateDetected(detected, options)) items.push(item);
  return { format: detected.format, items };
}

export async function* iterateAnySource(
  path: string,
  options: AnySourceOptions = {},
): AsyncGenerator<SourceItem> {
  yield* iterateDetected(await detectSource(path), options);
}

/**
 * The legacy graph-generation input: one object key plus `extraS3Keys`, downloaded to local files whose
 * formats are sniffed one by one (conversations, notes, {source_nodes}, or user files). Ids are required.
 */
export async function* iterateLegacyInputs(
  paths: readonly string[],
  options: BundleOptions = {},
): AsyncGenerator<SourceItem> {
  const dedupe = new Deduper(options.onWarning);
  async function* all(): AsyncGenerator<SourceItem> {
    for (const path of paths) {
      yield* iterateDetected({ format: await detectFile(path), path }, { ...options, requireIds: true });
    }
  }
  yield* dedupe.filter(all());
}

export async function* iterateDetected(
  source: DetectedSource,
  options: AnySourceOptions = {},
): AsyncGenerator<SourceItem> {
  const { path } = source;
  const label = basename(path);
  const requireId = options.requireIds ?? false;
  switch (source.format) {
    case "bundle":
      yield* iterateBundle(path, options);
      return;
    case "add-node-batch":
      yield* iterateAddNodeBatch(path, options);
      return;
    case "markdown-folder":
      yield* iterateMarkdownFolder(path, options);
      return;
    case "markdown-file":
      yield await noteFromMarkdownFile(path, basename(path));
      return;
    case "source-nodes":
      yield* iterateNotesFile(path, label, "note", options);
      return;
    case "chatgpt-conversation": {
      const raw = await readJsonWhole(path, options.onWarning);
      const item = orSkip(() => conversationFromMapping(raw, { label, index: 0, requireId }), options);
      if (item) yield item;
      return;
    }
    case "document": {
      // Backend objects are named {fileId}_{safeName}; a CLI user's file is identified by its own name.
      const { fileId, fileName } = requireId
        ? parseBundleFileName(label)
        : { fileId: label, fileName: label };
      yield await fileItemFromPath({ path, origId: fileId, fileName, origin: path }, extractOptions(options));
      return;
    }
    case "empty-array":
      return;
    case "export-zip":
      yield* iterateExportZip(path, options);
      return;
    case "conversations":
    case "claude-export":
    case "legacy-notes": {
      for (const part of source.parts ?? [path]) yield* iterateArrayFile(part, source.format, options);
      return;
    }
  }
}

/** Elements looked at to tell an array's format: enough for a majority, few enough to be quick. */
const SNIFF_ELEMENTS = 50;

type ArrayFormat = "conversations" | "claude-export" | "legacy-notes";

function elementFormat(element: unknown): ArrayFormat | undefined {
  if (isMappingConversation(element)) return "conversations";
  if (isClaudeConversation(element)) return "claude-export";
  if (isLegacyNote(element)) return "legacy-notes";
  if (isTitleOnlyConversation(element)) return "conversations";
  return undefined;
}

/**
 * The format of a JSON array from the majority of its first elements, so an odd element (a title-only
 * conversation, a stray value) anywhere, even first, does not decide it. Only an array with no recognisable
 * element among them is refused.
 */
async function sniffArray(path: string, name: string): Promise<SourceFormat> {
  const votes = new Map<ArrayFormat, number>();
  let seen = 0;
  for await (const element of streamJsonArray(path)) {
    const format = elementFormat(element);
    if (format) votes.set(format, (votes.get(format) ?? 0) + 1);
    if (++seen >= SNIFF_ELEMENTS) break;
  }
  if (seen === 0) return "empty-array";
  let best: ArrayFormat | undefined;
  for (const [format, count] of votes) if (best === undefined || count > votes.get(best)!) best = format;
  if (best === undefined)
    throw terminal("INVALID_INPUT", `${name}: unrecognised JSON array; ${EXPECTED_ARRAY}`);
  return best;
}

/**
 * The elements of one array file. Each is recognised by its own shape, so a mixed array still loads; a
 * title-only element of a ChatGPT export becomes a node with its title; anything else is skipped, warned
 * about and counted, never failing the file.
 */
async function* iterateArrayFile(
  path: string,
  format: SourceFormat,
  options: AnySourceOptions,
): AsyncGenerator<SourceItem> {
  const label = basename(path);
  const requireId = options.requireIds ?? false;
  let index = 0;
  for await (const element of streamJsonArray(path, streamOptions(label, options))) {
    const at = index++;
    const kind = elementFormat(element);
    let item: SourceItem | undefined;
    if (kind === "conversations" && (isMappingConversation(element) || format === "conversations"))
      item = orSkip(() => conversationFromMapping(element, { label, index: at, requireId }), options);
    else if (isClaudeConversation(element)) item = conversationFromClaude(element, at);
    else if (kind === "legacy-notes") item = orSkip(() => noteFromPlain(element, label, at), options);
    else reportSkip(options, `${label}: element ${at} is not recognised; ${EXPECTED_ARRAY}`);
    if (item) yield item;
  }
}

/** The most bytes of an export zip read into memory: its contents may not exceed this anyway. */
const MAX_EXPORT_ZIP_BYTES = DEFAULT_ZIP_LIMITS.maxTotalBytes;

/** An export zip, opened with the same limits as any zip (refused before anything is inflated). */
async function openExportZip(path: string): Promise<ZipArchive> {
  const name = basename(path);
  const { size } = await stat(path);
  if (size > MAX_EXPORT_ZIP_BYTES) {
    throw terminal(
      "INVALID_INPUT",
      `${name}: zip limits exceeded (a ${size}-byte archive, at most ${MAX_EXPORT_ZIP_BYTES}); unzip it and pass its conversations.json`,
    );
  }
  try {
    return openZip(await readFile(path), DEFAULT_ZIP_LIMITS);
  } catch (err) {
    if (err instanceof ZipLimitError || err instanceof ZipFormatError)
      throw terminal("INVALID_INPUT", `${name}: ${err.message}`, err);
    throw err;
  }
}

/**
 * The conversations entries of an export zip, in order: those of the shallowest folder that has any (the
 * export may sit in a top folder). Throws INVALID_INPUT when the zip holds none.
 */
function exportEntries(archive: ZipArchive, name: string): string[] {
  const byFolder = new Map<string, string[]>();
  for (const entry of archive.entries.keys()) {
    const slash = entry.lastIndexOf("/");
    const folder = entry.slice(0, slash + 1);
    const list = byFolder.get(folder) ?? [];
    list.push(entry.slice(slash + 1));
    byFolder.set(folder, list);
  }
  const folders = [...byFolder.keys()].sort((a, b) => a.split("/").length - b.split("/").length);
  for (const folder of folders) {
    const parts = exportParts(byFolder.get(folder)!);
    if (parts.length > 0) return parts.map((p) => folder + p);
  }
  throw terminal(
    "INVALID_INPUT",
    `${name}: a zip without conversations.json; expected a ChatGPT or Claude export zip`,
  );
}

/**
 * An export zip: its conversations entries are inflated (streamed, within the limits) into files of a
 * private temporary folder, named by us (never by the entry names), then read like an export folder.
 */
async function* iterateExportZip(path: string, options: AnySourceOptions): AsyncGenerator<SourceItem> {
  const dir = await mkdtemp(join(tmpdir(), "graphnode-export-"));
  try {
    const parts: string[] = [];
    {
      const archive = await openExportZip(path);
      for (const entry of exportEntries(archive, basename(path))) {
        const local = join(dir, basename(entry));
        writeEntry(archive, entry, local, basename(path));
        parts.push(local);
      }
    }
    const format = await detectFile(parts[0]!);
    yield* iterateDetected({ format, path: parts[0]!, ...(parts.length > 1 ? { parts } : {}) }, options);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function writeEntry(archive: ZipArchive, entry: string, local: string, zipName: string): void {
  const fd = openSync(local, "w");
  try {
    archive.stream(entry, (chunk) => {
      writeSync(fd, chunk);
      return true;
    });
  } catch (err) {
    if (err instanceof ZipLimitError || err instanceof ZipFormatError)
      throw terminal("INVALID_INPUT", `${zipName}: ${err.message}`, err);
    throw err;
  } finally {
    closeSync(fd);
  }
}

/** A single-conversation JSON object is small: parse it whole (saying so when it is not all UTF-8). */
async function readJsonWhole(path: string, onWarning?: (message: string) => void): Promise<unknown> {
  const bytes = await readFile(path);
  if (!isUtf8(bytes))
    onWarning?.(`${basename(path)}: invalid UTF-8 bytes were replaced with U+FFFD (\ufffd)`);
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch (err) {
    throw terminal("INVALID_INPUT", `${basename(path)}: invalid JSON (${(err as Error).message})`, err);
  }
}
