/**
 * The CPU-heavy part of graph generation, run on the worker-thread pool: embed the items (the local
 * embedder fitted on this user's corpus, or vectors computed beforehand by another provider), keywords,
 * topics (spherical k-means on the leading LSA dimensions, k given or chosen by silhouette), the kNN
 * similarity graph, refinement, subclusters and each cluster's distinctive terms and representatives.
 * LLM naming and output assembly happen afterwards on the main thread.
 */

import type { LocalEmbedderState } from "../../ai/embeddings/local/index.js";
import { fitLocalEmbedderOnTokens } from "../../ai/embeddings/local/index.js";
import { clusterKeywords, extractKeywords, type Keyword } from "../keywords/index.js";
import type { GraphStage } from "../progress.js";
import type { SourceItem } from "../sources/types.js";
import { tokenize } from "../text/tokenize.js";
import { chooseK } from "./chooseK.js";
import { sphericalKMeans } from "./kmeans.js";
import { knnGraph } from "./knn.js";
import { refineLabels } from "./refine.js";
import { buildSubclusters, type Subcluster } from "./subclusters.js";
import { dotRows, type Matrix, pack, truncateNormalize } from "./vectors.js";

export interface MacroBuildInput {
  items: SourceItem[];
  numClusters?: number;
  minClusters: number;
  maxClusters: number;
  seed?: number;
  /** Vectors from a non-local provider (n × dimension, L2-normalised); absent → fit the local embedder. */
  precomputed?: { data: Float32Array; dimension: number; model: string };
  localDimension?: number;
  /** Leading dimensions used for clustering and neighbour search. */
  clusterDimensions?: number;
  knnK?: number;
  edgeFloor?: number;
  /** An edge is "high" confidence (the backend's `hard` type) when mutual and at least this similar. */
  highConfidence?: number;
}

export interface MacroEdge {
  source: number;
  target: number;
  weight: number;
  confidence: "high" | "medium";
  is_intra_cluster: boolean;
}

export interface MacroBuildOutput {
  model: string;
  dimension: number;
  fingerprint?: string;
  vectors: Float32Array;
  embedderState?: LocalEmbedderState;
  labels: Int32Array;
  clusterIds: string[];
  clusterSizes: number[];
  edges: MacroEdge[];
  subclusters: Subcluster[];
  keywords: Keyword[][];
  clusterTerms: string[][];
  representatives: number[][];
  kChoice: { chosenBy: "numClusters" | "silhouette"; k: number; scores: { k: number; silhouette: number }[] };
  refinedMoves: number;
  emptyTexts: number;
  timings: Record<string, number>;
}

export interface BuildIO {
  progress(stage: GraphStage, done: number, total: number): void;
}

/** What is embedded for an item: its title and all of its text (system/tool messages were already dropped). */
export function itemText(item: SourceItem): string {
  const parts = [item.title, ...item.texts.map((t) => t.text)];
  return parts.filter((p) => p && p.trim() !== "").join("\n");
}

