/**
 * Shared helpers for Office Open XML text extraction. The small parts (relationships, the presentation and
 * workbook lists) are parsed whole with node-html-parser (it keeps namespaced tag names such as `w:p` with
 * `lowerCaseTagName: false` and decodes entities in `.text`). The text-bearing parts, which can be hundreds
 * of megabytes inside a few-megabyte file, are inflated and tokenized chunk by chunk (htmlparser2's streaming
 * parser in XML mode) and reading stops at the text cap: `streamParagraphs`.
 */
import { Parser } from "htmlparser2";
import { type HTMLElement, parse } from "node-html-parser";
import type { ZipArchive } from "./zip.js";

export function parseXml(xml: string): HTMLElement {
  return parse(xml, { lowerCaseTagName: false, comment: false, blockTextElements: {} });
}

export interface ParagraphTags {
  /** Paragraph element ("w:p", "a:p"). */
  paragraph: string;
  /** Text run element ("w:t", "a:t"). */
  text: string;
  /** Elements that mean a line break. */
  breaks: ReadonlySet<string>;
  /** Elements that mean a tab. */
  tabs: ReadonlySet<string>;
  /** Subtrees to ignore: properties (whose `w:tab` are tab stops, not tabs), deleted text, field codes. */
  skip: ReadonlySet<string>;
}

export interface StreamedParagraphs {
  /** The non-empty paragraphs read, in document order (an inner paragraph before the one holding it). */
  paragraphs: string[];
  /** Characters of text collected (before trimming). */
  chars: number;
  /** Reading stopped at `maxChars`; the part goes on past the last paragraph. */
  truncated: boolean;
}

/**
 * The non-empty paragraphs of one XML part in document order (nested paragraphs, as in text boxes, come out
 * separately), read without holding the part or a DOM: the entry is inflated piece by piece into a streaming tokenizer, and
 * inflating stops once more than `maxChars` characters of text were collected. Undefined when the part is
 * missing.
 */
export function streamParagraphs(
  zip: ZipArchive,
  part: string,
  tags: ParagraphTags,
  maxChars: number,
): StreamedParagraphs | undefined {
  const collector = new ParagraphCollector(tags, maxChars);
  const parser = new Parser(collector, { xmlMode: true, decodeEntities: true });
  const decoder = new TextDecoder("utf-8");
  const found = zip.stream(part, (chunk) => {
    parser.write(decoder.decode(chunk, { stream: true }));
    return !collector.full;
  });
  if (!found) return undefined;
  if (!collector.full) parser.end(decoder.decode());
  return collector.result();
}

/** htmlparser2 callbacks that build paragraphs, with a stack for nested ones. */
class ParagraphCollector {
  private readonly out: string[] = [];
  /** Open paragraphs, innermost last; text outside any paragraph goes to `stray`. */
  private readonly open: string[][] = [];
  private readonly stray: string[] = [];
  /** Depth inside a skipped subtree (0 = not skipped). */
  private skipDepth = 0;
  /** Depth inside text elements. */
  private textDepth = 0;
  private chars = 0;
  full = false;

  constructor(
    private readonly tags: ParagraphTags,
    private readonly maxChars: number,
  ) {}

  private get buffer(): string[] {
    return this.open[this.open.length - 1] ?? this.stray;
  }

  onopentag(name: string): void {
    if (this.skipDepth > 0 || this.tags.skip.has(name)) {
      this.skipDepth++;
      return;
    }
    if (name === this.tags.text) this.textDepth++;
    else if (this.textDepth > 0) return;
    else if (this.tags.breaks.has(name)) this.buffer.push("\n");
    else if (this.tags.tabs.has(name)) this.buffer.push("\t");
    else if (name === this.tags.paragraph) this.open.push([]);
  }

  onclosetag(name: string): void {
    if (this.skipDepth > 0) {
      this.skipDepth--;
      return;
    }
    if (name === this.tags.text) this.textDepth = Math.max(0, this.textDepth - 1);
    else if (this.textDepth === 0 && name === this.tags.paragraph) this.closeParagraph();
  }

  ontext(text: string): void {
    if (this.skipDepth > 0 || this.textDepth === 0 || this.full) return;
    this.buffer.push(text);
    this.chars += text.length;
    if (this.chars > this.maxChars) this.full = true;
  }

  private closeParagraph(): void {
    const text = (this.open.pop() ?? []).join("").trim();
    if (text) this.out.push(text);
  }

  result(): StreamedParagraphs {
    // Paragraphs still open when reading stopped keep what they had, innermost first (as nesting emits them).
    while (this.open.length > 0) this.closeParagraph();
    const rest = this.stray.join("").trim();
    if (rest) this.out.push(rest);
    return { paragraphs: this.out, chars: this.chars, truncated: this.full };
  }
}

/** Relationship id → target path (resolved against the part's folder) from a `_rels/*.rels` part. */
export function relationships(zip: ZipArchive, relsPath: string, baseDir: string): Map<string, string> {
  const map = new Map<string, string>();
  const xml = zip.readText(relsPath);
  if (xml === undefined) return map;
  for (const rel of parseXml(xml).getElementsByTagName("Relationship")) {
    const id = rel.getAttribute("Id");
    const target = rel.getAttribute("Target");
    if (id && target) map.set(id, resolvePart(baseDir, target));
  }
  return map;
}

/** "ppt" + "slides/slide1.xml" → "ppt/slides/slide1.xml"; "/xl/x.xml" → "xl/x.xml"; handles "../". */
export function resolvePart(baseDir: string, target: string): string {
  const parts = target.startsWith("/") ? [] : baseDir.split("/").filter(Boolean);
  for (const piece of target.split("/")) {
    if (piece === "" || piece === ".") continue;
    if (piece === "..") parts.pop();
    else parts.push(piece);
  }
  return parts.join("/");
}

/** Entries matching `pattern` (with one numeric capture group), sorted by that number. */
export function numberedParts(zip: ZipArchive, pattern: RegExp): string[] {
  return [...zip.entries.keys()]
    .map((name) => ({ name, n: Number(pattern.exec(name)?.[1]) }))
    .filter((p) => Number.isFinite(p.n))
    .sort((a, b) => a.n - b.n)
    .map((p) => p.name);
}
