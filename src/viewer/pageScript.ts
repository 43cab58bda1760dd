import { CORE_JS } from "./script/core.js";
import { DRAW_JS } from "./script/draw.js";
import { INTERACT_JS } from "./script/interact.js";
import { PANEL_JS } from "./script/panel.js";

/**
 * The page's JavaScript, inlined into graph.html. It is a plain string, not a serialised TypeScript function:
 * tsx/esbuild may wrap functions in helpers (`__name`) that would not exist in the page. Written for evergreen
 * browsers (ES2017, no modules, no libraries), split by concern into script/*.ts, which share one function
 * scope (the parts are joined inside one IIFE, in order). No backticks or `${` inside them (they are template
 * literals; String.raw in all of them, so backslashes in a regex survive later edits).
 *
 * What it does: reads the embedded JSON, draws nodes and edges on one <canvas> (no per-node DOM, so 10,000+
 * nodes stay fast), pans/zooms with drag and wheel, hit-tests clicks by scanning node positions (a linear scan
 * over ≤100k points takes about a millisecond, so no spatial index), and fills the legend and side panel
 * with textContent only (titles are data, never markup). `window.__graphView` is a read-only view of its
 * state for tests.
 */
export const PAGE_SCRIPT = [
  "(function () {",
  '  "use strict";',
  CORE_JS,
  DRAW_JS,
  INTERACT_JS,
  PANEL_JS,
  "})();",
].join("\n");
