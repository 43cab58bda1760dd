/**
 * Child of bigGraph.test.ts: summarises a graph of argv[2] nodes and prints its overview as JSON. Run with a
 * small V8 stack (--stack-size), so that spreading the node list into a call would overflow it here.
 */
import type { SummaryGraphInput } from "../../../src/pipelines/summary/index.js";
import { summarizeGraph } from "../../../src/pipelines/summary/index.js";

export /** `nodes` nodes in four clusters, a timestamp each, a ring of intra-cluster edges. */
function bigGraph(nodes: number): SummaryGraphInput {
  const names = ["Cooking", "Travel", "Graphs", "Music"];
  const clusters: Record<string, { name: string; description: string; size: number; key_themes: string[] }> =
    {};
  names.forEach((name, c) => {
    clusters[`cluster_${c + 1}`] = {
      name,
      description: `About ${name.toLowerCase()}.`,
      size: Math.ceil((nodes - c) / names.length),
      key_themes: [name.toLowerCase()],
    };
  });
  const start = Date.parse("2020-01-01T00:00:00.000Z");
  return {
    nodes: Array.from({ length: nodes }, (_, i) => {
      const c = i % names.length;
      return {
        id: i,
        orig_id: `conv-${i}`,
        title: `${names[c]} question ${i}`,
        cluster_id: `cluster_${c + 1}`,
        cluster_name: names[c]!,
        num_sections: 2,
        source_type: "chat",
        timestamp: new Date(start + i * 600_000).toISOString(),
        keywords: [{ term: names[c]!.toLowerCase(), score: 1 }],
        top_keywords: [names[c]!.toLowerCase()],
      };
    }),
    edges: Array.from({ length: nodes - names.length }, (_, i) => ({
      source: i,
      target: i + names.length,
      weight: 0.7,
      confidence: "medium",
      is_intra_cluster: true,
      type: "semantic",
    })),
    subclusters: [],
    metadata: { generated_at: "2025-07-01T00:00:00.000Z", language: "en", clusters },
  } as SummaryGraphInput;
}

if (process.argv[2]) {
  const { summary } = await summarizeGraph(bigGraph(Number(process.argv[2])), { language: "en", llm: null });
  process.stdout.write(JSON.stringify(summary.overview));
}
