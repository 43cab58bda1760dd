/** Real document fixtures for the source tests, generated with the libraries users' files come from. */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Document, Packer, Paragraph, Table, TableCell, TableRow, TextRun } from "docx";
import { strToU8, Zip, ZipDeflate, zipSync } from "fflate";
import { PDFDocument, StandardFonts } from "pdf-lib";
import PptxGenJSModule from "pptxgenjs";

/**
 * pptxgenjs ships CommonJS-style typings for an ES module: TypeScript sees the class under `.default`, while
 * Node's ESM import gives the class itself.
 */
const PptxGenJS = ((PptxGenJSModule as unknown as { default?: unknown }).default ??
  PptxGenJSModule) as unknown as typeof PptxGenJSModule.default;

export async function tempDir(prefix = "sources-"): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export async function writeFiles(
  root: string,
  files: Record<string, string | Uint8Array | object>,
): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    const path = join(root, name);
    await mkdir(dirname(path), { recursive: true });
    const data =
      typeof content === "string" || content instanceof Uint8Array ? content : JSON.stringify(content);
    await writeFile(path, data);
  }
}

/** A PDF with one page per entry, the text drawn in Helvetica. */
export async function makePdf(pages: string[]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const text of pages) {
    const page = doc.addPage();
    text.split("\n").forEach((line, i) => {
      page.drawText(line, { x: 50, y: 700 - i * 20, size: 14, font });
    });
  }
  return doc.save();
}

/** A Word document: the paragraphs, then a 1×2 table with `cells`. */
export async function makeDocx(
  paragraphs: string[],
  cells: [string, string] = ["cell one", "cell two"],
): Promise<Uint8Array> {
  const doc = new Document({
    sections: [
      {
        children: [
          ...paragraphs.map((p) => new Paragraph({ children: [new TextRun(p)] })),
          new Table({
            rows: [
              new TableRow({ children: cells.map((c) => new TableCell({ children: [new Paragraph(c)] })) }),
            ],
          }),
        ],
      },
    ],
  });
  return new Uint8Array(await Packer.toBuffer(doc));
}

/** A presentation with one slide per entry (title text box plus a body text box). */
export async function makePptx(slides: { title: string; body: string }[]): Promise<Uint8Array> {
  const pres = new PptxGenJS();
  for (const s of slides) {
    const slide = pres.addSlide();
    slide.addText(s.title, { x: 0.5, y: 0.5, w: 9, h: 1 });
    slide.addText(s.body, { x: 0.5, y: 2, w: 9, h: 3 });
  }
  return new Uint8Array((await pres.write({ outputType: "nodebuffer" })) as Buffer);
}

