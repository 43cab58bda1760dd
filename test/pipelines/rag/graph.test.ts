import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  buildChunkEntityGraph,
  entitiesInQuestion,
  expandByGraph,
  neighbourEntities,
  normalizeEntityName,
  personalizedPageRank,
  type RagChunk,
  type ScoredChunk,
} from "../../../src/pipelines/rag/index.js";

function chunk(id: string, entityNames: string[], text = `Text of ${id}.`): RagChunk {
  const [sourceId, index] = id.split("_");
  return {
    id,
    sourceId: sourceId!,
    sourceName: `${sourceId}.md`,
    chunkIndex: Number(index ?? 0),
    text,
    entityNames,
  };
}
const hit = (c: RagChunk, score = 0.8): ScoredChunk => ({ ...c, score });

// A —X— B —Y— C: C is two hops from A, through B. D is unconnected.
const A = chunk("doc1_0", ["Graph Neural Network"]);
const B = chunk("doc1_1", ["graph neural network", "Message Passing"]);
const C = chunk("doc2_0", ["Message Passing", "Attention"]);
const D = chunk("doc3_0", ["Sourdough"]);
const CHAIN = [A, B, C, D];

describe("graph expansion", () => {
  it("hop_depth 1 adds the chunk sharing an entity; hop_depth 2 also the one two hops away", () => {
    const one = expandByGraph({
      question: "what is it?",
      hits: [hit(A)],
      chunks: CHAIN,
      hopDepth: 1,
      limit: 10,
    });
    assert.deepEqual(
      one.chunks.map((c) => c.id),
      [B.id],
    );
    const two = expandByGraph({
      question: "what is it?",
      hits: [hit(A)],
      chunks: CHAIN,
      hopDepth: 2,
      limit: 10,
    });
    const byId = new Map(two.chunks.map((c) => [c.id, c]));
    assert.deepEqual([...byId.keys()].sort(), [B.id, C.id].sort());
    assert.equal(byId.get(B.id)?.hop, 1);
    assert.equal(byId.get(B.id)?.via, "Graph Neural Network");
    assert.equal(byId.get(B.id)?.fromChunkId, A.id);
    assert.equal(byId.get(C.id)?.hop, 2);
    assert.equal(byId.get(C.id)?.via, "Message Passing");
    assert.equal(byId.get(C.id)?.fromChunkId, B.id);
    assert.ok(byId.get(B.id)!.score > byId.get(C.id)!.score, "closer chunks rank higher");
    assert.deepEqual(two.trace, [
      { hop: 1, entity: "Graph Neural Network", chunkId: B.id, fromChunkId: A.id },
      { hop: 2, entity: "Message Passing", chunkId: C.id, fromChunkId: B.id },
    ]);
    assert.ok(!byId.has(D.id));
  });

  it("hop_depth 0 adds nothing; the limit keeps the best", () => {
    assert.deepEqual(
      expandByGraph({ question: "q", hits: [hit(A)], chunks: CHAIN, hopDepth: 0, limit: 10 }).chunks,
      [],
    );
    const limited = expandByGraph({ question: "q", hits: [hit(A)], chunks: CHAIN, hopDepth: 3, limit: 1 });
    assert.deepEqual(
      limited.chunks.map((c) => c.id),
      [B.id],
    );
    assert.deepEqual(
      limited.trace.map((s) => s.chunkId),
      [B.id],
    );
  });

  it("ranks a chunk sharing several specific entities above chunks reached through a hub entity", () => {
    const seed = chunk("s_0", ["Hub", "Kernel", "Scheduler"]);
    const specific = chunk("s_1", ["Kernel", "Scheduler"]);
    const hubbed = Array.from({ length: 6 }, (_, i) => chunk(`h_${i}`, ["Hub"]));
    const out = expandByGraph({
      question: "how does it schedule?",
      hits: [hit(seed)],
      chunks: [seed, ...hubbed, specific],
      hopDepth: 1,
      limit: 3,
    });
    assert.equal(out.chunks[0]?.id, specific.id);
    assert.equal(out.chunks.length, 3);
  });

  it("seeds the walk with entities the question names, even when no retrieved chunk mentions them", () => {
    const out = expandByGraph({
      question: "How long should sourdough ferment?",
      hits: [hit(A)],
      chunks: CHAIN,
      hopDepth: 1,
      limit: 10,
    });
    assert.deepEqual(out.questionEntities, ["Sourdough"]);
    const d = out.chunks.find((c) => c.id === D.id);
    assert.equal(d?.hop, 1);
    assert.equal(d?.fromChunkId, null);
    assert.ok(
      out.trace.some((s) => s.chunkId === D.id && s.fromChunkId === null && s.entity === "Sourdough"),
    );
  });

  it("adds retrieved chunks missing from the workspace list, and never returns a retrieved chunk", () => {
    const out = expandByGraph({ question: "q", hits: [hit(A), hit(B)], chunks: [C], hopDepth: 2, limit: 10 });
    assert.deepEqual(
      out.chunks.map((c) => c.id),
      [C.id],
    );
  });
});

describe("entity matching", () => {
  it("normalises names for matching", () => {
    assert.equal(normalizeEntityName("  Graph   Neural\tNetwork "), "graph neural network");
  });

  it("matches plural forms, Korean particles and CJK substrings, but not word fragments", () => {
    const keys = ["graph neural network", "그래프 신경망", "知识图谱", "art", "ai"].map(normalizeEntityName);
    assert.deepEqual(entitiesInQuestion("What do graph neural networks learn?", keys), [
      "graph neural network",
    ]);
    assert.deepEqual(entitiesInQuestion("그래프 신경망이 뭐야?", keys), ["그래프 신경망"]);
    assert.deepEqual(entitiesInQuestion("什么是知识图谱？", keys), ["知识图谱"]);
    assert.deepEqual(entitiesInQuestion("Which part of the chart is it?", keys), []);
    assert.deepEqual(entitiesInQuestion("Is AI useful here?", keys), ["ai"]);
  });
});

describe("personalised PageRank", () => {
  it("is a distribution concentrated around the seeds", () => {
    const { graph } = buildChunkEntityGraph(CHAIN);
    const scores = personalizedPageRank(graph, new Map([[`c:${A.id}`, 1]]));
    const total = [...scores.values()].reduce((s, x) => s + x, 0);
    assert.ok(Math.abs(total - 1) < 1e-9);
    assert.ok(scores.get(`c:${A.id}`)! > scores.get(`c:${B.id}`)!);
    assert.ok(scores.get(`c:${B.id}`)! > scores.get(`c:${C.id}`)!);
    assert.equal(scores.get(`c:${D.id}`), 0);
    assert.equal(personalizedPageRank(graph, new Map()).size, 0);
  });
});

describe("neighbour entities", () => {
  it("finds entities within hop_depth co-occurrence steps, seeds first", () => {
    const g = buildChunkEntityGraph(CHAIN);
    const one = neighbourEntities(g, ["Graph Neural Network"], { hopDepth: 1, limit: 10 });
    assert.deepEqual(
      one.map((e) => [e.name, e.hop]),
      [
        ["Graph Neural Network", 0],
        ["Message Passing", 1],
      ],
    );
    const two = neighbourEntities(g, ["graph neural network"], { hopDepth: 2, limit: 10 });
    assert.deepEqual(
      two.map((e) => e.name),
      ["Graph Neural Network", "Message Passing", "Attention"],
    );
    assert.deepEqual(neighbourEntities(g, ["unknown"], { hopDepth: 2, limit: 10 }), []);
  });
});
