/**
 * ADD_NODE_REQUEST end to end: GRAPH_GENERATION first, then AddNode bundles in S3 (fauxqs), requests and
 * results over SQS (fauxqs), vectors in a real ChromaDB, the production handler registry, local defaults.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { loadConfig, type WorkerConfig } from "../../src/config.js";
import { addNodeResultFileSchema } from "../../src/contract/files/addNodeResult.js";
import { graphOutputSchema } from "../../src/contract/files/graph.js";
import { createChromaVectorStore } from "../../src/infra/chroma.js";
import { createS3Storage } from "../../src/infra/s3Storage.js";
import type { ObjectStorage } from "../../src/infra/storage.js";
import { createLogger } from "../../src/runtime/logger.js";
import type { TaskOutcome } from "../../src/runtime/taskRunner.js";
import { startWorker } from "../../src/runtime/worker.js";
import { backendConversation, backendNote, makePdf } from "../pipelines/sources/fixtures.js";
import { getTestChroma } from "../support/chroma.js";
import { type FaultRule, startFaultInjectingProxy } from "../support/faultProxy.js";
import { credentials, type QueueEnv, region, startQueueEnv, workerEnv } from "../support/queueEnv.js";
import { runnerByHand } from "../support/receiveByHand.js";

let env: QueueEnv;
let chroma: { url: string; stop(): Promise<void> };
let storage: ObjectStorage;
let config: WorkerConfig;
let worker: { stop(): Promise<void> };
let request: string;
let result: string;
const collection = `macro_addnode_test_${Date.now()}`;

before(async () => {
  env = await startQueueEnv("fauxqs");
  chroma = await getTestChroma();
  storage = createS3Storage({ region, endpoint: env.s3Endpoint, forcePathStyle: true, credentials });
  request = await env.createQueue("req");
  result = await env.createQueue("res");
  config = loadConfig(
    workerEnv(env, { request, result }, { CHROMA_URL: chroma.url, MACRO_CHROMA_COLLECTION: collection }),
    { requireQueues: true },
  );
  worker = await startWorker(config, createLogger({ level: "silent" }));
});
after(async () => {
  await worker?.stop();
  await env.stop();
  await chroma.stop();
});

const userId = "4f1d2c3b-1a2b-4c3d-8e9f-0a1b2c3d4e5f";

const GRAPH_MESSAGES = [
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

async function send(taskType: string, taskId: string, payload: Record<string, unknown>) {
  await env.send(request, { taskId, taskType, timestamp: new Date().toISOString(), payload });
  const want = taskType === "GRAPH_GENERATION_REQUEST" ? "GRAPH_GENERATION_RESULT" : "ADD_NODE_RESULT";
  const end = Date.now() + 90_000;
  while (Date.now() < end) {
    const got = await env.drain(result, { count: 1, timeoutMs: 2000 });
    const final = got.find((m) => m.taskType === want && m.taskId === taskId);
    if (final) return final.payload as Record<string, unknown>;
  }
  throw new Error(`no ${want} for ${taskId}`);
}

async function generateGraph() {
  const taskId = `task_${userId}_01J0000000000000000000GRAPH`;
  const prefix = `graph-generation/${taskId}/`;
  await storage.putJson(env.bucket, `${prefix}input.json`, [
    backendConversation("conv-e2e-123", "Graph neural networks", GRAPH_MESSAGES),
    backendConversation("conv-bread", "Sourdough baking", [
      { role: "user", text: "How long should sourdough bread dough ferment before baking?" },
      {
        role: "assistant",
        text: "Bulk fermentation of sourdough dough takes four to six hours at room temperature.",
      },
    ]),
  ]);
  await storage.putJson(env.bucket, `${prefix}notes.json`, {
    source_nodes: [
      backendNote(
        "note-1",
        "Knowledge graphs",
        "# Knowledge graphs\nEntities and relations form a knowledge graph.",
      ),
      backendNote(
        "note-2",
        "Node embeddings",
        "# Embeddings\nNode embeddings place graph nodes in a vector space.",
      ),
      backendNote(
        "note-3",
        "Bread flour",
        "# Flour\nHigh protein bread flour gives sourdough its structure.",
      ),
      backendNote("note-4", "Oven temperature", "# Baking\nBake sourdough bread in a hot oven with steam."),
      backendNote("note-5", "Graph attention", "# GAT\nGraph attention networks weight neighbour messages."),
    ],
  });
  const p = await send("GRAPH_GENERATION_REQUEST", taskId, {
    userId,
    s3Key: prefix,
    bucket: env.bucket,
    language: "en",
    minClusters: 2,
    maxClusters: 3,
  });
  assert.equal(p.status, "COMPLETED", JSON.stringify(p));
  return graphOutputSchema.parse(await storage.getJson(env.bucket, p.resultS3Key as string));
}

let graph: Awaited<ReturnType<typeof generateGraph>> | undefined;
async function theGraph() {
  graph ??= await generateGraph();
  return graph;
}

function existingClusters(g: Awaited<ReturnType<typeof generateGraph>>) {
  return Object.entries(g.metadata.clusters).map(([id, c]) => ({
    id,
    name: c.name,
    description: c.description,
    size: c.size,
    themes: c.key_themes.slice(0, 3),
  }));
}

function checkResult(file: unknown, known: Set<string>) {
  const parsed = addNodeResultFileSchema.parse(file);
  const batchIds = new Set(parsed.results.flatMap((r) => r.nodes.map((n) => n.id)));
  const declared = new Set(
    parsed.results.filter((r) => r.assignedCluster?.isNewCluster).map((r) => r.assignedCluster!.clusterId),
  );
  for (const r of parsed.results) {
    assert.equal(r.nodes.length, 1);
    assert.ok(known.has(r.nodes[0]!.clusterId) || declared.has(r.nodes[0]!.clusterId), r.nodes[0]!.clusterId);
    for (const e of r.edges) {
      assert.ok(e.type === "hard" || e.type === "insight");
      assert.notEqual(e.source, e.target);
      for (const end of [e.source, e.target]) {
        assert.ok(batchIds.has(end) || end.startsWith(`${userId}_`), end);
      }
    }
  }
  return parsed;
}

test("AddNode after a graph: every changed item is one node, the old chat keeps its origId, reruns add nothing", async () => {
  const g = await theGraph();
  const known = new Set(Object.keys(g.metadata.clusters));
  const taskId = `task_${userId}_01J00000000000000000000ADD1`;
  const prefix = `add-node/${taskId}/`;
  const batch = {
    userId,
    existingClusters: existingClusters(g),
    conversations: [
      backendConversation("conv-e2e-123", "Graph neural networks", [
        ...GRAPH_MESSAGES,
        {
          role: "assistant",
          text: "Attention weights let each node weigh its neighbours' messages differently.",
        },
        { role: "user", text: "And how does graph pooling build a graph embedding from node embeddings?" },
      ]),
      backendConversation("conv-new", "Sourdough starter", [
        { role: "user", text: "How often should I feed my sourdough starter with flour and water?" },
        { role: "assistant", text: "Feed the sourdough starter flour and water daily before baking bread." },
      ]),
    ],
    notes: [
      {
        noteId: "note-new",
        title: "Graph embeddings",
        content: "# Embeddings\nNode embeddings of a knowledge graph.",
      },
    ],
    files: [
      {
        fileId: "01KT1AJS0YPC4C3805641TKH5E",
        title: "report.pdf",
        s3Key: `user-files/${userId}/x.pdf`,
        mimeType: "application/pdf",
      },
    ],
  };
  const batchText = JSON.stringify(batch);
  await storage.putBytes(env.bucket, `${prefix}batch.json`, batchText, "application/json");
  await storage.putBytes(
    env.bucket,
    `${prefix}files/01KT1AJS0YPC4C3805641TKH5E_report.pdf`,
    await makePdf(["Graph neural network report: message passing and attention."]),
    "application/pdf",
  );
  const before = (await storage.list(env.bucket, prefix)).map((o) => `${o.key}:${o.size}`).sort();

  const p = await send("ADD_NODE_REQUEST", taskId, {
    userId,
    s3Key: prefix,
    bucket: env.bucket,
    inputType: "auto",
    language: "en",
  });
  assert.equal(p.status, "COMPLETED", JSON.stringify(p));
  assert.equal(p.userId, userId);
  assert.equal(p.resultS3Key, `results/add_node/${userId}/${taskId}/result.json`);
  const parsed = checkResult(await storage.getJson(env.bucket, p.resultS3Key as string), known);
  const origIds = parsed.results.map((r) => r.nodes[0]!.origId).sort();
  assert.deepEqual(origIds, ["01KT1AJS0YPC4C3805641TKH5E", "conv-e2e-123", "conv-new", "note-new"]);
  const old = parsed.results.find((r) => r.conversationId === "conv-e2e-123")!;
  assert.equal(old.nodes[0]!.id, `${userId}_conv-e2e-123`);
  assert.equal(old.nodes[0]!.numMessages, 5, "a fresh message count (the graph had 3)");
  assert.ok(parsed.results.find((r) => r.noteId === "note-new"));
  assert.ok(parsed.results.find((r) => r.fileId === "01KT1AJS0YPC4C3805641TKH5E"));
  assert.ok(
    parsed.results.some((r) =>
      r.edges.some((e) => !e.target.endsWith("_conv-new") && !e.target.endsWith("_note-new")),
    ),
  );

  // Inputs untouched.
  assert.equal((await storage.getBytes(env.bucket, `${prefix}batch.json`)).toString(), batchText);
  assert.deepEqual((await storage.list(env.bucket, prefix)).map((o) => `${o.key}:${o.size}`).sort(), before);

  // The new nodes are in Chroma; a second run of the same batch duplicates nothing.
  const p2 = await send("ADD_NODE_REQUEST", `${taskId}_again`, { userId, s3Key: prefix, bucket: env.bucket });
  assert.equal(p2.status, "COMPLETED", JSON.stringify(p2));
  const again = checkResult(await storage.getJson(env.bucket, p2.resultS3Key as string), known);
  assert.deepEqual(again.results.map((r) => r.nodes[0]!.origId).sort(), origIds);
  const col = await createChromaVectorStore({ url: chroma.url }).existing(collection);
  const records = await col!.get({ where: { user_id: userId } });
  const ids = records.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const o of ["conv-new", "note-new", "conv-e2e-123"]) assert.ok(ids.includes(`${userId}_${o}`), o);
  assert.equal(records.find((r) => r.id === `${userId}_conv-e2e-123`)!.metadata.num_messages, 5);

  // The cluster profiles moved on with each add: latest.json names the second add's clusters.json, which
  // holds every cluster the results assigned (with the added members counted).
  const latest = (await storage.getJson(env.bucket, `results/macro/${userId}/latest.json`)) as {
    clustersS3Key: string;
  };
  assert.equal(latest.clustersS3Key, `results/add_node/${userId}/${taskId}_again/clusters.json`);
  const profiles = (await storage.getJson(env.bucket, latest.clustersS3Key)) as {
    clusters: { id: string; size: number; centroid: number[] }[];
  };
  const profiled = new Map(profiles.clusters.map((c) => [c.id, c]));
  for (const r of again.results)
    assert.ok(profiled.has(r.assignedCluster!.clusterId), r.assignedCluster!.clusterId);
  assert.ok(profiles.clusters.every((c) => c.size > 0 && c.centroid.length > 0));
});

test("the test endpoint's test-batch.json (no notes, no conversationId, no clusters) completes", async () => {
  await theGraph();
  const taskId = `task_${userId}_01J00000000000000000000TEST`;
  const key = `add-node/${taskId}/test-batch.json`;
  const conv = backendConversation("conv-test-1", "Sourdough crust", [
    { role: "user", text: "Why does sourdough bread get a crisp crust in a hot oven with steam?" },
  ]);
  delete conv.conversationId;
  await storage.putJson(env.bucket, key, { userId, existingClusters: [], conversations: [conv] });
  const p = await send("ADD_NODE_REQUEST", taskId, { userId, s3Key: key });
  assert.equal(p.status, "COMPLETED", JSON.stringify(p));
  const parsed = checkResult(await storage.getJson(env.bucket, p.resultS3Key as string), new Set());
  assert.equal(parsed.results.length, 1);
  assert.equal(parsed.results[0]!.conversationId, "conv-test-1");
  assert.equal(parsed.results[0]!.assignedCluster?.isNewCluster, true);
});

test("a user without a graph gets FAILED with a clear error", async () => {
  const taskId = "task_nograph_01J0000000000000000000000";
  const key = `add-node/${taskId}/batch.json`;
  await storage.putJson(env.bucket, key, { userId: "nograph", existingClusters: [], conversations: [] });
  const p = await send("ADD_CONVERSATION_REQUEST", taskId, { userId: "nograph", s3Key: key });
  assert.equal(p.status, "FAILED");
  assert.match(p.error as string, /no graph exists for this user yet; run graph generation first/);
  assert.ok(await storage.exists(env.bucket, key), "the input is not deleted");
});

/**
 * A runner like the worker's, with Chroma reached through a fault proxy, so each receive of a request can be
 * run by hand and its outcome (result or retry) seen directly.
 */
