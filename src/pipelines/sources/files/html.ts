/** HTML → text with node-html-parser: scripts, styles and other non-content elements removed, blocks on lines. */
import { parse } from "node-html-parser";

const NON_CONTENT = "script, style, noscript, template, svg, canvas, iframe, object, head";

export function htmlToText(html: string): string {
  const root = parse(html, { comment: false });
  for (const el of root.querySelectorAll(NON_CONTENT)) el.remove();
  return root.structuredText
    .split("\n")
    .map((line) => line.replace(/\s+/g, " ").trim())
    .filter(Boolean)
    .join("\n");
}

/** True when a text file is really an HTML document. */
export function looksLikeHtml(text: string): boolean {
  return /^\s*(<!doctype html|<html[\s>])/i.test(text.slice(0, 512));
}
