/** Word (.docx) text: the paragraphs of word/document.xml (tables give one line per cell paragraph). */
import { paragraphs, parseXml } from "./ooxml.js";
import type { ExtractedText } from "./result.js";
import type { ZipArchive } from "./zip.js";

const TAGS = {
  paragraph: "w:p",
  text: "w:t",
  breaks: new Set(["w:br", "w:cr"]),
  tabs: new Set(["w:tab"]),
  skip: new Set(["w:pPr", "w:rPr", "w:delText", "w:instrText", "w:sectPr"]),
};

export function extractDocx(zip: ZipArchive): ExtractedText {
  const xml = zip.readText("word/document.xml");
  if (xml === undefined)
    return { sections: [], parseError: "not a Word document (word/document.xml missing)" };
  const text = paragraphs(parseXml(xml), TAGS).join("\n");
  // One section: a Word file has no reliable page structure in its XML.
  return { sections: [text], sectionCount: 1 };
}
