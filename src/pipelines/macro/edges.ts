/**
 * The similarity graph's edges from the nodes' neighbour lists: each node's top `k` neighbours with cosine
 * ≥ `floor`, one edge per unordered pair (source < target), no self-loops, weight = cosine clamped into
 * (0, 1] and rounded to 4 decimals.
 *
 * Confidence (the backend types "high" edges `hard`, anything else `insight`):
 *  - "high": mutual neighbours (each in the other's top k) and weight ≥ the high threshold, which is the
 *    larger of `highFloor` (default 0.5) and the `highQuantile` (default 0.75) quantile of all edge weights,
 *    so at most about a quarter of the edges are hard, whatever the embedder's similarity scale;
 *  - "medium": other mutual pairs;
 *  - "low": one-sided neighbours.
 *
 * Floor default 0.3: on debian-dev (665 items, local embedder) the 5th-ranked neighbour's cosine has
 * median 0.32 and the best neighbour's 5th percentile is 0.32, so 0.3 keeps the real neighbourhoods and
 * leaves under 5% of the nodes without an edge; on debian-scale the 10th neighbour is above 0.38 for 95%.
 */
import { type NeighbourOptions, type Neighbours, nearestNeighbours } from "./neighbours.js";
import type { Matrix } from "./vectors.js";

export type EdgeConfidence = "high" | "medium" | "low";

export interface SimilarityEdge {
  source: number;
  target: number;
  weight: number;
  mutual: boolean;
  confidence: EdgeConfidence;
}

export interface EdgeOptions {
  /** Neighbours per node that may become edges (≤ the lists' k). Default 8. */
  k?: number;
  /** Default 0.3. */
  floor?: number;
  /** Default 0.5. */
  highFloor?: number;
  /** Default 0.75. */
  highQuantile?: number;
}

export interface EdgeSet {
  edges: SimilarityEdge[];
  /** The weight from which mutual edges are "high". */
  highThreshold: number;
  floor: number;
  k: number;
}

export function edgesFromNeighbours(nb: Neighbours, opts: EdgeOptions = {}): EdgeSet {
  const k = Math.max(0, Math.min(opts.k ?? 8, nb.k));
  const floor = opts.floor ?? 0.3;
  const n = nb.n;
  // Membership in i's top k, for the mutual test: a sorted copy per node would cost more than scanning k.
  const inTopK = (i: number, j: number) => {
    const base = i * nb.k;
    for (let t = 0; t < k; t++) {
      const v = nb.index[base + t]!;
      if (v === j) return true;
      if (v < 0) return false;
    }
    return false;
  };
  const seen = new Set<number>();
  const edges: SimilarityEdge[] = [];
  for (let i = 0; i < n; i++) {
    const base = i * nb.k;
    for (let t = 0; t < k; t++) {
      const j = nb.index[base + t]!;
      if (j < 0) break;
      const s = nb.similarity[base + t]!;
      if (!(s >= floor) || j === i) continue;
      const source = Math.min(i, j);
      const target = Math.max(i, j);
      const key = source * n + target;
      if (seen.has(key)) continue;
      seen.add(key);
      const weight = Math.min(1, Math.max(1e-4, Math.round(s * 1e4) / 1e4));
      edges.push({ source, target, weight, mutual: inTopK(j, i), confidence: "low" });
    }
  }
  const highThreshold = Math.max(
    opts.highFloor ?? 0.5,
    quantile(
      edges.map((e) => e.weight),
      opts.highQuantile ?? 0.75,
    ),
  );
  for (const e of edges) e.confidence = e.mutual ? (e.weight >= highThreshold ? "high" : "medium") : "low";
  edges.sort((a, b) => a.source - b.source || a.target - b.target);
  return { edges, highThreshold, floor, k };
}

/** Neighbour search and edges in one call (see neighbours.ts for the search methods). */
export function buildSimilarityEdges(
  m: Matrix,
  opts: EdgeOptions & { search?: NeighbourOptions } = {},
): EdgeSet & { neighbours: Neighbours } {
  const neighbours = nearestNeighbours(m, { k: Math.max(opts.k ?? 8, opts.search?.k ?? 0), ...opts.search });
  return { ...edgesFromNeighbours(neighbours, opts), neighbours };
}

function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.POSITIVE_INFINITY;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * (sorted.length - 1))))]!;
}
