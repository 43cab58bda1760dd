/**
 * Graph refinement: weighted label propagation over the similarity edges fixes boundary nodes whose
 * neighbourhood clearly sits in another topic. A node moves only when another cluster holds a clear majority
 * of its edge weight, never out of a cluster it is the last member of, for a bounded number of rounds.
 */
import type { KnnEdge } from "./knn.js";

export interface RefineResult {
  labels: Int32Array;
  moved: number;
  rounds: number;
}

export function refineLabels(
  labels: Int32Array,
  k: number,
  edges: readonly KnnEdge[],
  opts: { maxRounds?: number; majority?: number; onRound?: (round: number, max: number) => void } = {},
): RefineResult {
  const n = labels.length;
  const out = Int32Array.from(labels);
  const adj: { j: number; w: number }[][] = Array.from({ length: n }, () => []);
  for (const e of edges) {
    adj[e.source]!.push({ j: e.target, w: e.weight });
    adj[e.target]!.push({ j: e.source, w: e.weight });
  }
  const sizes = new Int32Array(k);
  for (const l of out) sizes[l]!++;
  const maxRounds = opts.maxRounds ?? 5;
  const majority = opts.majority ?? 0.6;
  const weightBy = new Float64Array(k);
  let moved = 0;
  let rounds = 0;
  for (let round = 0; round < maxRounds; round++) {
    rounds++;
    let changed = 0;
    for (let i = 0; i < n; i++) {
      const nb = adj[i]!;
      if (nb.length < 2) continue;
      weightBy.fill(0);
      let total = 0;
      for (const { j, w } of nb) {
        weightBy[out[j]!]! += w;
        total += w;
      }
      let best = out[i]!;
      for (let c = 0; c < k; c++) if (weightBy[c]! > weightBy[best]!) best = c;
      const own = out[i]!;
      if (best !== own && weightBy[best]! >= majority * total && sizes[own]! > 1) {
        sizes[own]!--;
        sizes[best]!++;
        out[i] = best;
        changed++;
      }
    }
    moved += changed;
    opts.onRound?.(round + 1, maxRounds);
    if (changed === 0) break;
  }
  return { labels: out, moved, rounds };
}
