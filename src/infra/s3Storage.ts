/**
 * ObjectStorage over the AWS SDK v3 S3 client: AWS itself, or any S3-compatible endpoint (LocalStack,
 * fauxqs, MinIO) with path-style addressing. Bodies are streamed, never buffered unless asked for.
 *
 * Error mapping (messages name the operation, bucket/key and the SDK's error name or status, never the
 * SDK's own text, which could echo request details):
 * - NoSuchKey / 404 on a read → terminal INPUT_NOT_FOUND "input object not found: <key>";
 * - throttling, 5xx, timeouts and connection errors → transient STORAGE_ERROR;
 * - 403 and everything else → terminal STORAGE_ERROR.
 *
 * Writes above `multipartThresholdBytes` (8 MiB) go up as a multipart upload (`@aws-sdk/lib-storage`), in
 * parts of `multipartPartSizeBytes` (5 MiB, S3's minimum): S3-compatible stores and proxies often refuse a
 * single PUT body that large (413, or a connection closed mid-send), and AWS itself caps one PUT at 5 GiB.
 * `putJson` streams the JSON text into the upload, so a large result is never one giant string in memory.
 */
import { Readable } from "node:stream";
import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { TaskError, terminal, transient } from "../contract/errors.js";
import { assertReadableKey, assertSafeKey, printableKey } from "./safeKey.js";
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

export interface S3StorageOptions {
  region: string;
  /** An S3-compatible endpoint; defaults to AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL from the environment. */
  endpoint?: string;
  /** Path-style addressing (`host/bucket/key`); defaults to true whenever an endpoint is set. */
  forcePathStyle?: boolean;
  /** Static credentials; otherwise the SDK's default chain (environment, ECS task role, …). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Keys per ListObjectsV2 page (1–1000, default 1000); smaller values exist for tests. */
  listPageSize?: number;
  /** SDK attempts per request, including the first (default 3, the SDK's own default). */
  maxAttempts?: number;
  /** Give up connecting after this long (default 10 s). */
  connectionTimeoutMs?: number;
  /** Abort a request whose socket stays idle this long, also while streaming a body (default 120 s). */
  socketTimeoutMs?: number;
  /** Use this client instead of building one (the options above except listPageSize are then ignored). */
  client?: S3Client;
  /** Objects larger than this go up as a multipart upload (default 8 MiB). */
  multipartThresholdBytes?: number;
  /** Part size of a multipart upload (default and minimum 5 MiB, S3's smallest part but the last). */
  multipartPartSizeBytes?: number;
  /** Parts uploaded at once (default 4); memory held is about this times the part size. */
  multipartConcurrency?: number;
}

const MIB = 1024 * 1024;
export const DEFAULT_MULTIPART_THRESHOLD_BYTES = 8 * MIB;
/** S3 refuses smaller parts (except the last). */
export const MIN_MULTIPART_PART_BYTES = 5 * MIB;

const THROTTLING_OR_UNAVAILABLE = new Set([
  "SlowDown",
  "Throttling",
  "ThrottlingException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "ServiceUnavailable",
  "InternalError",
  "RequestTimeout",
  "RequestTimeoutException",
  "TimeoutError",
]);

const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENOTFOUND",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "ERR_STREAM_PREMATURE_CLOSE",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

interface SdkErrorShape {
  name?: string;
  code?: string;
  cause?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
}

function isNetworkError(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== "object" || depth > 3) return false;
  const e = err as SdkErrorShape;
  if (typeof e.code === "string" && NETWORK_CODES.has(e.code)) return true;
  if (e.name === "TimeoutError") return true;
  return isNetworkError(e.cause, depth + 1);
}

interface ErrorContext {
  op: string;
  bucket: string;
  key?: string;
  /** A 404 means the requested input is missing (reads), rather than a misconfigured bucket (writes). */
  read: boolean;
  signal?: AbortSignal;
}