export function buildMacroGraph(input: MacroBuildInput, io: BuildIO): MacroBuildOutput {
  const timings: Record<string, number> = {};
  const time = <T>(name: string, f: () => T): T => {
    const t0 = performance.now();
    const r = f();
    timings[name] = Math.round(performance.now() - t0) / 1000;
    return r;
  };
  const n = input.items.length;
  const seed = input.seed ?? 42;

  // 1. Embeddings.
  io.progress("embedding", 0, n);
  const tokens = time("tokenize", () => input.items.map((it) => tokenize(itemText(it))));
  const emptyTexts = tokens.filter((t) => t.length === 0).length;
  let full: Matrix;
  let model: string;
  let fingerprint: string | undefined;
  let embedderState: LocalEmbedderState | undefined;
  if (input.precomputed) {
    full = { data: input.precomputed.data, n, d: input.precomputed.dimension };
    model = input.precomputed.model;
  } else {
    const fitted = time("embedding", () =>
      fitLocalEmbedderOnTokens(tokens, {
        seed,
        ...(input.localDimension ? { dimension: input.localDimension } : {}),
        onProgress: (_stage, done, total) =>
          io.progress("embedding", Math.min(n - 1, Math.round((done / Math.max(1, total)) * n)), n),
      }),
    );
    full = pack(fitted.vectors, fitted.state.dimension);
    model = fitted.state.model;
    fingerprint = fitted.state.fingerprint;
    embedderState = fitted.state;
  }
  io.progress("embedding", n, n);

  // 2. Keywords.
  io.progress("keywords", 0, n);
  const keywords = time("keywords", () => extractKeywords(tokens, { topN: 8 }));
  io.progress("keywords", n, n);

  // 3. Topics.
  io.progress("clustering", 0, 3);
  const reduced = truncateNormalize(full, input.clusterDimensions ?? 64);
  const lo = Math.max(1, Math.min(input.minClusters, n));
  const hi = Math.max(lo, Math.min(input.maxClusters, n));
  const kChoice = time("chooseK", () => {
    if (input.numClusters)
      return { chosenBy: "numClusters" as const, k: Math.min(input.numClusters, n), scores: [] };
    if (lo === hi) return { chosenBy: "numClusters" as const, k: lo, scores: [] };
    const c = chooseK(reduced, lo, hi, seed);
    return { chosenBy: "silhouette" as const, k: c.k, scores: c.scores };
  });
  io.progress("clustering", 1, 3);
  const km = time("kmeans", () => sphericalKMeans(reduced, kChoice.k, { seed, restarts: n > 5000 ? 2 : 4 }));
  io.progress("clustering", 3, 3);

  // 4. Edges.
  io.progress("edges", 0, n);
  const knn = time("edges", () =>
    knnGraph(reduced, full, {
      k: input.knnK ?? 6,
      floor: input.edgeFloor ?? 0.3,
      seed,
      onProgress: (d, t) => io.progress("edges", Math.min(d, t - 1), t),
    }),
  );
  io.progress("edges", n, n);

  // 5. Refinement and subclusters.
  io.progress("merging", 0, 3);
  const refined = time("refine", () => refineLabels(km.labels, km.k, knn));
  io.progress("merging", 1, 3);
  // Clusters ordered by size, named cluster_1…cluster_k; an emptied cluster disappears.
  const sizes = new Array<number>(km.k).fill(0);
  for (const l of refined.labels) sizes[l]!++;
  const order = sizes
    .map((s, c) => ({ s, c }))
    .filter((x) => x.s > 0)
    .sort((a, b) => b.s - a.s || a.c - b.c);
  const remap = new Int32Array(km.k).fill(-1);
  order.forEach((x, i) => {
    remap[x.c] = i;
  });
  const labels = refined.labels.map((l) => remap[l]!);
  const clusterIds = order.map((_, i) => `cluster_${i + 1}`);
  const clusterSizes = order.map((x) => x.s);
  const high = input.highConfidence ?? 0.6;
  const edges: MacroEdge[] = knn.map((e) => ({
    source: e.source,
    target: e.target,
    weight: e.weight,
    confidence: e.mutual && e.weight >= high ? "high" : "medium",
    is_intra_cluster: labels[e.source] === labels[e.target],
  }));
  const subclusters = time("subclusters", () =>
    buildSubclusters({ labels, clusterIds, edges: knn, keywords, seed }),
  );
  io.progress("merging", 2, 3);
  // Distinctive terms from at most 400 members per cluster (evenly spread): enough to name a topic, and
  // the c-TF-IDF cost stays flat for very large clusters.
  const terms = time("clusterTerms", () => {
    const counts = new Int32Array(clusterIds.length);
    for (const l of labels) counts[l]!++;
    const seen = new Int32Array(clusterIds.length);
    const docs: (typeof tokens)[number][] = [];
    const groups: number[] = [];
    for (let i = 0; i < n; i++) {
      const c = labels[i]!;
      const step = Math.max(1, Math.floor(counts[c]! / 400));
      if (seen[c]!++ % step === 0) {
        docs.push(tokens[i]!);
        groups.push(c);
      }
    }
    return clusterKeywords(docs, groups, { topN: 12 });
  });
  const clusterTerms = clusterIds.map((_, c) => (terms.get(c) ?? []).map((k) => k.term));
  // Representatives: members closest to their cluster's mean direction.
  const k = clusterIds.length;
  const centroid = new Float32Array(k * reduced.d);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < reduced.d; j++)
      centroid[labels[i]! * reduced.d + j]! += reduced.data[i * reduced.d + j]!;
  const best: { i: number; s: number }[][] = Array.from({ length: k }, () => []);
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    const s = dotRows(reduced.data, i, centroid, c, reduced.d);
    const list = best[c]!;
    list.push({ i, s });
    if (list.length > 24) {
      list.sort((a, b) => b.s - a.s);
      list.length = 8;
    }
  }
  const representatives = best.map((l) =>
    l
      .sort((a, b) => b.s - a.s)
      .slice(0, 8)
      .map((x) => x.i),
  );
  io.progress("merging", 3, 3);

  return {
    model,
    dimension: full.d,
    ...(fingerprint ? { fingerprint } : {}),
    vectors: full.data,
    ...(embedderState ? { embedderState } : {}),
    labels,
    clusterIds,
    clusterSizes,
    edges,
    subclusters,
    keywords,
    clusterTerms,
    representatives,
    kChoice,
    refinedMoves: refined.moved,
    emptyTexts,
    timings,
  };
}