async function runnerBehindFaults(rules: FaultRule[]) {
  const proxy = await startFaultInjectingProxy({ target: chroma.url, rules });
  const faulty = loadConfig(
    workerEnv(
      env,
      { request, result },
      {
        CHROMA_URL: proxy.url,
        MACRO_CHROMA_COLLECTION: collection,
        CHROMA_RETRIES: "2",
        CHROMA_RETRY_BASE_DELAY_MS: "10",
      },
    ),
    { requireQueues: true },
  );
  const runner = runnerByHand({ config: faulty, storage, payloadBucket: env.bucket });
  return {
    proxy,
    receive: runner.receive,
    close: async () => {
      await runner.close();
      await proxy.close();
    },
  };
}

async function addNodeRequest(taskId: string, origId: string): Promise<string> {
  const key = `add-node/${taskId}/batch.json`;
  await storage.putJson(env.bucket, key, {
    userId,
    existingClusters: existingClusters(await theGraph()),
    conversations: [
      backendConversation(origId, "Graph pooling", [
        { role: "user", text: "How does graph pooling build a graph embedding from node embeddings?" },
      ]),
    ],
  });
  return JSON.stringify({
    taskId,
    taskType: "ADD_NODE_REQUEST",
    timestamp: new Date().toISOString(),
    payload: { userId, s3Key: key, bucket: env.bucket, language: "en" },
  });
}

