import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { HashingEmbedder } from "../../src/ai/embeddings/hashing.js";
import { TaskError } from "../../src/contract/errors.js";
import { createChromaVectorStore } from "../../src/infra/chroma.js";
import {
  decodeEntityNames,
  encodeEntityNames,
  type MicroscopeChunkInput,
  type MicroscopeIndex,
  microscopeCollectionName,
  openExistingMicroscopeIndex,
  openMicroscopeIndex,
} from "../../src/infra/microscopeIndex.js";
import type { VectorStore } from "../../src/infra/vectorStore.js";
import { getTestChroma, type TestChroma } from "../support/chroma.js";

const embedder = new HashingEmbedder();
const space = { model: embedder.model, dimension: embedder.dimension };
const unique = (prefix: string) => `${prefix}_${randomUUID().slice(0, 8)}`;

let chroma: TestChroma;
let store: VectorStore;
before(async () => {
  chroma = await getTestChroma();
  store = createChromaVectorStore({ url: chroma.url });
});
after(async () => {
  await chroma?.stop();
});

const DOC: MicroscopeChunkInput[] = [
  {
    index: 0,
    text: "Graph neural networks learn node embeddings by passing messages between neighbours.",
    entityNames: ["Graph Neural Network", "Message Passing"],
  },
  {
    index: 1,
    text: "Attention weights let a graph attention network decide which neighbours matter most.",
    entityNames: ["Graph Attention Network", "Attention, weights | scores"],
  },
  {
    index: 2,
    text: "Sourdough bread ferments slowly with wild yeast before it is baked.",
    entityNames: ["Sourdough"],
  },
];

async function ingest(
  index: MicroscopeIndex,
  where: { userId: string; groupId: string; sourceId: string; sourceName?: string },
  chunks: MicroscopeChunkInput[],
) {
  const vectors = await embedder.embed(chunks.map((c) => c.text));
  return index.replaceDocumentChunks({ sourceName: "notes.md", ...where, chunks, vectors });
}

async function query(index: MicroscopeIndex, userId: string, groupId: string, text: string, k = 10) {
  const [vector] = await embedder.embed([text]);
  return index.search({ userId, groupId, vector: vector!, k });
}

