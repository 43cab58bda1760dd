/**
 * Office text is read as a stream and stops at the text cap: the XML part is inflated piece by piece into a
 * streaming tokenizer, never held whole, so a few-megabyte file with a huge part costs the cap, not the part.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { strToU8, zipSync } from "fflate";
import { EXTRACT_DEFAULTS, extractFileText, openZip } from "../../../src/pipelines/sources/index.js";
import { makeHugeDocx, makePptx } from "./fixtures.js";

const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';

describe("capped, streamed Office text", () => {
  test("a docx with a 120 MB document.xml gives exactly the cap of its text, marked truncated", async () => {
    const { docx, xmlBytes } = makeHugeDocx(120 * 1024 * 1024);
    assert.ok(xmlBytes >= 120 * 1024 * 1024 && docx.length < 4 * 1024 * 1024, `${docx.length} bytes`);
    const out = await extractFileText(docx, { fileName: "bloated.docx" });
    assert.equal(out.sourceType, "docx");
    assert.equal(out.truncated, true);
    assert.equal(out.texts.length, 1);
    assert.equal(out.texts[0]!.length, EXTRACT_DEFAULTS.maxChars);
    // Runs of a paragraph are joined, paragraphs are lines, entities are decoded.
    const first = out.texts[0]!.split("\n")[0]!;
    assert.match(first, /^[a-z]+ [a-z]+ \d+ & notes$/);
  });

  test("streaming an entry stops as soon as the reader has enough", () => {
    const { docx } = makeHugeDocx(40 * 1024 * 1024);
    const zip = openZip(docx);
    const size = zip.entries.get("word/document.xml")!.size;
    let calls = 0;
    let bytes = 0;
    assert.equal(
      zip.stream("word/document.xml", (chunk) => {
        calls++;
        bytes += chunk.length;
        return calls < 3;
      }),
      true,
    );
    assert.equal(calls, 3, "no chunk after the reader said stop");
    assert.ok(bytes < size / 4, `${bytes} of ${size} bytes inflated`);
    assert.equal(
      zip.stream("missing.xml", () => true),
      false,
    );
  });

  test("docx structure: runs, breaks, tabs, skipped properties and deleted text, nested paragraphs", async () => {
    const xml =
      `<?xml version="1.0"?><w:document ${W}><w:body>` +
      '<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>' +
      '<w:r><w:t>Tom &amp; Jerry</w:t></w:r><w:r><w:tab/><w:t xml:space="preserve"> run two</w:t></w:r>' +
      "<w:r><w:br/><w:t>after break</w:t></w:r><w:del><w:r><w:delText>gone</w:delText></w:r></w:del></w:p>" +
      "<w:p><w:r><w:t>outer</w:t></w:r><w:r><w:txbxContent><w:p><w:r><w:t>inner box</w:t></w:r></w:p>" +
      "</w:txbxContent></w:r></w:p>" +
      "<w:p><w:r><w:instrText>PAGE</w:instrText></w:r></w:p>" +
      '<w:sectPr><w:pgSz w:w="12240"/></w:sectPr></w:body></w:document>';
    const docx = zipSync({ "word/document.xml": strToU8(xml) });
    const out = await extractFileText(docx, { fileName: "s.docx" });
    assert.deepEqual(out.texts, ["Tom & Jerry\t run two\nafter break\ninner box\nouter"]);
    assert.equal(out.truncated, undefined);
  });

  test("pptx: the cap applies across slides; later slides are counted, not read", async () => {
    const pptx = await makePptx([
      { title: "One", body: "a".repeat(400) },
      { title: "Two", body: "b".repeat(400) },
      { title: "Three", body: "c".repeat(400) },
    ]);
    const out = await extractFileText(pptx, { fileName: "deck.pptx" }, { maxChars: 600 });
    assert.equal(out.numSections, 3);
    assert.equal(out.truncated, true);
    assert.equal(out.texts.length, 2);
    assert.ok(out.texts.join("").length <= 600);
    assert.ok(!out.texts.join("").includes("c"), "the third slide was not read");
  });
});

describe("capped, streamed Excel text", () => {
  test("xlsx: shared and inline strings (without phonetic guides), booleans; the cap stops at a whole row", async () => {
    const sheet =
      '<?xml version="1.0"?><worksheet><sheetData>' +
      '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><r><t>東京</t></r>' +
      '<rPh sb="0" eb="2"><t>トウキョウ</t></rPh></is></c><c r="C1" t="b"><v>1</v></c></row>' +
      '<row r="2"><c r="A2"><v> 42 </v></c><c r="B2" t="s"><v>1</v></c></row>' +
      '<row r="3"></row>' +
      Array.from(
        { length: 200 },
        (_, i) => `<row r="${i + 4}"><c t="s"><v>0</v></c><c><v>${i}</v></c></row>`,
      ).join("") +
      "</sheetData></worksheet>";
    const xlsx = zipSync({
      "xl/worksheets/sheet1.xml": strToU8(sheet),
      "xl/sharedStrings.xml": strToU8(
        "<sst><si><t>Tom &amp; Jerry</t></si><si><r><t>rich</t></r><r><t> text</t></r></si></sst>",
      ),
    });
    const full = await extractFileText(xlsx, { fileName: "book.xlsx" });
    const lines = full.texts[0]!.split("\n");
    assert.deepEqual(lines.slice(0, 3), ["Sheet1", "Tom & Jerry\t東京\tTRUE", "42\trich text"]);
    assert.equal(lines.length, 3 + 200);
    assert.equal(full.truncated, undefined);

    const capped = await extractFileText(xlsx, { fileName: "book.xlsx" }, { maxChars: 100 });
    assert.equal(capped.truncated, true);
    const cappedLines = capped.texts[0]!.split("\n");
    assert.ok(capped.texts[0]!.length <= 100);
    assert.deepEqual(cappedLines, lines.slice(0, cappedLines.length), "whole rows, in order, up to the cap");
  });
});

describe("capped plain text", () => {
  test("only the cap's worth of bytes is decoded; a character cut at the end does not change the encoding", async () => {
    const korean = new TextEncoder().encode("한국어 문장입니다. ".repeat(2000));
    const out = await extractFileText(korean, { fileName: "notes.txt" }, { maxChars: 1001 });
    assert.equal(out.truncated, true);
    assert.equal(out.texts[0]!.length, 1001);
    assert.ok(out.texts[0]!.startsWith("한국어 문장입니다. 한국어"), out.texts[0]!.slice(0, 20));
    assert.ok(!out.texts[0]!.includes("\uFFFD"), "no replacement characters");

    const legacy = new Uint8Array([0xc7, 0xd1, 0xb1, 0xb9, 0xbe, 0xee, 0x20]); // "한국어 " in EUC-KR
    const repeated = new Uint8Array(legacy.length * 1000);
    for (let i = 0; i < 1000; i++) repeated.set(legacy, i * legacy.length);
    const euc = await extractFileText(repeated, { fileName: "old.txt" }, { maxChars: 999 });
    assert.ok(euc.texts[0]!.startsWith("한국어 한국어"), euc.texts[0]!.slice(0, 10));
  });
});
