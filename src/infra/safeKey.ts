/**
 * Object keys come from the backend's messages and listings, and both storages turn them into local paths
 * (fsStorage for every key, downloadToDir for every listed object). A key that could name a path outside the
 * target directory is refused before any file system call. Written by hand: the rule is ours (S3 itself
 * accepts any key), and Node's `path` only normalises, it does not refuse.
 */
import { isAbsolute, relative, resolve, sep } from "node:path";
import { terminal } from "../contract/errors.js";

/** Keys are at most 1024 UTF-8 bytes in S3; a longer one cannot exist. */
const MAX_KEY_BYTES = 1024;

/** Why a key is unsafe, or null when it is fine. */
export function unsafeKeyReason(key: string): string | null {
  if (key.length === 0) return "empty key";
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) return "longer than 1024 bytes";
  if (key.includes("\0")) return "contains NUL";
  if (key.includes("\\")) return "contains a backslash";
  if (key.startsWith("/")) return "starts with /";
  // A drive letter would make the key absolute on Windows.
  if (/^[A-Za-z]:/.test(key)) return "starts with a drive letter";
  if (key.split("/").some((segment) => segment === "..")) return "contains a .. segment";
  return null;
}

/** A short printable form of a key for error messages (NULs and other control characters escaped). */
export function printableKey(key: string): string {
  const shown = key.length > 200 ? `${key.slice(0, 200)}…` : key;
  let out = "";
  for (const c of shown) {
    const code = c.charCodeAt(0);
    out += code < 0x20 || code === 0x7f ? `\\u${code.toString(16).padStart(4, "0")}` : c;
  }
  return out;
}

/** Throws terminal INVALID_INPUT ("unsafe object key rejected: …") unless the key is safe. */
export function assertSafeKey(key: string): void {
  const reason = unsafeKeyReason(key);
  if (reason) throw terminal("INVALID_INPUT", `unsafe object key rejected: ${printableKey(key)} (${reason})`);
}

/**
 * The local path of `relKey` inside `dir`, after checking the key and, as a second guard, that the resolved
 * path really is below `dir` (so a rule missed above still cannot escape).
 */
export function safeLocalPath(dir: string, relKey: string): string {
  assertSafeKey(relKey);
  const root = resolve(dir);
  const target = resolve(root, relKey);
  const rel = relative(root, target);
  if (rel === "" || rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw terminal(
      "INVALID_INPUT",
      `unsafe object key rejected: ${printableKey(relKey)} (outside the target directory)`,
    );
  }
  return target;
}

/**
 * Why a key cannot be READ from S3, or null. Reading names no local path, so only what S3 itself cannot
 * hold is refused, plus ".." segments (an HTTP stack or proxy may resolve them and fetch another object
 * than the one listed). A backslash, a leading "/" or a drive letter are fine here: where such an object
 * lands on disk is the downloader's choice (see safeLocalPath and the graph inputs' sanitised names).
 */
export function unreadableKeyReason(key: string): string | null {
  if (key.length === 0) return "empty key";
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) return "longer than 1024 bytes";
  if (key.includes("\0")) return "contains NUL";
  if (key.split("/").some((segment) => segment === "..")) return "contains a .. segment";
  return null;
}

/** Throws terminal INVALID_INPUT unless the key can be read (see unreadableKeyReason). */
export function assertReadableKey(key: string): void {
  const reason = unreadableKeyReason(key);
  if (reason) throw terminal("INVALID_INPUT", `unsafe object key rejected: ${printableKey(key)} (${reason})`);
}
