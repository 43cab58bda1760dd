/**
 * Shared helpers for Office Open XML text extraction. node-html-parser parses the XML parts (it keeps
 * namespaced tag names such as `w:p` with `lowerCaseTagName: false` and decodes entities in `.text`).
 */
import { type HTMLElement, type Node, NodeType, parse } from "node-html-parser";
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

/** The non-empty paragraphs under `root`, in document order; nested paragraphs (text boxes) come out separately. */
export function paragraphs(root: Node, tags: ParagraphTags): string[] {
  const out: string[] = [];
  const visit = (node: Node, buf: string[]) => {
    for (const child of node.childNodes) {
      if (child.nodeType !== NodeType.ELEMENT_NODE) continue;
      const el = child as HTMLElement;
      const tag = el.rawTagName;
      if (tags.skip.has(tag)) continue;
      if (tag === tags.text) buf.push(el.text);
      else if (tags.breaks.has(tag)) buf.push("\n");
      else if (tags.tabs.has(tag)) buf.push("\t");
      else if (tag === tags.paragraph) {
        const inner: string[] = [];
        visit(el, inner);
        const text = inner.join("").trim();
        if (text) out.push(text);
      } else visit(el, buf);
    }
  };
  const stray: string[] = [];
  visit(root, stray);
  const rest = stray.join("").trim();
  if (rest) out.push(rest);
  return out;
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
