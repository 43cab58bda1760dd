/**
 * Streaming JSON readers built on stream-json, so a 300 MB input.json is parsed one array element at a
 * time: only the current element is materialised, never the whole document or its text.
 */
import { isUtf8 } from "node:buffer";
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { basename } from "node:path";
import { type Duplex, pipeline, type Readable, Transform } from "node:stream";
import { parser } from "stream-json";
import { pick } from "stream-json/filters/pick.js";
import { streamArray } from "stream-json/streamers/stream-array.js";
import { streamValues } from "stream-json/streamers/stream-values.js";
import { terminal } from "../../contract/errors.js";

/** Only packed tokens: the streamers assemble from them, and skipping the chunk tokens is faster. */
const PARSER_OPTIONS = { streamValues: false } as const;

const valueOfItem = (item: unknown): unknown => (item as { value: unknown }).value;

export interface StreamArrayOptions {
  /** Stream the array found under this top-level key (e.g. "source_nodes") instead of a top-level array. */
  key?: string;
  /** The name used in error messages (defaults to the file's base name). */
  label?: string;
  signal?: AbortSignal;
  /**
   * Told once when the file holds bytes that are not UTF-8: the parser replaces them with U+FFFD, which the
   * user should hear about rather than find garbled text later.
   */
  onWarning?: (message: string) => void;
}

/**
 * Yields the elements of the JSON array in `path` (or under `options.key`) one by one. A missing key yields
 * nothing. Invalid JSON, or a top-level value that is not an array, is a terminal INVALID_INPUT error naming
 * the file.
 */
export async function* streamJsonArray(
  path: string,
  options: StreamArrayOptions = {},
): AsyncGenerator<unknown> {
  const label = options.label ?? basename(path);
  const stages: Duplex[] = options.key
    ? [pick.withParserAsStream({ ...PARSER_OPTIONS, filter: options.key }), streamArray.asStream()]
    : [streamArray.withParserAsStream(PARSER_OPTIONS)];
  const { onWarning } = options;
  if (onWarning) {
    stages.unshift(
      utf8Checker(() => onWarning(`${label}: invalid UTF-8 bytes were replaced with U+FFFD (\ufffd)`)),
    );
  }
  yield* iterateTokens(createReadStream(path), stages, label, options.signal, valueOfItem);
}

/**
 * A pass-through stage that calls `onInvalid` once if the bytes are not valid UTF-8. Chunks are checked
 * with Node's native isUtf8; a character cut at a chunk's end is carried into the next check.
 */
export function utf8Checker(onInvalid: () => void): Transform {
  let carry: Buffer = Buffer.alloc(0);
  let reported = false;
  const report = () => {
    if (!reported) onInvalid();
    reported = true;
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (!reported) {
        const bytes = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
        const cut = completePrefixLength(bytes);
        if (!isUtf8(bytes.subarray(0, cut))) report();
        carry = Buffer.from(bytes.subarray(cut));
      }
      done(null, chunk);
    },
    flush(done) {
      if (!reported && carry.length > 0) report();
      done();
    },
  });
}

/** The length of `bytes` without a trailing UTF-8 sequence that is still incomplete. */
function completePrefixLength(bytes: Buffer): number {
  let i = bytes.length - 1;
  let continuation = 0;
  while (i >= 0 && continuation < 3 && (bytes[i]! & 0xc0) === 0x80) {
    i--;
    continuation++;
  }
  if (i < 0) return bytes.length;
  const lead = bytes[i]!;
  const needed = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return i + needed <= bytes.length ? bytes.length : i;
}

/**
 * The value under the top-level key `key` of the JSON object in `path`, or undefined when absent. Only that
 * value is materialised; parsing stops right after it.
 */
export async function readJsonKey(
  path: string,
  key: string,
  options: { label?: string; signal?: AbortSignal } = {},
): Promise<unknown> {
  const label = options.label ?? basename(path);
  const stages: Duplex[] = [
    pick.withParserAsStream({ ...PARSER_OPTIONS, filter: key, once: true }),
    streamValues.asStream(),
  ];
  for await (const value of iterateTokens(
    createReadStream(path),
    stages,
    label,
    options.signal,
    valueOfItem,
  )) {
    return value;
  }
  return undefined;
}

/**
 * The top-level keys of the JSON object in `path`, in order, from a token scan (no values are built).
 * Stops early once `stopAt` returns true for a key. Returns [] when the file is not a JSON object.
 */
export async function topLevelKeys(
  path: string,
  options: { label?: string; signal?: AbortSignal; stopAt?: (key: string) => boolean } = {},
): Promise<string[]> {
  const label = options.label ?? basename(path);
  const keys: string[] = [];
  let depth = 0;
  const tokens = iterateTokens(
    createReadStream(path),
    [parser.asStream({ ...PARSER_OPTIONS, packKeys: true })],
    label,
    options.signal,
    (t) => t as { name: string; value?: unknown },
  );
  for await (const token of tokens) {
    switch (token.name) {
      case "startObject":
      case "startArray":
        if (depth === 0 && token.name === "startArray") return [];
        depth++;
        break;
      case "endObject":
      case "endArray":
        depth--;
        break;
      case "keyValue":
        if (depth === 1) {
          keys.push(String(token.value));
          if (options.stopAt?.(String(token.value))) return keys;
        }
        break;
    }
  }
  return keys;
}

async function* iterateTokens<T>(
  source: Readable,
  stages: Duplex[],
  label: string,
  signal: AbortSignal | undefined,
  map: (item: unknown) => T,
): AsyncGenerator<T> {
  signal?.throwIfAborted();
  const last = stages[stages.length - 1]!;
  let failure: unknown;
  pipeline([source, ...stages], (err) => {
    if (err) failure = err;
  });
  const onAbort = () => last.destroy(signal?.reason instanceof Error ? signal.reason : new Error("aborted"));
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    for await (const item of last) yield map(item);
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    throw asInputError(label, failure ?? err);
  } finally {
    signal?.removeEventListener("abort", onAbort);
    source.destroy();
  }
  if (failure && !isPrematureClose(failure)) throw asInputError(label, failure);
}

function isPrematureClose(err: unknown): boolean {
  return (err as { code?: string }).code === "ERR_STREAM_PREMATURE_CLOSE";
}

function asInputError(label: string, err: unknown): Error {
  const e = err as NodeJS.ErrnoException;
  if (e.code === "ENOENT") return terminal("INPUT_NOT_FOUND", `${label}: file not found`, err);
  if (e.code === "EISDIR")
    return terminal("INVALID_INPUT", `${label}: is a directory, expected a JSON file`, err);
  const detail = e instanceof Error ? e.message.split("\n")[0] : String(err);
  if (/should be an array/.test(detail ?? "")) {
    return terminal("INVALID_INPUT", `${label}: expected a JSON array at the top level`, err);
  }
  return terminal("INVALID_INPUT", `${label}: invalid JSON (${detail})`, err);
}

/** What the first bytes of a file say it is, without reading it all. */
export async function peekFile(path: string, bytes = 4096): Promise<Uint8Array> {
  const handle = await open(path, "r");
  try {
    const buf = new Uint8Array(bytes);
    const { bytesRead } = await handle.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** "[" or "{" when the file starts (after a BOM and whitespace) like a JSON array or object. */
export function jsonStart(head: Uint8Array): "[" | "{" | undefined {
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09))
    i++;
  if (head[i] === 0x5b) return "[";
  if (head[i] === 0x7b) return "{";
  return undefined;
}
