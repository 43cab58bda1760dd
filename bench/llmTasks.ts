/**
 * bench:llm-tasks — the LLM path through the production task handlers (`graphnode-worker run`'s runner), for
 * both local ways of running a model over the same GGUF file:
 *   embedded   MACRO/MICROSCOPE_LLM_PROVIDER=llama-cpp, in this process
 *   http       openai-compatible against a local OpenAI-compatible server (test/ai/llm/llamaServer.ts)
 * Each runs a GRAPH_GENERATION_REQUEST with includeSummary (cluster naming + summary) on English debian-dev
 * conversations and one MICROSCOPE_INGEST_REQUEST of a raw text file, and prints per task: status, seconds, and
 * what the result files' metadata say came from the model (naming per cluster, accepted and rejected summary
 * texts, extraction) with the ledgers' calls, tokens and budget stops. Where bench:llm measures the pipelines,
 * this checks the handlers carry the same truth into graph.json, summary.json and ingest_stats.
 * With SmolLM2-135M (the test model) it exercises the path, never quality. One model thread.
 * Usage: npm run bench:llm-tasks [-- <model.gguf> [<debian-dev dir>]]; LLM_TASKS_ITEMS (default 60).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { disposeLlamaCppModels } from "../src/ai/llm/llamaCpp.js";
import { loadConfig } from "../src/config.js";
import { runEnvelopeLocally } from "../src/runtime/localRun.js";
import { createLogger } from "../src/runtime/logger.js";
import { startLlamaServer } from "../test/ai/llm/llamaServer.js";
import { datasetDir } from "../test/support/datasets.js";

const gguf =
  process.argv[2] ??
  process.env.LLM_GGUF_TEST_FILE ??
  "test-services/.cache/models/smollm2-135m-instruct/SmolLM2-135M-Instruct.Q4_1.gguf";
const dataset = process.argv[3] ?? datasetDir("debian-dev");
const itemCount = Number(process.env.LLM_TASKS_ITEMS ?? 60);
const userId = "llm-bench-user";

interface Conversation {
  id: string;
  title: string;
  mapping: Record<string, { message?: { author?: { role?: string }; content?: { parts?: string[] } } }>;
}

function englishConversations(): Conversation[] {
  const all = JSON.parse(readFileSync(join(dataset, "input.json"), "utf8")) as Conversation[];
  return all.filter((c) => c.id.startsWith("conv-en")).slice(0, itemCount);
}

function documentText(c: Conversation): string {
  const answers = Object.values(c.mapping)
    .filter((n) => n.message?.author?.role === "assistant")
    .map((n) => (n.message?.content?.parts ?? []).join(""))
    .join("\n\n");
  return `# ${c.title}\n\n${answers.slice(0, 1500)}`;
}

async function put(root: string, key: string, body: string): Promise<void> {
  await mkdir(dirname(join(root, key)), { recursive: true });
  await writeFile(join(root, key), body);
}

function readJson(root: string, key: unknown): Record<string, unknown> {
  return JSON.parse(readFileSync(join(root, String(key)), "utf8")) as Record<string, unknown>;
}

function ledgerFigures(l: unknown) {
  const x = (l ?? {}) as Record<string, unknown>;
  return {
    calls: x.calls,
    outputTokens: x.outputTokens,
    outputBudgetTokens: x.outputBudgetTokens,
    budgetStops: x.budgetStops,
    repairs: x.repairs,
    failures: x.failures,
  };
}

async function runTasks(provider: string, llmEnv: Record<string, string>) {
  const root = mkdtempSync(join(tmpdir(), `llm-tasks-${provider}-`));
  const config = loadConfig({
    ...process.env,
    ...llmEnv,
    SEARCH_EMBEDDING_MODEL: "none",
    CPU_POOL_SIZE: "1",
  });
  const log = createLogger({ level: "warn" });
  const conversations = englishConversations();
  const out: Record<string, unknown> = { provider };
  try {
    const graphTask = `task_${userId}_01JLLMTASKS0000000000GRAPH`;
    const prefix = `graph-generation/${graphTask}/`;
    await put(root, `${prefix}input.json`, JSON.stringify(conversations));
    let t0 = performance.now();
    const graphRun = await runEnvelopeLocally({
      body: JSON.stringify({
        taskId: graphTask,
        taskType: "GRAPH_GENERATION_REQUEST",
        timestamp: new Date().toISOString(),
        payload: {
          userId,
          s3Key: prefix,
          bucket: "local",
          language: "en",
          includeSummary: true,
          maxClusters: 5,
        },
      }),
      storageDir: root,
      config,
      log,
      onProgress: () => {},
    });
    const g = (graphRun.result?.payload ?? {}) as Record<string, unknown>;
    const graphMeta = g.resultS3Key
      ? (readJson(root, g.resultS3Key).metadata as Record<string, unknown>)
      : {};
    const summaryMeta = g.summaryS3Key
      ? (readJson(root, g.summaryS3Key).metadata as Record<string, unknown>)
      : {};
    out.graph = {
      status: g.status,
      error: g.error,
      seconds: Math.round((performance.now() - t0) / 100) / 10,
      naming: graphMeta.naming,
      naming_detail: graphMeta.naming_detail,
      summary_generator: summaryMeta.generator,
      summary_llm_calls: summaryMeta.llm_calls,
      summary_llm_texts: summaryMeta.llm_texts,
      summary_llm_failures: summaryMeta.llm_failures,
      summary_llm: [summaryMeta.llm_provider, summaryMeta.llm_model].filter(Boolean).join(" "),
    };

    const docTask = `task_microscope_file_${userId}_01JLLMTASKS00000000_nonblock`;
    const docKey = `microscope-ingest/${userId}/${docTask}/notes.md`;
    await put(root, docKey, documentText(conversations[0] as Conversation));
    t0 = performance.now();
    const docRun = await runEnvelopeLocally({
      body: JSON.stringify({
        taskId: docTask,
        taskType: "MICROSCOPE_INGEST_REQUEST",
        timestamp: new Date().toISOString(),
        payload: {
          user_id: userId,
          group_id: "01JLLMTASKSGROUP0000000000",
          s3_key: docKey,
          bucket: "local",
          file_name: "notes.md",
          block_mode: false,
        },
      }),
      storageDir: root,
      config,
      log,
      onProgress: () => {},
    });
    const d = (docRun.result?.payload ?? {}) as Record<string, unknown>;
    const stats = (d.ingest_stats ?? {}) as Record<string, unknown>;
    const meta = (stats.metadata ?? {}) as Record<string, unknown>;
    out.microscope = {
      status: d.status,
      error: d.error,
      seconds: Math.round((performance.now() - t0) / 100) / 10,
      chunks: d.chunks_count,
      extraction: meta.extraction,
      llmCalls: meta.llmCalls,
      ledger: ledgerFigures(stats.llm),
    };
    return out;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function main() {
  const threads = process.env.LLM_BENCH_THREADS ?? "1";
  const embedded = await runTasks("embedded (llama-cpp)", {
    MACRO_LLM_PROVIDER: "llama-cpp",
    MACRO_LLM_MODEL: gguf,
    MACRO_LLM_THREADS: threads,
    MICROSCOPE_LLM_PROVIDER: "llama-cpp",
    MICROSCOPE_LLM_MODEL: gguf,
    MICROSCOPE_LLM_THREADS: threads,
  });
  console.log(JSON.stringify(embedded, null, 2));
  await disposeLlamaCppModels();

  const server = await startLlamaServer({ modelPath: gguf, threads: Number(threads) });
  try {
    const http = await runTasks("http (openai-compatible)", {
      MACRO_LLM_PROVIDER: "openai-compatible",
      MACRO_LLM_MODEL: "smollm2",
      MACRO_LLM_BASE_URL: server.baseURL,
      MICROSCOPE_LLM_PROVIDER: "openai-compatible",
      MICROSCOPE_LLM_MODEL: "smollm2",
      MICROSCOPE_LLM_BASE_URL: server.baseURL,
    });
    console.log(JSON.stringify(http, null, 2));
  } finally {
    await server.close();
  }
}

await main();
