/**
 * Behaviour both ObjectStorage implementations share, so S3 and the local directory answer alike:
 * size limits (checked up front and again while streaming), JSON parsing errors, content types by
 * extension, key ordering and `downloadToDir`.
 */
import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { type Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import mime from "mime";
import pLimit from "p-limit";
import { TaskError, terminal, transient } from "../contract/errors.js";
import { assertSafeKey, printableKey, safeLocalPath } from "./safeKey.js";
import type { GetOptions, ObjectInfo } from "./storage.js";

export function tooLarge(key: string, maxBytes: number, size?: number): TaskError {
  const seen = size === undefined ? `more than ${maxBytes} bytes` : `${size} bytes`;
  return terminal(
    "DOCUMENT_TOO_LARGE",
    `input object too large: ${printableKey(key)} (${seen}, limit ${maxBytes})`,
  );
}

export function notFound(key: string, cause?: unknown): TaskError {
  return terminal("INPUT_NOT_FOUND", `input object not found: ${printableKey(key)}`, cause);
}

/** Refuses up front when the size is already known to exceed the limit. */
export function checkSize(key: string, size: number | undefined, opts?: GetOptions): void {
  if (opts?.maxBytes !== undefined && size !== undefined && size > opts.maxBytes) {
    throw tooLarge(key, opts.maxBytes, size);
  }
}

/**
 * Wraps a body stream: counts bytes against `maxBytes` (a server may not send a length, or send a wrong one),
 * turns source errors into TaskErrors via `mapError`, and releases the source (its socket) when the reader
 * stops early or fails.
 *
 * The returned stream always has an error listener. It may sit unread for a while (its reader awaits something
 * first, or has not been handed it yet) while the connection under it resets; an 'error' event with no listener
 * would then kill the whole process instead of failing one task. The listener only keeps the process alive: the
 * error stays on the stream (`errored`), and `pipeline`, `finished` and `for await` on it still reject with it,
 * also when they start after it happened. Consume it with one of those, not with a late `.on("error")`.
 */
export function guardStream(
  source: Readable,
  key: string,
  opts: GetOptions | undefined,
  mapError: (err: unknown) => unknown,
): Readable {
  let seen = 0;
  const max = opts?.maxBytes;
  const out = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      seen += chunk.length;
      if (max !== undefined && seen > max) cb(tooLarge(key, max));
      else cb(null, chunk);
    },
  });
  out.on("error", keepProcessAlive);
  source.on("error", (err) => out.destroy(mapError(err) as Error));
  out.once("close", () => {
    if (!source.destroyed) source.destroy();
  });
  const signal = opts?.signal;
  if (signal) {
    const onAbort = () => out.destroy(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
    if (signal.aborted) onAbort();
    else {
      signal.addEventListener("abort", onAbort, { once: true });
      out.once("close", () => signal.removeEventListener("abort", onAbort));
    }
  }
  source.pipe(out);
  return out;
}

/** See guardStream: the error is handled where the stream is consumed, through its `errored` state. */
function keepProcessAlive(): void {}

/** Collects a guarded stream into one Buffer. */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

/** Parses a JSON object body; a UTF-8 BOM (files saved by Windows tools) is tolerated. */
export function parseJsonBody(body: Buffer, key: string): unknown {
  let text = body.toString("utf8");
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw terminal("INVALID_INPUT", `input object is not valid JSON: ${printableKey(key)}`, err);
  }
}

/** How deep `jsonChunks` descends into arrays and plain objects before writing a value whole. */
const JSON_CHUNK_DEPTH = 3;

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** What JSON.stringify would write for `v` as a member: undefined for what it leaves out. */
function writable(v: unknown): boolean {
  return v !== undefined && typeof v !== "function" && typeof v !== "symbol";
}

/** A value as JSON.stringify sees it: after its toJSON (a Date becomes its ISO string). */
function toJsonValue(v: unknown, key: string): unknown {
  if (v !== null && typeof v === "object" && typeof (v as { toJSON?: unknown }).toJSON === "function") {
    return (v as { toJSON(k: string): unknown }).toJSON(key);
  }
  return v;
}

/** `v` has been through toJsonValue and is writable. */
function* valueChunks(v: unknown, depth: number): Generator<string> {
  if (depth >= JSON_CHUNK_DEPTH || v === null || typeof v !== "object") {
    yield JSON.stringify(v) ?? "null";
    return;
  }
  if (Array.isArray(v)) {
    yield "[";
    for (let i = 0; i < v.length; i++) {
      if (i > 0) yield ",";
      const item = toJsonValue(v[i], String(i));
      if (writable(item)) yield* valueChunks(item, depth + 1);
      else yield "null";
    }
    yield "]";
    return;
  }
  if (!isPlainObject(v)) {
    yield JSON.stringify(v) ?? "null";
    return;
  }
  yield "{";
  let first = true;
  for (const k of Object.keys(v)) {
    const item = toJsonValue((v as Record<string, unknown>)[k], k);
    if (!writable(item)) continue;
    yield `${first ? "" : ","}${JSON.stringify(k)}:`;
    first = false;
    yield* valueChunks(item, depth + 1);
  }
  yield "}";
}

