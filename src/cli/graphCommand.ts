/**
 * How a `graphnode-worker graph` run is shown: bars or JSON lines while it works (src/cli/progress.ts), then
 * the summary (src/cli/summary.ts). Loaded only when the command runs, so `--help` stays quick.
 */
import { loadConfig } from "../config.js";
import { createCpuPool } from "../runtime/cpuPool.js";
import { createLogger } from "../runtime/logger.js";
import { buildGraphFromPath } from "../tasks/graphGeneration/oneShot.js";
import { type GraphCliOptions, oneShotOptions } from "./graphOptions.js";
import { createGraphProgressView } from "./progress.js";
import { formatGraphSummary, type GraphRunSummary, graphSummaryJson, sortedClusters } from "./summary.js";

export async function runGraphCommand(input: string, o: GraphCliOptions, signal: AbortSignal): Promise<void> {
  const request = oneShotOptions(input, o, process.env);
  const config = loadConfig(request.env);
  const json = o.json === true || process.stderr.isTTY !== true;
  const view = createGraphProgressView({ stream: process.stderr, json });
  const level = config.logLevel === "info" ? "warn" : config.logLevel;
  const log = createLogger({ level }, view.logDestination);
  const cpu = createCpuPool({ threads: config.cpuPoolSize, idleTimeoutMs: config.cpuPoolIdleMs });
  const startedAt = performance.now();
  try {
    const out = await buildGraphFromPath({
      ...request,
      cpu,
      log,
      signal,
      onRead: (items) => view.reading(items),
      onProgress: (stage, done, total) => view.stage(stage, done, total),
    });
    view.finish();
    const summary: GraphRunSummary = {
      input,
      format: out.format,
      items: out.items,
      warnings: out.warnings,
      skippedNotion: out.skippedNotion,
      nodes: out.nodes,
      edges: out.edges,
      clusters: sortedClusters(out.clusters),
      ...(out.naming ? { naming: out.naming } : {}),
      html: out.html,
      files: out.files,
      seconds: (performance.now() - startedAt) / 1000,
    };
    process.stdout.write(o.json ? graphSummaryJson(summary) : formatGraphSummary(summary));
  } catch (err) {
    view.abandon();
    // Ctrl-C reaches the stages as a cancelled task; for the person it is simply "interrupted" (exit 130).
    if (signal.aborted) throw Object.assign(new Error("interrupted", { cause: err }), { name: "AbortError" });
    throw err;
  } finally {
    await cpu.close();
  }
}
