import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { strToU8, zipSync } from "fflate";
import {
  DEFAULT_ZIP_LIMITS,
  extractFileText,
  FILE_BUCKETS,
  fileBucket,
  openZip,
  ZipLimitError,
} from "../../../src/pipelines/sources/index.js";
import { makeDocx, makePdf, makePptx, makeXlsx, makeZeroBomb, NEAR_EMPTY_ZIP, STUB_PDF } from "./fixtures.js";

describe("file buckets", () => {
  test("extensions map to the backend's buckets, never word/powerpoint/raw extensions", () => {
    const cases: [string, string | undefined, string][] = [
      ["a.pdf", undefined, "pdf"],
      ["a.PDF", undefined, "pdf"],
      ["a.docx", undefined, "docx"],
      ["a.doc", undefined, "docx"],
      ["a.pptx", undefined, "pptx"],
      ["a.ppt", undefined, "pptx"],
      ["a.xlsx", undefined, "xlsx"],
      ["a.xls", undefined, "xlsx"],
      ["a.csv", undefined, "xlsx"],
      ["a.md", undefined, "txt"],
      ["a.txt", undefined, "txt"],
      ["a.html", undefined, "txt"],
      ["a.xyz", "text/plain", "other"],
      ["a.xyz", "application/octet-stream", "other"],
      ["noext", undefined, "other"],
      ["noext", "application/pdf", "pdf"],
      ["noext", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"],
      ["noext", "application/vnd.ms-powerpoint", "pptx"],
    ];
    for (const [name, mime, bucket] of cases) {
      assert.equal(fileBucket(name, mime), bucket, `${name} ${mime ?? ""}`);
      assert.ok((FILE_BUCKETS as readonly string[]).includes(bucket));
    }
  });
});

describe("file text extraction", () => {
  test("PDF: one section per page, capped by maxPages", async () => {
    const pdf = await makePdf(["First page words", "Second page words", "Third page words"]);
    const all = await extractFileText(pdf, { fileName: "doc.pdf" });
    assert.deepEqual(all, {
      sourceType: "pdf",
      texts: ["First page words", "Second page words", "Third page words"],
      numSections: 3,
    });
    const capped = await extractFileText(pdf, { fileName: "doc.pdf" }, { maxPages: 2 });
    assert.deepEqual(capped.texts, ["First page words", "Second page words"]);
    assert.equal(capped.numSections, 3);
    assert.equal(capped.truncated, true);
  });

  test("PDF: an aborted signal rejects with its reason instead of producing a parse error", async () => {
    const pdf = await makePdf(["words"]);
    const controller = new AbortController();
    const pending = extractFileText(pdf, { fileName: "doc.pdf" }, { signal: controller.signal });
    controller.abort(new Error("task cancelled"));
    await assert.rejects(pending, /task cancelled/);
  });

  test("DOCX paragraphs and table cells, PPTX slides in order, XLSX sheets with shared strings", async () => {
    const docx = await extractFileText(
      await makeDocx(["Alpha paragraph", "Beta & <gamma>"], ["left cell", "right cell"]),
      {
        fileName: "x.docx",
      },
    );
    assert.deepEqual(docx, {
      sourceType: "docx",
      texts: ["Alpha paragraph\nBeta & <gamma>\nleft cell\nright cell"],
      numSections: 1,
    });

    const pptx = await extractFileText(
      await makePptx([
        { title: "One", body: "first body" },
        { title: "Two", body: "second body" },
        { title: "Three", body: "third body" },
      ]),
      { fileName: "x.pptx" },
    );
    assert.equal(pptx.sourceType, "pptx");
    assert.equal(pptx.numSections, 3);
    assert.deepEqual(pptx.texts, ["One\nfirst body", "Two\nsecond body", "Three\nthird body"]);

    const xlsx = await extractFileText(
      makeXlsx([
        {
          name: "Budget",
          rows: [
            ["Item", "Cost"],
            ["Rent", 1200],
            ["Food & drink", 300],
          ],
        },
        { name: "Notes", rows: [["Rent", "due monthly"]] },
      ]),
      { fileName: "x.xlsx" },
    );
    assert.deepEqual(xlsx, {
      sourceType: "xlsx",
      texts: ["Budget\nItem\tCost\nRent\t1200\nFood & drink\t300", "Notes\nRent\tdue monthly"],
      numSections: 2,
    });
  });

  test("text formats: markdown as is, HTML without scripts, legacy encodings, unknown-extension text", async () => {
    const md = await extractFileText(strToU8("# Title\n\nBody *text*"), { fileName: "n.md" });
    assert.deepEqual(md, { sourceType: "txt", texts: ["# Title\n\nBody *text*"], numSections: 1 });
    const html = await extractFileText(
      strToU8(
        "<html><head><title>T</title><style>.a{}</style></head><body><h1>Heading</h1><p>Para</p><script>alert(1)</script></body></html>",
      ),
      { fileName: "page.html" },
    );
    assert.deepEqual(html.texts, ["Heading\nPara"]);
    const eucKr = await extractFileText(
      new Uint8Array([0xc7, 0xd1, 0xb1, 0xdb, 0x20, 0xb3, 0xeb, 0xc6, 0xae]),
      {
        fileName: "k.txt",
      },
    );
    assert.deepEqual(eucKr.texts, ["한글 노트"]);
    const utf16 = await extractFileText(new Uint8Array([0xff, 0xfe, 0x68, 0x00, 0x69, 0x00]), {
      fileName: "u.txt",
    });
    assert.deepEqual(utf16.texts, ["hi"]);
    const xyz = await extractFileText(strToU8("some xyz words"), { fileName: "data.xyz" });
    assert.deepEqual(xyz, { sourceType: "other", texts: ["some xyz words"], numSections: 1 });
  });

  test("bad files never throw: stubs, wrong bytes, binaries, legacy Office, oversize", async () => {
    const cases: [Uint8Array, string, RegExp][] = [
      [STUB_PDF, "stub.pdf", /PDF could not be read/],
      [NEAR_EMPTY_ZIP, "stub.docx", /word\/document\.xml missing/],
      [NEAR_EMPTY_ZIP, "stub.pptx", /ppt\/presentation\.xml missing/],
      [NEAR_EMPTY_ZIP, "stub.xlsx", /no worksheets/],
      [NEAR_EMPTY_ZIP, "archive.zip", /zip archive without/],
      [strToU8("just text"), "fake.docx", /not a valid \.docx file/],
      [strToU8("PK\u0003\u0004 truncated"), "cut.pptx", /invalid zip archive/],
      [new Uint8Array([0, 1, 2, 3, 0, 0, 7]), "blob.bin", /unsupported binary file/],
      [
        new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]),
        "old.doc",
        /legacy binary Office/,
      ],
    ];
    for (const [bytes, name, re] of cases) {
      const out = await extractFileText(bytes, { fileName: name });
      assert.match(out.parseError ?? "", re, name);
      assert.deepEqual(out.texts, [], name);
      assert.equal(out.numSections, 1, name);
    }
    const big = await extractFileText(
      strToU8("x".repeat(2000)),
      { fileName: "big.txt" },
      { maxFileBytes: 1000 },
    );
    assert.match(big.parseError ?? "", /too large/);
    const cut = await extractFileText(strToU8("abcdefghij"), { fileName: "cut.txt" }, { maxChars: 4 });
    assert.deepEqual([cut.texts, cut.truncated], [["abcd"], true]);
  });
});

