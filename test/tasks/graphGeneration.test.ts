/**
 * GRAPH_GENERATION_REQUEST end to end through the real protocols: the bundle in S3 (fauxqs), the request and
 * the result over SQS (fauxqs), vectors in a real ChromaDB, the production handler registry, local defaults.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { loadConfig } from "../../src/config.js";
import { graphOutputSchema } from "../../src/contract/files/graph.js";
import { createChromaVectorStore } from "../../src/infra/chroma.js";
import { createS3Storage } from "../../src/infra/s3Storage.js";
import { createLogger } from "../../src/runtime/logger.js";
import { startWorker } from "../../src/runtime/worker.js";
import {
  backendConversation,
  backendNote,
  makeDocx,
  makePdf,
  makePptx,
} from "../pipelines/sources/fixtures.js";
import { getTestChroma } from "../support/chroma.js";
import { type FaultRule, startFaultInjectingProxy } from "../support/faultProxy.js";
import { credentials, type QueueEnv, region, startQueueEnv, workerEnv } from "../support/queueEnv.js";
import { runnerByHand } from "../support/receiveByHand.js";

let env: QueueEnv;
let chroma: { url: string; stop(): Promise<void> };
before(async () => {
  env = await startQueueEnv("fauxqs");
  chroma = await getTestChroma();
});
after(async () => {
  await env.stop();
  await chroma.stop();
});

// A production-style user id (UUID v4, starts with digits) everywhere ids are built.
const userId = "4f1d2c3b-1a2b-4c3d-8e9f-0a1b2c3d4e5f";

async function putBundle(prefix: string) {
  const storage = createS3Storage({ region, endpoint: env.s3Endpoint, forcePathStyle: true, credentials });
  const conversations = [
    backendConversation("conv-e2e-123", "Graph neural networks", [
      { role: "user", text: "What is a graph neural network and how does message passing work?" },
      {
        role: "assistant",
        text: "A graph neural network learns node representations by message passing between neighbours.",
      },
      { role: "user", text: "How do attention weights change message passing in graph attention networks?" },
    ]),
    backendConversation("conv-empty", "Empty chat", []),
    backendConversation("conv-bread", "Sourdough baking", [
      { role: "user", text: "How long should sourdough bread dough ferment before baking?" },
      {
        role: "assistant",
        text: "Bulk fermentation of sourdough dough takes four to six hours at room temperature.",
      },
    ]),
  ];
  const notes = [
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
    backendNote("note-3", "Bread flour", "# Flour\nHigh protein bread flour gives sourdough its structure."),
    backendNote("note-4", "Oven temperature", "# Baking\nBake sourdough bread in a hot oven with steam."),
    backendNote("note-5", "Graph attention", "# GAT\nGraph attention networks weight neighbour messages."),
  ];
  await storage.putJson(env.bucket, `${prefix}input.json`, conversations);
  await storage.putJson(env.bucket, `${prefix}notes.json`, { source_nodes: notes });
  await storage.putBytes(
    env.bucket,
    `${prefix}files/01KT1AJS0YPC4C3805641TKH5E_report.pdf`,
    await makePdf(["Graph neural network report: message passing and attention."]),
    "application/pdf",
  );
  await storage.putBytes(
    env.bucket,
    `${prefix}files/01KT1AKKD3VPE7YGN7QXT46T2E_spec.docx`,
    await makeDocx(["Sourdough starter specification: flour, water and fermentation."]),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  );
  await storage.putBytes(
    env.bucket,
    `${prefix}files/01KT1AM0000000000000000000_deck.pptx`,
    await makePptx([{ title: "Knowledge graph embeddings", body: "Vector space models of graph nodes" }]),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  );
  await storage.putBytes(
    env.bucket,
    `${prefix}files/uf-e2e-xyz_notes.xyz`,
    "plain words in an unknown format",
    "text/plain",
  );
  return storage;
}

test("a bundle in S3 becomes a COMPLETED graph that passes the contract and the backend's rules", async () => {
  const taskId = `task_${userId}_01J00000000000000000000001`;
  const prefix = `graph-generation/${taskId}/`;
  const storage = await putBundle(prefix);
  const request = await env.createQueue("req");
  const result = await env.createQueue("res");
  const config = loadConfig(
    workerEnv(
      env,
      { request, result },
      { CHROMA_URL: chroma.url, MACRO_CHROMA_COLLECTION: `macro_test_${Date.now()}` },
    ),
    { requireQueues: true },
  );
  const worker = await startWorker(config, createLogger({ level: "silent" }));
  await env.send(request, {
    taskId,
    taskType: "GRAPH_GENERATION_REQUEST",
    timestamp: new Date().toISOString(),
    payload: {
      userId,
      s3Key: prefix,
      bucket: env.bucket,
      includeSummary: true,
      summaryLanguage: "en",
      language: "en",
      inputType: "auto",
      minClusters: 2,
      maxClusters: 4,
    },
  });
  const messages: Record<string, unknown>[] = [];
  const end = Date.now() + 60_000;
  while (!messages.some((m) => m.taskType === "GRAPH_GENERATION_RESULT") && Date.now() < end) {
    messages.push(...(await env.drain(result, { count: 1, timeoutMs: 2000 })));
  }
  await worker.stop();

  const final = messages.filter((m) => m.taskType === "GRAPH_GENERATION_RESULT");
  assert.equal(final.length, 1);
  const payload = final[0]!.payload as Record<string, unknown>;
  assert.equal(payload.status, "COMPLETED", JSON.stringify(payload));
  assert.equal(payload.userId, userId);
  assert.equal(final[0]!.taskId, taskId);
  assert.equal(payload.resultS3Key, `results/macro/${userId}/${taskId}/graph.json`);
  assert.equal(payload.summaryIncluded, true);
  assert.equal(payload.summaryS3Key, `results/macro/${userId}/${taskId}/summary.json`);
  assert.equal(payload.error, undefined, "nothing went wrong on the way");
  assert.equal(
    payload.featuresS3Key,
    undefined,
    "local vectors are not offered to the backend's MiniLM collection",
  );

  // Progress: the contract's stage strings, before the result.
  const stages = messages
    .filter((m) => m.taskType === "GRAPH_GENERATION_PROGRESS")
    .map((m) => (m.payload as { currentStage: string }).currentStage);
  for (const s of [
    "[1단계] 임베딩 생성 시작",
    "[1단계] 임베딩 생성 완료",
    "[3단계] 클러스터 생성 및 매핑 완료",
    "[5단계] 그래프 보정 완료",
  ]) {
    assert.ok(stages.includes(s), `progress has ${s}: ${stages.join(" | ")}`);
  }

  const graph = graphOutputSchema.parse(await storage.getJson(env.bucket, payload.resultS3Key as string));
  const expected = [
    "conv-e2e-123",
    "conv-empty",
    "conv-bread",
    "note-1",
    "note-2",
    "note-3",
    "note-4",
    "note-5",
    "01KT1AJS0YPC4C3805641TKH5E",
    "01KT1AKKD3VPE7YGN7QXT46T2E",
    "01KT1AM0000000000000000000",
    "uf-e2e-xyz",
  ];
  assert.deepEqual(
    graph.nodes.map((n) => n.orig_id).sort(),
    expected.sort(),
    "exactly one node per item, exact ids",
  );
  assert.deepEqual(
    graph.nodes.map((n) => n.id),
    graph.nodes.map((_, i) => i),
  );
  const byOrig = new Map(graph.nodes.map((n) => [n.orig_id, n]));
  assert.equal(byOrig.get("01KT1AJS0YPC4C3805641TKH5E")?.source_type, "pdf");
  assert.equal(byOrig.get("01KT1AKKD3VPE7YGN7QXT46T2E")?.source_type, "docx");
  assert.equal(byOrig.get("01KT1AM0000000000000000000")?.source_type, "pptx");
  assert.equal(byOrig.get("uf-e2e-xyz")?.source_type, "other");
  assert.equal(byOrig.get("conv-e2e-123")?.num_sections, 3, "message count for chats");
  assert.equal(byOrig.get("conv-empty")?.num_sections, 0);
  assert.equal(byOrig.get("conv-e2e-123")?.timestamp, new Date(1760000000 * 1000).toISOString());
  for (const n of graph.nodes) assert.ok(n.cluster_id in graph.metadata.clusters);
  for (const c of Object.values(graph.metadata.clusters)) {
    assert.ok(Array.isArray(c.key_themes) && c.key_themes.every((t) => typeof t === "string"));
    assert.ok(c.name.length > 0);
  }
  for (const e of graph.edges) {
    assert.ok(e.source !== e.target);
    assert.ok(e.weight > 0 && e.weight <= 1);
    assert.ok(e.confidence === "high" || e.confidence === "medium");
    assert.equal(e.is_intra_cluster, graph.nodes[e.source]!.cluster_id === graph.nodes[e.target]!.cluster_id);
  }
  assert.equal((graph.metadata as Record<string, unknown>).naming, "local");
  const summary = (await storage.getJson(env.bucket, payload.summaryS3Key as string)) as {
    overview: { total_source_nodes?: number };
    clusters: { cluster_id: string }[];
  };
  for (const c of summary.clusters)
    assert.ok(c.cluster_id in graph.metadata.clusters, "summary uses the graph's cluster ids");

  // The fitted embedder is kept for ADD_NODE, and the nodes with text are in Chroma under `${userId}_${origId}`.
  assert.ok(await storage.exists(env.bucket, `results/macro/${userId}/${taskId}/embedder.json`));
  const latest = (await storage.getJson(env.bucket, `results/macro/${userId}/latest.json`)) as {
    taskId: string;
    clustersS3Key: string;
  };
  assert.equal(latest.taskId, taskId);
  // One cluster profile per graph cluster, sized like the graph's clusters (ADD_NODE assigns against them).
  const profiles = (await storage.getJson(env.bucket, latest.clustersS3Key)) as {
    dimension: number;
    clusters: { id: string; size: number; centroid: number[] }[];
  };
  assert.deepEqual(profiles.clusters.map((c) => c.id).sort(), Object.keys(graph.metadata.clusters).sort());
  for (const c of profiles.clusters) {
    assert.equal(c.centroid.length, profiles.dimension);
    assert.equal(c.size, graph.nodes.filter((n) => n.cluster_id === c.id).length);
  }
  const timing = (await storage.getJson(env.bucket, `results/macro/${userId}/${taskId}/timing.json`)) as {
    index: { indexed: number; skippedEmpty: number };
  };
  const store = createChromaVectorStore({ url: chroma.url });
  const col = await store.existing(config.env.MACRO_CHROMA_COLLECTION!);
  assert.ok(col);
  const records = await col.get({ where: { user_id: userId } });
  assert.equal(records.length, timing.index.indexed);
  assert.equal(timing.index.indexed + timing.index.skippedEmpty, expected.length);
  assert.ok(records.some((r) => r.id === `${userId}_conv-e2e-123`));
});

test("a request whose prefix holds nothing gets one FAILED result naming the problem", async () => {
  const request = await env.createQueue("req");
  const result = await env.createQueue("res");
  const config = loadConfig(workerEnv(env, { request, result }, { CHROMA_URL: chroma.url }), {
    requireQueues: true,
  });
  const worker = await startWorker(config, createLogger({ level: "silent" }));
  await env.send(request, {
    taskId: "task_u1_EMPTY",
    taskType: "GRAPH_GENERATION_REQUEST",
    timestamp: new Date().toISOString(),
    payload: { userId: "u1", s3Key: "graph-generation/task_u1_EMPTY/" },
  });
  const out = await env.drain(result, { count: 1, timeoutMs: 20000 });
  await worker.stop();
  const p = out.find((m) => m.taskType === "GRAPH_GENERATION_RESULT")?.payload as Record<string, unknown>;
  assert.equal(p.status, "FAILED");
  assert.equal(p.errorCode, "INPUT_NOT_FOUND");
  assert.match(p.error as string, /no input objects/);
});

/** Waits for the one GRAPH_GENERATION_RESULT of `taskId`, within a deadline generous for a busy machine. */
async function finalResult(queue: string, taskId: string): Promise<Record<string, unknown>> {
  const end = Date.now() + 120_000;
  while (Date.now() < end) {
    const got = await env.drain(queue, { count: 1, timeoutMs: 2000 });
    const final = got.find((m) => m.taskType === "GRAPH_GENERATION_RESULT" && m.taskId === taskId);
    if (final) return final.payload as Record<string, unknown>;
  }
  throw new Error(`no GRAPH_GENERATION_RESULT for ${taskId}`);
}

