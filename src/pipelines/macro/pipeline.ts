/**
 * The macro graph's algorithms in their order, on plain arrays: neighbour lists → (smoothed) clustering →
 * similarity edges → label-propagation refinement → subclusters. Embedding, keywords, naming and output
 * assembly are the caller's (they need text, models or an LLM). Timings per stage are returned so the task
 * can report them (timing.json) and the benchmarks can print them.
 */
import { type ClusterOptions, type ClusterResult, clusterVectors } from "./cluster.js";
import { type EdgeOptions, edgesFromNeighbours, type SimilarityEdge } from "./edges.js";
import { type NeighbourOptions, type Neighbours, nearestNeighbours } from "./neighbours.js";
import { type RefineOptions, refineClusters } from "./refine.js";
import { buildSubclusters, type Subcluster, type SubclusterOptions } from "./subclusters.js";
import { type Matrix, toMatrix, type VectorInput } from "./vectors.js";

export interface MacroAlgorithmOptions {
  numClusters?: number;
  minClusters?: number;
  maxClusters?: number;
  seed?: number;
  /** Vector dimension when the vectors come as one packed Float32Array. */
  dimension?: number;
  neighbours?: NeighbourOptions;
  cluster?: Omit<ClusterOptions, "numClusters" | "minClusters" | "maxClusters" | "seed" | "neighbours">;
  /** Smooth the vectors over their neighbours before clustering. Default true. */
  smooth?: boolean;
  edges?: EdgeOptions;
  refine?: RefineOptions | false;
  subclusters?: SubclusterOptions;
  /** Per-node keywords for subcluster top_keywords. */
  keywords?: readonly (readonly { term: string; score: number }[])[];
  /** Called when a stage starts (progress reporting). */
  onStage?: (stage: MacroStage) => void;
}

export type MacroStage = "neighbours" | "cluster" | "edges" | "refine" | "subclusters";

export interface MacroAlgorithmResult {
  /** Cluster index per node after refinement, 0 … k−1 by decreasing size (0 = cluster_1). */
  labels: Int32Array;
  k: number;
  sizes: number[];
  /** The clustering before refinement (its selection record says how k was chosen). */
  clustering: ClusterResult;
  neighbours: Neighbours;
  /** Edges with is_intra_cluster for the final labels. */
  edges: (SimilarityEdge & { is_intra_cluster: boolean })[];
  highThreshold: number;
  subclusters: Subcluster[];
  moved: number;
  /** Milliseconds per stage. */
  timings: Record<MacroStage, number>;
}

export function runMacroAlgorithms(
  vectors: VectorInput | Matrix,
  opts: MacroAlgorithmOptions = {},
): MacroAlgorithmResult {
  const m =
    "n" in vectors && "data" in vectors
      ? (vectors as Matrix)
      : toMatrix(vectors as VectorInput, opts.dimension);
  const seed = opts.seed ?? 42;
  const timings = { neighbours: 0, cluster: 0, edges: 0, refine: 0, subclusters: 0 };
  const stage = <T>(name: MacroStage, fn: () => T): T => {
    opts.onStage?.(name);
    const t = performance.now();
    const out = fn();
    timings[name] = Math.round(performance.now() - t);
    return out;
  };
  const edgeK = opts.edges?.k ?? 8;
  const neighbours = stage("neighbours", () =>
    nearestNeighbours(m, { seed, ...opts.neighbours, k: Math.max(edgeK, opts.neighbours?.k ?? 10) }),
  );
  const clustering = stage("cluster", () =>
    clusterVectors(m, {
      ...opts.cluster,
      ...(opts.numClusters !== undefined ? { numClusters: opts.numClusters } : {}),
      ...(opts.minClusters !== undefined ? { minClusters: opts.minClusters } : {}),
      ...(opts.maxClusters !== undefined ? { maxClusters: opts.maxClusters } : {}),
      seed,
      ...(opts.smooth === false ? {} : { neighbours }),
    }),
  );
  const edgeSet = stage("edges", () => edgesFromNeighbours(neighbours, { ...opts.edges, k: edgeK }));
  const refined = stage("refine", () =>
    opts.refine === false
      ? { labels: clustering.labels, k: clustering.k, sizes: clustering.sizes, moved: 0 }
      : refineClusters(clustering.labels, clustering.k, edgeSet.edges, opts.refine),
  );
  const edges = edgeSet.edges.map((e) => ({
    ...e,
    is_intra_cluster: refined.labels[e.source] === refined.labels[e.target],
  }));
  const subclusters = stage("subclusters", () =>
    buildSubclusters(refined.labels, refined.k, edges, opts.keywords ?? [], { seed, ...opts.subclusters }),
  );
  return {
    labels: refined.labels,
    k: refined.k,
    sizes: refined.sizes,
    clustering,
    neighbours,
    edges,
    highThreshold: edgeSet.highThreshold,
    subclusters,
    moved: refined.moved,
    timings,
  };
}
