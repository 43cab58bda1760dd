/**
 * The object store the worker reads inputs from and writes results to. Two implementations:
 * S3 (`s3Storage.ts`, also any S3-compatible emulator) and a directory standing for the bucket
 * (`fsStorage.ts`, used by `graphnode-worker run --storage <dir>`).
 *
 * Keys are bare object keys (no `s3://`, no bucket). Errors are thrown as `TaskError`s:
 * a missing object → terminal INPUT_NOT_FOUND; throttling, network and 5xx → transient STORAGE_ERROR.
 */
import type { Readable } from "node:stream";

export interface ObjectInfo {
  key: string;
  size: number;
  contentType?: string;
}

export interface GetOptions {
  signal?: AbortSignal;
  /** Refuse (terminal DOCUMENT_TOO_LARGE / INVALID_INPUT) objects larger than this many bytes. */
  maxBytes?: number;
}

export interface ObjectStorage {
  readonly kind: "s3" | "fs";
  /** Object metadata, or null when the object does not exist. */
  head(bucket: string, key: string, opts?: GetOptions): Promise<ObjectInfo | null>;
  exists(bucket: string, key: string, opts?: GetOptions): Promise<boolean>;
  getBytes(bucket: string, key: string, opts?: GetOptions): Promise<Buffer>;
  /** A stream for large objects (e.g. a 300 MB input.json) that must not be buffered whole. */
  getStream(bucket: string, key: string, opts?: GetOptions): Promise<Readable>;
  /** Parsed JSON; a body that is not JSON → terminal INVALID_INPUT naming the key. */
  getJson(bucket: string, key: string, opts?: GetOptions): Promise<unknown>;
  /** Every object under a prefix (recursive), sorted by key. */
  list(bucket: string, prefix: string, opts?: GetOptions): Promise<ObjectInfo[]>;
  putBytes(
    bucket: string,
    key: string,
    body: Buffer | Uint8Array | string,
    contentType?: string,
  ): Promise<void>;
  /** Compact JSON, `application/json`. */
  putJson(bucket: string, key: string, value: unknown): Promise<void>;
  /**
   * Copy objects under `prefix` (or the given keys) into `dir`, keeping their path relative to the
   * prefix. A key that would land outside `dir` (`..`, absolute) is rejected (terminal INVALID_INPUT).
   * Returns the local paths written, in key order.
   */
  downloadToDir(
    bucket: string,
    source: { prefix: string } | { keys: string[] },
    dir: string,
    opts?: GetOptions,
  ): Promise<{ key: string; path: string; size: number; contentType?: string }[]>;
}
