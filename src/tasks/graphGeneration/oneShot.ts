/**
 * `graphnode-worker graph <export file or folder> --out <dir>`: a knowledge graph from a ChatGPT or Claude
 * export, a folder of markdown notes or a backend bundle, locally, with no cloud: graph.json, features.json
 * summary.json, the fitted embedder and graph.html (the offline viewer) in `dir`. What to show a person
 * (bars, the closing summary) is the CLI's business (src/cli/); this returns the facts it shows.
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

export interface OneShotOptions {
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
  /** Items read so far, while the input is parsed (before any stage starts). */
  onRead?: (items: number) => void;
  onProgress?: (stage: GraphStage, done: number, total: number) => void;
}

export interface OneShotResult {
  format: string;
  /** Items read from the input; each is one node. */
  items: number;
  /** Why items were skipped or read only in part (the first 100). */
  warnings: string[];
  skippedNotion: number;
  nodes: number;
  edges: number;
  /** Cluster id → name and size (graph.json metadata.clusters). */
  clusters: Record<string, { name: string; size: number }>;
  naming?: string;
  /** Every file written, graph.json first, graph.html last. */
  files: string[];
  html: string;
}

const MAX_WARNINGS = 100;

export async function buildGraphFromPath(opts: OneShotOptions): Promise<OneShotResult> {
  const signal = opts.signal ?? new AbortController().signal;
  // One guard for every stage, the summary included: a person only ever sees progress move forward.
  const progress = opts.onProgress ? monotonicProgress(opts.onProgress) : undefined;
  // Parsed on the pool like the worker's inputs: a large export must not stall this process either.
  const { format, items, warnings, skippedNotion } = await loadSourcesOnPool(
    opts.cpu,
    { source: "any", path: opts.input, maxWarnings: MAX_WARNINGS },
    opts.signal,
    opts.onRead,
  );
  if (items.length === 0)
    throw new Error(`${opts.input}: no conversations, notes or files found (${format})`);
  const { graph, features, built } = await generateGraph({
    items,
    // The one-shot graph has no search index: nothing reads the texts after the build.
    keepTextChars: 0,
    ...(opts.language ? { language: opts.language } : {}),
    ...(opts.numClusters ? { numClusters: opts.numClusters } : {}),
    minClusters: opts.minClusters ?? 3,
    maxClusters: opts.maxClusters ?? 15,
    cpu: opts.cpu,
    env: opts.env,
    signal,
    log: opts.log,
    ...(progress ? { onProgress: progress } : {}),
    extraMetadata: { source_format: format, ...(warnings.length ? { input_warnings: warnings.length } : {}) },
  });
  const checked = validateOutput("graph.json", graph);
  validateOutput("features.json", features);
  progress?.("summary", 0, 1);
  const llm = createLlm(resolveLlmConfig(opts.env, "MACRO"));
  const { summary } = await summarizeGraph(checked, {
    language: opts.language ?? graph.metadata.language,
    llm,
    signal,
  });
  validateOutput("summary.json", summary);
  progress?.("summary", 1, 1);
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
  const html = await writeGraphView(files[0]!, join(opts.outDir, "graph.html"));
  files.push(html);
  const naming = graph.metadata.naming;
  return {
    format,
    items: items.length,
    warnings,
    skippedNotion,
    nodes: graph.nodes.length,
    edges: graph.edges.length,
    clusters: checked.metadata.clusters,
    ...(typeof naming === "string" ? { naming } : {}),
    files,
    html,
  };
}
