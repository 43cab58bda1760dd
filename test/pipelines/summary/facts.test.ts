/** The computed facts of the summary on a hand-made graph whose answers are known by construction. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { type GraphOutput, graphOutputSchema } from "../../../src/contract/files/graph.js";
import { validateOutput } from "../../../src/contract/files/validate.js";
import { mostActivePeriod, summarizeGraph, titleSimilarity } from "../../../src/pipelines/summary/index.js";
import { CLUSTER_NAMES, citedIds, handmadeGraph, ORIG_IDS } from "./fixtures.js";

const now = new Date("2025-07-01T00:00:00.000Z");

test("totals, time span, most active period and per-cluster facts", async () => {
  const { summary, ledgerUsed } = await summarizeGraph(handmadeGraph(), { language: "en", llm: null, now });
  validateOutput("summary.json", summary);
  assert.equal(ledgerUsed, null);
  assert.equal(summary.generated_at, now.toISOString());
  assert.equal(summary.detail_level, "standard");
  const o = summary.overview;
  assert.equal(o.total_source_nodes, 12);
  assert.equal(o.total_conversations, 10);
  assert.equal(o.total_notes, 2);
  assert.equal(o.time_span, "2025-01-06 ~ 2025-06-30");
  assert.equal(o.most_active_period, "weekday afternoon");
  assert.ok(o.summary_text.includes("12") && o.summary_text.includes("2025-01-06"));
  assert.ok(o.primary_interests.includes("Graph ML"));
  assert.ok(o.conversation_style.length > 0);

  const byId = new Map(summary.clusters.map((c) => [c.cluster_id, c]));
  assert.deepEqual([...byId.keys()].sort(), Object.keys(CLUSTER_NAMES).sort());
  for (const [id, name] of Object.entries(CLUSTER_NAMES)) assert.equal(byId.get(id)!.name, name);
  assert.equal(byId.get("cluster_1")!.recency, "active");
  assert.equal(byId.get("cluster_2")!.recency, "dormant");
  assert.equal(byId.get("cluster_3")!.recency, "new");
  assert.equal(byId.get("cluster_4")!.recency, "unknown");
  assert.equal(byId.get("cluster_1")!.size, 5);
  // cluster_1: 4 intra edges of 10 possible pairs; cluster_3: 1 of 1.
  assert.equal(byId.get("cluster_1")!.density, 0.4);
  assert.equal(byId.get("cluster_3")!.density, 1);
  // cluster_1 touches every cross-cluster edge, so it is the most central.
  assert.equal(byId.get("cluster_1")!.centrality, 1);
  assert.ok(byId.get("cluster_2")!.centrality === 0);
  assert.ok(byId.get("cluster_1")!.top_keywords.includes("gnn"));
  assert.ok(byId.get("cluster_2")!.common_question_types.includes("how-to"));
  for (const c of summary.clusters) {
    assert.ok(c.insight_text.includes(c.name));
    assert.ok(c.notable_conversations.length > 0);
  }
});

test("connections: strongest first, with bridge keywords shared by both ends", async () => {
  const { summary } = await summarizeGraph(handmadeGraph(), { language: "en", llm: null, now });
  const first = summary.connections[0]!;
  assert.deepEqual([first.source_cluster, first.target_cluster].sort(), ["cluster_1", "cluster_3"]);
  assert.ok(first.connection_strength > 0 && first.connection_strength <= 1);
  assert.ok(first.bridge_keywords.includes("gnn"), first.bridge_keywords.join());
  for (let i = 1; i < summary.connections.length; i++)
    assert.ok(summary.connections[i - 1]!.connection_strength >= summary.connections[i]!.connection_strength);
  assert.ok(!summary.connections.some((c) => [c.source_cluster, c.target_cluster].includes("cluster_2")));
});

test("each pattern type is found, with evidence that exists", async () => {
  const { summary } = await summarizeGraph(handmadeGraph(), { language: "en", llm: null, now });
  const of = (t: string) => summary.patterns.filter((p) => p.pattern_type === t);
  assert.deepEqual([...of("repetition")[0]!.evidence].sort(), ["b1", "b2"]);
  const prog = of("progression")[0]!;
  assert.ok(prog.evidence.includes("a1") && prog.evidence.includes("a5"));
  assert.ok(prog.evidence.every((id) => String(id).startsWith("a")));
  const gap = of("gap")[0]!;
  assert.ok(gap.evidence.includes("b3"));
  assert.ok(gap.description.includes("2025-02-11"));
  const bridge = of("bridge");
  assert.ok(bridge.some((p) => p.evidence.includes("a3") || p.evidence.includes("d1")));
  assert.ok(
    !bridge.some((p) => p.evidence.includes("c1")),
    "cluster_1–cluster_3 is a strong connection, not a bridge",
  );
  for (const id of citedIds(summary)) assert.ok(ORIG_IDS.has(String(id)), `cited id ${id} exists`);
  const types = new Set(summary.recommendations.map((r) => r.type));
  assert.ok(types.has("consolidate") && types.has("review"));
  for (const r of summary.recommendations) assert.ok(r.related_nodes.length > 0);
});

test("the most active period compares per-day rates and is N/A without timestamps", () => {
  // 3 Saturday-night items beat 5 items spread over weekday mornings (1.5/day vs 1/day).
  const sat = Date.parse("2025-03-01T23:00:00Z");
  const mon = Date.parse("2025-03-03T09:00:00Z");
  const times = [sat, sat + 1, sat + 2, mon, mon + 1, mon + 2, mon + 3, mon + 4];
  assert.deepEqual(mostActivePeriod(times), { day: "weekend", part: "night" });
  assert.equal(mostActivePeriod([]), null);
});

test("titles that say the same thing are near-duplicates, different ones are not", () => {
  assert.ok(
    titleSimilarity("How long should sourdough ferment?", "how long should sourdough ferment") >= 0.6,
  );
  assert.ok(titleSimilarity("Chord progressions on guitar", "Scaling GNN inference") < 0.2);
  assert.ok(titleSimilarity("그래프 신경망이란 무엇인가", "그래프 신경망이란 무엇인가요") >= 0.6);
});

test("the local fallback writes ko/zh/ja templates and falls back to English for other languages", async () => {
  const ko = await summarizeGraph(handmadeGraph(), { language: "ko", llm: null, now });
  assert.equal(ko.summary.overview.most_active_period, "평일 오후");
  assert.match(ko.summary.overview.summary_text, /[가-힣]/);
  const zh = await summarizeGraph(handmadeGraph(), { language: "zh-CN", llm: null, now });
  assert.equal(zh.summary.overview.most_active_period, "工作日下午");
  const ja = await summarizeGraph(handmadeGraph(), { language: "ja", llm: null, now });
  assert.equal(ja.summary.overview.most_active_period, "平日の午後");
  const fr = await summarizeGraph(handmadeGraph(), { language: "fr", llm: null, now });
  assert.equal(fr.summary.overview.most_active_period, "weekday afternoon");
  const meta = (fr.summary as Record<string, unknown>).metadata as Record<string, unknown>;
  assert.equal(meta.template_language, "en");
  assert.match(String(meta.language_note), /fr/);
  assert.equal(meta.generator, "local");
  assert.equal(meta.citation_ids, "orig_id");
});

test("an empty graph still yields every key", async () => {
  const { summary } = await summarizeGraph(
    { nodes: [], edges: [], metadata: { clusters: {} } },
    { language: "en", llm: null, now },
  );
  validateOutput("summary.json", summary);
  assert.equal(summary.overview.time_span, "N/A");
  assert.equal(summary.overview.most_active_period, "N/A");
  assert.deepEqual(summary.clusters, []);
  assert.deepEqual(summary.patterns, []);
});

test("the graph GRAPH_GENERATION builds is accepted as is (in-memory path)", async () => {
  const graph: GraphOutput = graphOutputSchema.parse(handmadeGraph());
  const { summary } = await summarizeGraph(graph, { language: "en", llm: null, now });
  validateOutput("summary.json", summary);
  assert.equal(summary.clusters.length, 4);
});