describe("zip limits (checked from the central directory before inflating)", () => {
  test("a real 300 MB zip bomb is refused, not expanded", async () => {
    const bomb = makeZeroBomb("word/document.xml", 300);
    assert.ok(bomb.length < 2 * 1024 * 1024, `bomb is ${bomb.length} bytes`);
    for (const name of ["bomb.docx", "bomb.pptx", "bomb.xlsx"]) {
      const out = await extractFileText(bomb, { fileName: name });
      assert.match(out.parseError ?? "", /^zip limits exceeded \(more than \d+ bytes uncompressed\)/, name);
      assert.deepEqual(out.texts, []);
    }
  });

  test("a small bomb is refused by its compression ratio; too many entries are refused", () => {
    const ratioBomb = makeZeroBomb("ppt/slides/slide1.xml", 20);
    assert.throws(
      () => openZip(ratioBomb),
      (e: unknown) => e instanceof ZipLimitError && /expands \d+x/.test(e.message),
    );
    const many: Record<string, Uint8Array> = {};
    for (let i = 0; i <= DEFAULT_ZIP_LIMITS.maxEntries; i++) many[`f${i}.xml`] = strToU8("<a/>");
    assert.throws(
      () => openZip(zipSync(many)),
      (e: unknown) => e instanceof ZipLimitError && /2001 entries/.test(e.message),
    );
  });

  test("an entry that declares a small size but inflates to more stops at the declared size", async () => {
    const zip = zipSync({ "word/document.xml": new Uint8Array(5 * 1024 * 1024) });
    // Rewrite the declared uncompressed size (local header offset 22, central header offset 24) to 1000 bytes.
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    view.setUint32(22, 1000, true);
    for (let at = zip.length - 22; at >= 0; at--) {
      if (view.getUint32(at, true) === 0x02014b50) {
        view.setUint32(at + 24, 1000, true);
        break;
      }
    }
    const archive = openZip(zip);
    assert.equal(archive.entries.get("word/document.xml")?.size, 1000);
    assert.throws(
      () => archive.read("word/document.xml"),
      (e: unknown) => e instanceof ZipLimitError && /larger than it declares/.test(e.message),
    );
    const out = await extractFileText(zip, { fileName: "liar.docx" });
    assert.match(out.parseError ?? "", /^zip limits exceeded/);
  });

  test("ordinary Office files pass the default limits", async () => {
    const archive = openZip(await makeDocx(["fine"]));
    assert.ok(archive.entries.has("word/document.xml"));
    assert.match(archive.readText("word/document.xml") ?? "", /fine/);
  });
});
