/**
 * bench:llm — the LLM path end to end against a real model, for both local ways of running one:
 *   embedded   MACRO/MICROSCOPE_LLM_PROVIDER=llama-cpp over the GGUF file, in this process
 *   http       openai-compatible against a local OpenAI-compatible server over the same file
 *              (test/ai/llm/llamaServer.ts: json_schema grammars, like llama.cpp's server)
 * Each runs graph generation (cluster naming + summary) on debian-dev and one microscope ingest, and prints
 * what the ledgers and metadata say: calls, requests, tokens, budget stops, repairs, wall time, and how many
 * answers were rejected by the checks. With SmolLM2-135M (the test model) this measures the path and its
 * costs, never quality. One thread for the model (LLM_BENCH_THREADS).
 * Usage: npm run bench:llm [-- <model.gguf> [<debian-dev dir>]]
 *        (default model: LLM_GGUF_TEST_FILE, else the test cache's SmolLM2 file)
 */
import { readFileSync } from "node:fs";
import { createLlm, type LlmLedgerJSON, resolveLlmConfig } from "../src/ai/llm/index.js";
import { disposeLlamaCppModels } from "../src/ai/llm/llamaCpp.js";
import { validateOutput } from "../src/contract/files/validate.js";
import { buildMacroGraph, type MacroBuildInput } from "../src/pipelines/graph/build.js";
import { ingestDocument } from "../src/pipelines/microscope/index.js";
import { iterateBundle, type SourceItem } from "../src/pipelines/sources/index.js";
import { summarizeGraph } from "../src/pipelines/summary/index.js";
import type { CpuPool } from "../src/runtime/cpuPool.js";
import { createLogger } from "../src/runtime/logger.js";
import { generateGraph } from "../src/tasks/graphGeneration/generate.js";
import { startLlamaServer } from "../test/ai/llm/llamaServer.js";
import { datasetDir } from "../test/support/datasets.js";

const gguf =
  process.argv[2] ??
  process.env.LLM_GGUF_TEST_FILE ??
  "test-services/.cache/models/smollm2-135m-instruct/SmolLM2-135M-Instruct.Q4_1.gguf";
const dir = process.argv[3] ?? datasetDir("debian-dev");
const threads = process.env.LLM_BENCH_THREADS ?? "1";
const clusters = Number(process.env.LLM_BENCH_CLUSTERS ?? 5);

const pool = {
  threads: 1,
  run: async (_job: string, input: MacroBuildInput) => buildMacroGraph(input, { progress: () => {} }),
  close: async () => {},
} as unknown as CpuPool;

function short(l: LlmLedgerJSON | null) {
  if (!l) return null;
  return {
    calls: l.calls,
    requests: l.requests,
    repairs: l.repairs,
    retries: l.retries,
    failures: l.failures,
    inputTokens: l.inputTokens,
    outputTokens: l.outputTokens,
    outputBudgetTokens: l.outputBudgetTokens,
    budgetStops: l.budgetStops,
    wallSeconds: l.wallSeconds,
  };
}

function microscopeText(): string {
  const conversations = JSON.parse(readFileSync(`${dir}/input.json`, "utf8")) as {
    id: string;
    title: string;
    mapping: Record<string, { message?: { author?: { role?: string }; content?: { parts?: string[] } } }>;
  }[];
  const c = conversations.find((x) => x.id.startsWith("conv-en"))!;
  const answer = Object.values(c.mapping)
    .filter((n) => n.message?.author?.role === "assistant")
    .map((n) => (n.message?.content?.parts ?? []).join(""))
    .join("\n\n");
  return `# ${c.title}\n\n${answer.slice(0, 1500)}`;
}

async function run(name: string, env: Record<string, string>) {
  const items: SourceItem[] = [];
  for await (const item of iterateBundle(dir)) items.push(item);
  const log = createLogger({ level: "warn" });
  const t0 = performance.now();
  const { graph, ledger } = await generateGraph({
    items,
    language: "en",
    numClusters: clusters,
    minClusters: 2,
    maxClusters: clusters,
    cpu: pool,
    env,
    signal: new AbortController().signal,
    log,
  });
  const namingSeconds = (performance.now() - t0) / 1000;
  const checked = validateOutput("graph.json", graph);
  const llm = createLlm(resolveLlmConfig(env, "MACRO"))!;
  const t1 = performance.now();
  const { summary, ledgerUsed } = await summarizeGraph(checked, { language: "en", llm });
  const summarySeconds = (performance.now() - t1) / 1000;
  validateOutput("summary.json", summary);
  const meta = (summary as unknown as { metadata: Record<string, unknown> }).metadata;

  const micro = createLlm(resolveLlmConfig(env, "MICROSCOPE"))!;
  const t2 = performance.now();
  const ingest = await ingestDocument({
    text: microscopeText(),
    sourceType: "note",
    blockMode: false,
    generateMicroGraphs: false,
    language: "en",
    llm: micro,
  });
  const ingestSeconds = (performance.now() - t2) / 1000;
  return {
    provider: name,
    graph: {
      seconds: Math.round(namingSeconds * 10) / 10,
      naming: graph.metadata.naming,
      naming_detail: (graph.metadata as Record<string, unknown>).naming_detail,
      ledger: short(ledger.toJSON()),
    },
    summary: {
      seconds: Math.round(summarySeconds * 10) / 10,
      generator: meta.generator,
      llm_parts: meta.llm_parts,
      llm_texts: meta.llm_texts,
      rejection_reasons: Object.entries(
        ((meta.llm_rejections as { reason: string }[] | undefined) ?? []).reduce<Record<string, number>>(
          (acc, r) => {
            acc[r.reason] = (acc[r.reason] ?? 0) + 1;
            return acc;
          },
          {},
        ),
      ),
      llm_failures: meta.llm_failures ?? [],
      ledger: short(ledgerUsed),
    },
    microscope: {
      seconds: Math.round(ingestSeconds * 10) / 10,
      chunks: ingest.stats.chunks,
      entities: ingest.stats.entities,
      edges: ingest.stats.edges,
      ledger: short(micro.ledger.toJSON()),
    },
  };
}

const results: unknown[] = [];
const base = { MACRO_LLM_THREADS: threads, MICROSCOPE_LLM_THREADS: threads };
const only = process.env.LLM_BENCH_ONLY;
if (!only || only === "embedded") {
  results.push(
    await run("embedded (llama-cpp)", {
      ...base,
      MACRO_LLM_PROVIDER: "llama-cpp",
      MACRO_LLM_MODEL: gguf,
      MICROSCOPE_LLM_PROVIDER: "llama-cpp",
      MICROSCOPE_LLM_MODEL: gguf,
    }),
  );
  await disposeLlamaCppModels();
  process.stdout.write(`${JSON.stringify(results.at(-1), null, 1)}\n`);
}
if (!only || only === "http") {
  const server = await startLlamaServer({ modelPath: gguf, threads: Number(threads) });
  try {
    const http = { MACRO_LLM_MODEL: "smollm2", MACRO_LLM_BASE_URL: server.baseURL };
    results.push(
      await run("openai-compatible (local server)", {
        ...base,
        MACRO_LLM_PROVIDER: "openai-compatible",
        ...http,
        MICROSCOPE_LLM_PROVIDER: "openai-compatible",
        MICROSCOPE_LLM_MODEL: "smollm2",
        MICROSCOPE_LLM_BASE_URL: server.baseURL,
      }),
    );
  } finally {
    await server.close();
  }
  process.stdout.write(`${JSON.stringify(results.at(-1), null, 1)}\n`);
}
