import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { createS3Storage } from "../../src/infra/s3Storage.js";
import { readAll } from "../../src/infra/storageHelpers.js";
import { type FaultKind, type RuleFaultKind, startFaultInjectingProxy } from "../support/faultProxy.js";
import { type FauxqsForTest, startFauxqsForTest, testCredentials, testRegion } from "../support/fauxqs.js";
import {
  assertPrefixWithUnsafeKeyRejected,
  rejectsWith,
  type StorageUnderTest,
  storageBehaviour,
} from "./storageBehaviour.js";

let faux: FauxqsForTest;
let tmp: string;
before(async () => {
  faux = await startFauxqsForTest();
  tmp = await mkdtemp(join(tmpdir(), "graphnode-s3-"));
});
after(async () => {
  await faux.stop();
  await rm(tmp, { recursive: true, force: true });
});

let buckets = 0;
async function s3UnderTest(listPageSize?: number): Promise<StorageUnderTest> {
  const bucket = `bucket-${++buckets}-${process.pid}`;
  await faux.createBucket(bucket);
  const storage = createS3Storage({
    region: testRegion,
    endpoint: faux.endpoint,
    credentials: testCredentials,
    ...(listPageSize ? { listPageSize } : {}),
  });
  return {
    storage,
    bucket,
    plant: async (key, body) => {
      await faux.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    },
  };
}

storageBehaviour("s3 (fauxqs)", () => s3UnderTest());

describe("s3 storage", () => {
  it("lists more than one page: 1000-key pages and a small page size give the same keys", async () => {
    const t = await s3UnderTest();
    const small = createS3Storage({
      region: testRegion,
      endpoint: faux.endpoint,
      credentials: testCredentials,
      listPageSize: 7,
    });
    const keys = Array.from({ length: 1013 }, (_, i) => `many/${String(i).padStart(5, "0")}.json`);
    // Written straight through the SDK, several at a time, to keep the set-up short.
    for (let i = 0; i < keys.length; i += 50) {
      await Promise.all(
        keys
          .slice(i, i + 50)
          .map((key) => faux.s3.send(new PutObjectCommand({ Bucket: t.bucket, Key: key, Body: "{}" }))),
      );
    }
    await t.storage.putBytes(t.bucket, "other/x.json", "{}");
    const full = await t.storage.list(t.bucket, "many/");
    assert.deepEqual(
      full.map((o) => o.key),
      keys,
    );
    const paged = await small.list(t.bucket, "many/");
    assert.deepEqual(paged, full);
    assert.equal((await t.storage.list(t.bucket, "")).length, keys.length + 1);
  });

  it("refuses a bundle whose listing holds a `..` key, writing nothing", async () => {
    const t = await s3UnderTest();
    await assertPrefixWithUnsafeKeyRejected(
      t,
      "graph-generation/t-unsafe/",
      "files/../../../escape.txt",
      tmp,
    );
  });

  it("refuses a bundle whose listing holds a backslash key", async () => {
    const t = await s3UnderTest();
    await assertPrefixWithUnsafeKeyRejected(t, "graph-generation/t-backslash/", "files\\..\\escape.txt", tmp);
  });

  it("a missing bucket is terminal STORAGE_ERROR naming it", async () => {
    const t = await s3UnderTest();
    await rejectsWith(t.storage.getBytes("no-such-bucket-here", "input.json"), {
      code: "STORAGE_ERROR",
      kind: "terminal",
      message: /no-such-bucket-here/,
    });
  });
});

