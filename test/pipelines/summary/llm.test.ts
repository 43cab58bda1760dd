/** The LLM path with AI SDK mock models: grounded prompts, bounded parallel calls, per-part fallback. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createLlmFromModel } from "../../../src/ai/llm/index.js";
import { validateOutput } from "../../../src/contract/files/validate.js";
import {
  CLUSTERS_PER_CALL,
  MAX_CLUSTER_CALLS,
  type SummaryGraphInput,
  summarizeGraph,
} from "../../../src/pipelines/summary/index.js";
import { type CallOptions, fastRuntime, promptText, reply, scripted } from "../../ai/llm/support.js";
import { backendShaped, citedIds, handmadeGraph, ORIG_IDS } from "./fixtures.js";

type Kind = "overview" | "clusters" | "narrative";

function kindOf(options: CallOptions): Kind {
  const text = promptText(options);
  if (text.includes("Facts about the graph")) return "overview";
  if (text.includes("Clusters of the graph")) return "clusters";
  return "narrative";
}

function clusterIdsIn(options: CallOptions): string[] {
  return [...promptText(options).matchAll(/"cluster_id":"([^"]+)"/g)].map((m) => m[1]!);
}

/** A model that answers each kind of call sensibly, records prompts, and measures calls in flight. */
function helpfulModel(opts: { broken?: Kind[] } = {}) {
  const prompts: { kind: Kind; text: string }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const model = scripted([
    async (options) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 20));
      inFlight--;
      const kind = kindOf(options);
      prompts.push({ kind, text: promptText(options) });
      if (opts.broken?.includes(kind)) return reply("this is not JSON at all");
      if (kind === "overview")
        return reply(
          JSON.stringify({
            summary_text: "LLM overview of your graph.",
            conversation_style: "LLM style.",
            primary_interests: ["graph learning", "baking"],
          }),
        );
      if (kind === "clusters")
        return reply(
          JSON.stringify({
            clusters: [
              ...clusterIdsIn(options).map((id) => ({
                cluster_id: id,
                name: `LLM name ${id}`,
                insight_text: `LLM insight for ${id}.`,
                common_question_types: ["how-to"],
              })),
              { cluster_id: "cluster_999", insight_text: "invented", common_question_types: [] },
            ],
          }),
        );
      const findings = JSON.parse(
        promptText(options)
          .split("\n")
          .find((l) => l.startsWith("{"))!,
      ) as {
        patterns: unknown[];
        connections: unknown[];
        recommendations: unknown[];
      };
      return reply(
        JSON.stringify({
          patterns: findings.patterns.map((_, index) => ({ index, description: `LLM pattern ${index}.` })),
          connections: findings.connections.map((_, index) => ({
            index,
            description: `LLM connection ${index}.`,
          })),
          recommendations: [
            ...findings.recommendations.map((_, index) => ({
              index,
              title: `LLM rec ${index}`,
              description: "Do it.",
            })),
            { index: 99, title: "invented", description: "invented" },
          ],
        }),
      );
    },
  ]);
  return { model, prompts, maxInFlight: () => maxInFlight };
}

test("the LLM writes the prose from grounded prompts, in parallel, and never the ids", async () => {
  const { model, prompts, maxInFlight } = helpfulModel();
  const llm = createLlmFromModel(model, fastRuntime());
  const { summary, ledgerUsed } = await summarizeGraph(handmadeGraph(), { language: "ko", llm });
  validateOutput("summary.json", summary);
  assert.equal(summary.overview.summary_text, "LLM overview of your graph.");
  assert.deepEqual(summary.overview.primary_interests, ["graph learning", "baking"]);
  for (const c of summary.clusters) {
    assert.equal(c.insight_text, `LLM insight for ${c.cluster_id}.`);
    assert.equal(c.name.startsWith("LLM name"), false, "the graph's own names are kept");
  }
  assert.ok(summary.patterns.every((p) => p.description.startsWith("LLM pattern")));
  assert.ok(summary.recommendations.every((r) => r.title.startsWith("LLM rec")));
  assert.ok(!summary.recommendations.some((r) => r.title === "invented"));
  for (const id of citedIds(summary)) assert.ok(ORIG_IDS.has(String(id)));
  // Grounded: the prompts carry the computed facts and the requested language.
  const overview = prompts.find((p) => p.kind === "overview")!.text;
  assert.ok(overview.includes("2025-01-06 ~ 2025-06-30") && overview.includes("Korean"));
  const clusters = prompts.find((p) => p.kind === "clusters")!.text;
  assert.ok(clusters.includes('"recency":"dormant"') && clusters.includes("Sourdough"));
  assert.equal(prompts.length, 3, "overview + one cluster batch + narrative");
  assert.ok(maxInFlight() > 1, "calls run in parallel");
  const meta = (summary as Record<string, unknown>).metadata as Record<string, unknown>;
  assert.equal(meta.generator, "llm");
  assert.equal(meta.llm_calls, 3);
  assert.equal(ledgerUsed?.calls, 3);
});

