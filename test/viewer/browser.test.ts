/**
 * The viewer page in a real browser (Debian's Chromium through playwright-core, headless, offline): it draws,
 * search selects, the legend focuses a cluster, clicks hit nodes, drag pans, wheel zooms, titles stay text,
 * and the page makes no request beyond its own file.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { pathToFileURL } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { renderGraphHtml } from "../../src/viewer/index.js";
import { makeGraph } from "./fixtures.js";

const CHROMIUM = "/usr/bin/chromium";

interface GraphView {
  nodeCount: number;
  edgeCount: number;
  clusterCount: number;
  rendered: boolean;
  drawnNodes: number;
  selected: number | string | null;
  focusedCluster: string | null;
  matchCount: number;
  screenPosition(id: number | string): { x: number; y: number } | null;
}
/** The page's globals as these tests use them (the project compiles without the DOM library). */
interface PageGlobals {
  __graphView: GraphView;
  __pwned?: number;
  document: {
    getElementById(id: string): {
      width: number;
      height: number;
      getContext(kind: "2d"): {
        getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
      };
    };
  };
}
type G = PageGlobals;

let browser: Browser;
let dir: string;

before(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: the viewer's browser test needs Debian's Chromium (apt-get install -y chromium)`,
    );
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  dir = mkdtempSync(join(tmpdir(), "viewer-test-"));
});

after(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Opened {
  page: Page;
  /** Requests to anything but the page's own file, and page errors / console errors. */
  problems: string[];
}

async function open(graph: unknown, name: string): Promise<Opened> {
  const file = join(dir, `${name}.html`);
  writeFileSync(file, renderGraphHtml(graph, { title: name }));
  const url = pathToFileURL(file).href;
  const page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
  const problems: string[] = [];
  page.on("request", (req) => {
    if (req.url() !== url) problems.push(`request ${req.url()}`);
  });
  page.on("pageerror", (err) => problems.push(`page error ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`console ${msg.text()}`);
  });
  await page.goto(url);
  await page.waitForFunction(() => (globalThis as unknown as G).__graphView?.rendered === true);
  return { page, problems };
}

const view = (page: Page) =>
  page.evaluate(() => {
    const { nodeCount, edgeCount, clusterCount, rendered, drawnNodes, selected, focusedCluster, matchCount } =
      (globalThis as unknown as G).__graphView;
    return { nodeCount, edgeCount, clusterCount, rendered, drawnNodes, selected, focusedCluster, matchCount };
  });

const waitSelected = (page: Page, id: number | null) =>
  page.waitForFunction((want) => (globalThis as unknown as G).__graphView.selected === want, id);

const waitFocus = (page: Page, clusterId: string | null) =>
  page.waitForFunction((want) => (globalThis as unknown as G).__graphView.focusedCluster === want, clusterId);

const waitMatches = (page: Page, count: number) =>
  page.waitForFunction((want) => (globalThis as unknown as G).__graphView.matchCount === want, count);

async function screenPosition(page: Page, id: number): Promise<{ x: number; y: number }> {
  const at = await page.evaluate((node) => (globalThis as unknown as G).__graphView.screenPosition(node), id);
  assert.ok(at, `node ${id} is on the page`);
  return at;
}

/** How many canvas pixels are (nearly) each given colour. */
const pixelsOf = (page: Page, colors: string[]) =>
  page.evaluate((hexes) => {
    const canvas = (globalThis as unknown as G).document.getElementById("canvas");
    const { data } = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
    const rgb = hexes.map((h) => [1, 3, 5].map((o) => Number.parseInt(h.slice(o, o + 2), 16)));
    const counts = hexes.map(() => 0);
    for (let p = 0; p < data.length; p += 4) {
      rgb.forEach(([r, g, b], i) => {
        if (Math.abs(data[p]! - r!) + Math.abs(data[p + 1]! - g!) + Math.abs(data[p + 2]! - b!) < 12)
          counts[i]!++;
      });
    }
    return counts;
  }, colors);

