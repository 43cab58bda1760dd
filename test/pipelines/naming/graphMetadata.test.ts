/**
 * graph.json says truthfully what the LLM named: generateGraph over an OpenAI-compatible server (real HTTP)
 * whose answers are the real run's ("cluster_1," ids) or good ones. The macro build runs in this thread.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { buildMacroGraph, type MacroBuildInput } from "../../../src/pipelines/graph/build.js";
import type { SourceItem } from "../../../src/pipelines/sources/types.js";
import type { CpuPool } from "../../../src/runtime/cpuPool.js";
import { createLogger } from "../../../src/runtime/logger.js";
import { generateGraph } from "../../../src/tasks/graphGeneration/generate.js";
import { type ChatBody, type ChatServer, startChatServer } from "../../ai/llm/chatServer.js";

const TOPICS = [
  ["sourdough starter hydration", "bread baking oven crust", "levain feeding flour"],
  ["kubernetes pod scheduling", "container deployment cluster", "helm chart ingress"],
  ["graph neural network training", "message passing layers", "node embeddings attention"],
];

function items(): SourceItem[] {
  const out: SourceItem[] = [];
  TOPICS.forEach((topic, t) => {
    for (let k = 0; k < 8; k++) {
      const text = `${topic[k % 3]} ${topic[(k + 1) % 3]} question ${k}`;
      out.push({
        kind: "conversation",
        origId: `c${t}-${k}`,
        title: topic[k % 3]!,
        createTime: 1_700_000_000 + k,
        updateTime: null,
        numSections: 2,
        sourceType: "chat",
        texts: [{ role: "user", text }],
        language: "en",
        meta: {},
      } as SourceItem);
    }
  });
  return out;
}

const pool = {
  threads: 1,
  run: async (_job: string, input: MacroBuildInput) => buildMacroGraph(input, { progress: () => {} }),
  close: async () => {},
} as unknown as CpuPool;

let mode: "broken-id" | "good" = "broken-id";
let server: ChatServer;

function idsOf(body: ChatBody): string[] {
  const text = body.messages.map((m) => m.content).join("\n");
  return [...text.matchAll(/"id":"(cluster_[^"]+)"/g)].map((m) => m[1]!);
}

before(async () => {
  server = await startChatServer((body) => {
    const ids = idsOf(body);
    if (mode === "broken-id") {
      return JSON.stringify({
        clusters: [{ id: `${ids[0]},`, name: "Baking", description: "About bread.", key_themes: ["bread"] }],
      });
    }
    return JSON.stringify({
      clusters: ids.map((id, i) => ({
        id,
        name: ["Bread Baking", "Container Operations", "Graph Learning"][i % 3],
        description: "Questions about this topic and how it develops.",
        key_themes: ["one", "two", "three"],
      })),
    });
  });
});
after(() => server.close());

async function run() {
  const lines: string[] = [];
  const log = createLogger({ level: "warn" }, { write: (l: string) => lines.push(l) });
  const { graph } = await generateGraph({
    items: items(),
    language: "en",
    numClusters: 3,
    minClusters: 2,
    maxClusters: 4,
    cpu: pool,
    env: {
      MACRO_LLM_PROVIDER: "openai-compatible",
      MACRO_LLM_MODEL: "test-model",
      MACRO_LLM_BASE_URL: server.baseURL,
    },
    signal: new AbortController().signal,
    log,
  });
  return { metadata: graph.metadata as Record<string, unknown>, lines };
}

test("an answer naming 'cluster_1,' leaves every cluster local, and graph.json says so", async () => {
  mode = "broken-id";
  const { metadata, lines } = await run();
  assert.equal(metadata.naming, "local");
  const detail = metadata.naming_detail as Record<string, unknown>;
  const k = metadata.total_clusters as number;
  assert.deepEqual(detail, {
    llm: 0,
    local: k,
    provider: "openai-compatible",
    model: "test-model",
    rejected_answers: 0,
    unknown_ids: 1,
  });
  assert.ok(lines.some((l) => l.includes("LLM cluster names were rejected") && l.includes("cluster_1,")));
  const sent = server.requests.at(-1)!;
  assert.equal(sent.response_format?.type, "json_schema");
  assert.ok(typeof sent.max_tokens === "number" && sent.max_tokens > 0);
});

test("good answers name every cluster: naming llm, with provider and model", async () => {
  mode = "good";
  const { metadata } = await run();
  assert.equal(metadata.naming, "llm");
  const detail = metadata.naming_detail as Record<string, unknown>;
  assert.equal(detail.llm, metadata.total_clusters);
  assert.equal(detail.local, 0);
  const names = Object.values(metadata.clusters as Record<string, { name: string }>).map((c) => c.name);
  assert.ok(names.includes("Graph Learning"), names.join());
});