describe("s3 error classification", () => {
  const secret = "wJalrXUtnFEMI-K7MDENG-SECRET";
  const credentials = { accessKeyId: "AKIAEXAMPLEKEYID", secretAccessKey: secret };

  it("an unreachable endpoint is transient STORAGE_ERROR and never shows credentials", async () => {
    // Bind and close a port so nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const srv = createServer();
      srv.listen(0, "127.0.0.1", () => {
        const p = (srv.address() as AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
    const storage = createS3Storage({
      region: testRegion,
      endpoint: `http://127.0.0.1:${port}`,
      credentials,
      maxAttempts: 1,
    });
    for (const op of [
      () => storage.getBytes("bucket", "input.json"),
      () => storage.list("bucket", "graph-generation/"),
      () => storage.putJson("bucket", "results/x.json", {}),
    ]) {
      const err = await rejectsWith(op(), { code: "STORAGE_ERROR", kind: "transient" });
      for (const text of [err.message, String(err), JSON.stringify(err)]) {
        assert.ok(!text.includes(secret) && !text.includes(credentials.accessKeyId), text);
      }
    }
  });

  describe("against a server answering S3 errors", () => {
    let server: Server;
    let endpoint: string;
    const answers: Record<string, { status: number; code: string }> = {
      "/b/throttled": { status: 503, code: "SlowDown" },
      "/b/broken": { status: 500, code: "InternalError" },
      "/b/forbidden": { status: 403, code: "AccessDenied" },
      "/b/gone": { status: 404, code: "NoSuchKey" },
      "/b/weird": { status: 400, code: "InvalidRequest" },
    };
    before(async () => {
      server = createServer((req, res) => {
        req.resume();
        const path = (req.url ?? "").split("?")[0] ?? "";
        const a = answers[path] ?? { status: 404, code: "NoSuchKey" };
        res.writeHead(a.status, { "content-type": "application/xml" });
        // HEAD responses carry no body; S3 clients then rely on the status alone.
        res.end(
          req.method === "HEAD"
            ? undefined
            : `<?xml version="1.0"?><Error><Code>${a.code}</Code><Message>m</Message></Error>`,
        );
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(async () => {
      await new Promise<void>((r) => server.close(() => r()));
    });

    const storage = () => createS3Storage({ region: testRegion, endpoint, credentials, maxAttempts: 1 });

    it("throttling and 5xx are transient", async () => {
      await rejectsWith(storage().getBytes("b", "throttled"), { code: "STORAGE_ERROR", kind: "transient" });
      await rejectsWith(storage().getBytes("b", "broken"), { code: "STORAGE_ERROR", kind: "transient" });
      await rejectsWith(storage().head("b", "broken"), { code: "STORAGE_ERROR", kind: "transient" });
    });

    it("403 is terminal STORAGE_ERROR, 404 terminal INPUT_NOT_FOUND (head: null), other 4xx terminal", async () => {
      const denied = await rejectsWith(storage().getBytes("b", "forbidden"), {
        code: "STORAGE_ERROR",
        kind: "terminal",
        message: /access denied/,
      });
      assert.ok(!denied.message.includes(secret));
      await rejectsWith(storage().head("b", "forbidden"), { code: "STORAGE_ERROR", kind: "terminal" });
      await rejectsWith(storage().getBytes("b", "gone"), { code: "INPUT_NOT_FOUND", kind: "terminal" });
      assert.equal(await storage().head("b", "gone"), null);
      await rejectsWith(storage().getBytes("b", "weird"), { code: "STORAGE_ERROR", kind: "terminal" });
    });
  });
});

/**
 * An 'error' event nobody listens to kills the whole process (in production: the worker and every task it
 * holds). The test runner would report it somewhere; this makes the test that caused it fail by name.
 */
function watchUncaught(): { check(): void } {
  const seen: unknown[] = [];
  const onUncaught = (err: unknown) => seen.push(err);
  process.on("uncaughtException", onUncaught);
  return {
    check() {
      process.off("uncaughtException", onUncaught);
      assert.deepEqual(
        seen.map((e) => String(e)),
        [],
        "no uncaught error",
      );
    },
  };
}

describe("s3 storage through a faulty connection", () => {
  const MID_BODY: RuleFaultKind[] = ["resetMidBody", "cutMidBody"];
  const body = JSON.stringify({ items: Array.from({ length: 3000 }, (_, i) => ({ i, text: `대화 ${i}` })) });

  async function faulty(kind: RuleFaultKind, match: string) {
    const t = await s3UnderTest();
    const proxy = await startFaultInjectingProxy({
      target: faux.endpoint,
      rules: [{ kind, match, methods: ["GET"], first: Number.POSITIVE_INFINITY }],
    });
    const storage = createS3Storage({
      region: testRegion,
      endpoint: proxy.url,
      credentials: testCredentials,
      maxAttempts: 2,
    });
    return { t, proxy, storage };
  }

  for (const kind of [...MID_BODY, "resetBeforeResponse"] as RuleFaultKind[]) {
    it(`${kind}: getBytes, getJson and downloadToDir reject with a transient STORAGE_ERROR, no crash`, async () => {
      const uncaught = watchUncaught();
      const { t, proxy, storage } = await faulty(kind, "/bundle/");
      try {
        await t.plant("bundle/input.json", body);
        await t.plant("bundle/notes.json", body);
        const transientStorageError = { code: "STORAGE_ERROR", kind: "transient" } as const;
        await rejectsWith(storage.getBytes(t.bucket, "bundle/input.json"), transientStorageError);
        await rejectsWith(storage.getJson(t.bucket, "bundle/input.json"), transientStorageError);
        const dir = await mkdtemp(join(tmp, "reset-"));
        await rejectsWith(
          storage.downloadToDir(t.bucket, { keys: ["bundle/input.json", "bundle/notes.json"] }, dir),
          transientStorageError,
        );
        await rejectsWith(storage.downloadToDir(t.bucket, { prefix: "bundle/" }, dir), transientStorageError);
        assert.ok(
          proxy.counts[kind as FaultKind] >= 4,
          `faults injected: ${proxy.counts[kind as FaultKind]}`,
        );
      } finally {
        await proxy.close();
      }
      uncaught.check();
    });
  }

  for (const kind of MID_BODY) {
    it(`${kind}: a stream left unread while its connection breaks rejects when read, no crash`, async () => {
      const uncaught = watchUncaught();
      const { t, proxy, storage } = await faulty(kind, "/lazy/");
      try {
        // Smaller than a stream buffer, so the whole partial body and the reset arrive without any reading.
        await t.plant("lazy/notes.json", body.slice(0, 8000));
        const stream = await storage.getStream(t.bucket, "lazy/notes.json");
        // Wait (a plain 'close' listener, which adds no error listener) until the reset has torn it down.
        await new Promise((resolve) => stream.on("close", resolve));
        await rejectsWith(readAll(stream), { code: "STORAGE_ERROR", kind: "transient" });
      } finally {
        await proxy.close();
      }
      uncaught.check();
    });
  }
});

describe("s3 storage: large objects go up in parts", () => {
  const MIB = 1024 * 1024;

  async function limited() {
    const t = await s3UnderTest();
    const requests: { method: string; path: string }[] = [];
    // A store that refuses any single request body above 5 MiB, as some S3-compatible stores do.
    const proxy = await startFaultInjectingProxy({
      target: faux.endpoint,
      maxRequestBodyBytes: 5 * MIB,
      onRequest: (r) => requests.push(r),
    });
    const multipartUploads = () =>
      requests.filter((r) => r.method === "POST" && r.path.includes("?uploads")).length;
    const storage = createS3Storage({
      region: testRegion,
      endpoint: proxy.url,
      credentials: testCredentials,
      multipartThresholdBytes: 5 * MIB,
    });
    return { t, proxy, storage, multipartUploads };
  }

  it("putBytes above the threshold succeeds where one PUT is refused, and reads back byte-identical", async () => {
    const { t, proxy, storage, multipartUploads } = await limited();
    try {
      const big = randomBytesOf(11 * MIB + 123);
      const singlePut = createS3Storage({
        region: testRegion,
        endpoint: proxy.url,
        credentials: testCredentials,
        multipartThresholdBytes: 64 * MIB,
        maxAttempts: 1,
      });
      await assert.rejects(
        singlePut.putBytes(t.bucket, "big/one-put.bin", big),
        "the store refuses one big PUT",
      );
      assert.ok(proxy.counts.tooLarge >= 1);
      await storage.putBytes(t.bucket, "big/parts.bin", big);
      assert.equal(multipartUploads(), 1);
      const back = await storage.getBytes(t.bucket, "big/parts.bin");
      assert.equal(back.length, big.length);
      assert.ok(back.equals(big), "byte-identical");
      await storage.putBytes(t.bucket, "big/string.txt", "가".repeat(2 * MIB), "text/plain");
      assert.equal(multipartUploads(), 2, "a 6 MiB string is over the threshold too");
      assert.equal(
        (await storage.getBytes(t.bucket, "big/string.txt")).toString("utf8"),
        "가".repeat(2 * MIB),
      );
    } finally {
      await proxy.close();
    }
  });

  it("putJson streams a large value into a multipart upload; small values stay one PUT", async () => {
    const { t, proxy, storage, multipartUploads } = await limited();
    try {
      const features = {
        conversations: Array.from({ length: 12_000 }, (_, i) => ({
          id: `c${i}`,
          title: `대화 ${i} "quoted" \\ \u2028`,
          vector: Array.from({ length: 24 }, (_, j) => Math.sin(i * 31 + j)),
          when: new Date(Date.UTC(2026, 0, 1 + (i % 28))),
          dropped: undefined,
        })),
        meta: { count: 12_000, none: null },
      };
      await storage.putJson(t.bucket, "big/features.json", features);
      assert.equal(multipartUploads(), 1);
      const text = (await storage.getBytes(t.bucket, "big/features.json")).toString("utf8");
      assert.ok(text.length > 5 * MIB, `${text.length} bytes`);
      assert.equal(text, JSON.stringify(features), "the same text JSON.stringify writes");
      await storage.putJson(t.bucket, "big/small.json", { ok: true });
      assert.equal(multipartUploads(), 1);
      assert.deepEqual(await storage.getJson(t.bucket, "big/small.json"), { ok: true });
      assert.equal(proxy.counts.tooLarge, 0);
    } finally {
      await proxy.close();
    }
  });
});

function randomBytesOf(n: number): Buffer {
  const out = Buffer.allocUnsafe(n);
  // A cheap deterministic pattern that is not all one byte, so a misplaced part shows.
  for (let i = 0; i < n; i++) out[i] = (i * 2654435761) >>> 24;
  return out;
}