/** A minimal but valid .xlsx (no generator library is installed): sheets of rows, strings shared. */
export function makeXlsx(sheets: { name: string; rows: (string | number)[][] }[]): Uint8Array {
  const shared: string[] = [];
  const sharedIndex = (s: string) => {
    const i = shared.indexOf(s);
    return i >= 0 ? i : shared.push(s) - 1;
  };
  const col = (i: number) => String.fromCharCode(65 + i);
  const files: Record<string, Uint8Array> = {};
  sheets.forEach((sheet, n) => {
    const rows = sheet.rows
      .map((row, r) => {
        const cells = row
          .map((v, c) =>
            typeof v === "number"
              ? `<c r="${col(c)}${r + 1}"><v>${v}</v></c>`
              : `<c r="${col(c)}${r + 1}" t="s"><v>${sharedIndex(v)}</v></c>`,
          )
          .join("");
        return `<row r="${r + 1}">${cells}</row>`;
      })
      .join("");
    files[`xl/worksheets/sheet${n + 1}.xml`] = strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rows}</sheetData></worksheet>`,
    );
  });
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  files["xl/sharedStrings.xml"] = strToU8(
    `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${shared.map((s) => `<si><t>${esc(s)}</t></si>`).join("")}</sst>`,
  );
  files["xl/workbook.xml"] = strToU8(
    `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>${sheets.map((s, i) => `<sheet name="${esc(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join("")}</sheets></workbook>`,
  );
  files["xl/_rels/workbook.xml.rels"] = strToU8(
    `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${sheets.map((_, i) => `<Relationship Id="rId${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join("")}</Relationships>`,
  );
  files["[Content_Types].xml"] = strToU8(`<?xml version="1.0" encoding="UTF-8"?><Types/>`);
  return zipSync(files);
}

/**
 * A real zip bomb: one entry of `megabytes` MB of zeros, deflated by fflate's streaming zipper (so the test
 * never holds the expanded data). 300 MB of zeros compress to about 300 KB.
 */
export function makeZeroBomb(entryName: string, megabytes: number): Uint8Array {
  const chunks: Uint8Array[] = [];
  const zip = new Zip((err, data) => {
    if (err) throw err;
    chunks.push(data);
  });
  const entry = new ZipDeflate(entryName, { level: 1 });
  zip.add(entry);
  const block = new Uint8Array(1024 * 1024);
  for (let i = 0; i < megabytes; i++) entry.push(block, i === megabytes - 1);
  zip.end();
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** The e2e stubs: a 30-byte "PDF" and a zip holding nothing but a content-types part. */
export const STUB_PDF = strToU8("%PDF-1.4\n%stub only, no body\n");
export const NEAR_EMPTY_ZIP = zipSync({ "[Content_Types].xml": strToU8("<Types/>") });

/** A backend input.json conversation (contract §2.1) with a linear chain of messages. */
export function backendConversation(
  id: string,
  title: string,
  messages: { role: "user" | "assistant" | "system"; text: string }[],
  times: { create?: number; update?: number } = {},
): Record<string, unknown> {
  const mapping: Record<string, unknown> = {};
  messages.forEach((m, i) => {
    const mid = `${id}_m${i}`;
    mapping[mid] = {
      id: mid,
      message: { id: mid, author: { role: m.role }, content: { content_type: "text", parts: [m.text] } },
      parent: i === 0 ? null : `${id}_m${i - 1}`,
      children: i === messages.length - 1 ? [] : [`${id}_m${i + 1}`],
    };
  });
  return {
    id,
    conversation_id: id,
    conversationId: id,
    title,
    create_time: times.create ?? 1760000000,
    update_time: times.update ?? 1760000060,
    mapping,
  };
}

export function backendNote(
  id: string,
  title: string,
  content: string,
  time = 1760000000,
): Record<string, unknown> {
  return {
    id,
    title,
    sections: [{ id, content }],
    source_type: "markdown",
    create_time: time,
    update_time: time,
  };
}

/**
 * A Word file whose word/document.xml is about `xmlBytes` bytes of real WordprocessingML (paragraphs of
 * formatted runs) while the .docx stays a few megabytes: the markup repeats, one number per paragraph does
 * not, so it compresses ~55x, inside the zip reader's ratio limit (200x) like a genuine bloated export. Built
 * with fflate's streaming zip, a megabyte at a time, so the XML is never held whole here either.
 */
export function makeHugeDocx(xmlBytes: number): { docx: Uint8Array; xmlBytes: number } {
  const parts: Uint8Array[] = [];
  const zip = new Zip((err, chunk) => {
    if (err) throw err;
    parts.push(chunk);
  });
  const entry = new ZipDeflate("word/document.xml", { level: 6 });
  zip.add(entry);
  const rPr =
    '<w:rPr><w:rFonts w:ascii="Calibri" w:hAnsi="Calibri" w:eastAsia="Malgun Gothic" w:cs="Times New Roman"/>' +
    '<w:b/><w:i/><w:color w:val="1F3864"/><w:sz w:val="24"/><w:szCs w:val="24"/><w:lang w:val="en-US"/></w:rPr>';
  const words = ["graph", "neural", "network", "message", "passing", "attention", "cluster", "vector"];
  let seed = 7;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed;
  };
  entry.push(
    strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ' +
        'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>',
    ),
  );
  let written = 0;
  while (written < xmlBytes) {
    let chunk = "";
    while (chunk.length < 1 << 20) {
      const n = next() % 1_000_000;
      chunk +=
        `<w:p><w:pPr><w:spacing w:after="120" w:line="276"/></w:pPr><w:r>${rPr}<w:t xml:space="preserve">` +
        `${words[n % 8]} ${words[(n >> 3) % 8]} ${n} &amp; </w:t></w:r><w:r>${rPr}<w:t>notes</w:t></w:r></w:p>`;
    }
    entry.push(strToU8(chunk));
    written += chunk.length;
  }
  entry.push(strToU8("</w:body></w:document>"), true);
  zip.end();
  const docx = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    docx.set(p, at);
    at += p.length;
  }
  return { docx, xmlBytes: written };
}
