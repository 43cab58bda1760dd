/** The page's stylesheet (inlined: the page must work offline from a single file). */
export const PAGE_CSS = `
:root {
  --bg: #f7f8fa; --panel: #ffffff; --line: #dde1e7; --text: #1f2430; --muted: #667085; --accent: #1d4ed8;
  font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK KR", "Apple SD Gothic Neo",
    "Malgun Gothic", "DejaVu Sans", sans-serif;
  font-size: 14px; color: var(--text);
}
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; overflow: hidden; background: var(--bg); }
body { display: grid; grid-template-rows: auto minmax(0, 1fr); grid-template-columns: 250px minmax(0, 1fr) 340px; }
header {
  grid-column: 1 / -1; display: flex; align-items: center; gap: 12px; padding: 8px 14px;
  background: var(--panel); border-bottom: 1px solid var(--line);
}
header h1 { font-size: 15px; margin: 0; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 32vw; }
header .stats { color: var(--muted); font-size: 12px; white-space: nowrap; }
.search { display: flex; align-items: center; gap: 8px; margin-left: auto; }
.search input {
  width: 300px; padding: 6px 10px; border: 1px solid var(--line); border-radius: 6px; font: inherit; background: #fff;
}
.search input:focus { outline: 2px solid #93b4f5; border-color: var(--accent); }
.search .count { color: var(--muted); font-size: 12px; min-width: 90px; }
button {
  font: inherit; font-size: 13px; padding: 5px 10px; border: 1px solid var(--line); border-radius: 6px;
  background: #fff; color: var(--text); cursor: pointer;
}
button:hover { background: #eef2f7; }
aside { background: var(--panel); overflow-y: auto; min-height: 0; }
#legend { border-right: 1px solid var(--line); padding: 10px 0; }
#legend h2, #panel h2.section { font-size: 11px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 4px 14px 8px; }
#legend ul { list-style: none; margin: 0; padding: 0; }
#legend li {
  display: grid; grid-template-columns: 14px minmax(0, 1fr) auto; gap: 8px; align-items: center;
  padding: 5px 14px; cursor: pointer; border-left: 3px solid transparent;
}
#legend li:hover { background: #f1f4f8; }
#legend li:focus-visible { outline: 2px solid #93b4f5; outline-offset: -2px; }
#legend li.active { background: #e8eefc; border-left-color: var(--accent); }
#legend li.dim { opacity: .45; }
#legend .name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
#legend .size { color: var(--muted); font-size: 12px; font-variant-numeric: tabular-nums; }
.swatch { width: 12px; height: 12px; border-radius: 50%; display: inline-block; flex: none; }
#stage { position: relative; min-width: 0; min-height: 0; }
#canvas { position: absolute; inset: 0; width: 100%; height: 100%; cursor: grab; touch-action: none; }
#canvas.dragging { cursor: grabbing; }
#canvas.pointing { cursor: pointer; }
.zoom { position: absolute; right: 12px; bottom: 12px; display: flex; gap: 6px; }
.hint { position: absolute; left: 12px; bottom: 12px; color: var(--muted); font-size: 12px; background: rgba(255,255,255,.8); padding: 3px 8px; border-radius: 4px; }
#tooltip {
  position: absolute; pointer-events: none; background: rgba(20,24,32,.92); color: #fff; font-size: 12px;
  padding: 4px 8px; border-radius: 4px; max-width: 320px; display: none; white-space: nowrap; overflow: hidden; text-overflow: ellipsis;
}
#panel { border-left: 1px solid var(--line); padding: 14px 16px 24px; }
#panel h2.title { font-size: 17px; margin: 0 0 10px; line-height: 1.35; overflow-wrap: anywhere; }
#panel h2.with-swatch { display: flex; align-items: center; gap: 8px; }
#panel .cluster { display: flex; align-items: center; gap: 8px; font-weight: 600; cursor: pointer; }
#panel .cluster:hover { text-decoration: underline; }
#panel p.desc { color: var(--muted); margin: 4px 0 14px; line-height: 1.4; }
#panel dl { display: grid; grid-template-columns: auto minmax(0, 1fr); gap: 4px 12px; margin: 0 0 14px; font-size: 13px; }
#panel dt { color: var(--muted); }
#panel dd { margin: 0; overflow-wrap: anywhere; }
.chips { display: flex; flex-wrap: wrap; gap: 5px; margin: 0 0 14px; }
.chip { background: #eef2f7; border-radius: 10px; padding: 2px 8px; font-size: 12px; }
.chip small { color: var(--muted); margin-left: 4px; }
#panel ul.neighbours { list-style: none; margin: 0; padding: 0; }
#panel ul.neighbours li {
  display: grid; grid-template-columns: 12px minmax(0, 1fr) auto; gap: 8px; align-items: center;
  padding: 4px 6px; border-radius: 4px; cursor: pointer; font-size: 13px;
}
#panel ul.neighbours li:hover { background: #f1f4f8; }
#panel ul.neighbours .t { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
#panel ul.neighbours .w { color: var(--muted); font-size: 12px; font-variant-numeric: tabular-nums; }
.badge { background: #1f2430; color: #fff; border-radius: 3px; font-size: 10px; padding: 0 4px; margin-left: 4px; }
.muted { color: var(--muted); }
@media (max-width: 1000px) {
  body { grid-template-columns: 190px minmax(0, 1fr) 280px; }
  .search input { width: 180px; }
}
`;
