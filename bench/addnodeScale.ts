/**
 * bench:addnode-scale — ADD_NODE against a 10,000-item graph, through the production handlers: the graph is
 * generated from 10,000 debian-scale conversations (local embeddings, no LLM), its nodes indexed in a real
 * ChromaDB server, then batches of 100 other conversations are added with ADD_NODE_REQUEST. Storage is the
 * filesystem bucket (the local `run` mode's), so the numbers are the worker's own work plus Chroma, without
 * network latency to S3. Prints the graph build time and, per add, the wall time of the whole task (reading
 * latest.json, the embedder and the cluster profiles, the batch, embedding, assignment, one batched Chroma
 * neighbour query, result.json, the upsert of 100 vectors). The target is < 5 s per batch of 100.
 * Usage: npm run bench:addnode-scale [-- size=10000 batch=100 adds=3]
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { loadConfig } from "../src/config.js";
import { createChromaVectorStore } from "../src/infra/chroma.js";
import { startChromaServer } from "../src/infra/chromaServer.js";
import { createFsStorage } from "../src/infra/fsStorage.js";
import type { VectorStore } from "../src/infra/vectorStore.js";
import { createCpuPool } from "../src/runtime/cpuPool.js";
import { createLogger } from "../src/runtime/logger.js";
import { createMemoryResultRecords } from "../src/runtime/resultRecords.js";
import { TaskRunner } from "../src/runtime/taskRunner.js";
import { createHandlerRegistry } from "../src/tasks/registry.js";
import { datasetDir } from "../test/support/datasets.js";

const SCALE = datasetDir("debian-scale");
const arg = (name: string, d: number) =>
  Number(process.argv.find((a) => a.startsWith(`${name}=`))?.split("=")[1] ?? d);
const size = arg("size", 10_000);
const batchSize = arg("batch", 100);
const adds = arg("adds", 3);
const userId = "0b7c1f2e-bench-scale-user";
const bucket = "bench-bucket";

interface Conversation {
  id: string;
  [k: string]: unknown;
}

async function main() {
  const all = JSON.parse(
    gunzipSync(readFileSync(join(SCALE, "input.json.gz"))).toString("utf8"),
  ) as Conversation[];
  if (all.length < size + batchSize * adds) throw new Error("not enough conversations in debian-scale");
  const dir = mkdtempSync(join(tmpdir(), "bench-addnode-scale-"));
  const chroma = await startChromaServer({ path: join(dir, ".chroma") });
  const env = {
    S3_PAYLOAD_BUCKET: bucket,
    CHROMA_URL: chroma.url,
    MACRO_LLM_PROVIDER: "none",
    EMBEDDING_PROVIDER: "local",
  };
  const config = loadConfig(env, { requireQueues: false });
  const storage = createFsStorage(join(dir, "bucket"));
  const cpu = createCpuPool({ threads: config.cpuPoolSize });
  let store: Promise<VectorStore> | undefined;
  const runner = new TaskRunner({
    handlers: createHandlerRegistry(),
    services: {
      storage,
      payloadBucket: bucket,
      vectors: () => {
        store ??= Promise.resolve(createChromaVectorStore({ url: chroma.url }));
        return store;
      },
      cpu,
      config,
    },
    records: createMemoryResultRecords(),
    log: createLogger({ level: "silent" }),
    maxReceiveCount: 1,
    retryBaseDelaySeconds: 0,
    retryMaxDelaySeconds: 0,
    progressMinIntervalMs: 1000,
  });
  const run = async (taskType: string, taskId: string, payload: Record<string, unknown>) => {
    const t = performance.now();
    const outcome = await runner.run(
      JSON.stringify({ taskId, taskType, timestamp: new Date().toISOString(), payload }),
      { receiveCount: 1, signal: new AbortController().signal, sendProgress: async () => {} },
    );
    const ms = performance.now() - t;
    if (outcome.kind !== "result") throw new Error(`${taskType}: ${outcome.kind}`);
    const p = outcome.envelope.payload as Record<string, unknown>;
    if (p.status !== "COMPLETED") throw new Error(`${taskType} failed: ${String(p.error)}`);
    return { ms, payload: p };
  };

  try {
    const graphTask = `task_${userId}_01JBENCHSCALEGRAPH0000000000`;
    await storage.putJson(bucket, `graph-generation/${graphTask}/input.json`, all.slice(0, size));
    console.log(`graph: generating from ${size} conversations (local embeddings, no LLM) …`);
    const g = await run("GRAPH_GENERATION_REQUEST", graphTask, {
      userId,
      s3Key: `graph-generation/${graphTask}/`,
      bucket,
    });
    const graph = (await storage.getJson(bucket, String(g.payload.resultS3Key))) as {
      metadata: {
        clusters: Record<string, { name: string; description?: string; size: number; themes?: string[] }>;
      };
    };
    const existingClusters = Object.entries(graph.metadata.clusters).map(([id, c]) => ({
      id,
      name: c.name,
      description: c.description ?? "",
      size: c.size,
      themes: (c.themes ?? []).slice(0, 3),
    }));
    console.log(`graph: ${(g.ms / 1000).toFixed(1)} s, ${existingClusters.length} clusters`);

    const times: number[] = [];
    for (let a = 0; a < adds; a++) {
      const taskId = `task_add_node_${userId}_01JBENCHSCALEADD00000000${a}`;
      const start = size + a * batchSize;
      await storage.putJson(bucket, `add-node/${taskId}/batch.json`, {
        userId,
        existingClusters,
        conversations: all.slice(start, start + batchSize),
        notes: [],
      });
      const r = await run("ADD_NODE_REQUEST", taskId, {
        userId,
        s3Key: `add-node/${taskId}/batch.json`,
        bucket,
      });
      const result = (await storage.getJson(bucket, String(r.payload.resultS3Key))) as {
        results: { assignedCluster: { isNewCluster: boolean } }[];
      };
      const fresh = result.results.filter((x) => x.assignedCluster.isNewCluster).length;
      times.push(r.ms);
      console.log(
        `add ${a + 1}: ${batchSize} items in ${(r.ms / 1000).toFixed(2)} s (${result.results.length} nodes, ${fresh} in new clusters)`,
      );
    }
    const worst = Math.max(...times);
    console.log(
      `ADD_NODE ${batchSize} items against ${size}: mean ${(times.reduce((s, x) => s + x, 0) / times.length / 1000).toFixed(2)} s, max ${(worst / 1000).toFixed(2)} s (target < 5 s: ${worst < 5000 ? "met" : "NOT met"})`,
    );
  } finally {
    await cpu.close();
    await chroma.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
