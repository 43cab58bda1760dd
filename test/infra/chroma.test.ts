import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer } from "node:net";
import { after, before, describe, it } from "node:test";
import { ChromaClient } from "chromadb";
import type { TaskError } from "../../src/contract/errors.js";
import { chromaError, createChromaVectorStore, sanitizeMetadata, toWhere } from "../../src/infra/chroma.js";
import type { VectorRecord, VectorStore } from "../../src/infra/vectorStore.js";
import { getTestChroma, type TestChroma } from "../support/chroma.js";
import { startFaultInjectingProxy } from "../support/faultProxy.js";
import { rejectsWith } from "./storageBehaviour.js";

const DIM = 8;
const MODEL = "test-model-8d";

/** Deterministic pseudo-random vectors (mulberry32), so a failure can be replayed. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function vectors(n: number, seed: number): number[][] {
  const next = rng(seed);
  return Array.from({ length: n }, () => Array.from({ length: DIM }, () => next() * 2 - 1));
}
function cosineDistance(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += (a[i] as number) * (b[i] as number);
    na += (a[i] as number) ** 2;
    nb += (b[i] as number) ** 2;
  }
  return 1 - dot / Math.sqrt(na * nb);
}

const unique = (prefix: string) => `${prefix}_${randomUUID().slice(0, 8)}`;

let chroma: TestChroma;
let store: VectorStore;
let raw: ChromaClient;
before(async () => {
  chroma = await getTestChroma();
  store = createChromaVectorStore({ url: chroma.url });
  const u = new URL(chroma.url);
  raw = new ChromaClient({ host: u.hostname, port: Number(u.port) });
});
after(async () => {
  await chroma?.stop();
});

describe("chroma vector store", () => {
  const name = unique("macro_node_test");
  const embeddings = vectors(600, 42);
  const records: VectorRecord[] = embeddings.map((embedding, i) => ({
    id: `u${i % 2}_node-${i}`,
    embedding: i % 3 === 0 ? Float32Array.from(embedding) : embedding,
    metadata: { user_id: `u${i % 2}`, orig_id: `node-${i}`, cluster_id: `c${i % 5}`, num_messages: i },
    ...(i % 4 === 0 ? { document: `text of node ${i}` } : {}),
  }));

  it("creates a cosine collection recording the embedding model and dimension", async () => {
    await store.collection(name, { model: MODEL, dimension: DIM });
    const col = await raw.getCollection({ name, embeddingFunction: { generate: async () => [] } });
    assert.equal(col.configuration.hnsw?.space, "cosine");
    assert.equal(col.metadata?.embedding_model, MODEL);
    assert.equal(col.metadata?.embedding_dimension, DIM);
    assert.equal(col.metadata?.["hnsw:space"], "cosine");
  });

  it("upserts 600 records in batches and counts them; upserting again does not duplicate", async () => {
    const col = await store.collection(name, { model: MODEL, dimension: DIM });
    await col.upsert(records);
    assert.equal(await col.count(), records.length);
    await col.upsert(records.slice(0, 10));
    assert.equal(await col.count(), records.length);
  });

  it("lists a user's record ids across pages (more than one page of 5,000), and only that user's", async () => {
    const col = await store.collection(unique("macro_ids_test"), { model: MODEL, dimension: DIM });
    const many = vectors(11_000, 7).map((embedding, i) => ({
      id: `${i % 11 === 0 ? "other" : "heavy"}_n${i}`,
      embedding,
      metadata: { user_id: i % 11 === 0 ? "other" : "heavy", orig_id: `n${i}` },
    }));
    await col.upsert(many);
    const ids = await col.ids({ user_id: "heavy" });
    const expected = many.filter((r) => r.metadata.user_id === "heavy").map((r) => r.id);
    assert.equal(ids.length, expected.length);
    assert.deepEqual(new Set(ids), new Set(expected));
    assert.deepEqual(await col.ids({ user_id: "nobody" }), []);
  });

  it("queryMany answers several vectors in one call, each list equal to its own query", async () => {
    const col = await store.collection(name, { model: MODEL, dimension: DIM });
    const probes = [embeddings[3] as number[], embeddings[40] as number[], embeddings[77] as number[]];
    const many = await col.queryMany(probes, { k: 4, where: { user_id: "u0" } });
    assert.equal(many.length, 3);
    for (const [i, p] of probes.entries()) {
      const one = await col.query(p, { k: 4, where: { user_id: "u0" } });
      assert.deepEqual(
        many[i]!.map((h) => h.id),
        one.map((h) => h.id),
      );
    }
    assert.deepEqual(await col.queryMany([], { k: 4 }), []);
  });

  it("queries nearest neighbours within a user's records, in cosine distance", async () => {
    const col = await store.collection(name, { model: MODEL, dimension: DIM });
    const probe = embeddings[12] as number[];
    const hits = await col.query(probe, { k: 5, where: { user_id: "u0" } });
    const expected = records
      .filter((r) => r.metadata.user_id === "u0")
      .map((r) => ({ id: r.id, d: cosineDistance(probe, Array.from(r.embedding)) }))
      .sort((a, b) => a.d - b.d)
      .slice(0, 5);
    assert.deepEqual(
      hits.map((h) => h.id),
      expected.map((e) => e.id),
    );
    for (const [i, h] of hits.entries()) {
      assert.ok(Math.abs(h.distance - (expected[i]?.d ?? Number.NaN)) < 1e-4, `${h.id}: ${h.distance}`);
      assert.equal(h.metadata.user_id, "u0");
      assert.equal(h.embedding, undefined);
    }
    assert.equal(hits[0]?.id, records[12]?.id);
    assert.equal(hits[0]?.document, "text of node 12");
  });

  it("combines several where conditions and can return embeddings", async () => {
    const col = await store.collection(name, { model: MODEL, dimension: DIM });
    const hits = await col.query(embeddings[0] as number[], {
      k: 1000,
      where: { user_id: "u1", cluster_id: "c3" },
      includeEmbeddings: true,
    });
    const expected = records.filter((r) => r.metadata.user_id === "u1" && r.metadata.cluster_id === "c3");
    assert.equal(hits.length, expected.length);
    for (const h of hits) {
      assert.equal(h.metadata.cluster_id, "c3");
      const original = records.find((r) => r.id === h.id);
      assert.ok(original);
      assert.equal(h.embedding?.length, DIM);
      for (const [i, x] of (h.embedding ?? []).entries())
        assert.ok(Math.abs(x - (original.embedding[i] as number)) < 1e-6);
    }
  });

  it("gets by ids and by filter, with documents and metadata as written", async () => {
    const col = await store.collection(name, { model: MODEL, dimension: DIM });
    const byIds = await col.get({ ids: ["u0_node-0", "u1_node-1", "absent"] });
    assert.deepEqual(byIds.map((h) => h.id).sort(), ["u0_node-0", "u1_node-1"]);
    const zero = byIds.find((h) => h.id === "u0_node-0");
    assert.equal(zero?.document, "text of node 0");
    assert.deepEqual(zero?.metadata, records[0]?.metadata);
    assert.equal(byIds.find((h) => h.id === "u1_node-1")?.document, undefined);
    const filtered = await col.get({ where: { cluster_id: "c4" } });
    assert.equal(filtered.length, records.filter((r) => r.metadata.cluster_id === "c4").length);
    assert.equal((await col.get({ where: { user_id: "u0" }, limit: 7 })).length, 7);
    assert.deepEqual(await col.get({ ids: [] }), []);
  });

  it("deletes by filter and by ids", async () => {
    const col = await store.collection(name, { model: MODEL, dimension: DIM });
    const u1 = records.filter((r) => r.metadata.user_id === "u1").length;
    await col.delete({ where: { user_id: "u1" } });
    assert.equal(await col.count(), records.length - u1);
    assert.deepEqual(await col.get({ where: { user_id: "u1" } }), []);
    await col.delete({ ids: ["u0_node-0", "u0_node-2"] });
    assert.equal(await col.count(), records.length - u1 - 2);
    await rejectsWith(col.delete({}), { code: "INTERNAL_ERROR", kind: "terminal" });
    assert.equal(await col.count(), records.length - u1 - 2, "an empty delete removed nothing");
  });

  it("refuses to open it for another model, naming both (terminal EMBEDDING_MODEL_MISMATCH)", async () => {
    const err = await rejectsWith(store.collection(name, { model: "other-model", dimension: DIM }), {
      code: "EMBEDDING_MODEL_MISMATCH",
      kind: "terminal",
    });
    assert.match(err.message, new RegExp(MODEL));
    assert.match(err.message, /other-model/);
  });

  it("refuses another dimension, and vectors of the wrong length or with non-finite values", async () => {
    await rejectsWith(store.collection(name, { model: MODEL, dimension: DIM * 2 }), {
      code: "EMBEDDING_MODEL_MISMATCH",
      kind: "terminal",
      message: /16/,
    });
    const col = await store.collection(name, { model: MODEL, dimension: DIM });
    const before = await col.count();
    await rejectsWith(
      col.upsert([
        { id: "ok", embedding: embeddings[1] as number[], metadata: { user_id: "u9" } },
        { id: "short", embedding: [1, 2, 3], metadata: { user_id: "u9" } },
      ]),
      { code: "EMBEDDING_MODEL_MISMATCH", kind: "terminal" },
    );
    await rejectsWith(
      col.upsert([
        { id: "nan", embedding: [Number.NaN, ...(embeddings[1] as number[]).slice(1)], metadata: { a: 1 } },
      ]),
      { code: "INVALID_INPUT", kind: "terminal" },
    );
    assert.equal(await col.count(), before, "nothing of a refused batch was written");
    await rejectsWith(col.query([1, 2], { k: 3 }), { code: "EMBEDDING_MODEL_MISMATCH", kind: "terminal" });
  });

  it("flattens metadata to scalars on the way in", async () => {
    const col = await store.collection(unique("meta_test"), { model: MODEL, dimension: DIM });
    const loose = {
      keywords: ["gnn", "graph", null],
      nested: { a: 1 },
      gone: null,
      missing: undefined,
      n: 2,
      ok: true,
    };
    await col.upsert([
      { id: "m1", embedding: embeddings[2] as number[], metadata: loose as never },
      { id: "m2", embedding: embeddings[3] as number[], metadata: {} },
    ]);
    const [m1] = await col.get({ ids: ["m1"] });
    assert.deepEqual(m1?.metadata, { keywords: "gnn, graph", nested: '{"a":1}', n: 2, ok: true });
    const [m2] = await col.get({ ids: ["m2"] });
    assert.deepEqual(m2?.metadata, {});
  });

  it("keeps the last of duplicate ids in one upsert", async () => {
    const col = await store.collection(unique("dup_test"), { model: MODEL, dimension: DIM });
    await col.upsert([
      { id: "d", embedding: embeddings[4] as number[], metadata: { v: 1 } },
      { id: "d", embedding: embeddings[5] as number[], metadata: { v: 2 } },
    ]);
    assert.equal(await col.count(), 1);
    assert.equal((await col.get({ ids: ["d"] }))[0]?.metadata.v, 2);
  });
});

describe("chroma collections made elsewhere", () => {
  it("accepts a foreign cosine collection when empty or of the same dimension, refuses another dimension", async () => {
    const name = unique("foreign");
    const col = await raw.createCollection({
      name,
      embeddingFunction: null,
      configuration: { hnsw: { space: "cosine" } },
    });
    await store.collection(name, { model: MODEL, dimension: DIM }); // empty: accepted
    await col.upsert({ ids: ["x"], embeddings: [embeddings8()], metadatas: [{ user_id: "u" }] });
    const opened = await store.collection(name, { model: MODEL, dimension: DIM });
    assert.equal(await opened.count(), 1);
    const err = await rejectsWith(store.collection(name, { model: "wide-model", dimension: 384 }), {
      code: "EMBEDDING_MODEL_MISMATCH",
      kind: "terminal",
    });
    assert.match(err.message, /wide-model/);
    const after = await raw.getCollection({ name, embeddingFunction: { generate: async () => [] } });
    assert.equal(after.metadata?.embedding_model, undefined, "a foreign collection is not relabelled");
  });

  it("refuses a collection in another distance space", async () => {
    const name = unique("l2_space");
    await raw.createCollection({ name, embeddingFunction: null });
    await rejectsWith(store.collection(name, { model: MODEL, dimension: DIM }), {
      code: "VECTOR_STORE_ERROR",
      kind: "terminal",
      message: /l2/,
    });
  });

  it("opens existing collections without a model check, and reports absent ones as null", async () => {
    assert.equal(await store.existing(unique("absent")), null);
    const name = unique("existing");
    const made = await store.collection(name, { model: MODEL, dimension: DIM });
    await made.upsert([{ id: "e", embedding: embeddings8(), metadata: { user_id: "u" } }]);
    const opened = await store.existing(name);
    assert.deepEqual(opened?.space, { model: MODEL, dimension: DIM });
    assert.equal((await opened?.query(embeddings8(), { k: 1 }))?.[0]?.id, "e");
  });

  function embeddings8(): number[] {
    return vectors(1, 7)[0] as number[];
  }
});

describe("chroma databases and failures", () => {
  it("creates a missing database and works inside it", async () => {
    const database = unique("TACO_GraphNode");
    const inDb = createChromaVectorStore({ url: chroma.url, database });
    const col = await inDb.collection("macro_node_paraphrase_multilingual_minilm_l12_v2", {
      model: MODEL,
      dimension: DIM,
    });
    await col.upsert([{ id: "a", embedding: vectors(1, 3)[0] as number[], metadata: { user_id: "u" } }]);
    assert.equal(await col.count(), 1);
    assert.equal(
      await store.existing("macro_node_paraphrase_multilingual_minilm_l12_v2"),
      null,
      "not in the default database",
    );
    // A second store (another worker) finds the database already there.
    const again = createChromaVectorStore({ url: chroma.url, database });
    assert.equal(
      await (
        await again.collection("macro_node_paraphrase_multilingual_minilm_l12_v2", {
          model: MODEL,
          dimension: DIM,
        })
      ).count(),
      1,
    );
  });

  it("an unreachable server is transient VECTOR_STORE_ERROR; heartbeat says false", async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = createServer();
      srv.listen(0, "127.0.0.1", () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    const down = createChromaVectorStore({
      url: `http://127.0.0.1:${port}`,
      apiKey: "ck-SECRET-TOKEN",
      database: "TACO_GraphNode",
    });
    assert.equal(await down.heartbeat(), false);
    const err = await rejectsWith(down.collection("any_collection", { model: MODEL, dimension: DIM }), {
      code: "VECTOR_STORE_ERROR",
      kind: "transient",
    });
    assert.ok(!err.message.includes("SECRET"));
    assert.equal(await store.heartbeat(), true);
  });
});

describe("chroma error classification", () => {
  let server: HttpServer;
  let url: string;
  let status = 503;
  before(async () => {
    server = createHttpServer((req, res) => {
      req.resume();
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "e", message: "injected" }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  it("5xx and 429 are transient VECTOR_STORE_ERROR", async () => {
    for (const code of [500, 503, 429]) {
      status = code;
      await rejectsWith(
        createChromaVectorStore({ url }).collection("any_collection", { model: MODEL, dimension: DIM }),
        {
          code: "VECTOR_STORE_ERROR",
          kind: "transient",
        },
      );
    }
  });

  it("401 and 403 are terminal VECTOR_STORE_ERROR without the token", async () => {
    for (const code of [401, 403]) {
      status = code;
      const err = await rejectsWith(
        createChromaVectorStore({ url, apiKey: "ck-SECRET-TOKEN" }).collection("any_collection", {
          model: MODEL,
          dimension: DIM,
        }),
        { code: "VECTOR_STORE_ERROR", kind: "terminal" },
      );
      assert.ok(!err.message.includes("SECRET"));
    }
  });
});

describe("chroma responses broken mid-body (a real server behind a fault proxy)", () => {
  const space = { model: MODEL, dimension: DIM };
  const batch = (seed: number): VectorRecord[] =>
    vectors(5, seed).map((embedding, i) => ({ id: `r${i}`, embedding, metadata: { user_id: "u" } }));

  it("a response cut after its headers (Node: TypeError terminated, cause UND_ERR_SOCKET) is transient", async () => {
    const name = unique("cut_mid_body");
    await store.collection(name, space); // created upstream, so the proxied open is a plain GET
    const proxy = await startFaultInjectingProxy({
      target: chroma.url,
      rules: [{ kind: "cutMidBody", match: `/collections/${name}`, methods: ["GET"], first: 1 }],
    });
    try {
      const viaProxy = createChromaVectorStore({ url: proxy.url });
      const err = await rejectsWith(viaProxy.collection(name, space), {
        code: "VECTOR_STORE_ERROR",
        kind: "transient",
      });
      assert.equal(proxy.counts.cutMidBody, 1);
      // What Node's fetch really reports for it, so the classification is pinned to the real error.
      const cause = err.cause as { name?: string; message?: string; cause?: { code?: string } };
      assert.equal(cause.name, "TypeError");
      assert.equal(cause.message, "terminated");
      assert.equal(cause.cause?.code, "UND_ERR_SOCKET");
      // The same call succeeds once the network behaves.
      assert.equal(await (await viaProxy.collection(name, space)).count(), 0);
    } finally {
      await proxy.close();
    }
  });

  it("an upsert whose response is reset mid-body is transient, and repeating it is harmless", async () => {
    const name = unique("reset_mid_body");
    const proxy = await startFaultInjectingProxy({
      target: chroma.url,
      rules: [{ kind: "resetMidBody", match: "/upsert", first: 1 }],
    });
    try {
      const col = await createChromaVectorStore({ url: proxy.url }).collection(name, space);
      await rejectsWith(col.upsert(batch(7)), { code: "VECTOR_STORE_ERROR", kind: "transient" });
      assert.equal(proxy.counts.resetMidBody, 1);
      await col.upsert(batch(7));
      assert.equal(await col.count(), 5, "upserts are by id: the repeat wrote no duplicates");
    } finally {
      await proxy.close();
    }
  });

  it("a body that ends early without a length to tell (the client's JSON parse fails) is transient", async () => {
    // Connection-delimited: no content-length, no chunking, so the early close looks like the body's end
    // and the client's response.json() throws a SyntaxError.
    const cutter = createHttpServer((req) => {
      req.resume();
      req.socket.end(
        'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n{"id":"3f1c7f4e-1111',
      );
    });
    await new Promise<void>((r) => cutter.listen(0, "127.0.0.1", r));
    try {
      const port = (cutter.address() as { port: number }).port;
      const err = await rejectsWith(
        createChromaVectorStore({ url: `http://127.0.0.1:${port}` }).collection("any_collection", space),
        { code: "VECTOR_STORE_ERROR", kind: "transient" },
      );
      assert.ok(err.cause instanceof SyntaxError, String(err.cause));
    } finally {
      await new Promise<void>((r) => cutter.close(() => r()));
    }
  });

  it("classifies by the cause chain: undici codes, fetch failed with a network cause; other errors terminal", () => {
    const kind = (err: unknown) => (chromaError(err, "test") as TaskError).kind;
    for (const code of [
      "UND_ERR_SOCKET",
      "UND_ERR_CLOSED",
      "UND_ERR_CONNECT_TIMEOUT",
      "UND_ERR_HEADERS_TIMEOUT",
      "UND_ERR_BODY_TIMEOUT",
      "ECONNRESET",
    ]) {
      const terminated = new TypeError("terminated", { cause: Object.assign(new Error("x"), { code }) });
      assert.equal(kind(terminated), "transient", code);
    }
    // Node reports a connect refused on every address as an AggregateError inside "fetch failed".
    const refused = new TypeError("fetch failed", {
      cause: new AggregateError([Object.assign(new Error("connect"), { code: "ECONNREFUSED" })]),
    });
    assert.equal(kind(refused), "transient");
    assert.equal(
      kind(new TypeError("fetch failed", { cause: new Error("invalid header value") })),
      "terminal",
    );
    assert.equal(kind(new TypeError("Cannot read properties of undefined")), "terminal");
  });
});

describe("chroma record helpers", () => {
  it("builds where filters: one condition bare, several under $and", () => {
    assert.equal(toWhere(undefined), undefined);
    assert.equal(toWhere({}), undefined);
    assert.deepEqual(toWhere({ user_id: "u1" }), { user_id: "u1" });
    assert.deepEqual(toWhere({ user_id: "u1", orig_id: "c1" }), {
      $and: [{ user_id: "u1" }, { orig_id: "c1" }],
    });
  });

  it("returns null for metadata that is empty after cleaning", () => {
    assert.equal(sanitizeMetadata({ a: null, b: undefined, c: Number.NaN }), null);
    assert.deepEqual(sanitizeMetadata({ d: new Date(0), big: 10n }), {
      d: "1970-01-01T00:00:00.000Z",
      big: "10",
    });
  });
});
