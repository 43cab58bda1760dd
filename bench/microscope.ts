/**
 * bench:microscope — MICROSCOPE_INGEST on real text (debian-dev package descriptions joined into long
 * documents): ingest time per 100 KB (UTF-8) with the local fallback, standard and block mode (with micro
 * graphs), for English, Korean and a chat; then, with an AI SDK mock model that answers every request
 * (no network; 40 ms per request to make parallelism visible), the LLM calls per document and the wall time
 * against the sum of request times.
 * Usage: npm run bench:microscope [-- <debian-dev dir>]
 */
import { readFileSync } from "node:fs";
import { MockLanguageModelV3 } from "ai/test";
import { createLlmFromModel } from "../src/ai/llm/index.js";
import { validateOutput } from "../src/contract/files/validate.js";
import { type ChatTurn, type IngestInput, ingestDocument } from "../src/pipelines/microscope/index.js";
import { datasetDir } from "../test/support/datasets.js";

const dir = process.argv[2] ?? datasetDir("debian-dev");
const TARGET_BYTES = 150_000;

interface ChatNode {
  message?: { author?: { role?: string }; content?: { parts?: string[] } };
}
const conversations = JSON.parse(readFileSync(`${dir}/input.json`, "utf8")) as {
  id: string;
  title: string;
  mapping: Record<string, ChatNode>;
}[];
const turnsOf = (c: (typeof conversations)[number]): ChatTurn[] =>
  Object.values(c.mapping)
    .map((n) => ({ role: n.message?.author?.role, content: (n.message?.content?.parts ?? []).join("") }))
    .filter((t): t is ChatTurn => (t.role === "user" || t.role === "assistant") && t.content.trim() !== "");

const bytes = (s: string) => Buffer.byteLength(s, "utf8");

/** A markdown document: one `## title` section per conversation's answers, until about TARGET_BYTES. */
function markdown(lang: "en" | "ko"): string {
  const parts: string[] = [`# debian-dev ${lang}`];
  let size = 0;
  for (const c of conversations.filter((x) => x.id.startsWith(`conv-${lang}`))) {
    const body = turnsOf(c)
      .filter((t) => t.role === "assistant")
      .map((t) => t.content)
      .join("\n\n");
    parts.push(`## ${c.title}\n\n${body}`);
    size += bytes(body);
    if (size >= TARGET_BYTES) break;
  }
  return parts.join("\n\n");
}

function chat(): ChatTurn[] {
  const turns: ChatTurn[] = [];
  let size = 0;
  for (const c of conversations.filter((x) => x.id.startsWith("conv-en"))) {
    for (const t of turnsOf(c)) {
      turns.push(t);
      size += bytes(t.content);
    }
    if (size >= TARGET_BYTES) break;
  }
  return turns;
}

const docs = {
  en: { text: markdown("en"), sourceType: "note" as const },
  ko: { text: markdown("ko"), sourceType: "note" as const },
  chat: { text: "", turns: chat(), sourceType: "chat" as const },
};
const sizeOf = (d: { text: string; turns?: ChatTurn[] }) =>
  d.turns ? d.turns.reduce((s, t) => s + bytes(t.content), 0) : bytes(d.text);

async function timed(input: IngestInput) {
  const t0 = performance.now();
  const r = await ingestDocument(input);
  const ms = performance.now() - t0;
  if (r.standardized) validateOutput("standardized.json", r.standardized);
  if (r.blockGraph) validateOutput("block_graph.json", r.blockGraph);
  return { r, ms };
}

// Warm-up (tokenizer tables, ICU segmenters, JIT).
await ingestDocument({
  text: docs.en.text.slice(0, 20_000),
  sourceType: "note",
  blockMode: true,
  generateMicroGraphs: true,
});

const local: Record<string, unknown> = {};
for (const [name, d] of Object.entries(docs)) {
  const kb = sizeOf(d) / 1000;
  const standard = await timed({ ...d, blockMode: false, generateMicroGraphs: false });
  const block = await timed({ ...d, blockMode: true, generateMicroGraphs: true });
  local[name] = {
    kb: Math.round(kb),
    chunks: standard.r.stats.chunks,
    entities: standard.r.stats.entities,
    edges: standard.r.stats.edges,
    blocks: block.r.stats.blocks,
    standard_ms_per_100kb: Math.round((standard.ms * 100) / kb),
    block_ms_per_100kb: Math.round((block.ms * 100) / kb),
  };
}

/** Answers every microscope request with a small valid object; counts requests. */
function mockModel(latencyMs: number) {
  let requests = 0;
  const model = new MockLanguageModelV3({
    doGenerate: async (options) => {
      requests++;
      await new Promise((r) => setTimeout(r, latencyMs));
      const text = options.prompt
        .map((m) =>
          typeof m.content === "string"
            ? m.content
            : m.content.map((p) => ("text" in p ? p.text : "")).join(""),
        )
        .join("\n");
      let answer: unknown;
      if (text.includes("[Chunk ")) {
        const ids = [...text.matchAll(/\[Chunk (\d+)\]/g)].map((m) => Number(m[1]));
        answer = {
          nodes: ids.flatMap((id) => [
            { name: `Entity ${id}`, type: "Concept", description: "d", source_chunk_id: id },
            { name: `Entity ${id + 1}`, type: "Concept", description: "d", source_chunk_id: id },
          ]),
          edges: ids.map((id) => ({
            start: `Entity ${id}`,
            target: `Entity ${id + 1}`,
            type: "related_to",
            description: "d",
            source_chunk_id: id,
            evidence: "",
            confidence: 0.5,
          })),
        };
      } else if (text.includes("Pairs:")) answer = { decisions: [] };
      else if (/\[blk_\d{4}\]/.test(text))
        answer = {
          blocks: [...text.matchAll(/\[(blk_\d{4})\]/g)].map((m) => ({
            block_id: m[1],
            title: "t",
            summary: "s",
            key_concepts: ["k"],
          })),
        };
      else answer = { edges: [], paths: [], rationale: "" };
      return {
        content: [{ type: "text" as const, text: JSON.stringify(answer) }],
        finishReason: { unified: "stop" as const, raw: "stop" },
        usage: {
          inputTokens: { total: 1, noCache: 1, cacheRead: undefined, cacheWrite: undefined },
          outputTokens: { total: 1, text: 1, reasoning: undefined },
        },
        warnings: [],
      };
    },
  });
  return { model, requests: () => requests };
}

const LATENCY_MS = 40;
const withLlm: Record<string, unknown> = {};
for (const [name, d] of Object.entries(docs)) {
  for (const blockMode of [false, true]) {
    const { model, requests } = mockModel(LATENCY_MS);
    const llm = createLlmFromModel(model, { sleep: async () => {} });
    const { r, ms } = await timed({ ...d, blockMode, generateMicroGraphs: blockMode, llm });
    withLlm[`${name}_${blockMode ? "block" : "standard"}`] = {
      chunks: r.stats.chunks,
      llm_calls: r.metadata.llmCalls,
      llm_requests: requests(),
      extraction_batches: r.stats.extractionBatches,
      wall_ms: Math.round(ms),
      sequential_request_ms: requests() * LATENCY_MS,
    };
  }
}

console.log(
  JSON.stringify(
    { local_fallback: local, mock_llm: { latency_ms_per_request: LATENCY_MS, concurrency: 4, ...withLlm } },
    null,
    2,
  ),
);