function resultPayload(outcome: TaskOutcome): Record<string, unknown> {
  assert.equal(outcome.kind, "result", JSON.stringify(outcome));
  return (outcome.kind === "result" ? outcome.envelope.payload : {}) as Record<string, unknown>;
}

async function storedIds(): Promise<string[]> {
  const col = await createChromaVectorStore({ url: chroma.url }).existing(collection);
  return (await col!.get({ where: { user_id: userId } })).map((r) => r.id);
}

test("AddNode whose Chroma answers are cut mid-body on its first receive is retried, not FAILED", async () => {
  await theGraph();
  const faults = await runnerBehindFaults([{ kind: "cutMidBody", match: "/query", probability: 1 }]);
  try {
    const body = await addNodeRequest(`task_${userId}_01J0000000000000000000CUTQ`, "conv-cut-query");
    const first = await faults.receive(body, 1);
    assert.equal(first.kind, "retry", JSON.stringify(first));
    assert.equal(first.kind === "retry" && first.code, "VECTOR_STORE_ERROR");
    assert.ok(faults.proxy.counts.cutMidBody >= 3, "the first attempt and both in-task retries were cut");

    faults.proxy.enabled = false; // the outage is over
    const second = resultPayload(await faults.receive(body, 2));
    assert.equal(second.status, "COMPLETED", JSON.stringify(second));
    assert.ok((await storedIds()).includes(`${userId}_conv-cut-query`));
  } finally {
    await faults.close();
  }
});