/** Exported for tests of the classification alone. */
export function s3Error(err: unknown, ctx: ErrorContext): unknown {
  if (err instanceof TaskError) return err;
  // A cancelled task: let the caller see its own abort, not a storage failure.
  if (ctx.signal?.aborted) return err;
  const e = (err && typeof err === "object" ? err : {}) as SdkErrorShape;
  const status = e.$metadata?.httpStatusCode;
  const where = ctx.key === undefined ? `s3://${ctx.bucket}` : `s3://${ctx.bucket}/${printableKey(ctx.key)}`;
  const detail =
    [e.name, status ? `HTTP ${status}` : undefined, e.code].filter(Boolean).join(", ") || "unknown error";

  if (e.name === "NoSuchBucket") return terminal("STORAGE_ERROR", `bucket not found: ${ctx.bucket}`, err);
  if (
    ctx.read &&
    ctx.key !== undefined &&
    (e.name === "NoSuchKey" || e.name === "NotFound" || status === 404)
  ) {
    return notFound(ctx.key, err);
  }
  if (
    e.$retryable ||
    (e.name !== undefined && THROTTLING_OR_UNAVAILABLE.has(e.name)) ||
    (typeof status === "number" && (status === 429 || status >= 500)) ||
    isNetworkError(err)
  ) {
    return transient("STORAGE_ERROR", `storage unavailable: ${ctx.op} ${where} (${detail})`, err);
  }
  if (status === 403 || e.name === "AccessDenied") {
    return terminal("STORAGE_ERROR", `access denied: ${ctx.op} ${where}`, err);
  }
  return terminal("STORAGE_ERROR", `storage request failed: ${ctx.op} ${where} (${detail})`, err);
}

function envEndpoint(): string | undefined {
  return process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL || undefined;
}

export function createS3Client(opts: Omit<S3StorageOptions, "client" | "listPageSize">): S3Client {
  const endpoint = opts.endpoint ?? envEndpoint();
  const config: S3ClientConfig = {
    region: opts.region,
    forcePathStyle: opts.forcePathStyle ?? Boolean(endpoint),
    requestHandler: {
      connectionTimeout: opts.connectionTimeoutMs ?? 10_000,
      socketTimeout: opts.socketTimeoutMs ?? 120_000,
    },
    ...(opts.maxAttempts ? { maxAttempts: opts.maxAttempts } : {}),
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
  };
  if (endpoint) {
    config.endpoint = endpoint;
    // S3-compatible servers often reject or mis-handle the flexible checksums AWS added in 2025; send and
    // verify them only where the API requires them.
    config.requestChecksumCalculation = "WHEN_REQUIRED";
    config.responseChecksumValidation = "WHEN_REQUIRED";
  }
  return new S3Client(config);
}

