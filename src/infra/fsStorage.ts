/**
 * ObjectStorage over a local directory, for `graphnode-worker run --storage <dir>`: the directory stands for
 * the bucket, so every bucket name maps to the same root and a key is a relative path below it
 * (`graph-generation/t1/input.json` → `<root>/graph-generation/t1/input.json`).
 *
 * - Keys are checked like S3 keys are before they become paths (`safeKey.ts`): no `..`, no leading `/`,
 *   no backslash, no NUL.
 * - There is no per-object metadata: the content type is guessed from the extension, and the content type
 *   given to putBytes is not kept.
 * - Writes go to a temporary file renamed into place, so a reader never sees half an object.
 * - Dot-entries directly under the root (e.g. `.chroma`, where the local run keeps its vector store) and
 *   temporary files are not objects and never listed.
 */
import { randomUUID } from "node:crypto";
import type { Dirent } from "node:fs";
import { mkdir, open, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { TaskError, terminal, transient } from "../contract/errors.js";
import { printableKey, safeLocalPath } from "./safeKey.js";
import type { GetOptions, ObjectInfo, ObjectStorage } from "./storage.js";
import {
  checkSize,
  compareKeys,
  contentTypeFor,
  downloadToDir,
  guardStream,
  jsonByteChunks,
  notFound,
  type OpenedObject,
  parseJsonBody,
  readAll,
} from "./storageHelpers.js";

const TMP_MARK = ".graphnode-tmp-";
const MISSING = new Set(["ENOENT", "ENOTDIR", "EISDIR"]);
const BUSY = new Set(["EMFILE", "ENFILE", "EBUSY", "EAGAIN", "EINTR"]);

function fsError(err: unknown, op: string, key: string): unknown {
  if (err instanceof TaskError) return err;
  const code = (err as { code?: string })?.code;
  if ((err as { name?: string })?.name === "AbortError") return err;
  const suffix = code ? ` (${code})` : "";
  if (code && BUSY.has(code))
    return transient("STORAGE_ERROR", `local storage busy: ${op} ${printableKey(key)}${suffix}`, err);
  return terminal("STORAGE_ERROR", `local storage failed: ${op} ${printableKey(key)}${suffix}`, err);
}

export function createFsStorage(rootDir: string): ObjectStorage {
  const root = resolve(rootDir);
  const pathFor = (key: string) => safeLocalPath(root, key);

  async function openObject(key: string, o?: GetOptions): Promise<OpenedObject> {
    const path = pathFor(key);
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(path, "r");
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code && MISSING.has(code)) throw notFound(key);
      throw fsError(err, "read", key);
    }
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw notFound(key);
      checkSize(key, info.size, o);
    } catch (err) {
      await handle.close();
      throw fsError(err, "read", key);
    }
    const stream = guardStream(handle.createReadStream(), key, o, (err) => fsError(err, "read", key));
    return { stream, contentType: contentTypeFor(key) };
  }

  async function list(prefix: string, _o?: GetOptions): Promise<ObjectInfo[]> {
    // Walk only the directory the prefix names, and only into subdirectories the prefix can match.
    const dirPart = prefix.slice(0, prefix.lastIndexOf("/") + 1);
    const start = dirPart ? pathFor(dirPart) : root;
    const found: ObjectInfo[] = [];
    const walk = async (dir: string, keyDir: string): Promise<void> => {
      let entries: Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code && MISSING.has(code)) return;
        throw fsError(err, "list", keyDir || prefix);
      }
      for (const entry of entries) {
        if (keyDir === "" && entry.name.startsWith(".")) continue;
        if (entry.name.includes(TMP_MARK)) continue;
        const key = keyDir + entry.name;
        if (entry.isDirectory()) {
          const asDir = `${key}/`;
          if (asDir.startsWith(prefix) || prefix.startsWith(asDir)) await walk(join(dir, entry.name), asDir);
        } else if (entry.isFile() && key.startsWith(prefix)) {
          try {
            found.push({
              key,
              size: (await stat(join(dir, entry.name))).size,
              contentType: contentTypeFor(key),
            });
          } catch (err) {
            // Removed between readdir and stat: it is simply not there any more.
            const code = (err as { code?: string }).code;
            if (!(code && MISSING.has(code))) throw fsError(err, "list", key);
          }
        }
      }
    };
    await walk(start, dirPart);
    return found.sort((a, b) => compareKeys(a.key, b.key));
  }

  /** Written under a temporary name and renamed, so a reader never sees half an object. */
  async function writeAtomically(key: string, body: Buffer | Uint8Array | string | Iterable<Buffer>) {
    if (key.endsWith("/"))
      throw terminal("INVALID_INPUT", `object key names a directory: ${printableKey(key)}`);
    const path = pathFor(key);
    const tmp = `${path}${TMP_MARK}${randomUUID()}`;
    try {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(tmp, body);
      await rename(tmp, path);
    } catch (err) {
      await rm(tmp, { force: true }).catch(() => {});
      throw fsError(err, "write", key);
    }
  }

  const storage: ObjectStorage = {
    kind: "fs",

    async head(_bucket, key) {
      const path = pathFor(key);
      try {
        const info = await stat(path);
        return info.isFile() ? { key, size: info.size, contentType: contentTypeFor(key) } : null;
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code && MISSING.has(code)) return null;
        throw fsError(err, "head", key);
      }
    },

    async exists(bucket, key, o) {
      return (await storage.head(bucket, key, o)) !== null;
    },

    async getBytes(_bucket, key, o) {
      return readAll((await openObject(key, o)).stream);
    },

    async getStream(_bucket, key, o) {
      return (await openObject(key, o)).stream;
    },

    async getJson(bucket, key, o) {
      return parseJsonBody(await storage.getBytes(bucket, key, o), key);
    },

    list: (_bucket, prefix, o) => list(prefix, o),

    async putBytes(_bucket, key, body) {
      await writeAtomically(key, body);
    },

    async putJson(_bucket, key, value) {
      // Written piece by piece, so a large result is never one giant string in memory.
      const pieces = jsonByteChunks(value);
      const first = pieces.next();
      await writeAtomically(
        key,
        (function* () {
          if (!first.done) yield first.value;
          yield* pieces;
        })(),
      );
    },

    downloadToDir(_bucket, source, dir, o) {
      return downloadToDir({ list, open: openObject }, source, dir, o);
    },
  };
  return storage;
}
