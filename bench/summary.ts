/**
 * bench:summary — the summary of a graph.json: wall time of the local (no-LLM) summary, and the number of LLM
 * calls per summary with an LLM (an AI SDK mock model that answers every call; no network), plus the counts
 * the summary found (clusters, connections, patterns by type, recommendations).
 * Build the dev graph first: node dist/src/cli.js graph ../shared/datasets/debian-dev --out /tmp/devgraph
 * Usage: npm run bench:summary [-- /tmp/devgraph/graph.json]
 */
import { readFileSync } from "node:fs";
import { MockLanguageModelV3 } from "ai/test";
import { createLlmFromModel } from "../src/ai/llm/index.js";
import { validateOutput } from "../src/contract/files/validate.js";
import { parseSummaryGraph, summarizeGraph } from "../src/pipelines/summary/index.js";

const file = process.argv[2] ?? "/tmp/devgraph/graph.json";
const graph = parseSummaryGraph(JSON.parse(readFileSync(file, "utf8")));

const t0 = performance.now();
const local = await summarizeGraph(graph, { language: "en", llm: null });
const localMs = performance.now() - t0;
validateOutput("summary.json", local.summary);

let calls = 0;
const model = new MockLanguageModelV3({
  doGenerate: async () => {
    calls++;
    return {
      content: [{ type: "text", text: "{}" }],
      finishReason: { unified: "stop", raw: "stop" },
      usage: {
        inputTokens: { total: 1, noCache: 1, cacheRead: undefined, cacheWrite: undefined },
        outputTokens: { total: 1, text: 1, reasoning: undefined },
      },
      warnings: [],
    };
  },
});
const llm = createLlmFromModel(model, { sleep: async () => {} });
const withLlm = await summarizeGraph(graph, { language: "en", llm });
const meta = (withLlm.summary as Record<string, unknown>).metadata as { llm_calls: number };
const byType: Record<string, number> = {};
for (const p of local.summary.patterns) byType[p.pattern_type] = (byType[p.pattern_type] ?? 0) + 1;
console.log(
  JSON.stringify(
    {
      graph: file,
      nodes: graph.nodes.length,
      edges: graph.edges?.length ?? 0,
      local_summary_ms: Math.round(localMs),
      clusters: local.summary.clusters.length,
      connections: local.summary.connections.length,
      patterns: byType,
      recommendations: local.summary.recommendations.length,
      llm_calls_per_summary: meta.llm_calls,
      llm_requests_including_repairs: calls,
    },
    null,
    2,
  ),
);