/**
 * The text of `JSON.stringify(value)` in pieces, so a large result (a 6,000-conversation features.json) can be
 * streamed out without ever being one giant string: arrays and plain objects are opened down to a few levels,
 * the values below are written whole. Same text as JSON.stringify (toJSON, left-out members, nulls in arrays).
 */
export function* jsonChunks(value: unknown): Generator<string> {
  const top = toJsonValue(value, "");
  if (!writable(top)) throw terminal("INTERNAL_ERROR", "value cannot be written as JSON");
  yield* valueChunks(top, 0);
}

/** jsonChunks as UTF-8 buffers of about `bytes` each (small pieces are joined, to keep the count low). */
export function* jsonByteChunks(value: unknown, bytes = 64 * 1024): Generator<Buffer> {
  let pending: string[] = [];
  let pendingLength = 0;
  for (const piece of jsonChunks(value)) {
    pending.push(piece);
    pendingLength += piece.length;
    if (pendingLength >= bytes) {
      yield Buffer.from(pending.join(""), "utf8");
      pending = [];
      pendingLength = 0;
    }
  }
  if (pendingLength > 0) yield Buffer.from(pending.join(""), "utf8");
}

/** The content type a key's extension suggests (the full IANA table, from the `mime` package). */
export function contentTypeFor(key: string): string {
  return mime.getType(key) ?? "application/octet-stream";
}

/** Keys in S3's order: by their UTF-8 bytes (JS string order differs for characters outside the BMP). */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

export interface OpenedObject {
  stream: Readable;
  contentType?: string;
}

export interface DownloadedObject {
  key: string;
  path: string;
  size: number;
  contentType?: string;
}

/** How many objects `downloadToDir` fetches at once: enough to hide request latency, few enough for 2 cores. */
const DOWNLOAD_CONCURRENCY = 4;

/**
 * `ObjectStorage.downloadToDir` over an implementation's list and open. Every local path is computed (and so
 * every key checked) before the first byte is written, so an unsafe key anywhere in the listing leaves `dir`
 * untouched. Directory-marker keys (ending in `/`) are skipped.
 */
export async function downloadToDir(
  io: {
    list(prefix: string, opts?: GetOptions): Promise<ObjectInfo[]>;
    open(key: string, opts?: GetOptions): Promise<OpenedObject>;
  },
  source: { prefix: string } | { keys: string[] },
  dir: string,
  opts?: GetOptions,
): Promise<DownloadedObject[]> {
  let planned: { key: string; rel: string }[];
  if ("prefix" in source) {
    const listed = await io.list(source.prefix, opts);
    planned = listed
      .filter((o) => !o.key.endsWith("/"))
      .map((o) => {
        assertSafeKey(o.key);
        return { key: o.key, rel: o.key.slice(source.prefix.length).replace(/^\/+/, "") };
      });
  } else {
    planned = [...new Set(source.keys)].sort(compareKeys).map((key) => ({ key, rel: key }));
  }
  const jobs = planned.map((p) => ({ key: p.key, path: safeLocalPath(dir, p.rel) }));

  await mkdir(dir, { recursive: true });
  const limit = pLimit(DOWNLOAD_CONCURRENCY);
  let failed = false;
  const settled = await Promise.allSettled(
    jobs.map((job) =>
      limit(async (): Promise<DownloadedObject | null> => {
        if (failed) return null;
        try {
          // The directory first: the object is opened only when it can be piped at once, so its connection is
          // not held (nor left to time out) while the file system works.
          await mkdir(dirname(job.path), { recursive: true });
          const opened = await io.open(job.key, opts);
          const file = createWriteStream(job.path);
          await pipeline(opened.stream, file, opts?.signal ? { signal: opts.signal } : {});
          return {
            key: job.key,
            path: job.path,
            size: file.bytesWritten,
            ...(opened.contentType ? { contentType: opened.contentType } : {}),
          };
        } catch (err) {
          failed = true;
          throw wrapLocalWriteError(err, job.key);
        }
      }),
    ),
  );
  const rejected = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (rejected) throw rejected.reason;
  return settled
    .map((s) => (s.status === "fulfilled" ? s.value : null))
    .filter((d): d is DownloadedObject => d !== null);
}

function wrapLocalWriteError(err: unknown, key: string): unknown {
  if (err instanceof TaskError) return err;
  const e = err as { name?: string; code?: string };
  if (e?.name === "AbortError") return err;
  const code = typeof e?.code === "string" ? ` (${e.code})` : "";
  return transient("STORAGE_ERROR", `could not save object locally: ${printableKey(key)}${code}`, err);
}
