/**
 * Boundary repair after clustering: weighted label propagation over the similarity edges. A node moves to
 * another cluster only when that cluster holds a clear majority of its neighbourhood: at least `majority`
 * (default 0.6) of the node's total edge weight and more than its own cluster's share, with at least
 * `minDegree` (default 2) edges. Sweeps go in node order (deterministic), at most `maxIterations` (default
 * 10), until no node moves. A cluster never loses its last member, so no cluster vanishes; afterwards every
 * edge's `is_intra_cluster` is recomputed and clusters are renumbered by size (empty ones dropped).
 */
import type { SimilarityEdge } from "./edges.js";

export interface RefineOptions {
  majority?: number;
  minDegree?: number;
  maxIterations?: number;
}

export interface RefineResult {
  /** Cluster index per node, 0 … k−1 by decreasing size. */
  labels: Int32Array;
  k: number;
  sizes: number[];
  /** old cluster index → new index (−1 for a dropped, empty cluster). */
  remap: Int32Array;
  moved: number;
  iterations: number;
}

export function refineClusters(
  labels: Int32Array,
  k: number,
  edges: readonly Pick<SimilarityEdge, "source" | "target" | "weight">[],
  opts: RefineOptions = {},
): RefineResult {
  const n = labels.length;
  const majority = opts.majority ?? 0.6;
  const minDegree = opts.minDegree ?? 2;
  const maxIterations = opts.maxIterations ?? 10;
  const cur = labels.slice();
  const sizes = new Int32Array(k);
  for (const c of cur) {
    if (c < 0 || c >= k) throw new RangeError(`label ${c} outside [0, ${k})`);
    sizes[c]!++;
  }
  // Adjacency in CSR form.
  const degree = new Int32Array(n + 1);
  for (const e of edges) {
    degree[e.source]!++;
    degree[e.target]!++;
  }
  const start = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) start[i + 1] = start[i]! + degree[i]!;
  const adj = new Int32Array(start[n]!);
  const w = new Float64Array(start[n]!);
  const fill = start.slice(0, n);
  for (const e of edges) {
    adj[fill[e.source]!] = e.target;
    w[fill[e.source]!++] = e.weight;
    adj[fill[e.target]!] = e.source;
    w[fill[e.target]!++] = e.weight;
  }
  const votes = new Float64Array(k);
  let moved = 0;
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    let movedNow = 0;
    for (let i = 0; i < n; i++) {
      const from = start[i]!;
      const to = start[i + 1]!;
      if (to - from < minDegree) continue;
      const own = cur[i]!;
      if (sizes[own]! <= 1) continue;
      let total = 0;
      for (let p = from; p < to; p++) {
        votes[cur[adj[p]!]!] = votes[cur[adj[p]!]!]! + w[p]!;
        total += w[p]!;
      }
      let best = own;
      for (let p = from; p < to; p++) {
        const c = cur[adj[p]!]!;
        if (votes[c]! > votes[best]! || (votes[c]! === votes[best]! && c < best && best !== own)) best = c;
      }
      const ownVote = votes[own]!;
      const bestVote = votes[best]!;
      for (let p = from; p < to; p++) votes[cur[adj[p]!]!] = 0;
      if (best !== own && bestVote > ownVote && bestVote >= majority * total) {
        cur[i] = best;
        sizes[own]!--;
        sizes[best]!++;
        movedNow++;
      }
    }
    moved += movedNow;
    if (movedNow === 0) {
      iterations++;
      break;
    }
  }
  // Renumber by decreasing size; none is empty, but stay safe if a caller passed unused indices.
  const order = Array.from(sizes, (size, c) => ({ size, c }))
    .filter((x) => x.size > 0)
    .sort((a, b) => b.size - a.size || a.c - b.c);
  const remap = new Int32Array(k).fill(-1);
  order.forEach((x, i) => {
    remap[x.c] = i;
  });
  const out = Int32Array.from(cur, (c) => remap[c]!);
  return { labels: out, k: order.length, sizes: order.map((x) => x.size), remap, moved, iterations };
}

/** Sets every edge's `is_intra_cluster` from the labels (in place) and returns the intra-cluster count. */
export function markIntraCluster<E extends { source: number; target: number; is_intra_cluster?: boolean }>(
  edges: E[],
  labels: Int32Array,
): number {
  let intra = 0;
  for (const e of edges) {
    e.is_intra_cluster = labels[e.source] === labels[e.target];
    if (e.is_intra_cluster) intra++;
  }
  return intra;
}
