/**
 * The worker process of bench:scale: the production assembly (configuration from the environment,
 * startWorker, the same signal handling as `graphnode-worker worker`) and the production handlers, except
 * GRAPH_GENERATION_REQUEST, which runs the bench's load from the payload's `bench` field: the real macro graph
 * pipeline (embedding, clustering, edges: the `macroGraph` job on the worker's thread pool, a fixed amount of
 * CPU work) on `items` synthetic conversations, then `ioMs` of waiting (an LLM or storage call), then one small
 * S3 write. It skips the production handler's S3 bundle reading and Chroma indexing, so no vector store is
 * needed. Prints "ready <healthPort>" once it polls.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { loadConfig } from "../src/config.js";
import type { SourceItem } from "../src/pipelines/sources/types.js";
import { createLogger } from "../src/runtime/logger.js";
import { startWorker, stopOnSignals } from "../src/runtime/worker.js";
import { createHandlerRegistry } from "../src/tasks/registry.js";
import type { TaskHandler } from "../src/tasks/types.js";

const TOPICS = [
  ["graph", "neural", "network", "attention", "message", "passing", "node", "embedding"],
  ["sourdough", "bread", "flour", "starter", "oven", "crust", "yeast", "dough"],
  ["jazz", "piano", "chord", "improvisation", "rhythm", "scale", "melody", "band"],
  ["rust", "compiler", "borrow", "lifetime", "memory", "trait", "cargo", "crate"],
  ["garden", "tomato", "soil", "seed", "water", "compost", "harvest", "sun"],
];

/** `n` conversations over five topics, the same every time (so every task does the same work). */
function conversations(n: number): SourceItem[] {
  return Array.from({ length: n }, (_, i) => {
    const t = TOPICS[i % TOPICS.length] as string[];
    const words = Array.from({ length: 80 }, (_, k) => t[(i * 3 + k * 7) % t.length]).join(" ");
    return {
      kind: "conversation",
      origId: `c${i}`,
      title: `${t[i % t.length]} ${t[(i + 3) % t.length]} question ${i}`,
      createTime: 1_700_000_000 + i * 3600,
      updateTime: null,
      numSections: 2,
      sourceType: "chat",
      texts: [
        { role: "user", text: words },
        { role: "assistant", text: words.split(" ").reverse().join(" ") },
      ],
      language: "en",
      meta: {},
    };
  });
}

const itemsOf = new Map<number, SourceItem[]>();

const syntheticGraph: TaskHandler = {
  type: "GRAPH_GENERATION_REQUEST",
  async run(payload, ctx) {
    const p = payload as { userId: string; bench?: { items?: number; ioMs?: number } };
    const n = p.bench?.items ?? 0;
    if (n > 0) {
      if (!itemsOf.has(n)) itemsOf.set(n, conversations(n));
      await ctx.services.cpu.run(
        "macroGraph",
        { items: itemsOf.get(n) as SourceItem[], minClusters: 2, maxClusters: 8 },
        { signal: ctx.signal },
      );
    }
    if (p.bench?.ioMs) await sleep(p.bench.ioMs, undefined, { signal: ctx.signal });
    const resultS3Key = `results/macro/${p.userId}/${ctx.taskId}/graph.json`;
    await ctx.services.storage.putJson(ctx.services.payloadBucket, resultS3Key, {
      nodes: [],
      edges: [],
      metadata: {},
    });
    return { userId: p.userId, status: "COMPLETED", resultS3Key, summaryIncluded: false };
  },
};

const config = loadConfig(process.env, { requireQueues: true });
const log = createLogger({ level: config.logLevel });
const worker = await startWorker(config, log, { handlers: createHandlerRegistry([syntheticGraph]) });
stopOnSignals(worker, log);
process.stdout.write(`ready ${worker.healthPort}\n`);
