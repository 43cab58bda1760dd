/**
 * graph.json → one self-contained HTML page (inline CSS, inline JS, the data in a JSON <script> block).
 * It opens from file:// with no network: a Content-Security-Policy forbids every fetch, so the page cannot
 * load anything even by mistake.
 */
import { NODE_SPACING } from "./layout.js";
import { PAGE_SCRIPT } from "./pageScript.js";
import { PAGE_CSS } from "./styles.js";
import { toViewData } from "./viewData.js";

export interface RenderOptions {
  /** Shown in the header and the window title; default "Graph: N nodes, M clusters". */
  title?: string;
}

const CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/**
 * JSON that is safe inside <script type="application/json">: every `<` becomes `\u003c` (still the same JSON
 * string), so neither `</script` nor `<!--` can appear; U+2028/2029 are escaped for old parsers too.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** Renders a graph.json value (already parsed) as a standalone HTML page. Throws INVALID_INPUT if it is not a graph. */
export function renderGraphHtml(graph: unknown, opts: RenderOptions = {}): string {
  const data = toViewData(graph, opts.title);
  const title = escapeHtml(data.title);
  const stats = escapeHtml(
    `${data.nodes.length} nodes · ${data.edges.length} edges · ${data.clusters.filter((c) => c.size > 0).length} clusters`,
  );
  if (/<\/script|<!--/i.test(PAGE_SCRIPT))
    throw new Error("the page script must not contain </script or <!--");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${PAGE_CSS}</style>
</head>
<body>
<header>
  <h1 title="${title}">${title}</h1>
  <span class="stats">${stats}</span>
  <div class="search">
    <input id="search" type="search" placeholder="Search titles and keywords" autocomplete="off" spellcheck="false" aria-label="Search nodes">
    <span id="search-count" class="count" aria-live="polite"></span>
  </div>
</header>
<aside id="legend"><h2>Clusters</h2><ul id="legend-list"></ul></aside>
<main id="stage">
  <canvas id="canvas" aria-label="Graph"></canvas>
  <div id="tooltip"></div>
  <div class="hint">drag to pan · scroll to zoom · click a node</div>
  <div class="zoom"><button id="zoom-in" title="Zoom in">+</button><button id="zoom-out" title="Zoom out">−</button><button id="zoom-fit" title="Fit to screen">Fit</button></div>
</main>
<aside id="panel"></aside>
<script id="graph-data" type="application/json">${jsonForScript({ ...data, spacing: NODE_SPACING })}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}
