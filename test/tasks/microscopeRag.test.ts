/**
 * The three microscope RAG handlers called directly, with a real Chroma server holding chunks indexed through
 * the microscope index, local file storage, and an AI SDK mock model (or no model). Every result must pass
 * the result contract.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createLlmFromModel, type Llm } from "../../src/ai/llm/index.js";
import { loadConfig, type WorkerConfig } from "../../src/config.js";
import {
  microscopeQueryRequestSchema,
  microscopeRelatedQuestionsRequestSchema,
  microscopeSynthesizeRequestSchema,
} from "../../src/contract/requests.js";
import { resultPayloadSchemas } from "../../src/contract/results.js";
import { createChromaVectorStore } from "../../src/infra/chroma.js";
import { createFsStorage } from "../../src/infra/fsStorage.js";
import type { ObjectStorage } from "../../src/infra/storage.js";
import type { VectorStore } from "../../src/infra/vectorStore.js";
import { noProgress } from "../../src/pipelines/progress.js";
import { type CpuPool, createCpuPool } from "../../src/runtime/cpuPool.js";
import { createLogger } from "../../src/runtime/logger.js";
import { microscopeQueryHandler } from "../../src/tasks/microscopeQuery.js";
import { microscopeRelatedQuestionsHandler } from "../../src/tasks/microscopeRelatedQuestions.js";
import {
  type MicroscopeRagDeps,
  microscopeEmbedder,
  openMicroscopeIndexForWrite,
} from "../../src/tasks/microscopeRetrieval.js";
import { microscopeSynthesizeHandler } from "../../src/tasks/microscopeSynthesize.js";
import type { TaskContext } from "../../src/tasks/types.js";
import { type CallOptions, fastRuntime, promptText, reply, scripted } from "../ai/llm/support.js";
import { getTestChroma, type TestChroma } from "../support/chroma.js";

const BUCKET = "payload-bucket";
const USER = "4f1d2c3b-1a2b-4c3d-8e9f-0a1b2c3d4e5f";
const GROUP = "workspace-1";

const DOCS = [
  {
    sourceId: "src-gnn",
    sourceName: "gnn.md",
    groupId: GROUP,
    chunks: [
      {
        index: 0,
        text: "Graph neural networks learn node representations by message passing between neighbouring nodes.",
        entityNames: ["Graph Neural Network", "Message Passing"],
      },
      {
        index: 1,
        text: "Stacking many message passing layers causes over-smoothing: all node features start to look alike.",
        entityNames: ["Message Passing", "Over-smoothing"],
      },
    ],
  },
  {
    sourceId: "src-chem",
    sourceName: "chemistry.md",
    groupId: GROUP,
    chunks: [
      {
        index: 0,
        text: "Molecules are modelled as graphs whose atoms are nodes and whose bonds are edges.",
        entityNames: ["Molecule", "Atom"],
      },
      {
        index: 1,
        text: "Over-smoothing limits how deep a molecular property predictor can usefully be.",
        entityNames: ["Over-smoothing", "Molecular Property Prediction"],
      },
    ],
  },
  {
    sourceId: "src-other",
    sourceName: "other.md",
    groupId: "workspace-2",
    chunks: [
      {
        index: 0,
        text: "Graph neural networks learn node representations in another workspace entirely.",
        entityNames: ["Graph Neural Network"],
      },
    ],
  },
];

let chroma: TestChroma;
let store: VectorStore;
let dir: string;
let storage: ObjectStorage;
let config: WorkerConfig;
let cpu: CpuPool;

before(async () => {
  chroma = await getTestChroma();
  store = createChromaVectorStore({ url: chroma.url });
  dir = await mkdtemp(join(tmpdir(), "graphnode-rag-"));
  storage = createFsStorage(dir);
  cpu = createCpuPool({ threads: 1 });
  config = loadConfig({
    MICROSCOPE_CHROMA_COLLECTION: `microscope_chunks_rag_${randomUUID().slice(0, 8)}`,
    MICROSCOPE_LLM_PROVIDER: "none",
  });
  const embedder = microscopeEmbedder(config.env);
  const index = await openMicroscopeIndexForWrite(store, embedder, config.env);
  for (const doc of DOCS) {
    await index.replaceDocumentChunks({
      userId: USER,
      groupId: doc.groupId,
      sourceId: doc.sourceId,
      sourceName: doc.sourceName,
      chunks: doc.chunks,
      vectors: await embedder.embed(doc.chunks.map((c) => c.text)),
    });
  }
});
after(async () => {
  await cpu?.close();
  await chroma?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function context(taskId: string, taskType: TaskContext["taskType"]): TaskContext {
  return {
    taskId,
    taskType,
    receiveCount: 1,
    signal: new AbortController().signal,
    log: createLogger({ level: "silent" }),
    progress: noProgress,
    services: { storage, payloadBucket: BUCKET, vectors: async () => store, cpu, config },
  };
}

function mockLlm(text: string): { deps: MicroscopeRagDeps; calls: CallOptions[] } {
  const model = scripted([reply(text)]);
  const llm: Llm = createLlmFromModel(model, fastRuntime());
  return { deps: { llm: () => llm }, calls: model.doGenerateCalls };
}

interface PayloadChunk {
  id: string;
  source_id: string;
  hop: number;
  via?: string;
  from_chunk_id?: string | null;
  cited: boolean;
}

describe("MICROSCOPE_QUERY_REQUEST", () => {
  it("answers from the workspace with graph expansion and mapped citations (mock LLM)", async () => {
    const { deps, calls } = mockLlm(
      "GNNs pass messages between neighbours [1]; deep stacks over-smooth [2] [3] [42].",
    );
    const payload = microscopeQueryRequestSchema.parse({
      query: "How do graph neural networks learn node representations?",
      user_id: USER,
      group_id: GROUP,
      top_k: 1,
      hop_depth: 2,
    });
    const out = await microscopeQueryHandler(deps).run(payload, context("q1", "MICROSCOPE_QUERY_REQUEST"));
    const checked = resultPayloadSchemas.MICROSCOPE_QUERY_RESULT.parse(out);
    assert.equal(checked.status, "COMPLETED");
    assert.equal(checked.user_id, USER);
    assert.equal(checked.group_id, GROUP);
    assert.ok(!checked.answer?.includes("[42]"), "an invented citation is dropped");

    const chunks = checked.chunks as PayloadChunk[];
    assert.equal(chunks[0]?.id, "src-gnn_0");
    assert.equal(chunks[0]?.hop, 0);
    const twoHops = chunks.find((c) => c.id === "src-chem_1");
    assert.equal(twoHops?.hop, 2, "reached through the shared entity Over-smoothing");
    assert.equal(twoHops?.via, "Over-smoothing");
    assert.equal(twoHops?.from_chunk_id, "src-gnn_1");
    assert.ok(
      chunks.every((c) => c.source_id !== "src-other"),
      "another workspace's chunk never appears",
    );
    assert.deepEqual(
      chunks.filter((c) => c.cited).map((c) => c.id),
      chunks.slice(0, 3).map((c) => c.id),
    );
    assert.match(checked.context ?? "", /\[1\] Source: gnn\.md/);
    assert.equal(calls.length, 1);
    assert.match(promptText(calls[0]!), /over-smoothing/);
  });

  it("without a configured model answers extractively", async () => {
    const payload = microscopeQueryRequestSchema.parse({
      query: "What causes over-smoothing?",
      user_id: USER,
      group_id: GROUP,
    });
    const out = await microscopeQueryHandler().run(payload, context("q2", "MICROSCOPE_QUERY_REQUEST"));
    const checked = resultPayloadSchemas.MICROSCOPE_QUERY_RESULT.parse(out);
    assert.match(checked.answer ?? "", /^\(Extractive answer/);
    assert.match(checked.answer ?? "", /over-smoothing/i);
    assert.ok((checked.chunks as PayloadChunk[]).some((c) => c.cited));
  });

  it("a workspace with nothing ingested gets an honest COMPLETED answer", async () => {
    const { deps, calls } = mockLlm("must not be called");
    const payload = microscopeQueryRequestSchema.parse({
      query: "What is a graph neural network?",
      user_id: USER,
      group_id: "empty-workspace",
    });
    const out = await microscopeQueryHandler(deps).run(payload, context("q3", "MICROSCOPE_QUERY_REQUEST"));
    const checked = resultPayloadSchemas.MICROSCOPE_QUERY_RESULT.parse(out);
    assert.match(checked.answer ?? "", /could not find anything in this workspace/);
    assert.deepEqual(checked.chunks, []);
    assert.equal(calls.length, 0);
  });

  it("no_rag asks the model alone, with the user's profile from their latest graph summary", async () => {
    await storage.putJson(BUCKET, `results/macro/${USER}/latest.json`, {
      taskId: "t0",
      graphS3Key: `results/macro/${USER}/t0/graph.json`,
    });
    await storage.putJson(BUCKET, `results/macro/${USER}/t0/summary.json`, {
      overview: { primary_interests: ["graph learning", "chemistry"], conversation_style: "Deep dives." },
      patterns: [],
      recommendations: [{ title: "Review attention", priority: "high" }],
    });
    const { deps, calls } = mockLlm("Message passing shares features along edges.");
    const payload = microscopeQueryRequestSchema.parse({
      query: "What is message passing?",
      user_id: USER,
      group_id: GROUP,
      no_rag: true,
    });
    const out = await microscopeQueryHandler(deps).run(payload, context("q4", "MICROSCOPE_QUERY_REQUEST"));
    const checked = resultPayloadSchemas.MICROSCOPE_QUERY_RESULT.parse(out);
    assert.equal(checked.answer, "Message passing shares features along edges.");
    assert.deepEqual(checked.chunks, []);
    const sent = promptText(calls[0]!);
    assert.match(sent, /Primary interests: graph learning, chemistry/);
    assert.ok(!sent.includes("neighbouring nodes"), "no workspace text without RAG");
  });
});

describe("MICROSCOPE_SYNTHESIZE_REQUEST", () => {
  it("writes an overview from both documents of the workspace", async () => {
    const { deps, calls } = mockLlm("Both documents discuss over-smoothing [1] [3].");
    const payload = microscopeSynthesizeRequestSchema.parse({
      query: "over-smoothing in graph learning",
      user_id: USER,
      group_id: GROUP,
    });
    const out = await microscopeSynthesizeHandler(deps).run(
      payload,
      context("s1", "MICROSCOPE_SYNTHESIZE_REQUEST"),
    );
    const checked = resultPayloadSchemas.MICROSCOPE_SYNTHESIZE_RESULT.parse(out);
    const chunks = checked.chunks as PayloadChunk[];
    assert.deepEqual([...new Set(chunks.map((c) => c.source_id))].sort(), ["src-chem", "src-gnn"]);
    const sent = promptText(calls[0]!);
    assert.match(sent, /### gnn\.md/);
    assert.match(sent, /### chemistry\.md/);
    assert.equal(chunks.filter((c) => c.cited).length, 2);
  });
});

describe("MICROSCOPE_RELATED_QUESTIONS_REQUEST", () => {
  it("returns a list of questions and the entities used (mock LLM)", async () => {
    const { deps, calls } = mockLlm(
      JSON.stringify({
        questions: ["What is over-smoothing?", "", "What is over-smoothing?", "How are molecules graphs?"],
      }),
    );
    const payload = microscopeRelatedQuestionsRequestSchema.parse({
      query: "How does message passing work?",
      user_id: USER,
      group_id: GROUP,
      top_k: 1,
      hop_depth: 1,
    });
    const out = await microscopeRelatedQuestionsHandler(deps).run(
      payload,
      context("r1", "MICROSCOPE_RELATED_QUESTIONS_REQUEST"),
    );
    const checked = resultPayloadSchemas.MICROSCOPE_RELATED_QUESTIONS_RESULT.parse(out);
    assert.deepEqual(checked.questions, ["What is over-smoothing?", "How are molecules graphs?"]);
    assert.ok(checked.entities?.includes("Message Passing"));
    assert.ok(checked.entities?.length && checked.entities.length > 2, "neighbours join the seeds");
    assert.ok(!checked.entities?.includes("Atom"), "not reachable from the hit within one hop");
    assert.match(promptText(calls[0]!), /Message Passing/);
  });

  it("without a model writes template questions; an empty workspace still gets questions", async () => {
    const payload = microscopeRelatedQuestionsRequestSchema.parse({
      query: "How does message passing work?",
      user_id: USER,
      group_id: GROUP,
    });
    const out = await microscopeRelatedQuestionsHandler().run(
      payload,
      context("r2", "MICROSCOPE_RELATED_QUESTIONS_REQUEST"),
    );
    const checked = resultPayloadSchemas.MICROSCOPE_RELATED_QUESTIONS_RESULT.parse(out);
    assert.ok(checked.questions && checked.questions.length > 0);
    assert.ok(checked.questions.every((q) => q.trim() !== ""));

    const empty = await microscopeRelatedQuestionsHandler().run(
      microscopeRelatedQuestionsRequestSchema.parse({
        query: "sourdough fermentation?",
        user_id: USER,
        group_id: "none",
      }),
      context("r3", "MICROSCOPE_RELATED_QUESTIONS_REQUEST"),
    );
    const e = resultPayloadSchemas.MICROSCOPE_RELATED_QUESTIONS_RESULT.parse(empty);
    assert.deepEqual(e.entities, []);
    assert.ok(e.questions && e.questions.length > 0);
  });
});
