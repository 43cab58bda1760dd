/** The offline graph viewer: graph.json → graph.html (see page.ts). */
import { readFile, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { terminal } from "../contract/errors.js";
import { renderGraphHtml } from "./page.js";

export { type RenderOptions, renderGraphHtml } from "./page.js";

/**
 * Reads a graph.json, writes the viewer page (default: graph.html next to it) and returns the written path.
 * Throws INVALID_INPUT when the file is not JSON or not a graph, INPUT_NOT_FOUND when it cannot be read.
 */
export async function writeGraphView(graphJsonPath: string, outHtmlPath?: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(graphJsonPath, "utf8");
  } catch (err) {
    throw terminal("INPUT_NOT_FOUND", `cannot read ${graphJsonPath}: ${(err as Error).message}`, err);
  }
  let graph: unknown;
  try {
    graph = JSON.parse(text);
  } catch (err) {
    throw terminal("INVALID_INPUT", `${graphJsonPath} is not JSON: ${(err as Error).message}`, err);
  }
  const folder = basename(dirname(resolve(graphJsonPath)));
  let html: string;
  try {
    html = renderGraphHtml(graph, { title: `${basename(graphJsonPath)} (${folder})` });
  } catch (err) {
    throw terminal("INVALID_INPUT", `${graphJsonPath}: ${(err as Error).message}`, err);
  }
  const out = outHtmlPath ?? join(dirname(graphJsonPath), "graph.html");
  await writeFile(out, html);
  return out;
}
