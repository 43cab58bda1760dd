/**
 * The backend's end-to-end scenarios (contract §6 "Coverage expectations") replayed through the real
 * protocols against the worker as a separate process started from its production entry point. Every result
 * goes through the same rules (rules.ts). The scenarios build on each other like the backend's e2e specs:
 * graph generation → add node (twice) → summary of a backend-shaped graph → microscope documents.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { MongoClient } from "mongodb";
import type { AddNodeResultFile } from "../../src/contract/files/addNodeResult.js";
import type { GraphOutput } from "../../src/contract/files/graph.js";
import {
  backendConversation,
  backendNote,
  makeDocx,
  makePdf,
  makePptx,
} from "../pipelines/sources/fixtures.js";
import { getMongo, uniqueDbName } from "../support/mongo.js";
import { type E2E, startE2E } from "./harness.js";
import { checkExactlyOnce, checkResult, type Sent } from "./rules.js";

// A production user id: a UUID v4 that starts with digits (the backend's parseInt fallback trap).
const userId = "9a1f0c2e-5b7d-4e3f-8a6b-1c2d3e4f5a6b";
const ULID = "01KE2E00000000000000000000";

let e2e: E2E;
const sent: Sent[] = [];
const mongoUrl = getMongo();
const dbName = uniqueDbName("e2e");
let mongo: MongoClient | undefined;
before(async () => {
  if (mongoUrl) {
    // The backend's Mongo: the microscope test note (contract §2.4 field names).
    mongo = new MongoClient(mongoUrl);
    const at = new Date("2026-06-12T10:00:00Z");
    await mongo
      .db(dbName)
      .collection("notes")
      .insertOne({
        _id: "note-micro-1" as never,
        ownerUserId: userId,
        title: "Microscope test note",
        content:
          "# Transformers\nAttention layers mix tokens.\n\n# Retrieval\nRetrieval augments generation with documents.",
        folderId: null,
        createdAt: at,
        updatedAt: at,
        deletedAt: null,
      });
  }
  e2e = await startE2E(mongoUrl ? { MONGODB_DB_NAME: dbName } : {});
});
after(async () => {
  await e2e?.stop();
  await mongo
    ?.db(dbName)
    .dropDatabase()
    .catch(() => {});
  await mongo?.close();
});

async function run(taskType: string, taskId: string, payload: Record<string, unknown>) {
  sent.push({ taskType, taskId, payload });
  await e2e.request(taskType, taskId, payload);
  return checkResult(e2e.storage, e2e.env.bucket, { taskType, taskId, payload }, e2e.messagesOf(taskId));
}

const GNN = [
  { role: "user" as const, text: "What is a graph neural network and how does message passing work?" },
  {
    role: "assistant" as const,
    text: "A graph neural network learns node representations by message passing between neighbours.",
  },
  {
    role: "user" as const,
    text: "How do attention weights change message passing in graph attention networks?",
  },
];

const FILES = {
  pdf: "01KT1AJS0YPC4C3805641TKH5E",
  docx: "01KT1AKKD3VPE7YGN7QXT46T2E",
  pptx: "01KT1AM0000000000000000000",
  other: "uf-e2e-xyz",
};
let graph: GraphOutput;
const graphOrigIds = new Set<string>();

test("GRAPH_GENERATION with includeSummary: progress, one COMPLETED result, one node per item, summary", async () => {
  const taskId = `task_${userId}_${ULID}`;
  const prefix = `graph-generation/${taskId}/`;
  const { storage } = e2e;
  const bucket = e2e.env.bucket;
  await storage.putJson(bucket, `${prefix}input.json`, [
    backendConversation("conv-e2e-123", "Graph neural networks", GNN),
    { ...backendConversation("conv-empty", "Empty chat", []), mapping: {} },
  ]);
  await storage.putJson(bucket, `${prefix}notes.json`, {
    source_nodes: [
      backendNote("note-1", "Knowledge graphs", "# Knowledge graphs\nEntities and relations form a graph."),
      backendNote(
        "note-2",
        "Node embeddings",
        "# Embeddings\nNode embeddings place nodes in a vector space.",
      ),
      backendNote("note-3", "Bread flour", "# Flour\nHigh protein bread flour gives sourdough structure."),
      backendNote("note-micro-1", "Microscope test note", "# Transformers\nAttention layers mix tokens."),
      backendNote("note-micro-2", "Microscope test note 2", "# RAG\nRetrieval augments generation."),
    ],
  });
  await storage.putBytes(
    bucket,
    `${prefix}files/${FILES.pdf}_report.pdf`,
    await makePdf(["Graph neural network report: message passing and attention."]),
    "application/pdf",
  );
  await storage.putBytes(
    bucket,
    `${prefix}files/${FILES.docx}_spec.docx`,
    await makeDocx(["Sourdough starter specification: flour, water and fermentation."]),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  );
  await storage.putBytes(
    bucket,
    `${prefix}files/${FILES.pptx}_deck.pptx`,
    await makePptx([{ title: "Knowledge graph embeddings", body: "Vector space models of graph nodes" }]),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  );
  await storage.putBytes(bucket, `${prefix}files/${FILES.other}_notes.xyz`, "plain words", "text/plain");

  const { payload, files } = await run("GRAPH_GENERATION_REQUEST", taskId, {
    userId,
    s3Key: prefix,
    bucket,
    includeSummary: true,
    summaryLanguage: "en",
    language: "en",
    inputType: "auto",
  });
  assert.equal(payload.summaryIncluded, true);
  assert.ok(files["summary.json"], "the summary file is there");
  const progress = e2e.messagesOf(taskId).filter((m) => m.taskType === "GRAPH_GENERATION_PROGRESS");
  assert.ok(progress.length >= 3, `progress messages (${progress.length})`);

  graph = files["graph.json"] as GraphOutput;
  const expected = [
    "conv-e2e-123",
    "conv-empty",
    "note-1",
    "note-2",
    "note-3",
    "note-micro-1",
    "note-micro-2",
    ...Object.values(FILES),
  ];
  assert.deepEqual(graph.nodes.map((n) => n.orig_id).sort(), expected.sort(), "exactly one node per item");
  for (const n of graph.nodes) graphOrigIds.add(n.orig_id);
  const byOrig = new Map(graph.nodes.map((n) => [n.orig_id, n]));
  for (const [bucketName, id] of Object.entries(FILES)) assert.equal(byOrig.get(id)?.source_type, bucketName);
  const summary = files["summary.json"] as {
    overview: { total_conversations: number; total_notes?: number };
  };
  assert.equal(summary.overview.total_conversations, 2);
});

function checkAddNodeEdges(result: AddNodeResultFile, known: Set<string>) {
  const ids = new Set(result.results.flatMap((r) => r.nodes.map((n) => n.id)));
  for (const r of result.results) {
    for (const e of r.edges) {
      assert.ok(e.type === "hard" || e.type === "insight", `edge type ${e.type}`);
      assert.notEqual(e.source, e.target, "no self-loops");
      for (const end of [e.source, e.target]) {
        const resolvable =
          ids.has(end) || (end.startsWith(`${userId}_`) && known.has(end.slice(userId.length + 1)));
        assert.ok(resolvable, `edge endpoint ${end} resolves`);
      }
    }
  }
}

test("ADD_NODE: every changed item is one node, the old chat keeps its origId with more messages; twice adds no duplicates", async () => {
  assert.ok(graph, "needs the graph of the first scenario");
  const existingClusters = Object.entries(graph.metadata.clusters).map(([id, c]) => ({
    id,
    name: c.name,
    description: c.description ?? "",
    size: c.size,
    themes: (c.key_themes ?? []).slice(0, 3),
  }));
  const batch = {
    userId,
    existingClusters,
    conversations: [
      backendConversation("conv-e2e-123", "Graph neural networks", [
        ...GNN,
        { role: "assistant", text: "Attention coefficients weight each neighbour's message." },
        { role: "user", text: "Can message passing be applied to knowledge graphs?" },
      ]),
      backendConversation("conv-new", "Sourdough starter", [
        { role: "user", text: "How often should I feed a sourdough starter made from rye flour?" },
      ]),
    ],
    notes: [
      { noteId: "note-new", title: "Graph embeddings", content: "# Embeddings\nKnowledge graph embeddings." },
    ],
  };
  const results: AddNodeResultFile[] = [];
  for (const attempt of ["", "_rerun"]) {
    const taskId = `task_add_node_${userId}_${ULID}${attempt}`;
    await e2e.storage.putJson(e2e.env.bucket, `add-node/${taskId}/batch.json`, batch);
    const { files } = await run("ADD_NODE_REQUEST", taskId, {
      userId,
      s3Key: `add-node/${taskId}/batch.json`,
      bucket: e2e.env.bucket,
      inputType: "auto",
      language: "en",
    });
    const result = files["result.json"] as AddNodeResultFile;
    const origIds = result.results.flatMap((r) => r.nodes.map((n) => n.origId));
    assert.deepEqual([...origIds].sort(), ["conv-e2e-123", "conv-new", "note-new"]);
    assert.equal(new Set(origIds).size, origIds.length, "no duplicate origIds");
    const old = result.results.find((r) => r.conversationId === "conv-e2e-123")!;
    assert.ok(
      (old.nodes[0]!.numMessages ?? 0) >
        (graph.nodes.find((n) => n.orig_id === "conv-e2e-123")!.num_sections ?? 0),
    );
    assert.equal(result.results.find((r) => r.noteId === "note-new")?.skipped, false);
    checkAddNodeEdges(result, graphOrigIds);
    results.push(result);
    for (const o of origIds) graphOrigIds.add(o);
  }
  // The rerun assigns the same items to real clusters (existing ids or its own new ones), never a ghost id.
  const allowed = new Set(Object.keys(graph.metadata.clusters));
  for (const r of results[1]!.results) {
    const c = r.assignedCluster;
    assert.ok(c, "every item has an assigned cluster");
    assert.ok(allowed.has(c.clusterId) || c.isNewCluster, `cluster ${c.clusterId}`);
  }
});

test("GRAPH_SUMMARY on a backend-shaped graph (empty cluster names, no keywords)", async () => {
  assert.ok(graph, "needs the graph of the first scenario");
  const taskId = `summary_${userId}_${ULID}`;
  const shaped = {
    nodes: graph.nodes.map((n) => ({ ...n, cluster_name: "", keywords: [], top_keywords: [] })),
    edges: graph.edges.map((e) => ({
      source: e.source,
      target: e.target,
      weight: e.weight,
      type: e.type === "hard" ? "hard" : "insight",
      is_intra_cluster: false,
    })),
    subclusters: (graph.subclusters ?? []).map((s) => ({
      ...s,
      representative_node_id: -1,
      density: 0,
    })),
    metadata: {
      ...graph.metadata,
      clusters: Object.fromEntries(
        Object.entries(graph.metadata.clusters).map(([id, c]) => [
          id,
          { name: "", description: "", size: c.size, key_themes: c.key_themes ?? [] },
        ]),
      ),
    },
  };
  const key = `graph-summary/${taskId}/graph.json`;
  await e2e.storage.putJson(e2e.env.bucket, key, shaped);
  const { files } = await run("GRAPH_SUMMARY_REQUEST", taskId, {
    userId,
    graphS3Key: key,
    bucket: e2e.env.bucket,
    language: "en",
  });
  const summary = files["summary.json"] as { clusters: { cluster_id: string; name: string }[] };
  assert.ok(summary.clusters.length > 0);
  for (const c of summary.clusters) {
    assert.ok(c.cluster_id in graph.metadata.clusters, "cluster ids from the graph");
    assert.ok(c.name.trim().length > 0, "a name derived from the data, not a blank");
  }
});

/** The backend's pair for one document: `_block` and `_nonblock`, both checked, both COMPLETED. */
async function microscopePair(taskType: string, docId: string, payload: Record<string, unknown>) {
  const pair = [
    [`${docId}_block`, { ...payload, block_mode: true, generate_micro_graphs: true }],
    [`${docId}_nonblock`, { ...payload, block_mode: false }],
  ] as const;
  // Sent together, as the backend does; answered in any order.
  const done = await Promise.all(
    pair.map(async ([taskId, p]) => {
      sent.push({ taskType, taskId, payload: p });
      await e2e.request(taskType, taskId, p);
      return checkResult(
        e2e.storage,
        e2e.env.bucket,
        { taskType, taskId, payload: p },
        e2e.messagesOf(taskId),
      );
    }),
  );
  const [block, nonblock] = done;
  assert.ok(block!.payload.block_graph_s3_key, "the _block result names its block graph");
  assert.ok(block!.files["block_graph.json"]);
  assert.ok(nonblock!.files["standardized.json"], "the _nonblock result names its standardized graph");
}

