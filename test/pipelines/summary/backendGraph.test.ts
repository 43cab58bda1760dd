/** The backend's GRAPH_SUMMARY input (contract §2.3): empty names, no keywords, cluster_-1, representative -1. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { validateOutput } from "../../../src/contract/files/validate.js";
import { parseSummaryGraph, summarizeGraph } from "../../../src/pipelines/summary/index.js";
import { backendShaped, citedIds, ORIG_IDS } from "./fixtures.js";

for (const themes of [true, false]) {
  test(`a backend-shaped graph (${themes ? "with" : "without"} key_themes) gives a valid summary with derived names`, async () => {
    const graph = parseSummaryGraph(JSON.parse(JSON.stringify(backendShaped({ themes }))));
    const { summary } = await summarizeGraph(graph, { language: "en", llm: null });
    validateOutput("summary.json", summary);
    const ids = summary.clusters.map((c) => c.cluster_id).sort();
    assert.deepEqual(
      ids,
      ["cluster_1", "cluster_2", "cluster_3", "cluster_4"],
      "graph ids only, no cluster_-1",
    );
    const names = summary.clusters.map((c) => c.name);
    for (const n of names) assert.ok(n.trim().length > 0, "no blank names");
    assert.equal(new Set(names.map((n) => n.toLowerCase())).size, names.length, "names are distinct");
    if (themes) assert.equal(summary.clusters.find((c) => c.cluster_id === "cluster_1")!.name, "graph ml");
    for (const c of summary.clusters) {
      assert.ok(c.insight_text.length > 0);
      assert.ok(!c.insight_text.includes("undefined"));
    }
    assert.equal(summary.overview.total_source_nodes, 13, "the unclustered node is still counted");
    assert.equal(summary.overview.time_span, "2025-01-06 ~ 2025-06-30");
    const meta = (summary as Record<string, unknown>).metadata as Record<string, unknown>;
    assert.equal(meta.unclustered_nodes, 1);
    assert.equal((meta.derived_cluster_names as string[]).length, 4);
    // Without titles, a near-duplicate is an intra-cluster edge of weight ≥ 0.92 (b1–b2, 0.97).
    const rep = summary.patterns.find((p) => p.pattern_type === "repetition");
    assert.deepEqual([...(rep?.evidence ?? [])].sort(), ["b1", "b2"]);
    assert.ok(summary.patterns.some((p) => p.pattern_type === "gap"));
    const known = new Set([...ORIG_IDS, "loose-1"]);
    for (const id of citedIds(summary)) assert.ok(known.has(String(id)), `cited id ${id} exists`);
  });
}

test("a graph.json that is not a graph is a terminal VALIDATION_ERROR", () => {
  assert.throws(() => parseSummaryGraph({ nodes: [{ id: "x" }] }), { code: "VALIDATION_ERROR" });
});
