/**
 * Reads one GraphNode note or conversation from the backend's MongoDB, for MICROSCOPE_INGEST_FROM_NODE_REQUEST
 * (contract §2.4: the request carries no S3 input; the worker reads `notes`, `conversations` and `messages`).
 * Read-only, with the official `mongodb` driver.
 *
 * Rules:
 * - Only an item whose `ownerUserId` is the request's user and whose `deletedAt` is null or absent is read.
 *   Missing, someone else's and deleted items are terminal INPUT_NOT_FOUND; the message never says that an item
 *   belongs to someone else, so a user cannot probe other users' ids.
 * - `_id`s are ULID strings in the backend; a 24-hex id is also looked up as an ObjectId.
 * - A note becomes `# {title}\n\n{content}`; a conversation `# {title}` (or `# Conversation {id}` when it has
 *   no title) followed by `Q: …` / `A: …` paragraphs of its non-deleted user and assistant messages, ordered by
 *   `createdAt` then `_id` (system and other roles skipped). Nothing to ingest (empty note content, no
 *   user/assistant text) is terminal INVALID_INPUT.
 * - Unreachable server, timeouts and server-side failures are transient DATABASE_ERROR (SQS redelivers); bad
 *   credentials are terminal DATABASE_ERROR (retrying cannot fix them).
 * Error messages are shown to end users: they name the item's id and kind, never its content or the URL.
 */
import {
  type Collection,
  type Document,
  MongoAPIError,
  MongoClient,
  MongoError,
  MongoInvalidArgumentError,
  MongoParseError,
  MongoServerError,
  ObjectId,
} from "mongodb";
import { TaskError, terminal, transient } from "../contract/errors.js";

export type NodeType = "note" | "conversation";

export interface NodeTurn {
  role: "user" | "assistant";
  content: string;
  /** 0-based position among the turns kept (user and assistant messages with text). */
  index: number;
}

export interface NodeDocument {
  nodeId: string;
  nodeType: NodeType;
  /** The title used in the heading: the item's title, or `Conversation {id}` / `Note {id}` when it has none. */
  title: string;
  /** Markdown, as the original worker built it (see the module comment). */
  text: string;
  /** Conversations only: the turns `text` was built from. */
  turns?: NodeTurn[];
  /** ISO-8601, when the item has a readable `createdAt` (a Date for notes, epoch ms for conversations). */
  createdAt?: string;
  /** `text.length`. */
  sizeChars: number;
}

export interface ReadNodeRequest {
  userId: string;
  nodeId: string;
  nodeType: NodeType;
}

export interface MongoNodeReader {
  /** Rejects with a TaskError (see the module comment), or with `signal.reason` when the signal aborts. */
  readNode(request: ReadNodeRequest, signal?: AbortSignal): Promise<NodeDocument>;
  /** The database read from, and the URL without credentials, for logs. */
  readonly dbName: string;
  readonly target: string;
  close(): Promise<void>;
}

export interface MongoNodeReaderOptions {
  /** mongodb:// or mongodb+srv:// connection string. */
  url: string;
  /** Default: the database named in the URL's path, else DEFAULT_MONGO_DB_NAME. */
  dbName?: string;
  /** How long an operation waits for a usable server before failing transiently (default 5000 ms). */
  serverSelectionTimeoutMs?: number;
  /** TCP connect timeout (default 5000 ms). */
  connectTimeoutMs?: number;
  /** Server-side limit for each query (default 30000 ms). */
  maxTimeMs?: number;
  /** A text longer than this is terminal DOCUMENT_TOO_LARGE (default: no limit). */
  maxChars?: number;
}

/** The database the backend's e2e setup uses (MONGODB_DB_NAME=graphnode). */
export const DEFAULT_MONGO_DB_NAME = "graphnode";

/** Backend documents: ULID string ids (an ObjectId is accepted too); other fields are read defensively. */
type StoredId = string | ObjectId;
interface StoredDoc extends Document {
  _id: StoredId;
}

const ROLE_PREFIX = { user: "Q", assistant: "A" } as const;
const AUTH_ERROR_CODES = new Set([13, 18]); // Unauthorized, AuthenticationFailed