async function indexedIds(collection: string): Promise<string[]> {
  const col = await createChromaVectorStore({ url: chroma.url }).existing(collection);
  return col ? (await col.get({ where: { user_id: userId } })).map((r) => r.id).sort() : [];
}

test("Chroma failing a few requests mid-body costs retries inside the task, not the user's vectors", async () => {
  const taskId = `task_${userId}_01J0000000000000000000CUT1`;
  const prefix = `graph-generation/${taskId}/`;
  await putBundle(prefix);
  const collection = `macro_cut_${Date.now()}`;
  // The upserts really reach Chroma and only their answers break; the stale-record listing is refused.
  const proxy = await startFaultInjectingProxy({
    target: chroma.url,
    rules: [
      { kind: "cutMidBody", match: "/upsert", first: 1 },
      { kind: "resetMidBody", match: "/upsert", first: 1 },
      { kind: "resetBeforeResponse", match: "/get", first: 1 },
    ],
  });
  const request = await env.createQueue("req");
  const result = await env.createQueue("res");
  const config = loadConfig(
    workerEnv(
      env,
      { request, result },
      {
        CHROMA_URL: proxy.url,
        MACRO_CHROMA_COLLECTION: collection,
        CHROMA_RETRIES: "4",
        CHROMA_RETRY_BASE_DELAY_MS: "20",
      },
    ),
    { requireQueues: true },
  );
  const worker = await startWorker(config, createLogger({ level: "silent" }));
  try {
    await env.send(request, {
      taskId,
      taskType: "GRAPH_GENERATION_REQUEST",
      timestamp: new Date().toISOString(),
      payload: { userId, s3Key: prefix, bucket: env.bucket, language: "en", minClusters: 2, maxClusters: 4 },
    });
    const payload = await finalResult(result, taskId);
    assert.equal(payload.status, "COMPLETED", JSON.stringify(payload));
    assert.equal(payload.error, undefined, "the outage was ridden out: nothing to report");
    assert.equal(proxy.total, 3, "every planned fault was injected");
    const storage = createS3Storage({ region, endpoint: env.s3Endpoint, forcePathStyle: true, credentials });
    const timing = (await storage.getJson(env.bucket, `results/macro/${userId}/${taskId}/timing.json`)) as {
      index: { indexed: number };
    };
    const graph = graphOutputSchema.parse(await storage.getJson(env.bucket, payload.resultS3Key as string));
    const ids = await indexedIds(collection);
    assert.equal(ids.length, timing.index.indexed);
    assert.ok(timing.index.indexed > 0);
    for (const id of ids)
      assert.ok(
        graph.nodes.some((n) => id === `${userId}_${n.orig_id}`),
        id,
      );
  } finally {
    await worker.stop();
    await proxy.close();
  }
});

