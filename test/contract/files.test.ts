import assert from "node:assert/strict";
import { test } from "node:test";
import {
  addNodeResultFileSchema,
  blockGraphFileSchema,
  EmbeddingRow,
  featuresFileSchema,
  graphOutputSchema,
  graphToWriteIssues,
  OUTPUT_FILE_SCHEMAS,
  type OutputFileName,
  standardizedFileSchema,
  summaryFileSchema,
  TaskError,
  timingFileSchema,
  validateOutput,
} from "../../src/contract/index.js";
import {
  addNodeResultJson,
  blockGraphJson,
  featuresExample,
  graphJson,
  json,
  standardizedJson,
  summaryJson,
} from "./examples.js";

// Tests mutate deep example JSON freely; typing every level would only add noise.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Obj = Record<string, any>;

/** The messages of every issue, for asserting which rule fired. */
function issues(
  schema: { safeParse(v: unknown): { success: boolean; error?: { issues: { message: string }[] } } },
  value: unknown,
): string {
  const r = schema.safeParse(value);
  return r.success ? "" : (r.error?.issues ?? []).map((i) => i.message).join(" | ");
}

test("the contract's result-file examples all validate", () => {
  const examples: Array<[OutputFileName, unknown]> = [
    ["graph.json", json(graphJson)],
    ["features.json", featuresExample()],
    ["summary.json", json(summaryJson)],
    ["result.json", json(addNodeResultJson)],
    ["standardized.json", json(standardizedJson)],
    ["block_graph.json", json(blockGraphJson)],
    ["timing.json", { step1_embedding_seconds: 1.25, total_seconds: 9.5, stages: { clustering: 2 } }],
  ];
  for (const [name, value] of examples) {
    const r = OUTPUT_FILE_SCHEMAS[name].safeParse(value);
    assert.ok(r.success, `${name}: ${JSON.stringify(r.error?.issues.slice(0, 3))}`);
  }
});

test("graph.json: a node cluster_id missing from metadata.clusters is rejected", () => {
  const g = json<Obj>(graphJson);
  g.nodes[1].cluster_id = "cluster_7";
  assert.match(issues(graphOutputSchema, g), /cluster_7.*not a key of metadata\.clusters/);
});

test("graph.json: key_themes must be a string array", () => {
  const g = json<Obj>(graphJson);
  g.metadata.clusters.cluster_1.key_themes = "GNN, knowledge graphs";
  assert.notEqual(issues(graphOutputSchema, g), "");
});

test("graph.json: node ids are unique integers, edges join existing nodes once, without self-loops", () => {
  const cases: Array<[string, (g: Obj) => void, RegExp]> = [
    ["duplicate id", (g) => (g.nodes[2].id = 0), /duplicate node id 0/],
    ["string id", (g) => (g.nodes[0].id = "0"), /expected number/],
    ["fractional id", (g) => (g.nodes[0].id = 0.5), /expected int/],
    ["dangling edge", (g) => (g.edges[0].target = 9), /node 9 does not exist/],
    ["self-loop", (g) => (g.edges[0].target = 0), /self-loop/],
    ["duplicate pair", (g) => g.edges.push({ ...g.edges[0], weight: 0.5 }), /duplicate edge 0->1/],
    ["zero weight", (g) => (g.edges[0].weight = 0), />0/],
    ["weight above 1", (g) => (g.edges[0].weight = 1.2), /<=1/],
    ["no is_intra_cluster", (g) => delete g.edges[0].is_intra_cluster, /boolean/],
    ["empty orig_id", (g) => (g.nodes[0].orig_id = ""), /./],
    ["source_type word", (g) => (g.nodes[2].source_type = "word"), /./],
    ["subcluster without id", (g) => (g.subclusters[0].id = ""), /./],
    ["subcluster unknown node", (g) => g.subclusters[0].node_ids.push(5), /node 5 does not exist/],
    ["metadata not an object", (g) => (g.metadata = []), /./],
    ["no metadata", (g) => delete g.metadata, /./],
  ];
  for (const [label, mutate, expected] of cases) {
    const g = json<Obj>(graphJson);
    mutate(g);
    const found = issues(graphOutputSchema, g);
    assert.match(found, expected, label);
    // The check before writing (a slice at a time, no parsed copy) applies the same rule.
    const written = graphToWriteIssues(g).map((i) => i.message);
    assert.ok(written.length > 0, `${label}: also refused before writing`);
    assert.ok(
      written.some((m) => expected.test(m)),
      `${label}: ${written.join("; ")}`,
    );
  }
  const reverse = json<Obj>(graphJson);
  reverse.edges.push({ ...reverse.edges[0], source: 1, target: 0 });
  assert.equal(issues(graphOutputSchema, reverse), "", "a reverse pair is a different edge");
  assert.deepEqual(graphToWriteIssues(reverse), []);
  assert.deepEqual(graphToWriteIssues(json(graphJson)), []);
});

