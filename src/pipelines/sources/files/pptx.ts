/**
 * PowerPoint (.pptx) text: one section per slide, in presentation order. Slides are streamed and reading
 * stops at the text cap (later slides are counted, not read).
 */
import { numberedParts, parseXml, relationships, streamParagraphs } from "./ooxml.js";
import type { ExtractedText } from "./result.js";
import type { ZipArchive } from "./zip.js";

const TAGS = {
  paragraph: "a:p",
  text: "a:t",
  breaks: new Set(["a:br"]),
  tabs: new Set<string>(),
  skip: new Set(["a:pPr", "a:rPr", "a:endParaRPr"]),
};

export function extractPptx(zip: ZipArchive, maxChars: number): ExtractedText {
  const slides = slideOrder(zip);
  if (slides.length === 0) {
    if (!zip.entries.has("ppt/presentation.xml")) {
      return { sections: [], parseError: "not a PowerPoint file (ppt/presentation.xml missing)" };
    }
    return { sections: [], sectionCount: 1 };
  }
  const sections: string[] = [];
  let left = maxChars;
  for (const [i, part] of slides.entries()) {
    const read = streamParagraphs(zip, part, TAGS, left);
    sections.push(read === undefined ? "" : read.paragraphs.join("\n"));
    left -= read?.chars ?? 0;
    if (read?.truncated || (left <= 0 && i < slides.length - 1)) {
      return { sections, sectionCount: slides.length, truncated: true };
    }
  }
  return { sections };
}

/** Slide parts in the order of `p:sldIdLst` (slide file numbers need not follow it); file order as fallback. */
function slideOrder(zip: ZipArchive): string[] {
  const presentation = zip.readText("ppt/presentation.xml");
  if (presentation !== undefined) {
    const rels = relationships(zip, "ppt/_rels/presentation.xml.rels", "ppt");
    const ordered = parseXml(presentation)
      .getElementsByTagName("p:sldId")
      .map((el) => rels.get(el.getAttribute("r:id") ?? ""))
      .filter((part): part is string => part !== undefined && zip.entries.has(part));
    if (ordered.length > 0) return ordered;
  }
  return numberedParts(zip, /^ppt\/slides\/slide(\d+)\.xml$/);
}
