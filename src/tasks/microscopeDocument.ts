/**
 * The document a microscope ingest works on: the uploaded file at `s3_key` (MICROSCOPE_INGEST_REQUEST, contract
 * §2.5; text extracted with the same parsers as graph generation, zip formats opened with size limits), or the
 * note/conversation read from MongoDB (MICROSCOPE_INGEST_FROM_NODE_REQUEST, §2.4).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { terminal } from "../contract/errors.js";
import type { MicroscopeIngestFromNodeRequest, MicroscopeIngestRequest } from "../contract/requests.js";
import { openMongoNodeReader } from "../infra/mongo.js";
import type { ChatTurn } from "../pipelines/microscope/index.js";
import { extensionOf } from "../pipelines/sources/files/buckets.js";
import type { FileExtraction } from "../pipelines/sources/files/extract.js";
import type { TaskContext } from "./types.js";

export interface MicroscopeDocument {
  /** The workspace-unique id the document's chunks are indexed under (re-ingest replaces them). */
  sourceId: string;
  /** Display name (the file name, or the note/conversation title). */
  sourceName: string;
  text: string;
  sourceType: "document" | "note" | "chat";
  turns?: ChatTurn[];
}

/** Uploads are bounded by the backend; this guards the worker's memory against anything else. */
const MAX_FILE_BYTES = 200 * 1024 * 1024;
const SUFFIX = /_(block|nonblock)$/;

/** The backend's document id: the taskId without its _block/_nonblock suffix. */
export function documentIdOf(taskId: string): string {
  return taskId.replace(SUFFIX, "");
}

export async function loadFileDocument(
  payload: MicroscopeIngestRequest,
  ctx: TaskContext,
): Promise<MicroscopeDocument> {
  const { storage, payloadBucket } = ctx.services;
  const bucket = payload.bucket ?? payloadBucket;
  const head = await storage.head(bucket, payload.s3_key, { signal: ctx.signal });
  if (!head) throw terminal("INPUT_NOT_FOUND", `the uploaded file ${payload.s3_key} does not exist`);
  if (head.size > MAX_FILE_BYTES) {
    throw terminal("DOCUMENT_TOO_LARGE", `the file is ${head.size} bytes; the limit is ${MAX_FILE_BYTES}`);
  }
  const extracted = await extractOnPool(bucket, payload, ctx);
  const text = extracted.texts.join("\n\n").trim();
  if (!text) {
    const ext = extensionOf(payload.file_name) || "unknown";
    throw terminal(
      "INVALID_INPUT",
      extracted.parseError
        ? `could not read the .${ext} file: ${extracted.parseError}`
        : `the .${ext} file contains no text`,
    );
  }
  const ext = extensionOf(payload.file_name);
  return {
    sourceId: `${payload.group_id}:${documentIdOf(ctx.taskId)}`,
    sourceName: payload.file_name,
    text,
    // Markdown files segment at their headings like notes; everything else as a document.
    sourceType: ext === "md" || ext === "markdown" ? "note" : "document",
  };
}

/**
 * The file goes to a temporary folder and its text is extracted on the CPU pool from there: parsing a
 * document is CPU work that must not hold the event loop, and a path crosses the thread boundary for free.
 */
async function extractOnPool(
  bucket: string,
  payload: MicroscopeIngestRequest,
  ctx: TaskContext,
): Promise<FileExtraction> {
  const dir = await mkdtemp(join(tmpdir(), "graphnode-microscope-"));
  try {
    const [downloaded] = await ctx.services.storage.downloadToDir(bucket, { keys: [payload.s3_key] }, dir, {
      signal: ctx.signal,
      maxBytes: MAX_FILE_BYTES,
    });
    if (!downloaded) throw terminal("INPUT_NOT_FOUND", `the uploaded file ${payload.s3_key} does not exist`);
    return await ctx.services.cpu.run(
      "extractFile",
      { path: downloaded.path, fileName: payload.file_name },
      { signal: ctx.signal },
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function loadNodeDocument(
  payload: MicroscopeIngestFromNodeRequest,
  ctx: TaskContext,
): Promise<MicroscopeDocument> {
  const reader = openMongoNodeReader(ctx.services.config);
  const doc = await reader.readNode(
    { userId: payload.user_id, nodeId: payload.node_id, nodeType: payload.node_type },
    ctx.signal,
  );
  const turns = doc.turns?.map((t) => ({ role: t.role, content: t.content }));
  return {
    sourceId: `${payload.group_id}:${payload.node_id}`,
    sourceName: doc.title,
    text: doc.text,
    sourceType: payload.node_type === "conversation" ? "chat" : "note",
    ...(turns ? { turns } : {}),
  };
}