test("MICROSCOPE from a raw file and from a note, _block and _nonblock, schema_name test_schema", async () => {
  const fileDoc = `task_microscope_file_${userId}_${ULID}`;
  const key = `microscope-ingest/${userId}/${fileDoc}/paper.pdf`;
  await e2e.storage.putBytes(
    e2e.env.bucket,
    key,
    await makePdf(["Graph neural networks pass messages between nodes. Attention weights the messages."]),
    "application/pdf",
  );
  await microscopePair("MICROSCOPE_INGEST_REQUEST", fileDoc, {
    user_id: userId,
    group_id: "01KE2EGROUP000000000000000",
    s3_key: key,
    bucket: e2e.env.bucket,
    file_name: "paper (v2).pdf",
    schema_name: "test_schema",
    ingest_mode: "raw_file",
  });
});

test("MICROSCOPE from a MongoDB note, _block and _nonblock", {
  skip: mongoUrl ? false : "SKIP_FERRETDB=1",
}, async () => {
  await microscopePair("MICROSCOPE_INGEST_FROM_NODE_REQUEST", `task_microscope_node_${userId}_${ULID}`, {
    user_id: userId,
    node_id: "note-micro-1",
    node_type: "note",
    group_id: "01KE2EGROUP000000000000000",
    schema_name: "test_schema",
    language: "en",
    ingest_mode: "from_graphnode",
  });
});

test("a request with missing input gets one FAILED result of the right type, and the worker keeps going", async () => {
  const taskId = `task_${userId}_01KE2EMISSING0000000000000`;
  const payload = { userId, s3Key: `graph-generation/${taskId}/`, bucket: e2e.env.bucket };
  sent.push({ taskType: "GRAPH_GENERATION_REQUEST", taskId, payload });
  await e2e.request("GRAPH_GENERATION_REQUEST", taskId, payload);
  await checkResult(
    e2e.storage,
    e2e.env.bucket,
    { taskType: "GRAPH_GENERATION_REQUEST", taskId, payload },
    e2e.messagesOf(taskId),
    "FAILED",
  );
});

test("every request got exactly one final result", async () => {
  // Late duplicates would arrive within a poll or two.
  await new Promise((r) => setTimeout(r, 2500));
  checkExactlyOnce(sent, e2e.received);
});