test("graph.json before writing: a long graph is checked in slices, and an issue names its real index", () => {
  const g = json<Obj>(graphJson);
  const node = g.nodes[0];
  g.nodes = Array.from({ length: 5_000 }, (_, i) => ({ ...node, id: i, orig_id: `n${i}` }));
  g.edges = Array.from({ length: 4_999 }, (_, i) => ({ ...g.edges[0], source: i, target: i + 1 }));
  g.subclusters = [];
  assert.deepEqual(graphToWriteIssues(g), []);
  g.nodes[4_321] = { ...g.nodes[4_321], source_type: "word" };
  assert.deepEqual(
    graphToWriteIssues(g).map((i) => i.path.slice(0, 3)),
    [["nodes", 4_321, "source_type"]],
  );
  g.nodes[4_321].source_type = node.source_type;
  g.edges.push({ ...g.edges[2_500] });
  assert.deepEqual(graphToWriteIssues(g), [{ path: ["edges", 4_999], message: "duplicate edge 2500->2501" }]);
});

test("features.json as written: vector views pass the same rules without a parsed copy, and serialise as rows", () => {
  const entry = (id: number) => ({ ...(featuresExample() as Obj).conversations[0], id, orig_id: `n${id}` });
  const rows = new Float32Array([0.1234567, -0.5, 0.25, 1 / 3, 0, 0]);
  const ok = {
    conversations: [entry(0), entry(1), entry(2)],
    embeddings: [0, 1, 2].map((r) => new EmbeddingRow(rows.subarray(r * 2, r * 2 + 2))),
  };
  assert.equal(validateOutput("features.json", ok), ok, "the same object back, not a copy");
  const read = featuresFileSchema.parse(JSON.parse(JSON.stringify(ok)));
  assert.deepEqual(read.embeddings, [
    [0.123457, -0.5],
    [0.25, 0.333333],
    [0, 0],
  ]);
  const rejected = (f: unknown) => {
    try {
      validateOutput("features.json", f);
      return "";
    } catch (err) {
      assert.ok(err instanceof TaskError);
      assert.equal(err.code, "VALIDATION_ERROR");
      return err.message;
    }
  };
  assert.match(
    rejected({ ...ok, embeddings: ok.embeddings.slice(0, 2) }),
    /2 embeddings for 3 conversations/,
  );
  const nan = new Float32Array([0.1, Number.NaN]);
  assert.match(
    rejected({ ...ok, embeddings: [...ok.embeddings.slice(0, 2), new EmbeddingRow(nan)] }),
    /embeddings\[2\]\[1\]: not a finite number/,
  );
  assert.match(
    rejected({ ...ok, embeddings: [...ok.embeddings.slice(0, 2), [1, 2, 3]] }),
    /dimension 3, expected 2/,
  );
  // Entries are checked a slice at a time: an issue deep in a long file names its real index.
  const many = Array.from({ length: 4_500 }, (_, i) => entry(i));
  many[4_321] = { ...entry(4_321), keywords: ["gnn"] } as never;
  const manyRows = many.map(() => new EmbeddingRow(new Float32Array([1, 0])));
  assert.match(rejected({ conversations: many, embeddings: manyRows }), /conversations\[4321\]\.keywords/);
  assert.match(rejected({ conversations: {}, embeddings: [] }), /conversations/);
});

