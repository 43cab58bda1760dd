/**
 * `graphnode-worker graph <export file or folder> --out <dir>`: a knowledge graph from a ChatGPT or Claude
 * export, a folder of markdown notes or a backend bundle, locally, with no cloud: graph.json, features.json
 * summary.json, the fitted embedder and graph.html (the offline viewer) in `dir`.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createLlm, resolveLlmConfig } from "../../ai/llm/index.js";
import { validateOutput } from "../../contract/files/validate.js";
import { type GraphStage, monotonicProgress } from "../../pipelines/progress.js";
import { summarizeGraph } from "../../pipelines/summary/index.js";
import type { CpuPool } from "../../runtime/cpuPool.js";
import type { Logger } from "../../runtime/logger.js";
import { writeGraphView } from "../../viewer/index.js";
import { generateGraph } from "./generate.js";
import { loadSourcesOnPool } from "./inputs.js";

export async function buildGraphFromPath(opts: {
  input: string;
  outDir: string;
  cpu: CpuPool;
  env: Record<string, string | undefined>;
  log: Logger;
  numClusters?: number;
  minClusters?: number;
  maxClusters?: number;
  language?: string;
  signal?: AbortSignal;
  onProgress?: (stage: GraphStage, done: number, total: number) => void;
}): Promise<{ format: string; nodes: number; clusters: number; files: string[] }> {
  // Parsed on the pool like the worker's inputs: a large export must not stall this process either.
  const { format, items, warnings } = await loadSourcesOnPool(
    opts.cpu,
    { source: "any", path: opts.input, maxWarnings: 100 },
    opts.signal,
  );
  if (items.length === 0)
    throw new Error(`${opts.input}: no conversations, notes or files found (${format})`);
  const { graph, features, built } = await generateGraph({
    items,
    ...(opts.language ? { language: opts.language } : {}),
    ...(opts.numClusters ? { numClusters: opts.numClusters } : {}),
    minClusters: opts.minClusters ?? 3,
    maxClusters: opts.maxClusters ?? 15,
    cpu: opts.cpu,
    env: opts.env,
    signal: opts.signal ?? new AbortController().signal,
    log: opts.log,
    // The CLI prints these lines for a person, like the worker's progress messages: forward only.
    ...(opts.onProgress ? { onProgress: monotonicProgress(opts.onProgress) } : {}),
    extraMetadata: { source_format: format, ...(warnings.length ? { input_warnings: warnings.length } : {}) },
  });
  const checked = validateOutput("graph.json", graph);
  validateOutput("features.json", features);
  const llm = createLlm(resolveLlmConfig(opts.env, "MACRO"));
  const { summary } = await summarizeGraph(checked, {
    language: opts.language ?? graph.metadata.language,
    llm,
    signal: opts.signal ?? new AbortController().signal,
  });
  validateOutput("summary.json", summary);
  await mkdir(opts.outDir, { recursive: true });
  const files = [join(opts.outDir, "graph.json"), join(opts.outDir, "features.json")];
  await writeFile(files[0]!, JSON.stringify(graph));
  await writeFile(files[1]!, JSON.stringify(features));
  const summaryPath = join(opts.outDir, "summary.json");
  await writeFile(summaryPath, JSON.stringify(summary));
  files.push(summaryPath);
  if (built.embedderState) {
    const embedderPath = join(opts.outDir, "embedder.json");
    await writeFile(embedderPath, JSON.stringify(built.embedderState));
    files.push(embedderPath);
  }
  files.push(await writeGraphView(files[0]!, join(opts.outDir, "graph.html")));
  return { format, nodes: graph.nodes.length, clusters: graph.metadata.total_clusters, files };
}