test("Chroma down for the whole task: a redelivery while receives remain, the graph without its index on the last", async () => {
  const taskId = `task_${userId}_01J000000000000000000DOWN1`;
  const prefix = `graph-generation/${taskId}/`;
  await putBundle(prefix);
  const collection = `macro_down_${Date.now()}`;
  const down: FaultRule[] = [{ kind: "resetBeforeResponse", probability: 1 }];
  const proxy = await startFaultInjectingProxy({ target: chroma.url, rules: down });
  const config = loadConfig(
    workerEnv(
      env,
      { request: await env.createQueue("req"), result: await env.createQueue("res") },
      {
        CHROMA_URL: proxy.url,
        MACRO_CHROMA_COLLECTION: collection,
        CHROMA_RETRIES: "2",
        CHROMA_RETRY_BASE_DELAY_MS: "10",
      },
    ),
  );
  const storage = createS3Storage({ region, endpoint: env.s3Endpoint, forcePathStyle: true, credentials });
  const runner = runnerByHand({ config, storage, payloadBucket: env.bucket });
  const body = JSON.stringify({
    taskId,
    taskType: "GRAPH_GENERATION_REQUEST",
    timestamp: new Date().toISOString(),
    payload: { userId, s3Key: prefix, bucket: env.bucket, language: "en", minClusters: 2, maxClusters: 4 },
  });
  const receive = (receiveCount: number) => runner.receive(body, receiveCount);
  try {
    const first = await receive(1);
    assert.equal(first.kind, "retry", JSON.stringify(first));
    assert.equal(first.kind === "retry" && first.code, "VECTOR_STORE_ERROR");
    const afterFirst = proxy.total;
    assert.ok(
      afterFirst >= 3,
      `the first attempt and both in-task retries reached the proxy (${afterFirst})`,
    );

    const last = await receive(3);
    assert.equal(last.kind, "result", JSON.stringify(last));
    const payload = (last.kind === "result" ? last.envelope.payload : {}) as Record<string, unknown>;
    assert.equal(payload.status, "COMPLETED", JSON.stringify(payload));
    assert.equal(payload.resultS3Key, `results/macro/${userId}/${taskId}/graph.json`);
    assert.match(String(payload.error), /vector indexing failed after 3 attempts/);
    assert.match(String(payload.error), /not searchable until it is generated again/);
    graphOutputSchema.parse(await storage.getJson(env.bucket, payload.resultS3Key as string));
    assert.ok(proxy.total > afterFirst, "the last receive tried the store again");
    assert.deepEqual(await indexedIds(collection), [], "nothing reached the store");
  } finally {
    await runner.close();
    await proxy.close();
  }
});