/** The URL with any user name and password replaced by `***`, safe to log. */
export function redactMongoUrl(url: string): string {
  return url.replace(/^([a-z0-9+.-]+:\/\/)[^@/?#]*@/i, "$1***@");
}

/** The database named in the URL's path (`mongodb://host/graphnode?…` → graphnode), if any. */
export function dbNameFromUrl(url: string): string | undefined {
  const match = /^mongodb(?:\+srv)?:\/\/[^/?#]*\/([^?#]*)/i.exec(url);
  const raw = match?.[1];
  if (!raw) return undefined;
  try {
    return decodeURIComponent(raw) || undefined;
  } catch {
    return undefined;
  }
}

/** MONGODB_DB_NAME when set, else the URL's database, else DEFAULT_MONGO_DB_NAME. */
export function resolveMongoDbName(url: string, dbName?: string): string {
  return dbName?.trim() || dbNameFromUrl(url) || DEFAULT_MONGO_DB_NAME;
}

/** Ids as the backend may store them: the string itself and, for a 24-hex string, the ObjectId too. */
function idCandidates(id: string): StoredId[] {
  return ObjectId.isValid(id) && /^[0-9a-f]{24}$/i.test(id) ? [id, new ObjectId(id)] : [id];
}

function isoDate(value: unknown): string | undefined {
  let date: Date | undefined;
  if (value instanceof Date) date = value;
  else if (typeof value === "number" || typeof value === "string") date = new Date(value);
  return date && Number.isFinite(date.getTime()) ? date.toISOString() : undefined;
}

/** Message content as text: a string, or the text parts of an array of parts ({text} objects or strings). */
function contentText(content: unknown): string {
  if (typeof content === "string") return content.trim();
  if (Array.isArray(content)) {
    return content
      .map((part) =>
        typeof part === "string" ? part : typeof part?.text === "string" ? (part.text as string) : "",
      )
      .filter((s) => s.trim() !== "")
      .join("\n")
      .trim();
  }
  return "";
}

function stringField(doc: StoredDoc, field: string): string {
  const v = doc[field];
  return typeof v === "string" ? v.trim() : "";
}

/** Maps a driver failure to a TaskError; an abort of the caller's signal passes through unchanged. */
function mongoFailure(err: unknown, signal: AbortSignal | undefined, what: string): unknown {
  if (signal?.aborted && (err === signal.reason || (err as Error)?.name === "AbortError"))
    return signal.reason;
  if (err instanceof TaskError || !(err instanceof MongoError)) return err;
  if (err instanceof MongoServerError && typeof err.code === "number" && AUTH_ERROR_CODES.has(err.code)) {
    return terminal("DATABASE_ERROR", `MongoDB refused the worker's credentials while reading ${what}`, err);
  }
  if (
    err instanceof MongoParseError ||
    err instanceof MongoInvalidArgumentError ||
    err instanceof MongoAPIError
  ) {
    return terminal("DATABASE_ERROR", `invalid MongoDB request while reading ${what}`, err);
  }
  // Server selection (unreachable), network errors, timeouts and server-side errors: worth a retry.
  return transient("DATABASE_ERROR", `MongoDB is unavailable (${err.name}) while reading ${what}`, err);
}

export function createMongoNodeReader(options: MongoNodeReaderOptions): MongoNodeReader {
  const dbName = resolveMongoDbName(options.url, options.dbName);
  const target = redactMongoUrl(options.url);
  const maxTimeMS = options.maxTimeMs ?? 30_000;
  let client: MongoClient;
  try {
    // The client connects lazily, on the first query, and reconnects by itself after a failure.
    client = new MongoClient(options.url, {
      serverSelectionTimeoutMS: options.serverSelectionTimeoutMs ?? 5_000,
      connectTimeoutMS: options.connectTimeoutMs ?? 5_000,
      appName: "graphnode-worker",
    });
  } catch (err) {
    // Not chained as the cause: the driver's parse errors may quote the connection string, credentials included.
    throw terminal(
      "DATABASE_ERROR",
      `MONGODB_URL is not a usable MongoDB connection string (${err instanceof Error ? err.name : "invalid"})`,
    );
  }
  const db = client.db(dbName);
  const notes: Collection<StoredDoc> = db.collection<StoredDoc>("notes");
  const conversations: Collection<StoredDoc> = db.collection<StoredDoc>("conversations");
  const messages: Collection<StoredDoc> = db.collection<StoredDoc>("messages");
  let closed = false;

  /** The item if it exists, is the user's and is not deleted; otherwise terminal INPUT_NOT_FOUND. */
  async function findOwned(
    collection: Collection<StoredDoc>,
    { userId, nodeId, nodeType }: ReadNodeRequest,
    projection: Document,
    signal?: AbortSignal,
  ): Promise<StoredDoc> {
    const doc = await collection.findOne(
      { _id: { $in: idCandidates(nodeId) }, ownerUserId: userId },
      { projection: { ...projection, deletedAt: 1 }, maxTimeMS, ...(signal ? { signal } : {}) },
    );
    if (!doc) throw terminal("INPUT_NOT_FOUND", `${nodeType} ${nodeId} was not found for this user`);
    if (doc.deletedAt !== null && doc.deletedAt !== undefined) {
      throw terminal("INPUT_NOT_FOUND", `${nodeType} ${nodeId} was deleted`);
    }
    return doc;
  }

  function checkSize(request: ReadNodeRequest, chars: number): void {
    if (options.maxChars !== undefined && chars > options.maxChars) {
      throw terminal(
        "DOCUMENT_TOO_LARGE",
        `${request.nodeType} ${request.nodeId} is too large to ingest (${chars} characters; limit ${options.maxChars})`,
      );
    }
  }

  async function readNote(request: ReadNodeRequest, signal?: AbortSignal): Promise<NodeDocument> {
    const doc = await findOwned(notes, request, { title: 1, content: 1, createdAt: 1 }, signal);
    const content = stringField(doc, "content");
    if (content === "") throw terminal("INVALID_INPUT", `note ${request.nodeId} is empty: nothing to ingest`);
    const title = stringField(doc, "title") || `Note ${request.nodeId}`;
    const text = `# ${title}\n\n${content}`;
    checkSize(request, text.length);
    const createdAt = isoDate(doc.createdAt);
    return {
      nodeId: request.nodeId,
      nodeType: "note",
      title,
      text,
      ...(createdAt ? { createdAt } : {}),
      sizeChars: text.length,
    };
  }

  async function readConversation(request: ReadNodeRequest, signal?: AbortSignal): Promise<NodeDocument> {
    const conv = await findOwned(conversations, request, { title: 1, createdAt: 1 }, signal);
    const title = stringField(conv, "title") || `Conversation ${request.nodeId}`;
    const heading = `# ${title}\n\n`;
    // Messages point at the conversation's `_id` as stored, or at its string form.
    const conversationIds = [...idCandidates(request.nodeId), conv._id];
    const cursor = messages
      .find(
        { conversationId: { $in: conversationIds }, deletedAt: null },
        { projection: { role: 1, content: 1 }, maxTimeMS, ...(signal ? { signal } : {}) },
      )
      .sort({ createdAt: 1, _id: 1 });
    const turns: NodeTurn[] = [];
    let chars = heading.length;
    try {
      for await (const message of cursor) {
        const role = message.role;
        if (role !== "user" && role !== "assistant") continue;
        const content = contentText(message.content);
        if (content === "") continue;
        turns.push({ role, content, index: turns.length });
        chars += content.length + 5; // "Q: " and the blank line between turns
        checkSize(request, chars);
      }
    } finally {
      await cursor.close().catch(() => {});
    }
    if (turns.length === 0) {
      throw terminal(
        "INVALID_INPUT",
        `conversation ${request.nodeId} has no user or assistant messages: nothing to ingest`,
      );
    }
    const text = heading + turns.map((t) => `${ROLE_PREFIX[t.role]}: ${t.content}`).join("\n\n");
    checkSize(request, text.length);
    const createdAt = isoDate(conv.createdAt);
    return {
      nodeId: request.nodeId,
      nodeType: "conversation",
      title,
      text,
      turns,
      ...(createdAt ? { createdAt } : {}),
      sizeChars: text.length,
    };
  }

  return {
    dbName,
    target,
    async readNode(request, signal) {
      if (closed) throw transient("DATABASE_ERROR", "the MongoDB reader is closed (the worker is stopping)");
      signal?.throwIfAborted();
      const what = `${request.nodeType} ${request.nodeId}`;
      try {
        if (request.nodeType === "note") return await readNote(request, signal);
        if (request.nodeType === "conversation") return await readConversation(request, signal);
        throw terminal("VALIDATION_ERROR", `unknown node type "${String(request.nodeType)}"`);
      } catch (err) {
        throw mongoFailure(err, signal, what);
      }
    },
    async close() {
      closed = true;
      await client.close();
    },
  };
}

/** The Mongo part of the worker's configuration (src/config.ts: MONGODB_URL / MONGODB_URI, MONGODB_DB_NAME). */
export interface MongoSettings {
  url?: string;
  dbName?: string;
}

/** One reader (one MongoClient, one connection pool) per URL and database, for the whole process. */
const openReaders = new Map<string, MongoNodeReader>();

/**
 * The process's shared reader for these settings, created on first use. Without a URL: terminal
 * DATABASE_ERROR, since the worker cannot serve from-node ingests without MongoDB.
 */
export function openMongoNodeReader(
  config: { mongo: MongoSettings },
  options: Omit<MongoNodeReaderOptions, "url" | "dbName"> = {},
): MongoNodeReader {
  const url = config.mongo.url;
  if (!url) {
    throw terminal(
      "DATABASE_ERROR",
      "MONGODB_URL is not configured on the worker: notes and conversations cannot be read",
    );
  }
  const dbName = resolveMongoDbName(url, config.mongo.dbName);
  const key = `${url}\n${dbName}`;
  let reader = openReaders.get(key);
  if (!reader) {
    reader = createMongoNodeReader({ ...options, url, dbName });
    openReaders.set(key, reader);
  }
  return reader;
}

/** Closes every reader openMongoNodeReader made (for the worker's shutdown). */
export async function closeMongoNodeReaders(): Promise<void> {
  const readers = [...openReaders.values()];
  openReaders.clear();
  await Promise.allSettled(readers.map((r) => r.close()));
}
