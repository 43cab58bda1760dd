/**
 * Word (.docx) text: the paragraphs of word/document.xml (tables give one line per cell paragraph).
 * document.xml is streamed and reading stops at the text cap: a few-megabyte docx can hold a part of
 * hundreds of megabytes, which must never be inflated or parsed whole.
 */
import { streamParagraphs } from "./ooxml.js";
import type { ExtractedText } from "./result.js";
import type { ZipArchive } from "./zip.js";

const TAGS = {
  paragraph: "w:p",
  text: "w:t",
  breaks: new Set(["w:br", "w:cr"]),
  tabs: new Set(["w:tab"]),
  skip: new Set(["w:pPr", "w:rPr", "w:delText", "w:instrText", "w:sectPr"]),
};

export function extractDocx(zip: ZipArchive, maxChars: number): ExtractedText {
  const read = streamParagraphs(zip, "word/document.xml", TAGS, maxChars);
  if (read === undefined)
    return { sections: [], parseError: "not a Word document (word/document.xml missing)" };
  // One section: a Word file has no reliable page structure in its XML.
  return {
    sections: [read.paragraphs.join("\n")],
    sectionCount: 1,
    ...(read.truncated ? { truncated: true } : {}),
  };
}
