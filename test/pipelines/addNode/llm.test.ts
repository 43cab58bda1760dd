/** The LLM's two roles in AddNode, with the AI SDK's mock model: close-call arbitration and new-cluster names. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createLlmFromModel } from "../../../src/ai/llm/index.js";
import { validateOutput } from "../../../src/contract/files/validate.js";
import { runAddNodePipeline, type StoredMember } from "../../../src/pipelines/addNode/index.js";
import { fastRuntime, promptText, reply, scripted } from "../../ai/llm/support.js";
import { item } from "./corpus.js";

const userId = "u-llm";

function unit(...xs: number[]): Float32Array {
  const v = new Float32Array(6);
  xs.forEach((x, i) => {
    v[i] = x;
  });
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

// cluster_1 around axis 0, cluster_2 around axis 1, both loose enough that a point between them fits both.
const members: StoredMember[] = [
  ...[unit(1, 0.3, 0.2), unit(1, 0.2, 0, 0.3), unit(1, 0.4, 0, 0, 0.2)].map((vector, k) => ({
    id: `${userId}_a${k}`,
    clusterId: "cluster_1",
    vector,
  })),
  ...[unit(0.3, 1, 0.2), unit(0.2, 1, 0, 0.3), unit(0.4, 1, 0, 0, 0.2)].map((vector, k) => ({
    id: `${userId}_b${k}`,
    clusterId: "cluster_2",
    vector,
  })),
];
const existingClusters = [
  { id: "cluster_1", name: "Alpha", description: "", size: 3, themes: ["a"] },
  { id: "cluster_2", name: "Beta", description: "", size: 3, themes: ["b"] },
];
const vectors: Record<string, Float32Array> = {
  between: unit(1, 0.97, 0.1),
  new1: unit(0, 0, 0, 0, 0, 1),
  new2: unit(0, 0, 0.1, 0, 0, 1),
};

test("a close call is decided by the LLM; new clusters get the LLM's names", async () => {
  const prompts: string[] = [];
  const model = scripted([
    async (options) => {
      const text = promptText(options);
      prompts.push(text);
      if (text.includes("Candidate clusters")) {
        return reply(JSON.stringify({ clusterId: "cluster_2", confidence: 0.8, reasoning: "about beta" }));
      }
      const id = /cluster_new_\d+/.exec(text)?.[0] ?? "cluster_new_1";
      return reply(
        JSON.stringify({
          clusters: [
            {
              id,
              name: "Gamma topics",
              description: "Items about gamma.",
              key_themes: ["gamma", "delta", "epsilon"],
            },
          ],
        }),
      );
    },
  ]);
  const llm = createLlmFromModel(model, fastRuntime());
  const items = [
    item("note", "between", "Between", ["alpha beta"]),
    item("note", "new1", "Gamma one", ["gamma delta"]),
    item("note", "new2", "Gamma two", ["gamma epsilon"]),
  ];
  const out = await runAddNodePipeline({
    userId,
    items,
    existingClusters,
    embed: async (texts) => texts.map((_, i) => vectors[items[i]!.origId]!),
    members,
    neighbours: async () => [],
    llm,
    arbitrationMargin: 0.2,
  });
  validateOutput("result.json", out.result);
  const [between, n1, n2] = out.result.results;
  assert.equal(out.stats.arbitrated, 1);
  assert.equal(between!.assignedCluster.clusterId, "cluster_2");
  assert.match(between!.assignedCluster.reasoning, /LLM/);
  assert.equal(n1!.assignedCluster.isNewCluster, true);
  assert.equal(n1!.assignedCluster.clusterId, n2!.assignedCluster.clusterId);
  assert.equal(n1!.assignedCluster.name, "Gamma topics");
  assert.equal(n1!.nodes[0]!.clusterName, "Gamma topics");
  assert.deepEqual(n1!.assignedCluster.themes, ["gamma", "delta", "epsilon"]);
  assert.ok(
    prompts.some((p) => p.includes("Alpha") && p.includes("Beta")),
    "the candidates' names reach the LLM",
  );
});

test("without an LLM the same batch is decided by similarity alone", async () => {
  const items = [item("note", "between", "Between", ["alpha beta"])];
  const out = await runAddNodePipeline({
    userId,
    items,
    existingClusters,
    embed: async () => [vectors.between!],
    members,
    neighbours: async () => [],
    llm: null,
    arbitrationMargin: 0.2,
  });
  assert.equal(out.stats.arbitrated, 0);
  assert.equal(out.result.results[0]!.assignedCluster.clusterId, "cluster_1", "the more similar cluster");
});
