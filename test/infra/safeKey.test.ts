import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { describe, it } from "node:test";
import { TaskError } from "../../src/contract/errors.js";
import { assertSafeKey, safeLocalPath, unsafeKeyReason } from "../../src/infra/safeKey.js";
import { guardStream, readAll } from "../../src/infra/storageHelpers.js";

describe("object key safety", () => {
  it("accepts the keys the backend writes", () => {
    for (const key of [
      "graph-generation/task_u1_01J0000000000000000000000A/input.json",
      "graph-generation/t/files/01KT1AJS0YPC4C3805641TKH5E_보고서 (1).pdf",
      "add-node/t/files/uf-e2e-pdf_report..v2.pdf",
      "microscope-ingest/u1/doc1/name with spaces.docx",
      "results/macro/u1/t1/graph.json",
      "a/./b.txt",
    ]) {
      assert.equal(unsafeKeyReason(key), null, key);
      assert.doesNotThrow(() => assertSafeKey(key));
    }
  });

  it("rejects keys that could leave the target folder, as terminal INVALID_INPUT", () => {
    for (const key of ["..", "../x", "a/../../x", "a/..", "/abs/x", "a\\b", "C:/x", "a\0b", ""]) {
      assert.notEqual(unsafeKeyReason(key), null, JSON.stringify(key));
      assert.throws(
        () => assertSafeKey(key),
        (err: unknown) =>
          err instanceof TaskError &&
          err.code === "INVALID_INPUT" &&
          err.kind === "terminal" &&
          err.message.startsWith("unsafe object key rejected: ") &&
          !err.message.includes("\0"),
      );
    }
  });

  it("maps safe keys below the folder and refuses the rest", () => {
    assert.equal(safeLocalPath("/tmp/dir", "files/a.pdf"), "/tmp/dir/files/a.pdf");
    assert.throws(() => safeLocalPath("/tmp/dir", "files/../../etc/passwd"), TaskError);
    assert.throws(() => safeLocalPath("/tmp/dir", "."), TaskError);
  });
});

describe("guarded streams", () => {
  it("enforce maxBytes while streaming when the size was not known up front", async () => {
    const source = Readable.from([Buffer.alloc(600), Buffer.alloc(600)]);
    await assert.rejects(
      readAll(guardStream(source, "stream/obj", { maxBytes: 1000 }, (e) => e)),
      (err: unknown) =>
        err instanceof TaskError && err.code === "DOCUMENT_TOO_LARGE" && err.kind === "terminal",
    );
    assert.equal(source.destroyed, true, "the source is released");
    const ok = await readAll(
      guardStream(Readable.from([Buffer.alloc(600)]), "k", { maxBytes: 600 }, (e) => e),
    );
    assert.equal(ok.length, 600);
  });

  it("map source errors through the storage's classification", async () => {
    const source = new Readable({
      read() {
        this.destroy(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }));
      },
    });
    const mapped = new TaskError("STORAGE_ERROR", "mapped", { kind: "transient" });
    await assert.rejects(readAll(guardStream(source, "k", undefined, () => mapped)), (err) => err === mapped);
  });
});
