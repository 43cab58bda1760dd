/**
 * A folder of notes for CLI users: every .md/.markdown/.txt file under it (recursively, sorted; hidden
 * folders and node_modules skipped) becomes one note. origId = the path relative to the folder (with "/"),
 * title = front-matter `title:`, else the first H1, else the file name without its extension.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, extname, join, relative, sep } from "node:path";
import { nonEmpty } from "./fields.js";
import { decodeText } from "./files/text.js";
import { buildItem } from "./item.js";
import type { LoadOptions, SourceItem, SourceText } from "./types.js";

export const NOTE_EXTENSIONS = new Set([".md", ".markdown", ".txt"]);

export async function* iterateMarkdownFolder(
  dir: string,
  options: LoadOptions = {},
): AsyncGenerator<SourceItem> {
  for (const path of await listNoteFiles(dir)) {
    options.signal?.throwIfAborted();
    yield await noteFromMarkdownFile(path, relative(dir, path).split(sep).join("/"));
  }
}

/** Note files under `dir`, depth first, sorted by name at each level. */
export async function listNoteFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (folder: string) => {
    const entries = (await readdir(folder, { withFileTypes: true })).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    );
    for (const entry of entries) {
      if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() && NOTE_EXTENSIONS.has(extname(entry.name).toLowerCase())) out.push(path);
    }
  };
  await walk(dir);
  return out;
}

export async function noteFromMarkdownFile(path: string, origId: string): Promise<SourceItem> {
  const [bytes, info] = await Promise.all([readFile(path), stat(path)]);
  const { title: fmTitle, body } = splitFrontMatter(decodeText(bytes));
  const title = fmTitle ?? firstHeading(body) ?? basename(path, extname(path));
  const texts: SourceText[] = nonEmpty(body) ? [{ text: body }] : [];
  const created = info.birthtimeMs > 0 ? info.birthtimeMs : info.mtimeMs;
  return buildItem({
    kind: "note",
    origId,
    title,
    createTime: created > 0 ? Math.floor(created / 1000) : null,
    updateTime: info.mtimeMs > 0 ? Math.floor(info.mtimeMs / 1000) : null,
    numSections: 1,
    sourceType: "markdown",
    texts,
    meta: { fileName: basename(path), origin: path },
  });
}

/** YAML front matter (`---` … `---` at the very top) is metadata, not note text; its `title:` is used. */
function splitFrontMatter(text: string): { title?: string; body: string } {
  const match = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  if (!match) return { body: text };
  const titleLine = /^title:\s*(.+)$/m.exec(match[1]!);
  const title = titleLine?.[1]?.trim().replace(/^(["'])(.*)\1$/, "$2");
  return { ...(title ? { title } : {}), body: text.slice(match[0].length) };
}

/** The first `# Heading` outside fenced code blocks. */
function firstHeading(markdown: string): string | undefined {
  let fenced = false;
  for (const line of markdown.split("\n")) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    else if (!fenced) {
      const h = /^#\s+(.+?)\s*#*\s*$/.exec(line);
      if (h) return h[1];
    }
  }
  return undefined;
}