test("derived names (backend graph) are replaced by the LLM's names", async () => {
  const { model } = helpfulModel();
  const llm = createLlmFromModel(model, fastRuntime());
  const { summary } = await summarizeGraph(backendShaped({ themes: false }), { language: "en", llm });
  validateOutput("summary.json", summary);
  for (const c of summary.clusters) assert.equal(c.name, `LLM name ${c.cluster_id}`);
});

test("invalid output for one part falls back to the local text for that part only", async () => {
  const { model } = helpfulModel({ broken: ["clusters"] });
  const llm = createLlmFromModel(model, fastRuntime());
  const { summary } = await summarizeGraph(handmadeGraph(), { language: "en", llm });
  validateOutput("summary.json", summary);
  assert.equal(summary.overview.summary_text, "LLM overview of your graph.");
  for (const c of summary.clusters) {
    assert.ok(c.insight_text.includes(c.name), "local insight kept");
    assert.ok(!c.insight_text.startsWith("LLM"));
  }
  const meta = (summary as Record<string, unknown>).metadata as Record<string, unknown>;
  assert.equal(meta.generator, "mixed");
  assert.deepEqual(meta.llm_failures, ["summary-clusters-1"]);
});

test("a model that fails every call gives the full local summary, not a crash", async () => {
  const llm = createLlmFromModel(scripted([new Error("boom")]), fastRuntime({}));
  const { summary } = await summarizeGraph(handmadeGraph(), { language: "en", llm });
  validateOutput("summary.json", summary);
  assert.ok(summary.overview.summary_text.includes("12"));
  const meta = (summary as Record<string, unknown>).metadata as Record<string, unknown>;
  assert.equal(meta.generator, "local");
  assert.equal((meta.llm_failures as string[]).length, 3);
});

test("the number of calls is bounded however many clusters there are", async () => {
  const nodes: SummaryGraphInput["nodes"] = [];
  const clusters: Record<string, { name: string; description: string; size: number; key_themes: string[] }> =
    {};
  for (let c = 0; c < 40; c++) {
    clusters[`cluster_${c + 1}`] = { name: `Topic ${c + 1}`, description: "", size: 2, key_themes: [] };
    for (let k = 0; k < 2; k++)
      nodes.push({ id: c * 2 + k, orig_id: `n${c}-${k}`, cluster_id: `cluster_${c + 1}`, timestamp: null });
  }
  const { model, prompts } = helpfulModel();
  const llm = createLlmFromModel(model, fastRuntime());
  const { summary } = await summarizeGraph(
    { nodes, edges: [], metadata: { clusters } },
    { language: "en", llm },
  );
  validateOutput("summary.json", summary);
  const clusterCalls = prompts.filter((p) => p.kind === "clusters").length;
  assert.equal(clusterCalls, MAX_CLUSTER_CALLS);
  assert.ok(prompts.length <= 2 + MAX_CLUSTER_CALLS);
  const llmWritten = summary.clusters.filter((c) => c.insight_text.startsWith("LLM")).length;
  assert.equal(llmWritten, CLUSTERS_PER_CALL * MAX_CLUSTER_CALLS, "the rest keep local text");
});

test("when the LLM names derived clusters, the local sentences that stay use the new names", async () => {
  const { model } = helpfulModel({ broken: ["narrative"] });
  const llm = createLlmFromModel(model, fastRuntime());
  const { summary } = await summarizeGraph(backendShaped({ themes: false }), { language: "en", llm });
  const text = JSON.stringify([summary.patterns, summary.connections, summary.recommendations]);
  assert.ok(!/“Topic \d+”/.test(text), text);
  assert.ok(text.includes("“LLM name cluster_"), text);
});
