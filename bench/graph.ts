/**
 * bench:graph — wall time per stage and peak RSS of the production graph-generation path on debian-scale, at
 * 1,000, 10,000 and all (26,524) items, each size in a fresh child process so its peak RSS is its own.
 *
 * What runs is `generateGraph` (src/tasks/graphGeneration/generate.ts, the GRAPH_GENERATION handler's
 * computation) with no LLM configured, so clusters get local names, and with an in-process stand-in for the
 * worker-thread pool that calls the same job (`buildMacroGraph`, src/pipelines/graph/build.ts) directly:
 * thread start-up and structured cloning are left out, everything else is the handler's code.
 * Stages (buildMacroGraph's own `timings`): tokenize, embed (local embedder fitted on the items), keywords,
 * neighbours (kNN lists: exact ≤ 5,000 nodes, else RP-forest + NN-descent), cluster (smoothing + spherical
 * k-means, k by silhouette in [3, 8] as the backend requests), edges, refine, subclusters (Louvain), terms
 * (cluster distinctive terms), rest (representatives and the build's bookkeeping); then name+asm (local
 * names + graph.json/features.json objects, generateGraph's part after the build) and json (their JSON text).
 * Loading the bundle (streamed from the gunzipped files) and the contract check are shown apart; the
 * neighbour recall against exact search (200 sampled nodes) is measured after the timed run and not counted.
 * Usage: npm run bench:graph [-- sizes=1000,10000,all]
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { validateOutput } from "../src/contract/files/validate.js";
import {
  buildMacroGraph,
  type MacroBuildInput,
  type MacroBuildOutput,
} from "../src/pipelines/graph/build.js";
import { nearestNeighbours } from "../src/pipelines/macro/neighbours.js";
import { PackedVectors } from "../src/pipelines/macro/packed.js";
import { toMatrix } from "../src/pipelines/macro/vectors.js";
import { iterateBundle, type SourceItem } from "../src/pipelines/sources/index.js";
import type { CpuPool } from "../src/runtime/cpuPool.js";
import { createLogger } from "../src/runtime/logger.js";
import { generateGraph } from "../src/tasks/graphGeneration/generate.js";
import { datasetDir } from "../test/support/datasets.js";

const SCALE = datasetDir("debian-scale");
const STAGES = [
  "tokenize",
  "embed",
  "keywords",
  "neighbours",
  "cluster",
  "edges",
  "refine",
  "subclusters",
  "terms",
  "rest",
  "name+asm",
  "json",
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

/**
 * The worker-thread pool's contract, run in this thread: generateGraph sends its one job ("macroGraph") here,
 * and the wall time of the build is recorded so the part of generateGraph after it can be told apart.
 */
function inProcessPool(): { pool: CpuPool; buildMs: () => number } {
  let buildMs = 0;
  const run = async (job: string, input: MacroBuildInput) => {
    if (job !== "macroGraph") throw new Error(`bench pool: unexpected job ${job}`);
    const t = performance.now();
    const out = buildMacroGraph(input, { progress: () => {} });
    buildMs = performance.now() - t;
    return out;
  };
  const pool = { threads: 1, run, close: async () => {} } as unknown as CpuPool;
  return { pool, buildMs: () => buildMs };
}

/** Recall@k of the kNN lists the build used (recomputed: same vectors, seed and k, so the same lists). */
function neighbourRecall(built: Pick<MacroBuildOutput, "vectors" | "dimension">): {
  method: string;
  recall: number | null;
} {
  const m = toMatrix(built.vectors, built.dimension);
  const nb = nearestNeighbours(m, { seed: 42, k: 10 });
  if (nb.method === "exact") return { method: nb.method, recall: null };
  const p = new PackedVectors(m);
  const k = nb.k;
  let hits = 0;
  const queries = 200;
  for (let q = 0; q < queries; q++) {
    const i = Math.floor((q * m.n) / queries);
    const out = p.dotRange(i, 0, m.n);
    const best = Array.from(out, (s, j) => [j === i ? Number.NEGATIVE_INFINITY : s, j] as const)
      .sort((a, b) => b[0] - a[0])
      .slice(0, k);
    const truth = new Set(best.map(([, j]) => j));
    for (let t = 0; t < k; t++) if (truth.has(nb.index[i * k + t]!)) hits++;
  }
  return { method: nb.method, recall: hits / (queries * k) };
}

async function child(dir: string, size: number): Promise<void> {
  const t0 = performance.now();
  const items: SourceItem[] = [];
  for await (const item of iterateBundle(dir)) {
    if (items.length >= size) break;
    items.push(item);
  }
  const loadMs = performance.now() - t0;
  const { pool, buildMs } = inProcessPool();
  const start = performance.now();
  const { built, graph, features } = await generateGraph({
    items,
    language: "en",
    minClusters: 3,
    maxClusters: 8,
    cpu: pool,
    env: {}, // no LLM provider: local cluster names
    signal: new AbortController().signal,
    log: createLogger({ level: "silent" }),
  });
  const generateMs = performance.now() - start;
  const t1 = performance.now();
  const graphJson = JSON.stringify(graph);
  const featuresJson = JSON.stringify(features);
  const jsonMs = performance.now() - t1;
  const totalMs = performance.now() - start;
  const t2 = performance.now();
  validateOutput("graph.json", graph);
  validateOutput("features.json", features);
  const validateMs = performance.now() - t2;
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);

  const ms = (name: string) => (built.timings[name] ?? 0) * 1000;
  const counted = ["tokenize", "embedding", "keywords", "graph", "clusterTerms"].reduce(
    (s, x) => s + ms(x),
    0,
  );
  const stages: Record<Stage, number> = {
    tokenize: ms("tokenize"),
    embed: ms("embedding"),
    keywords: ms("keywords"),
    neighbours: ms("neighbours"),
    cluster: ms("cluster"),
    edges: ms("edges"),
    refine: ms("refine"),
    subclusters: ms("subclusters"),
    terms: ms("clusterTerms"),
    rest: Math.max(0, buildMs() - counted),
    "name+asm": generateMs - buildMs(),
    json: jsonMs,
  };
  const { method, recall } = neighbourRecall(built);
  const row: Row = {
    items: items.length,
    loadMs: Math.round(loadMs),
    stages: Object.fromEntries(STAGES.map((s) => [s, Math.round(stages[s])])) as Record<Stage, number>,
    totalMs: Math.round(totalMs),
    validateMs: Math.round(validateMs),
    peakRssMb,
    k: built.clusterIds.length,
    edges: graph.edges.length,
    highEdges: graph.edges.filter((e) => e.confidence === "high").length,
    subclusters: built.subclusters.length,
    moved: built.refinedMoves,
    method,
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
    console.log(
      "graph generation (generateGraph, local names) on debian-scale, one process per size (times in seconds)",
    );
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