describe("microscope chunk index", () => {
  const collection = unique("microscope_chunks_test");

  it("names the collection after the model like the incumbent", () => {
    assert.equal(microscopeCollectionName("local-hash-v1"), "microscope_chunks_local_hash_v1");
    assert.equal(
      microscopeCollectionName("sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2"),
      "microscope_chunks_paraphrase_multilingual_minilm_l12_v2",
    );
    assert.equal(microscopeCollectionName("local-hash-v1", "custom"), "custom");
  });

  it("is absent for readers until something is ingested", async () => {
    assert.equal(await openExistingMicroscopeIndex(store, space, { collection }), null);
  });

  it("stores one record per chunk: id sourceId_index, the text, scalar metadata with entity names", async () => {
    const index = await openMicroscopeIndex(store, space, { collection });
    assert.equal(index.collectionName, collection);
    const out = await ingest(index, { userId: "u1", groupId: "g1", sourceId: "src-a" }, DOC);
    assert.deepEqual(out, { stored: 3, removed: 0, skippedEmpty: 0 });

    const raw = await store.collection(collection, space);
    const [rec] = await raw.get({ ids: ["src-a_1"] });
    assert.equal(rec?.document, DOC[1]!.text);
    assert.deepEqual(rec?.metadata, {
      user_id: "u1",
      group_id: "g1",
      source_id: "src-a",
      source_name: "notes.md",
      chunk_index: 1,
      entity_names: encodeEntityNames(DOC[1]!.entityNames),
    });
    for (const v of Object.values(rec!.metadata)) assert.ok(["string", "number"].includes(typeof v));

    const chunks = await index.groupChunks({ userId: "u1", groupId: "g1" });
    assert.deepEqual(
      chunks.map((c) => [c.id, c.chunkIndex, c.entityNames]),
      DOC.map((c) => [`src-a_${c.index}`, c.index, c.entityNames]),
    );
    assert.equal(chunks[0]?.sourceName, "notes.md");
  });

  it("finds the nearest chunks of the workspace with cosine similarity scores", async () => {
    const index = await openMicroscopeIndex(store, space, { collection });
    const hits = await query(
      index,
      "u1",
      "g1",
      "How does a graph attention network weigh its neighbours?",
      2,
    );
    assert.equal(hits.length, 2);
    assert.equal(hits[0]?.id, "src-a_1");
    assert.ok(hits[0]!.score > hits[1]!.score);
    assert.ok(hits[0]!.score > 0 && hits[0]!.score <= 1 + 1e-6);
    assert.deepEqual(hits[0]?.entityNames, DOC[1]!.entityNames);
    assert.equal(hits[0]?.text, DOC[1]!.text);
  });

  it("replaces a source's chunks on re-ingest (fewer chunks: the stale ones go)", async () => {
    const index = await openMicroscopeIndex(store, space, { collection });
    const revised = [{ ...DOC[0]!, text: `${DOC[0]!.text} Revised.` }, DOC[2]!].map((c, i) => ({
      ...c,
      index: i,
    }));
    const out = await ingest(index, { userId: "u1", groupId: "g1", sourceId: "src-a" }, revised);
    assert.deepEqual(out, { stored: 2, removed: 1, skippedEmpty: 0 });
    const chunks = await index.groupChunks({ userId: "u1", groupId: "g1" });
    assert.deepEqual(
      chunks.map((c) => c.id),
      ["src-a_0", "src-a_1"],
    );
    assert.equal(chunks[0]?.text, revised[0]!.text);
    assert.deepEqual(chunks[1]?.entityNames, ["Sourdough"]);
  });

  it("keeps users and groups apart: search and groupChunks filter on user AND group", async () => {
    const index = await openMicroscopeIndex(store, space, { collection });
    await ingest(index, { userId: "u1", groupId: "g2", sourceId: "src-b" }, DOC);
    await ingest(index, { userId: "u2", groupId: "g1", sourceId: "src-c" }, DOC);
    const text = "graph attention network neighbours";
    for (const [userId, groupId, source] of [
      ["u1", "g1", "src-a"],
      ["u1", "g2", "src-b"],
      ["u2", "g1", "src-c"],
    ] as const) {
      const hits = await query(index, userId, groupId, text);
      assert.ok(hits.length > 0);
      assert.ok(hits.every((h) => h.sourceId === source));
      const all = await index.groupChunks({ userId, groupId });
      assert.ok(all.every((c) => c.sourceId === source));
    }
    assert.deepEqual(await query(index, "u3", "g1", text), []);
    assert.equal((await index.groupChunks({ userId: "u1", groupId: "g2", limit: 2 })).length, 2);
  });

  it("refuses a source id already used by another workspace, writing nothing", async () => {
    const index = await openMicroscopeIndex(store, space, { collection });
    await assert.rejects(
      ingest(index, { userId: "u9", groupId: "g9", sourceId: "src-a" }, DOC),
      (e) => e instanceof TaskError && e.code === "INVALID_INPUT" && e.kind === "terminal",
    );
    assert.deepEqual(await index.groupChunks({ userId: "u9", groupId: "g9" }), []);
    assert.equal(
      (await index.groupChunks({ userId: "u1", groupId: "g1" })).length,
      2,
      "u1's chunks untouched",
    );
  });

  it("skips chunks without content terms and finds nothing for an empty question", async () => {
    const index = await openMicroscopeIndex(store, space, { collection });
    const out = await ingest(index, { userId: "u4", groupId: "g1", sourceId: "src-d" }, [
      { index: 0, text: "---", entityNames: [] },
      DOC[0]!,
    ]);
    assert.equal(out.stored, 1);
    assert.equal(out.skippedEmpty, 1);
    assert.deepEqual(await query(index, "u4", "g1", "the of and"), []);
  });

  it("deletes one document of a workspace", async () => {
    const index = await openMicroscopeIndex(store, space, { collection });
    assert.equal(await index.deleteDocument({ userId: "u1", groupId: "g2", sourceId: "src-b" }), 3);
    assert.deepEqual(await index.groupChunks({ userId: "u1", groupId: "g2" }), []);
    assert.equal((await index.groupChunks({ userId: "u2", groupId: "g1" })).length, 3);
  });

  it("refuses to open the collection for another embedding model", async () => {
    await assert.rejects(
      openMicroscopeIndex(store, { model: "other-model", dimension: embedder.dimension }, { collection }),
      (e) => e instanceof TaskError && e.code === "EMBEDDING_MODEL_MISMATCH",
    );
    const reopened = await openExistingMicroscopeIndex(store, space, { collection });
    assert.ok(reopened);
  });
});

describe("entity name encoding", () => {
  it("round-trips names with commas and pipes, dropping blanks and duplicates", () => {
    const names = ["A, B", "C | D", " ", "A, B", "그래프"];
    assert.deepEqual(decodeEntityNames(encodeEntityNames(names)), ["A, B", "C | D", "그래프"]);
  });

  it("reads the incumbent's comma-separated form and lists", () => {
    assert.deepEqual(decodeEntityNames("GNN, Message Passing"), ["GNN", "Message Passing"]);
    assert.deepEqual(decodeEntityNames(["x", "", "y"]), ["x", "y"]);
    assert.deepEqual(decodeEntityNames(undefined), []);
    assert.deepEqual(decodeEntityNames("[not json"), ["[not json"]);
  });
});