export function createS3Storage(opts: S3StorageOptions): ObjectStorage {
  const client = opts.client ?? createS3Client(opts);
  const pageSize = Math.max(1, Math.min(1000, Math.floor(opts.listPageSize ?? 1000)));
  const sendOpts = (o?: GetOptions) => (o?.signal ? { abortSignal: o.signal } : {});
  const multipartThreshold = Math.max(1, opts.multipartThresholdBytes ?? DEFAULT_MULTIPART_THRESHOLD_BYTES);
  const partSize = Math.max(
    MIN_MULTIPART_PART_BYTES,
    opts.multipartPartSizeBytes ?? MIN_MULTIPART_PART_BYTES,
  );
  const uploadConcurrency = Math.max(1, Math.floor(opts.multipartConcurrency ?? 4));

  async function putSingle(bucket: string, key: string, body: Buffer | Uint8Array | string, type: string) {
    try {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: type }));
    } catch (err) {
      throw s3Error(err, { op: "PutObject", bucket, key, read: false });
    }
  }

  /** A multipart upload; on failure lib-storage aborts it, so no orphaned parts are left behind. */
  async function putMultipart(
    bucket: string,
    key: string,
    body: Buffer | Uint8Array | Readable,
    type: string,
  ) {
    const upload = new Upload({
      client,
      params: { Bucket: bucket, Key: key, Body: body, ContentType: type },
      partSize,
      queueSize: uploadConcurrency,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (err) {
      throw s3Error(err, { op: "MultipartUpload", bucket, key, read: false });
    }
  }

  async function open(bucket: string, key: string, o?: GetOptions): Promise<OpenedObject> {
    // Reads name no local path: any key S3 can hold is read (a listed "a\\b.pdf" too, issue 12).
    assertReadableKey(key);
    const ctx: ErrorContext = {
      op: "GetObject",
      bucket,
      key,
      read: true,
      ...(o?.signal ? { signal: o.signal } : {}),
    };
    let out: GetObjectCommandOutput;
    try {
      out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }), sendOpts(o));
    } catch (err) {
      throw s3Error(err, ctx);
    }
    const body = out.Body as Readable | undefined;
    try {
      checkSize(key, out.ContentLength, o);
    } catch (err) {
      body?.destroy();
      throw err;
    }
    const stream = guardStream(body ?? Readable.from([]), key, o, (err) => s3Error(err, ctx));
    return { stream, ...(out.ContentType ? { contentType: out.ContentType } : {}) };
  }

  async function list(bucket: string, prefix: string, o?: GetOptions): Promise<ObjectInfo[]> {
    const objects: ObjectInfo[] = [];
    let token: string | undefined;
    // A plain loop rather than the SDK paginator, to pass the abort signal to every page request.
    do {
      let page: ListObjectsV2CommandOutput;
      try {
        page = await client.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            ...(prefix ? { Prefix: prefix } : {}),
            MaxKeys: pageSize,
            ...(token ? { ContinuationToken: token } : {}),
          }),
          sendOpts(o),
        );
      } catch (err) {
        throw s3Error(err, {
          op: "ListObjectsV2",
          bucket,
          read: true,
          ...(o?.signal ? { signal: o.signal } : {}),
        });
      }
      for (const item of page.Contents ?? []) {
        if (item.Key !== undefined) objects.push({ key: item.Key, size: item.Size ?? 0 });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return objects.sort((a, b) => compareKeys(a.key, b.key));
  }

  const storage: ObjectStorage = {
    kind: "s3",

    async head(bucket, key, o) {
      assertSafeKey(key);
      try {
        const out = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), sendOpts(o));
        return {
          key,
          size: out.ContentLength ?? 0,
          ...(out.ContentType ? { contentType: out.ContentType } : {}),
        };
      } catch (err) {
        const mapped = s3Error(err, {
          op: "HeadObject",
          bucket,
          key,
          read: true,
          ...(o?.signal ? { signal: o.signal } : {}),
        });
        if (mapped instanceof TaskError && mapped.code === "INPUT_NOT_FOUND") return null;
        throw mapped;
      }
    },

    async exists(bucket, key, o) {
      return (await storage.head(bucket, key, o)) !== null;
    },

    async getBytes(bucket, key, o) {
      return readAll((await open(bucket, key, o)).stream);
    },

    async getStream(bucket, key, o) {
      return (await open(bucket, key, o)).stream;
    },

    async getJson(bucket, key, o) {
      return parseJsonBody(await storage.getBytes(bucket, key, o), key);
    },

    list,

    async putBytes(bucket, key, body, contentType) {
      assertSafeKey(key);
      const type = contentType ?? contentTypeFor(key);
      const size = typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
      if (size <= multipartThreshold) return putSingle(bucket, key, body, type);
      return putMultipart(bucket, key, typeof body === "string" ? Buffer.from(body) : body, type);
    },

    async putJson(bucket, key, value) {
      assertSafeKey(key);
      // Serialise up to the threshold: a small value goes up in one PUT; a larger one streams the rest of
      // its text into a multipart upload, piece by piece, instead of being built whole first.
      const pieces = jsonByteChunks(value);
      const head: Buffer[] = [];
      let headBytes = 0;
      let next = pieces.next();
      while (!next.done && headBytes <= multipartThreshold) {
        head.push(next.value);
        headBytes += next.value.length;
        next = pieces.next();
      }
      if (next.done && headBytes <= multipartThreshold) {
        return putSingle(bucket, key, Buffer.concat(head), "application/json");
      }
      let serialiseError: unknown;
      const first = next;
      const rest = (async function* (): AsyncGenerator<Buffer> {
        yield* head.splice(0);
        try {
          if (!first.done) yield first.value;
          let sinceYield = 0;
          for (let n = pieces.next(); !n.done; n = pieces.next()) {
            yield n.value;
            // The upload pulls parts back to back without waiting on I/O in between: let timers (the lease
            // heartbeat) and sockets run between megabytes, so a large value does not stall the event loop.
            sinceYield += n.value.length;
            if (sinceYield >= MIB) {
              sinceYield = 0;
              await new Promise((resolve) => setImmediate(resolve));
            }
          }
        } catch (err) {
          serialiseError = err;
          throw err;
        }
      })();
      const text = Readable.from(rest, { objectMode: false });
      // The upload reads it with for-await, which sees a serialisation error; this listener only covers the
      // moment after the upload has given up reading (a failed part), so nothing is ever left unhandled.
      text.on("error", () => {});
      try {
        await putMultipart(bucket, key, text, "application/json");
      } catch (err) {
        throw serialiseError ?? err;
      }
    },

    downloadToDir(bucket, source, dir, o) {
      return downloadToDir(
        { list: (prefix, lo) => list(bucket, prefix, lo), open: (key, oo) => open(bucket, key, oo) },
        source,
        dir,
        o,
      );
    },
  };
  return storage;
}
