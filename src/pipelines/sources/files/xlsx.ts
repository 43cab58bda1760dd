/**
 * Excel (.xlsx) text: one section per worksheet, "Sheet name" then one line per row with tab-separated
 * cell values (shared strings resolved, numbers as written). Stops at `maxChars`.
 */
import type { HTMLElement } from "node-html-parser";
import { numberedParts, parseXml, relationships } from "./ooxml.js";
import type { ExtractedText } from "./result.js";
import type { ZipArchive } from "./zip.js";

export function extractXlsx(zip: ZipArchive, maxChars: number): ExtractedText {
  const sheets = sheetOrder(zip);
  if (sheets.length === 0) {
    return { sections: [], parseError: "not an Excel workbook (no worksheets found)" };
  }
  const shared = sharedStrings(zip);
  const sections: string[] = [];
  let used = 0;
  let truncated = false;
  for (const sheet of sheets) {
    if (truncated) break;
    const xml = zip.readText(sheet.part);
    const lines: string[] = [sheet.name];
    used += sheet.name.length;
    for (const row of xml === undefined ? [] : parseXml(xml).getElementsByTagName("row")) {
      const cells = row
        .getElementsByTagName("c")
        .map((c) => cellText(c, shared))
        .filter((v) => v !== "");
      if (cells.length === 0) continue;
      const line = cells.join("\t");
      if (used + line.length > maxChars) {
        truncated = true;
        break;
      }
      used += line.length + 1;
      lines.push(line);
    }
    sections.push(lines.join("\n"));
  }
  return { sections, sectionCount: sheets.length, ...(truncated ? { truncated } : {}) };
}

function cellText(cell: HTMLElement, shared: string[]): string {
  const type = cell.getAttribute("t");
  if (type === "inlineStr") return richText(cell);
  const value = cell.getElementsByTagName("v")[0]?.text ?? "";
  if (type === "s") return shared[Number(value)] ?? "";
  if (type === "b") return value === "1" ? "TRUE" : value === "0" ? "FALSE" : value;
  return value.trim();
}

/** The text of `t` runs, leaving out phonetic guides (`rPh`). */
function richText(el: HTMLElement): string {
  return el
    .getElementsByTagName("t")
    .filter((t) => t.parentNode?.rawTagName !== "rPh")
    .map((t) => t.text)
    .join("");
}

function sharedStrings(zip: ZipArchive): string[] {
  const xml = zip.readText("xl/sharedStrings.xml");
  if (xml === undefined) return [];
  return parseXml(xml).getElementsByTagName("si").map(richText);
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
