/**
 * `loadAnySource(path)` for CLI users and the legacy single-key input: looks at a file or folder and picks
 * the loader, or fails with an error that says what was expected.
 *
 * Folders: a backend bundle (input.json / notes.json / notions.json / files/), an AddNode folder
 * (batch.json), an unzipped ChatGPT or Claude export (conversations.json), or a folder of notes
 * (.md/.markdown/.txt anywhere below). Files: JSON is recognised by shape (arrays by their first
 * element, objects by their top-level keys), .md/.markdown/.txt is one note, anything else one user file.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, extname, join } from "node:path";
import { terminal } from "../../contract/errors.js";
import { iterateAddNodeBatch } from "./addNodeBatch.js";
import { type BundleOptions, Deduper, extractOptions, iterateBundle, iterateNotesFile } from "./bundle.js";
import { conversationFromMapping, isMappingConversation } from "./chat.js";
import { conversationFromClaude, isClaudeConversation } from "./claude.js";
import { fileItemFromPath, parseBundleFileName } from "./fileItem.js";
import { jsonStart, peekFile, streamJsonArray, topLevelKeys } from "./json.js";
import {
  iterateMarkdownFolder,
  listNoteFiles,
  NOTE_EXTENSIONS,
  noteFromMarkdownFile,
} from "./markdownFolder.js";
import { isLegacyNote, noteFromPlain } from "./notes.js";
import type { SourceItem } from "./types.js";

export type SourceFormat =
  | "bundle" // backend graph-generation folder
  | "add-node-batch" // batch.json (+ files/)
  | "conversations" // JSON array of mapping-format conversations: ChatGPT export or backend input.json
  | "chatgpt-conversation" // one mapping-format conversation object
  | "claude-export" // Claude conversations.json
  | "source-nodes" // {source_nodes:[…]}: notes.json, notions.json, the incumbent's merged format
  | "legacy-notes" // [{id,title,content}]
  | "empty-array" // []
  | "markdown-folder"
  | "markdown-file"
  | "document"; // any other file: one user file item

export interface DetectedSource {
  format: SourceFormat;
  /** The file or folder to read (for an export folder: its conversations.json). */
  path: string;
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
    throw terminal(
      "INVALID_INPUT",
      `${basename(path)}: a zip archive; unzip the export and pass its folder or its conversations.json`,
    );
  }
  return { format: await detectFile(path), path };
}

async function detectFolder(dir: string): Promise<DetectedSource> {
  const names = new Set(await readdir(dir));
  // Before the bundle check: an AddNode folder also has files/.
  if (names.has("batch.json") || names.has("test-batch.json")) return { format: "add-node-batch", path: dir };
  if (BUNDLE_MARKERS.some((n) => names.has(n))) return { format: "bundle", path: dir };
  if (names.has("conversations.json")) {
    const file = join(dir, "conversations.json");
    return { format: await detectFile(file), path: file };
  }
  if ((await listNoteFiles(dir)).length > 0) return { format: "markdown-folder", path: dir };
  throw terminal("INVALID_INPUT", `${dir}: unrecognised folder; ${EXPECTED_FOLDER}`);
}

async function detectFile(path: string): Promise<SourceFormat> {
  const name = basename(path);
  const ext = extname(path).toLowerCase();
  // Only .json (or extension-less) files are sniffed as JSON: a markdown note may well start with "[".
  const start = ext === ".json" || ext === "" ? jsonStart(await peekFile(path)) : undefined;
  if (start === "[") {
    for await (const first of streamJsonArray(path)) {
      if (isMappingConversation(first)) return "conversations";
      if (isClaudeConversation(first)) return "claude-export";
      if (isLegacyNote(first)) return "legacy-notes";
      throw terminal("INVALID_INPUT", `${name}: unrecognised JSON array; ${EXPECTED_ARRAY}`);
    }
    return "empty-array";
  }
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
  const signal = options.signal ? { signal: options.signal } : {};
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
      yield* iterateNotesFile(path, label, "note", options.signal);
      return;
    case "chatgpt-conversation": {
      yield conversationFromMapping(await readJsonWhole(path), { label, index: 0, requireId });
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
    case "conversations":
    case "claude-export":
    case "legacy-notes": {
      // Each element is recognised by its own shape, so a mixed array still loads.
      let index = 0;
      for await (const element of streamJsonArray(path, { label, ...signal })) {
        const at = index++;
        if (isMappingConversation(element))
          yield conversationFromMapping(element, { label, index: at, requireId });
        else if (isClaudeConversation(element)) yield conversationFromClaude(element, at);
        else if (isLegacyNote(element)) yield noteFromPlain(element, label, at);
        else throw terminal("INVALID_INPUT", `${label}: element ${at} is not recognised; ${EXPECTED_ARRAY}`);
      }
      return;
    }
  }
}

/** A single-conversation JSON object is small: parse it whole. */
async function readJsonWhole(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, "utf8"));
  } catch (err) {
    throw terminal("INVALID_INPUT", `${basename(path)}: invalid JSON (${(err as Error).message})`, err);
  }
}
