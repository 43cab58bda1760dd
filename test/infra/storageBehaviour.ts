/**
 * The ObjectStorage behaviours both implementations must share, run by s3Storage.test.ts (against fauxqs)
 * and fsStorage.test.ts (against a temporary folder). `plant` writes an object bypassing the storage's own
 * key checks, as a foreign writer (the backend, a user copying files) could.
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { TaskError } from "../../src/contract/errors.js";
import { unreadableKeyReason } from "../../src/infra/safeKey.js";
import type { ObjectStorage } from "../../src/infra/storage.js";

export interface StorageUnderTest {
  storage: ObjectStorage;
  bucket: string;
  plant(key: string, body: Buffer | string): Promise<void>;
}

export async function rejectsWith(
  promise: Promise<unknown>,
  expected: { code: string; kind: "terminal" | "transient"; message?: RegExp },
): Promise<TaskError> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof TaskError, `expected a TaskError, got ${String(caught)}`);
  assert.equal(caught.code, expected.code, caught.message);
  assert.equal(caught.kind, expected.kind, caught.message);
  if (expected.message) assert.match(caught.message, expected.message);
  return caught;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

export function storageBehaviour(name: string, setup: () => Promise<StorageUnderTest>): void {
  describe(`${name}: shared storage behaviour`, () => {
    let t: StorageUnderTest;
    let tmp: string;
    before(async () => {
      t = await setup();
      tmp = await mkdtemp(join(tmpdir(), "graphnode-storage-"));
    });
    after(async () => {
      await rm(tmp, { recursive: true, force: true });
    });

    it("round-trips JSON compactly with a JSON content type", async () => {
      const value = { id: "c1", title: "GNN 대화", nested: { parts: ["a", "b"], n: 1.5 }, none: null };
      await t.storage.putJson(t.bucket, "rt/value.json", value);
      assert.deepEqual(await t.storage.getJson(t.bucket, "rt/value.json"), value);
      const raw = (await t.storage.getBytes(t.bucket, "rt/value.json")).toString("utf8");
      assert.equal(raw, JSON.stringify(value));
      const info = await t.storage.head(t.bucket, "rt/value.json");
      assert.equal(info?.size, Buffer.byteLength(raw));
      assert.match(info?.contentType ?? "", /^application\/json/);
    });

    it("round-trips bytes and strings; head and exists report them", async () => {
      const bytes = randomBytes(4096);
      await t.storage.putBytes(t.bucket, "rt/blob.bin", bytes);
      assert.ok((await t.storage.getBytes(t.bucket, "rt/blob.bin")).equals(bytes));
      await t.storage.putBytes(t.bucket, "rt/text.txt", "héllo");
      assert.equal((await t.storage.getBytes(t.bucket, "rt/text.txt")).toString("utf8"), "héllo");
      assert.equal((await t.storage.head(t.bucket, "rt/blob.bin"))?.size, bytes.length);
      assert.equal(await t.storage.exists(t.bucket, "rt/blob.bin"), true);
      assert.equal(await t.storage.exists(t.bucket, "rt/absent.bin"), false);
      assert.equal(await t.storage.head(t.bucket, "rt/absent.bin"), null);
    });

    it("streams a large object without changing a byte", async () => {
      const big = randomBytes(6 * 1024 * 1024 + 123);
      await t.storage.putBytes(t.bucket, "big/input.json", big);
      const stream = await t.storage.getStream(t.bucket, "big/input.json");
      const hash = createHash("sha256");
      let chunks = 0;
      for await (const chunk of stream) {
        hash.update(chunk as Buffer);
        chunks++;
      }
      assert.equal(hash.digest("hex"), sha(big));
      assert.ok(chunks > 1, "a multi-megabyte body arrives in several chunks");
    });

    it("refuses objects over maxBytes (terminal DOCUMENT_TOO_LARGE) and accepts them at the limit", async () => {
      const body = randomBytes(2000);
      await t.storage.putBytes(t.bucket, "limit/obj.bin", body);
      await rejectsWith(t.storage.getBytes(t.bucket, "limit/obj.bin", { maxBytes: 1999 }), {
        code: "DOCUMENT_TOO_LARGE",
        kind: "terminal",
        message: /limit\/obj\.bin/,
      });
      await rejectsWith(t.storage.getStream(t.bucket, "limit/obj.bin", { maxBytes: 10 }), {
        code: "DOCUMENT_TOO_LARGE",
        kind: "terminal",
      });
      assert.equal((await t.storage.getBytes(t.bucket, "limit/obj.bin", { maxBytes: 2000 })).length, 2000);
    });

    it("a missing object is terminal INPUT_NOT_FOUND naming the key", async () => {
      for (const read of [
        () => t.storage.getBytes(t.bucket, "missing/input.json"),
        () => t.storage.getJson(t.bucket, "missing/input.json"),
        () => t.storage.getStream(t.bucket, "missing/input.json"),
      ]) {
        await rejectsWith(read(), {
          code: "INPUT_NOT_FOUND",
          kind: "terminal",
          message: /^input object not found: missing\/input\.json$/,
        });
      }
    });

    it("a body that is not JSON is terminal INVALID_INPUT naming the key; a BOM is tolerated", async () => {
      await t.storage.putBytes(t.bucket, "bad/notes.json", "{not json");
      await rejectsWith(t.storage.getJson(t.bucket, "bad/notes.json"), {
        code: "INVALID_INPUT",
        kind: "terminal",
        message: /bad\/notes\.json/,
      });
      await t.storage.putBytes(
        t.bucket,
        "bad/bom.json",
        Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("[1]")]),
      );
      assert.deepEqual(await t.storage.getJson(t.bucket, "bad/bom.json"), [1]);
    });

    it("lists recursively under a prefix, sorted by key, and nothing outside it", async () => {
      const keys = [
        "ls/b.json",
        "ls/a.json",
        "ls/files/02_z.pdf",
        "ls/files/01_y.docx",
        "ls/deep/x/y/z.txt",
        "lsx/other.json",
      ];
      for (const key of keys) await t.storage.putBytes(t.bucket, key, key);
      const listed = await t.storage.list(t.bucket, "ls/");
      const expected = keys.filter((k) => k.startsWith("ls/")).sort();
      assert.deepEqual(
        listed.map((o) => o.key),
        expected,
      );
      for (const o of listed) assert.equal(o.size, Buffer.byteLength(o.key));
      // A prefix that is not a folder boundary matches like S3's.
      assert.deepEqual(
        (await t.storage.list(t.bucket, "ls/files/01")).map((o) => o.key),
        ["ls/files/01_y.docx"],
      );
      assert.deepEqual(await t.storage.list(t.bucket, "nothing-here/"), []);
    });

    it("downloads a bundle prefix into a folder, nested files/ included", async () => {
      const prefix = "graph-generation/task_u1_01J/";
      const objects: Record<string, Buffer> = {
        "input.json": Buffer.from('[{"id":"c1"}]'),
        "notes.json": Buffer.from('{"source_nodes":[]}'),
        "files/01KT1AJS0YPC4C3805641TKH5E_report.pdf": randomBytes(3000),
        "files/01KT1AJS0YPC4C3805641TKH5F_보고서 (최종).docx": randomBytes(500),
        "files/sub/deeper.txt": Buffer.from("deeper"),
      };
      for (const [rel, body] of Object.entries(objects)) {
        await t.storage.putBytes(
          t.bucket,
          prefix + rel,
          body,
          rel.endsWith(".pdf") ? "application/pdf" : undefined,
        );
      }
      await t.storage.putBytes(t.bucket, "graph-generation/task_u1_01K/input.json", "[]");
      const dir = join(tmp, "bundle");
      const got = await t.storage.downloadToDir(t.bucket, { prefix }, dir);
      assert.deepEqual(
        got.map((d) => d.key),
        Object.keys(objects)
          .map((rel) => prefix + rel)
          .sort(),
      );
      for (const d of got) {
        const rel = d.key.slice(prefix.length);
        assert.equal(d.path, join(dir, rel));
        const body = objects[rel] as Buffer;
        assert.equal(d.size, body.length);
        assert.ok((await readFile(d.path)).equals(body), rel);
      }
      const pdf = got.find((d) => d.key.endsWith(".pdf"));
      assert.equal(pdf?.contentType, "application/pdf");
      assert.equal((await listFiles(dir)).length, Object.keys(objects).length);
    });

    it("downloads listed keys, keeping each key as the relative path", async () => {
      await t.storage.putBytes(t.bucket, "keys/one.txt", "1");
      await t.storage.putBytes(t.bucket, "keys/two/two.txt", "22");
      const dir = join(tmp, "bykeys");
      const got = await t.storage.downloadToDir(
        t.bucket,
        { keys: ["keys/two/two.txt", "keys/one.txt"] },
        dir,
      );
      assert.deepEqual(
        got.map((d) => [d.key, d.path, d.size]),
        [
          ["keys/one.txt", join(dir, "keys/one.txt"), 1],
          ["keys/two/two.txt", join(dir, "keys/two/two.txt"), 2],
        ],
      );
      await rejectsWith(
        t.storage.downloadToDir(t.bucket, { keys: ["keys/absent.txt"] }, join(tmp, "absent")),
        {
          code: "INPUT_NOT_FOUND",
          kind: "terminal",
        },
      );
    });

    it("rejects unsafe keys (terminal INVALID_INPUT) on every operation", async () => {
      const unsafe = [
        "../escape.json",
        "a/../../escape.json",
        "/etc/passwd",
        "a\\..\\b.json",
        "nul\0byte.json",
      ];
      for (const key of unsafe) {
        const message = /^unsafe object key rejected: /;
        // An S3 read names no local path: only keys S3 cannot hold, or with ".." segments, are refused; the
        // others are read (here: not found). Issue 12: a listed "a\\b.pdf" must be readable.
        const readRefused = t.storage.kind === "fs" || unreadableKeyReason(key) !== null;
        await rejectsWith(
          t.storage.getBytes(t.bucket, key),
          readRefused
            ? { code: "INVALID_INPUT", kind: "terminal", message }
            : { code: "INPUT_NOT_FOUND", kind: "terminal" },
        );
        await rejectsWith(t.storage.putBytes(t.bucket, key, "x"), {
          code: "INVALID_INPUT",
          kind: "terminal",
          message,
        });
        await rejectsWith(t.storage.head(t.bucket, key), {
          code: "INVALID_INPUT",
          kind: "terminal",
          message,
        });
        await rejectsWith(t.storage.downloadToDir(t.bucket, { keys: [key] }, join(tmp, "unsafe-keys")), {
          code: "INVALID_INPUT",
          kind: "terminal",
          message,
        });
      }
    });
  });
}

/** The listing case: an unsafe key planted by someone else makes downloadToDir refuse before writing. */
export async function assertPrefixWithUnsafeKeyRejected(
  t: StorageUnderTest,
  prefix: string,
  unsafeRel: string,
  tmp: string,
): Promise<void> {
  await t.storage.putBytes(t.bucket, `${prefix}input.json`, "[]");
  await t.plant(prefix + unsafeRel, "pwned");
  assert.ok(
    (await t.storage.list(t.bucket, prefix)).some((o) => o.key === prefix + unsafeRel),
    "the unsafe key is in the listing",
  );
  const dir = join(tmp, "unsafe-bundle");
  await rejectsWith(t.storage.downloadToDir(t.bucket, { prefix }, dir), {
    code: "INVALID_INPUT",
    kind: "terminal",
    message: /^unsafe object key rejected: /,
  });
  const written = await listFiles(dir).catch(() => []);
  assert.deepEqual(written, [], "nothing was written");
}
