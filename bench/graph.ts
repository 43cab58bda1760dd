/**
 * bench:graph — wall time per stage and peak RSS of the macro graph pipeline on debian-scale, at 1,000,
 * 10,000 and all (26,524) items, each size in a fresh child process so its peak RSS is its own.
 *
 * Stages: tokenize, embed (local embedder fitted on the items, 256-d), keywords (per node), neighbours
 * (kNN lists: exact ≤ 5,000 nodes, else RP-forest + NN-descent), cluster (smoothing + spherical k-means, k by
 * silhouette in [3, 8] as the backend requests), edges, refine, subclusters (Louvain), naming (cluster
 * distinctive terms + local names), assemble (graph.json + features.json objects and their JSON text).
 * Loading the bundle (streamed from the gunzipped files) is shown apart; the neighbour recall against
 * exact search (200 sampled nodes) is measured after the timed run and not counted.
 * Usage: npm run bench:graph [-- sizes=1000,10000,all]
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { fitLocalEmbedderOnTokens } from "../src/ai/embeddings/local/index.js";
import { featuresFileSchema } from "../src/contract/files/features.js";
import { graphOutputSchema } from "../src/contract/files/graph.js";
import { clusterKeywords, extractKeywords } from "../src/pipelines/keywords/index.js";
import { assembleFeatures, assembleGraph, type MacroItem } from "../src/pipelines/macro/assemble.js";
import { localClusterLabels } from "../src/pipelines/macro/naming.js";
import { PackedVectors } from "../src/pipelines/macro/packed.js";
import { runMacroAlgorithms } from "../src/pipelines/macro/pipeline.js";
import { toMatrix } from "../src/pipelines/macro/vectors.js";
import { iterateBundle, type SourceItem } from "../src/pipelines/sources/index.js";
import { tokenize } from "../src/pipelines/text/index.js";

const SCALE = process.env.DEBIAN_SCALE_DIR ?? "/work/shared/datasets/debian-scale";
const STAGES = [
  "tokenize",
  "embed",
  "keywords",
  "neighbours",
  "cluster",
  "edges",
  "refine",
  "subclusters",
  "naming",
  "assemble",
] as const;
type Stage = (typeof STAGES)[number];

interface Row {
  items: number;
  loadMs: number;
  stages: Record<Stage, number>;
  totalMs: number;
  validateMs: number;
  peakRssMb: number;
  k: number;
  edges: number;
  highEdges: number;
  subclusters: number;
  moved: number;
  method: string;
  recall: number | null;
  graphMb: number;
  featuresMb: number;
}

async function child(dir: string, size: number): Promise<void> {
  const t0 = performance.now();
  const items: SourceItem[] = [];
  for await (const item of iterateBundle(dir)) {
    if (items.length >= size) break;
    items.push(item);
  }
  const loadMs = performance.now() - t0;
  const stages = Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>;
  const time = <T>(stage: Stage, fn: () => T): T => {
    const t = performance.now();
    const out = fn();
    stages[stage] += performance.now() - t;
    return out;
  };
  const start = performance.now();
  const tokens = time("tokenize", () => items.map((it) => tokenize(it.texts.map((t) => t.text).join("\n"))));
  const { vectors } = time("embed", () => fitLocalEmbedderOnTokens(tokens, { dimension: 256 }));
  const keywords = time("keywords", () => extractKeywords(tokens));
  const result = runMacroAlgorithms(vectors, { minClusters: 3, maxClusters: 8, seed: 42, keywords });
  stages.neighbours = result.timings.neighbours;
  stages.cluster = result.timings.cluster;
  stages.edges = result.timings.edges;
  stages.refine = result.timings.refine;
  stages.subclusters = result.timings.subclusters;
  const clusters = time("naming", () => {
    const terms = clusterKeywords(tokens, Array.from(result.labels));
    return localClusterLabels(
      Array.from({ length: result.k }, (_, c) => terms.get(c) ?? []),
      result.sizes,
      { language: "en" },
    );
  });
  const macroItems: MacroItem[] = items.map((it, i) => ({
    origId: it.origId,
    title: it.title,
    sourceType: it.sourceType,
    numSections: it.numSections,
    createTime: it.createTime,
    updateTime: it.updateTime,
    keywords: keywords[i]!,
  }));
  const embedding = { provider: "local", model: "local-tfidf-lsa", dimension: 256 };
  const { graph, features, graphJson, featuresJson } = time("assemble", () => {
    const graph = assembleGraph({
      items: macroItems,
      labels: result.labels,
      clusters,
      edges: result.edges,
      subclusters: result.subclusters,
      language: "en",
      embedding,
      naming: "local",
    });
    const features = assembleFeatures({ items: macroItems, vectors, embedding });
    return { graph, features, graphJson: JSON.stringify(graph), featuresJson: JSON.stringify(features) };
  });
  const totalMs = performance.now() - start;
  const t1 = performance.now();
  const ok = graphOutputSchema.safeParse(graph).success && featuresFileSchema.safeParse(features).success;
  const validateMs = performance.now() - t1;
  if (!ok) throw new Error("assembled output fails the contract schema");
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);

  let recall: number | null = null;
  if (result.neighbours.method === "approximate") {
    const m = toMatrix(vectors);
    const p = new PackedVectors(m);
    const k = result.neighbours.k;
    let hits = 0;
    const queries = 200;
    for (let q = 0; q < queries; q++) {
      const i = Math.floor((q * m.n) / queries);
      const out = p.dotRange(i, 0, m.n);
      const best = Array.from(out, (s, j) => [j === i ? Number.NEGATIVE_INFINITY : s, j] as const)
        .sort((a, b) => b[0] - a[0])
        .slice(0, k);
      const truth = new Set(best.map(([, j]) => j));
      for (let t = 0; t < k; t++) if (truth.has(result.neighbours.index[i * k + t]!)) hits++;
    }
    recall = hits / (queries * k);
  }
  const row: Row = {
    items: items.length,
    loadMs: Math.round(loadMs),
    stages: Object.fromEntries(STAGES.map((s) => [s, Math.round(stages[s])])) as Record<Stage, number>,
    totalMs: Math.round(totalMs),
    validateMs: Math.round(validateMs),
    peakRssMb,
    k: result.k,
    edges: result.edges.length,
    highEdges: result.edges.filter((e) => e.confidence === "high").length,
    subclusters: result.subclusters.length,
    moved: result.moved,
    method: result.neighbours.method,
    recall,
    graphMb: Number((graphJson.length / 1e6).toFixed(1)),
    featuresMb: Number((featuresJson.length / 1e6).toFixed(1)),
  };
  process.stdout.write(`${JSON.stringify(row)}\n`);
}

function main(): void {
  const args = new Map(process.argv.slice(2).map((a) => a.split("=") as [string, string]));
  if (args.has("child")) {
    void child(args.get("dir")!, Number(args.get("child"))).catch((e: unknown) => {
      console.error(e);
      process.exit(1);
    });
    return;
  }
  const sizes = (args.get("sizes") ?? "1000,10000,all")
    .split(",")
    .map((s) => (s === "all" ? Number.MAX_SAFE_INTEGER : Number(s)));
  const dir = mkdtempSync(join(tmpdir(), "bench-graph-"));
  try {
    writeFileSync(join(dir, "input.json"), gunzipSync(readFileSync(join(SCALE, "input.json.gz"))));
    writeFileSync(join(dir, "notes.json"), gunzipSync(readFileSync(join(SCALE, "notes.json.gz"))));
    console.log("macro graph pipeline on debian-scale, one process per size (times in seconds)");
    const s = (ms: number) => (ms / 1000).toFixed(2);
    console.log(
      [
        "items".padEnd(6),
        ...STAGES.map((st) => st.padStart(Math.max(6, st.length))),
        "total".padStart(6),
        "peak RSS".padStart(9),
        "| load",
        "validate",
        " k",
        "edges (high)",
        "subcl.",
        "moved",
        "kNN",
        "recall@10",
        "graph/features MB",
      ].join(" "),
    );
    const rows: Row[] = [];
    for (const size of sizes) {
      const r = spawnSync(
        process.execPath,
        [...process.execArgv, process.argv[1]!, `child=${size}`, `dir=${dir}`],
        {
          encoding: "utf8",
          maxBuffer: 1 << 20,
        },
      );
      if (r.status !== 0) {
        console.error(r.stderr);
        process.exitCode = 1;
        return;
      }
      const row = JSON.parse(r.stdout.trim().split("\n").pop()!) as Row;
      rows.push(row);
      console.log(
        [
          String(row.items).padEnd(6),
          ...STAGES.map((st) => s(row.stages[st]).padStart(Math.max(6, st.length))),
          s(row.totalMs).padStart(6),
          `${row.peakRssMb} MB`.padStart(9),
          "|",
          s(row.loadMs),
          s(row.validateMs).padStart(8),
          String(row.k).padStart(2),
          `${row.edges} (${row.highEdges})`.padStart(12),
          String(row.subclusters).padStart(6),
          String(row.moved).padStart(5),
          row.method.slice(0, 6),
          (row.recall === null ? "exact" : row.recall.toFixed(3)).padStart(9),
          `${row.graphMb}/${row.featuresMb}`,
        ].join(" "),
      );
    }
    const i10 = rows.findIndex((r) => r.items === 10000);
    const last = rows[rows.length - 1]!;
    if (i10 >= 0 && last.items > 10000) {
      const r10 = rows[i10]!;
      console.log(
        `growth ${r10.items} → ${last.items} items (×${(last.items / r10.items).toFixed(2)}): total ×${(last.totalMs / r10.totalMs).toFixed(2)}, ` +
          STAGES.map((st) => `${st} ×${(last.stages[st] / Math.max(1, r10.stages[st])).toFixed(2)}`).join(
            ", ",
          ),
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
