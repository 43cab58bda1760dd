import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createFsStorage } from "../../src/infra/fsStorage.js";
import {
  assertPrefixWithUnsafeKeyRejected,
  rejectsWith,
  type StorageUnderTest,
  storageBehaviour,
} from "./storageBehaviour.js";

let tmp: string;
before(async () => {
  tmp = await mkdtemp(join(tmpdir(), "graphnode-fs-"));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

let roots = 0;
async function fsUnderTest(): Promise<StorageUnderTest & { root: string }> {
  const root = join(tmp, `root-${++roots}`);
  await mkdir(root, { recursive: true });
  return {
    root,
    storage: createFsStorage(root),
    bucket: "taco5-graphnode-graphdata-s3",
    // A file put there by hand, as a user preparing a local bundle would.
    plant: async (key, body) => {
      await mkdir(dirname(join(root, key)), { recursive: true });
      await writeFile(join(root, key), body);
    },
  };
}

storageBehaviour("fs", () => fsUnderTest());

describe("fs storage", () => {
  it("maps every bucket to the same root folder, keys to relative paths", async () => {
    const t = await fsUnderTest();
    await t.storage.putJson("bucket-a", "results/macro/u1/t1/graph.json", { nodes: [] });
    assert.deepEqual(await t.storage.getJson("any-other-bucket", "results/macro/u1/t1/graph.json"), {
      nodes: [],
    });
    const entries = await readdir(join(t.root, "results/macro/u1/t1"));
    assert.deepEqual(entries, ["graph.json"], "written in place, no temporary file left");
  });

  it("guesses the content type from the extension", async () => {
    const t = await fsUnderTest();
    for (const [key, type] of [
      ["f/a.pdf", "application/pdf"],
      ["f/b.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"],
      ["f/c.json", "application/json"],
      ["f/d.unknownext", "application/octet-stream"],
    ] as const) {
      await t.storage.putBytes(t.bucket, key, "x", "text/ignored");
      assert.equal((await t.storage.head(t.bucket, key))?.contentType, type, key);
    }
    const [downloaded] = await t.storage.downloadToDir(t.bucket, { keys: ["f/a.pdf"] }, join(tmp, "ct"));
    assert.equal(downloaded?.contentType, "application/pdf");
  });

  it("does not list the root's dot-folders (the local Chroma data) or temporary files", async () => {
    const t = await fsUnderTest();
    await t.plant(".chroma/chroma.sqlite3", "db");
    await t.plant("x/partial.json.graphnode-tmp-123", "half");
    await t.storage.putBytes(t.bucket, "x/whole.json", "{}");
    assert.deepEqual(
      (await t.storage.list(t.bucket, "")).map((o) => o.key),
      ["x/whole.json"],
    );
  });

  it("a folder is not an object; a key ending in / cannot be written", async () => {
    const t = await fsUnderTest();
    await t.storage.putBytes(t.bucket, "dir/inner.txt", "x");
    assert.equal(await t.storage.head(t.bucket, "dir"), null);
    await rejectsWith(t.storage.getBytes(t.bucket, "dir"), { code: "INPUT_NOT_FOUND", kind: "terminal" });
    await rejectsWith(t.storage.putBytes(t.bucket, "dir/", "x"), { code: "INVALID_INPUT", kind: "terminal" });
  });

  it("refuses a bundle whose listing holds a backslash file name, writing nothing", async () => {
    const t = await fsUnderTest();
    await assertPrefixWithUnsafeKeyRejected(t, "graph-generation/t-unsafe/", "files/..\\..\\escape.txt", tmp);
  });
});
