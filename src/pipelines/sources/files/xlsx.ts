/**
 * Excel (.xlsx) text: one section per worksheet, "Sheet name" then one line per row with tab-separated
 * cell values (shared strings resolved, numbers as written). Stops at `maxChars`. The shared strings and the
 * worksheets are streamed (htmlparser2's tokenizer over the part inflated piece by piece), so a sheet of
 * hundreds of megabytes is read only up to the cap and never held whole.
 */
import { type Handler, Parser } from "htmlparser2";
import { numberedParts, parseXml, relationships } from "./ooxml.js";
import type { ExtractedText } from "./result.js";
import type { ZipArchive } from "./zip.js";

export function extractXlsx(zip: ZipArchive, maxChars: number): ExtractedText {
  const sheets = sheetOrder(zip);
  if (sheets.length === 0) {
    return { sections: [], parseError: "not an Excel workbook (no worksheets found)" };
  }
  const shared = sharedStrings(zip, maxChars);
  const sections: string[] = [];
  let used = 0;
  let truncated = shared.truncated;
  for (const sheet of sheets) {
    if (used >= maxChars) {
      truncated = true;
      break;
    }
    used += sheet.name.length;
    const rows = new RowCollector(shared.strings, maxChars - used);
    zip.stream(
      sheet.part,
      streamInto(rows, () => rows.full),
    );
    used += rows.used;
    sections.push([sheet.name, ...rows.lines].join("\n"));
    if (rows.full) {
      truncated = true;
      break;
    }
  }
  return { sections, sectionCount: sheets.length, ...(truncated ? { truncated } : {}) };
}

/** A chunk handler for `zip.stream` that tokenizes the part with htmlparser2 until `done()` says stop. */
function streamInto(handler: Partial<Handler>, done: () => boolean): (chunk: Uint8Array) => boolean {
  const parser = new Parser(handler, { xmlMode: true, decodeEntities: true });
  const decoder = new TextDecoder("utf-8");
  return (chunk) => {
    parser.write(decoder.decode(chunk, { stream: true }));
    return !done();
  };
}

/**
 * One line per row with tab-separated cell values (shared strings resolved, booleans as TRUE/FALSE,
 * inline strings without phonetic guides), empty rows left out, until a row would pass `budget` characters.
 */
class RowCollector implements Partial<Handler> {
  readonly lines: string[] = [];
  used = 0;
  full = false;
  private row: string[] | undefined;
  private cell: { type: string; value: string; valueDone: boolean; inline: string[] } | undefined;
  private inValue = false;
  private inText = 0;
  private inPhonetic = 0;

  constructor(
    private readonly shared: readonly string[],
    private readonly budget: number,
  ) {}

  onopentag(name: string, attributes: Record<string, string>): void {
    if (this.full) return;
    if (name === "row") this.row = [];
    else if (name === "c") this.cell = { type: attributes.t ?? "", value: "", valueDone: false, inline: [] };
    else if (name === "v" && this.cell && !this.cell.valueDone) this.inValue = true;
    else if (name === "rPh") this.inPhonetic++;
    else if (name === "t") this.inText++;
  }

  ontext(text: string): void {
    if (!this.cell) return;
    if (this.inValue) this.cell.value += text;
    else if (this.inText > 0 && this.inPhonetic === 0) this.cell.inline.push(text);
  }

  onclosetag(name: string): void {
    if (this.full) return;
    if (name === "v" && this.inValue) {
      this.inValue = false;
      if (this.cell) this.cell.valueDone = true;
    } else if (name === "rPh") this.inPhonetic = Math.max(0, this.inPhonetic - 1);
    else if (name === "t") this.inText = Math.max(0, this.inText - 1);
    else if (name === "c") this.closeCell();
    else if (name === "row") this.closeRow();
  }

  private closeCell(): void {
    const cell = this.cell;
    this.cell = undefined;
    if (!cell || !this.row) return;
    const value = cellText(cell.type, cell.value, cell.inline, this.shared);
    if (value !== "") this.row.push(value);
  }

  private closeRow(): void {
    const cells = this.row;
    this.row = undefined;
    if (!cells || cells.length === 0) return;
    const line = cells.join("\t");
    if (this.used + line.length > this.budget) {
      this.full = true;
      return;
    }
    this.used += line.length + 1;
    this.lines.push(line);
  }
}

function cellText(type: string, value: string, inline: string[], shared: readonly string[]): string {
  if (type === "inlineStr") return inline.join("");
  if (type === "s") return shared[Number(value)] ?? "";
  if (type === "b") return value === "1" ? "TRUE" : value === "0" ? "FALSE" : value;
  return value.trim();
}

/**
 * The shared string table, streamed. Reading stops once the strings hold more than `maxChars` characters:
 * Excel writes them in order of first use, so the strings past that point belong to text past the cap.
 */
function sharedStrings(zip: ZipArchive, maxChars: number): { strings: string[]; truncated: boolean } {
  const strings: string[] = [];
  let chars = 0;
  let item: string[] | undefined;
  let inText = 0;
  let inPhonetic = 0;
  const handler: Partial<Handler> = {
    onopentag(name) {
      if (name === "si") item = [];
      else if (name === "rPh") inPhonetic++;
      else if (name === "t") inText++;
    },
    ontext(text) {
      if (item && inText > 0 && inPhonetic === 0) item.push(text);
    },
    onclosetag(name) {
      if (name === "rPh") inPhonetic = Math.max(0, inPhonetic - 1);
      else if (name === "t") inText = Math.max(0, inText - 1);
      else if (name === "si" && item) {
        const text = item.join("");
        strings.push(text);
        chars += text.length;
        item = undefined;
      }
    },
  };
  zip.stream(
    "xl/sharedStrings.xml",
    streamInto(handler, () => chars > maxChars),
  );
  return { strings, truncated: chars > maxChars };
}

function sheetOrder(zip: ZipArchive): { name: string; part: string }[] {
  const workbook = zip.readText("xl/workbook.xml");
  if (workbook !== undefined) {
    const rels = relationships(zip, "xl/_rels/workbook.xml.rels", "xl");
    const sheets = parseXml(workbook)
      .getElementsByTagName("sheet")
      .map((el) => ({
        name: el.getAttribute("name") ?? "",
        part: rels.get(el.getAttribute("r:id") ?? "") ?? "",
      }))
      .filter((s) => zip.entries.has(s.part));
    if (sheets.length > 0) return sheets;
  }
  return numberedParts(zip, /^xl\/worksheets\/sheet(\d+)\.xml$/).map((part, i) => ({
    name: `Sheet${i + 1}`,
    part,
  }));
}