test("features.json: one embedding per entry, one dimension, keywords as {term,score}", () => {
  const f = featuresExample() as Obj;
  f.embeddings.push([0.1, 0.2]);
  assert.match(issues(featuresFileSchema, f), /2 embeddings for 1 conversations/);
  const g = featuresExample() as Obj;
  g.conversations.push({ ...g.conversations[0], id: 1, orig_id: "n1" });
  g.embeddings.push([0.1, 0.2]);
  assert.match(issues(featuresFileSchema, g), /dimension 2, expected 384/);
  const h = featuresExample() as Obj;
  h.conversations[0].keywords = ["gnn"];
  assert.notEqual(issues(featuresFileSchema, h), "");
  const i = featuresExample() as Obj;
  i.conversations = {};
  assert.notEqual(issues(featuresFileSchema, i), "");
});

test("summary.json: every key present, enums enforced", () => {
  const s = json<Obj>(summaryJson);
  for (const key of [
    "overview",
    "clusters",
    "patterns",
    "connections",
    "recommendations",
    "generated_at",
    "detail_level",
  ]) {
    const copy = json<Obj>(summaryJson);
    delete copy[key];
    assert.notEqual(issues(summaryFileSchema, copy), "", key);
  }
  const bad: Array<(x: Obj) => void> = [
    (x) => (x.clusters[0].recency = "recent"),
    (x) => (x.detail_level = "full"),
    (x) => x.patterns.push({ pattern_type: "trend", description: "", evidence: [], significance: "high" }),
    (x) =>
      x.recommendations.push({
        type: "read",
        title: "",
        description: "",
        related_nodes: [],
        priority: "low",
      }),
    (x) => (x.overview.time_span = "last year"),
    (x) => delete x.overview.summary_text,
    (x) => (x.clusters = {}),
  ];
  for (const mutate of bad) {
    const copy = json<Obj>(summaryJson);
    mutate(copy);
    assert.notEqual(issues(summaryFileSchema, copy), "", mutate.toString());
  }
  s.patterns.push({ pattern_type: "bridge", description: "d", evidence: ["c1", 2], significance: "medium" });
  s.connections.push({
    source_cluster: "cluster_1",
    target_cluster: "cluster_2",
    connection_strength: 0.4,
    bridge_keywords: [],
    description: "",
  });
  s.recommendations.push({
    type: "explore",
    title: "t",
    description: "d",
    related_nodes: [],
    priority: "high",
  });
  assert.equal(issues(summaryFileSchema, s), "");
});

test("add-node result.json: edge type only hard|insight, every node has origId and clusterId", () => {
  const cases: Array<[string, (r: Obj) => void]> = [
    ["edge type similarity", (r) => (r.results[0].edges[0].type = "similarity")],
    ["edge without type", (r) => delete r.results[0].edges[0].type],
    ["node without origId", (r) => delete r.results[0].nodes[0].origId],
    ["node without clusterId", (r) => delete r.results[1].nodes[0].clusterId],
    ["item without an id", (r) => delete r.results[1].noteId],
    ["new cluster without id", (r) => (r.results[1].assignedCluster.clusterId = "")],
    ["self-loop edge", (r) => (r.results[0].edges[0].target = "u1_c2")],
    ["results not an array", (r) => (r.results = {})],
  ];
  for (const [label, mutate] of cases) {
    const r = json<Obj>(addNodeResultJson);
    mutate(r);
    assert.notEqual(issues(addNodeResultFileSchema, r), "", label);
  }
  const skipped = json<Obj>(addNodeResultJson);
  skipped.results.push({
    fileId: "01KT1AKKD3VPE7YGN7QXT46T2E",
    nodes: [],
    edges: [],
    skipped: true,
    error: "unreadable",
  });
  assert.equal(issues(addNodeResultFileSchema, skipped), "");
});

