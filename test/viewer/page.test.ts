/** The generated HTML: self-contained, carries the data, escapes what it must, rejects what is not a graph. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { TaskError } from "../../src/contract/errors.js";
import { graphOutputSchema } from "../../src/contract/files/graph.js";
import { renderGraphHtml } from "../../src/viewer/index.js";
import { PAGE_SCRIPT } from "../../src/viewer/pageScript.js";
import type { ViewData } from "../../src/viewer/viewData.js";
import { makeGraph } from "./fixtures.js";

/** The JSON inside <script id="graph-data">, parsed. */
function embeddedData(html: string): ViewData {
  const m = /<script id="graph-data" type="application\/json">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(m, "the page has a graph-data script block");
  return JSON.parse(m[1]!) as ViewData;
}

test("the fixture is a valid graph.json by the contract", () => {
  assert.equal(
    graphOutputSchema.safeParse(makeGraph({ clusters: 3, nodesPerCluster: 10, edgesPerNode: 2 })).success,
    true,
  );
});

test("the page is self-contained: no external src/href, no link or script files, a CSP that forbids fetches", () => {
  const html = renderGraphHtml(makeGraph({ clusters: 3, nodesPerCluster: 10, edgesPerNode: 2 }));
  assert.doesNotMatch(html, /\b(src|href)\s*=/i, "no src= or href= attribute at all");
  assert.doesNotMatch(html, /https?:\/\//i, "no URL anywhere (the fixture has none in its data)");
  assert.doesNotMatch(html, /<link\b|@import|url\(/i);
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
  assert.equal((html.match(/<script\b/g) ?? []).length, 2, "one data block and one inline script");
  assert.match(html, /<style>[\s\S]+<\/style>/);
});

test("the page carries every node, edge and cluster of the graph", () => {
  const graph = makeGraph({ clusters: 3, nodesPerCluster: 10, edgesPerNode: 2 });
  const data = embeddedData(renderGraphHtml(graph));
  assert.deepEqual(
    data.nodes.map((n) => [n.id, n.t, data.clusters[n.c]!.id, n.s, n.ts, n.o]),
    graph.nodes.map((n) => [n.id, n.title, n.cluster_id, n.source_type, n.timestamp, n.orig_id]),
  );
  assert.deepEqual(
    data.nodes.map((n) => n.k),
    graph.nodes.map((n) => n.keywords.map((k) => [k.term, k.score])),
  );
  assert.deepEqual(
    data.edges.map(([a, b, w, high]) => [data.nodes[a]!.id, data.nodes[b]!.id, w, high === 1]),
    graph.edges.map((e) => [e.source, e.target, e.weight, e.confidence === "high"]),
  );
  assert.deepEqual(
    data.clusters.map((c) => [c.id, c.name, c.description, c.size, c.themes]),
    Object.entries(graph.metadata.clusters).map(([id, c]) => [
      id,
      c.name,
      c.description,
      c.size,
      c.key_themes,
    ]),
  );
  for (const n of data.nodes)
    assert.ok(Number.isFinite(n.x) && Number.isFinite(n.y), `node ${n.id} has a position`);
});

test("</script> and <!-- in titles, keywords and cluster names cannot end the data block", () => {
  const graph = makeGraph({ clusters: 2, nodesPerCluster: 3, edgesPerNode: 1 });
  const evil = `</script><script>window.__pwned = 1</script><!-- </SCRIPT >`;
  graph.nodes[0]!.title = evil;
  graph.nodes[1]!.keywords[0]!.term = evil;
  graph.metadata.clusters.cluster_1!.name = evil;
  graph.nodes[2]!.title = "line\u2028separator";
  const html = renderGraphHtml(graph, { title: `<b>"quoted" & </script>` });
  assert.equal((html.match(/<\/script/gi) ?? []).length, 2, "only the two closing tags of the page itself");
  assert.doesNotMatch(html, /<!--/);
  assert.match(html, /<title>&#60;b&#62;&#34;quoted&#34; &#38; &#60;\/script&#62;<\/title>/);
  const data = embeddedData(html);
  assert.equal(data.nodes[0]!.t, evil);
  assert.equal(data.nodes[1]!.k[0]![0], evil);
  assert.equal(data.clusters[0]!.name, evil);
  assert.equal(data.nodes[2]!.t, "line\u2028separator");
});

test("the same graph renders to the same bytes (the layout is deterministic)", () => {
  const graph = makeGraph({ clusters: 4, nodesPerCluster: 25, edgesPerNode: 3 });
  assert.equal(renderGraphHtml(graph), renderGraphHtml(structuredClone(graph)));
});

test("the page script is valid JavaScript and holds nothing that could end its <script> element", () => {
  assert.doesNotThrow(() => new Function(PAGE_SCRIPT));
  assert.doesNotMatch(PAGE_SCRIPT, /<\/script|<!--/i);
});

test("what is not a graph.json is rejected with INVALID_INPUT naming the missing parts", () => {
  const cases: [unknown, RegExp][] = [
    [null, /expected object/],
    [[], /expected object/],
    [{ nodes: {}, edges: [], metadata: {} }, /nodes/],
    [{ nodes: [], edges: [] }, /metadata/],
    [{ nodes: [{ title: "no id" }], edges: [], metadata: {} }, /nodes\[0\]\.id|nodes.*id/s],
    [{ nodes: [], edges: [{ source: 1 }], metadata: {} }, /target/],
  ];
  for (const [input, message] of cases) {
    assert.throws(
      () => renderGraphHtml(input),
      (err: unknown) =>
        err instanceof TaskError &&
        err.code === "INVALID_INPUT" &&
        /not a graph\.json/.test(err.message) &&
        message.test(err.message),
      JSON.stringify(input),
    );
  }
});

test("lenient where the viewer can be: unknown clusters get their own entry, broken edges are dropped and counted", () => {
  const graph = makeGraph({ clusters: 2, nodesPerCluster: 3, edgesPerNode: 1 });
  graph.nodes[0]!.cluster_id = "cluster_missing";
  graph.nodes[0]!.cluster_name = "Orphans";
  graph.edges.push({
    source: 0,
    target: 999,
    weight: 0.5,
    type: "semantic",
    is_intra_cluster: false,
    confidence: "medium",
  });
  graph.edges.push({
    source: 1,
    target: 1,
    weight: 0.5,
    type: "semantic",
    is_intra_cluster: true,
    confidence: "medium",
  });
  const data = embeddedData(renderGraphHtml(graph));
  const orphan = data.clusters[data.nodes[0]!.c]!;
  assert.deepEqual(
    [orphan.id, orphan.name, orphan.size, orphan.declaredSize],
    ["cluster_missing", "Orphans", 1, null],
  );
  assert.equal(data.droppedEdges, 2);
  assert.equal(data.edges.length, graph.edges.length - 2);
});

test("an empty graph still renders", () => {
  const data = embeddedData(renderGraphHtml({ nodes: [], edges: [], metadata: { clusters: {} } }));
  assert.deepEqual([data.nodes.length, data.edges.length, data.clusters.length], [0, 0, 0]);
});