test("AddNode rides out one lost upsert answer within the task; a store still down on the last receive is FAILED", async () => {
  await theGraph();
  const once = await runnerBehindFaults([{ kind: "resetMidBody", match: "/upsert", first: 1 }]);
  try {
    const body = await addNodeRequest(`task_${userId}_01J0000000000000000000CUTU`, "conv-cut-upsert");
    const p = resultPayload(await once.receive(body, 1));
    assert.equal(p.status, "COMPLETED", JSON.stringify(p));
    assert.equal(once.proxy.counts.resetMidBody, 1);
    assert.ok((await storedIds()).includes(`${userId}_conv-cut-upsert`));
  } finally {
    await once.close();
  }

  const down = await runnerBehindFaults([{ kind: "resetBeforeResponse", probability: 1 }]);
  try {
    const body = await addNodeRequest(`task_${userId}_01J0000000000000000000DOWN`, "conv-store-down");
    const last = resultPayload(await down.receive(body, 3));
    assert.equal(last.status, "FAILED");
    assert.equal(last.errorCode, "VECTOR_STORE_ERROR");
    assert.match(String(last.error), /vector store unavailable/);
    assert.ok(!(await storedIds()).includes(`${userId}_conv-store-down`));
  } finally {
    await down.close();
  }
});