test("standardized.json must be an array; edges always carry evidence and confidence", () => {
  const chunk = json<Obj[]>(standardizedJson)[0];
  assert.notEqual(issues(standardizedFileSchema, chunk), "", "a bare object is not a standardized.json");
  assert.notEqual(issues(standardizedFileSchema, { standardized_graphs: [chunk] }), "");
  for (const key of ["evidence", "confidence"]) {
    const s = json<Obj[]>(standardizedJson);
    delete s[0]?.edges[0][key];
    assert.notEqual(issues(standardizedFileSchema, s), "", key);
  }
  const typed = json<Obj[]>(standardizedJson);
  typed[0]!.nodes[0].type = ["Method", "Concept"];
  typed[0]!.nodes[0].year = 2009; // schema-defined extra field
  assert.equal(issues(standardizedFileSchema, typed), "");
});

test("block_graph.json: block edge types from the enum, at least one block, references exist", () => {
  const withEdge = (type: string) => {
    const b = json<Obj>(blockGraphJson);
    b.block_graph.blocks.push({ ...b.block_graph.blocks[0], block_id: "b2", order_index: 1 });
    b.block_graph.edges.push({ source: "b1", target: "b2", type });
    return b;
  };
  assert.equal(issues(blockGraphFileSchema, withEdge("PREREQUISITE_OF")), "");
  assert.notEqual(issues(blockGraphFileSchema, withEdge("RELATED_TO")), "");
  assert.notEqual(issues(blockGraphFileSchema, withEdge("follows")), "");
  const cases: Array<[string, (b: Obj) => void]> = [
    ["no blocks", (b) => (b.block_graph.blocks = [])],
    [
      "no block_graph key",
      (b) => Object.assign(b, { blocks: b.block_graph.blocks }, { block_graph: undefined }),
    ],
    ["key_concepts not an array", (b) => (b.block_graph.blocks[0].key_concepts = "GNN")],
    ["no micro_graph", (b) => delete b.block_graph.blocks[0].micro_graph],
    ["path to an unknown block", (b) => b.block_graph.paths.push(["b1", "b9"])],
    [
      "edge to an unknown block",
      (b) => b.block_graph.edges.push({ source: "b1", target: "b9", type: "FOLLOWS" }),
    ],
    ["duplicate block ids", (b) => b.block_graph.blocks.push({ ...b.block_graph.blocks[0] })],
  ];
  for (const [label, mutate] of cases) {
    const b = json<Obj>(blockGraphJson);
    mutate(b);
    assert.notEqual(issues(blockGraphFileSchema, b), "", label);
  }
});

test("timing.json: a free-form object of non-negative timings", () => {
  assert.equal(issues(timingFileSchema, { total_seconds: 3.2, model: "x", nested: { a: [1, 2] } }), "");
  assert.notEqual(issues(timingFileSchema, [1, 2]), "");
  assert.notEqual(issues(timingFileSchema, { total_seconds: -1 }), "");
});

test("validateOutput returns the same value, or throws a terminal VALIDATION_ERROR naming the file", () => {
  const graph = json(graphJson);
  assert.equal(validateOutput("graph.json", graph), graph);
  const bad = json<Obj>(graphJson);
  bad.nodes[0].cluster_id = "nope";
  bad.edges[0].weight = 0;
  bad.metadata.clusters.cluster_1.key_themes = "x";
  bad.nodes[1].id = "1";
  bad.nodes[2].source_type = "word";
  assert.throws(
    () => validateOutput("graph.json", bad),
    (err: unknown) => {
      assert.ok(err instanceof TaskError);
      assert.equal(err.code, "VALIDATION_ERROR");
      assert.equal(err.kind, "terminal");
      assert.match(err.message, /^graph\.json failed the contract: /);
      assert.equal(err.message.split("; ").length, 4, err.message); // three issues and "(+N more)"
      assert.match(err.message, /\(\+\d+ more\)$/);
      return true;
    },
  );
  assert.throws(
    () => validateOutput("standardized.json", { nodes: [] }),
    /standardized\.json failed the contract: \(root\)/,
  );
});
