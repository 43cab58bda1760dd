import assert from "node:assert/strict";
import { test } from "node:test";
import { fitLocalEmbedder } from "../../../src/ai/embeddings/local/index.js";
import { validateOutput } from "../../../src/contract/files/validate.js";
import {
  dot,
  type Neighbour,
  runAddNodePipeline,
  type StoredMember,
} from "../../../src/pipelines/addNode/index.js";
import { BAKING, GARDEN, GRAPH, item } from "./corpus.js";

const userId = "4f1d2c3b-1a2b-4c3d-8e9f-0a1b2c3d4e5f";

async function setup() {
  // The "graph generation" corpus: graph and baking clusters; gardening words are known to the embedder
  // (GARDEN[2] was a node of a cluster the backend has since removed, so its cluster id is ignored).
  const docs = [...GRAPH, ...BAKING, GARDEN[2]!];
  const fitted = fitLocalEmbedder(docs, { seed: 1 });
  const members: StoredMember[] = docs.map((_, i) => ({
    id: `${userId}_old${i}`,
    clusterId:
      i < GRAPH.length ? "cluster_1" : i < GRAPH.length + BAKING.length ? "cluster_2" : "cluster_gone",
    vector: fitted.vectors[i]!,
  }));
  const neighbours = async (vs: Float32Array[], k: number): Promise<Neighbour[][]> =>
    vs.map((v) =>
      members
        .map((m) => ({ id: m.id, similarity: dot(v, m.vector), clusterId: m.clusterId }))
        .sort((a, b) => b.similarity - a.similarity)
        .slice(0, k),
    );
  const existingClusters = [
    { id: "cluster_1", name: "Graph learning", description: "", size: 6, themes: ["GNN"] },
    { id: "cluster_2", name: "Sourdough", description: "", size: 6, themes: ["bread"] },
  ];
  return { embedder: fitted.embedder, members, neighbours, existingClusters };
}

test("new items: existing-topic items join their clusters, similar outliers form one new named cluster", async () => {
  const { embedder, members, neighbours, existingClusters } = await setup();
  const items = [
    item("conversation", "old0", "Graph neural networks", [
      GRAPH[0]!,
      "how does message passing aggregate node features",
    ]),
    item("note", "n-bread", "Baking notes", ["sourdough dough fermentation and baking bread in the oven"]),
    item("note", "n-garden1", "Tomatoes", [GARDEN[0]!]),
    item("file", "f-garden2", "garden.pdf", [GARDEN[1]!]),
    item("note", "n-empty", "", []),
  ];
  const out = await runAddNodePipeline({
    userId,
    items,
    existingClusters,
    embed: (t) => embedder.embed(t),
    members,
    neighbours,
    language: "en",
  });
  validateOutput("result.json", out.result);
  const r = out.result.results;
  assert.equal(r.length, items.length, "one result per item");
  for (const [i, res] of r.entries()) {
    assert.equal(res.nodes.length, 1, "exactly one node per item");
    assert.equal(res.nodes[0]!.origId, items[i]!.origId);
    assert.equal(res.nodes[0]!.id, `${userId}_${items[i]!.origId}`);
  }
  assert.equal(r[0]!.conversationId, "old0");
  assert.equal(r[0]!.nodes[0]!.numMessages, 2);
  assert.equal(r[1]!.noteId, "n-bread");
  assert.equal(r[3]!.fileId, "f-garden2");
  assert.equal(r[0]!.assignedCluster.clusterId, "cluster_1");
  assert.equal(r[1]!.assignedCluster.clusterId, "cluster_2");
  const g1 = r[2]!.assignedCluster;
  const g2 = r[3]!.assignedCluster;
  assert.equal(g1.isNewCluster, true);
  assert.equal(g1.clusterId, g2.clusterId, "the gardening items share one new cluster");
  assert.ok(!existingClusters.some((c) => c.id === g1.clusterId));
  assert.notEqual(g1.clusterId, "cluster_gone");
  assert.ok(g1.name.length > 0 && g1.themes.length > 0, "the new cluster is named and themed");
  assert.equal(r[4]!.assignedCluster.isNewCluster, false, "an item without text goes to an existing cluster");
  assert.equal(out.records.length, 4, "items without text are not indexed");

  // Edge endpoint rules.
  const batchIds = new Set(r.map((x) => x.nodes[0]!.id));
  const storedIds = new Set(members.map((m) => m.id));
  let edges = 0;
  for (const res of r) {
    for (const e of res.edges) {
      edges++;
      assert.ok(e.type === "hard" || e.type === "insight");
      assert.notEqual(e.source, e.target);
      assert.ok(batchIds.has(e.source));
      assert.ok(batchIds.has(e.target) || storedIds.has(e.target), e.target);
      assert.notEqual(e.target, `${userId}_old0`, "no edge from an item to its own old record");
      assert.ok(e.weight > 0 && e.weight <= 1);
    }
  }
  assert.ok(edges > 0);
  const gardenEdge = r[2]!.edges.find((e) => e.target === `${userId}_f-garden2`);
  assert.ok(gardenEdge, "the batch's own similar items are linked");
  assert.equal(gardenEdge.intraCluster, true);
});

test("no existing clusters (the test variant): every item still gets a node in a declared new cluster", async () => {
  const { embedder, neighbours } = await setup();
  const items = [
    item("conversation", "t1", "Bread", [BAKING[0]!]),
    item("conversation", "t2", "Graphs", [GRAPH[0]!]),
  ];
  const out = await runAddNodePipeline({
    userId,
    items,
    existingClusters: [],
    embed: (t) => embedder.embed(t),
    members: [],
    neighbours,
  });
  validateOutput("result.json", out.result);
  const declared = new Set(
    out.result.results.filter((x) => x.assignedCluster.isNewCluster).map((x) => x.assignedCluster.clusterId),
  );
  for (const x of out.result.results) assert.ok(declared.has(x.nodes[0]!.clusterId));
});

test("clusters without stored vectors are matched by their names and themes", async () => {
  const { embedder, neighbours } = await setup();
  const out = await runAddNodePipeline({
    userId,
    items: [item("note", "n-bread2", "Bread", [BAKING[2]!])],
    existingClusters: [
      {
        id: "cluster_1",
        name: "Graph neural networks",
        description: "node embeddings",
        size: 6,
        themes: ["graph"],
      },
      {
        id: "cluster_2",
        name: "Sourdough bread baking",
        description: "oven and dough",
        size: 6,
        themes: ["sourdough"],
      },
    ],
    embed: (t) => embedder.embed(t),
    members: [],
    neighbours,
  });
  const ac = out.result.results[0]!.assignedCluster;
  assert.equal(ac.isNewCluster, false);
  assert.equal(ac.clusterId, "cluster_2");
});