test("a small graph: drawn in cluster colours, searchable, legend and clicks work, offline", async () => {
  const graph = makeGraph({ clusters: 3, nodesPerCluster: 10, edgesPerNode: 2 });
  const { page, problems } = await open(graph, "small");

  const state = await view(page);
  assert.deepEqual(
    [state.nodeCount, state.edgeCount, state.clusterCount, state.drawnNodes, state.selected],
    [30, graph.edges.length, 3, 30, null],
  );
  // Our palette gives cluster_1..3 these colours; every cluster shows up on the canvas.
  assert.equal(await page.locator("#legend li").count(), 3);
  const counts = await pixelsOf(page, ["#4e79a7", "#f28e2b", "#e15759"]);
  for (const [i, count] of counts.entries())
    assert.ok(count > 100, `cluster ${i + 1} colour drawn (${count} px)`);

  // Search by title: "Cooking note 1" also matches "Cooking note 10"; the exact title comes first.
  await page.fill("#search", "Cooking note 1");
  const cooking1 = graph.nodes.find((n) => n.title === "Cooking note 1")!;
  await waitSelected(page, cooking1.id);
  assert.equal((await view(page)).matchCount, 2);
  assert.equal(await page.textContent("#panel h2.title"), "Cooking note 1");
  assert.equal(await page.textContent("#panel-cluster"), "Cooking");
  assert.match((await page.textContent("#panel"))!, /Notes about cooking\./);
  assert.match((await page.textContent("#search-count"))!, /1 of 2 matches/);
  await page.press("#search", "Enter");
  const cooking10 = graph.nodes.find((n) => n.title === "Cooking note 10")!;
  await waitSelected(page, cooking10.id);

  // Search by keyword: every Astronomy node carries "astronomy keyword".
  await page.fill("#search", "astronomy keyword");
  await waitMatches(page, 10);
  const selectedId = (await view(page)).selected;
  assert.equal(graph.nodes.find((n) => n.id === selectedId)?.cluster_id, "cluster_3");
  await page.press("#search", "Escape");
  await waitMatches(page, 0);

  // Neighbours in the panel are clickable.
  const neighbourId = Number(await page.getAttribute("#panel ul.neighbours li", "data-node"));
  await page.click("#panel ul.neighbours li");
  await waitSelected(page, neighbourId);

  // Esc clears the selection; the legend focuses a cluster (the panel shows it), a second click unfocuses.
  await page.locator("body").press("Escape");
  await waitSelected(page, null);
  await page.click('#legend li[data-cluster="1"]');
  await waitFocus(page, "cluster_2");
  assert.match((await page.getAttribute('#legend li[data-cluster="1"]', "class"))!, /active/);
  assert.match((await page.getAttribute('#legend li[data-cluster="0"]', "class"))!, /dim/);
  assert.equal(await page.textContent("#panel h2.title"), "Cooking");
  assert.match((await page.textContent("#panel"))!, /Notes about cooking\.[\s\S]*Most connected/);
  await page.click('#legend li[data-cluster="1"]');
  await waitFocus(page, null);

  // Clicking a node on the canvas selects it (hit-testing), clicking empty space clears the selection.
  const target = graph.nodes[25]!;
  const at = await screenPosition(page, target.id);
  await page.mouse.click(at.x, at.y);
  await waitSelected(page, target.id);
  assert.equal(await page.textContent("#panel h2.title"), target.title);
  const canvasBox = (await page.locator("#canvas").boundingBox())!;
  await page.mouse.click(canvasBox.x + 5, canvasBox.y + 5);
  await waitSelected(page, null);

  // Drag pans by exactly the drag; the wheel zooms around the cursor (the node under it stays put).
  const before = await screenPosition(page, target.id);
  await page.mouse.move(canvasBox.x + 300, canvasBox.y + 300);
  await page.mouse.down();
  await page.mouse.move(canvasBox.x + 340, canvasBox.y + 320, { steps: 5 });
  await page.mouse.up();
  const panned = await screenPosition(page, target.id);
  assert.deepEqual([Math.round(panned.x - before.x), Math.round(panned.y - before.y)], [40, 20]);
  const other = graph.nodes[3]!;
  const otherBefore = await screenPosition(page, other.id);
  await page.mouse.move(panned.x, panned.y);
  await page.mouse.wheel(0, -400);
  await page.waitForFunction(
    ([id, x]) => Math.abs((globalThis as unknown as G).__graphView.screenPosition(id)!.x - x) > 5,
    [other.id, otherBefore.x] as const,
  );
  const zoomed = await screenPosition(page, target.id);
  assert.ok(Math.hypot(zoomed.x - panned.x, zoomed.y - panned.y) < 1, "the point under the cursor stays");

  if (process.env.VIEWER_SCREENSHOT) await page.screenshot({ path: process.env.VIEWER_SCREENSHOT });
  assert.deepEqual(problems, []);
  await page.close();
});

test("titles are shown as text, never run as markup", async () => {
  const graph = makeGraph({ clusters: 2, nodesPerCluster: 4, edgesPerNode: 1 });
  const evil = `<img src=x onerror="window.__pwned=1"></script><script>window.__pwned=2</script>`;
  graph.nodes[1]!.title = evil;
  graph.metadata.clusters.cluster_1!.name = `<b onmouseover="window.__pwned=3">bold</b>`;
  const { page, problems } = await open(graph, "escaping");
  await page.fill("#search", "img src");
  await waitSelected(page, 1);
  assert.equal(await page.textContent("#panel h2.title"), evil);
  assert.equal(await page.textContent("#panel-cluster"), `<b onmouseover="window.__pwned=3">bold</b>`);
  assert.equal(await page.evaluate(() => (globalThis as unknown as G).__pwned), undefined);
  assert.equal(await page.locator("#panel img, #panel b, #legend b").count(), 0);
  assert.deepEqual(problems, []);
  await page.close();
});

test("10,000 nodes: the page draws them on one canvas and search still finds a node", async () => {
  const graph = makeGraph({ clusters: 40, nodesPerCluster: 250, edgesPerNode: 3 });
  const { page, problems } = await open(graph, "large");
  const state = await view(page);
  assert.equal(state.nodeCount, 10_000);
  assert.equal(state.drawnNodes, 10_000, "all nodes fit the first view");
  assert.equal((await page.locator("body *").count()) < 200, true, "no DOM element per node");
  const wanted = graph.nodes[7_777]!;
  await page.fill("#search", wanted.title);
  await waitSelected(page, wanted.id);
  assert.equal(await page.textContent("#panel h2.title"), wanted.title);
  assert.deepEqual(problems, []);
  await page.close();
});
