import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { createS3Storage } from "../../src/infra/s3Storage.js";
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
