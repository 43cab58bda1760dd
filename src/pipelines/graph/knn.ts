/**
 * The similarity graph: each node's top-k neighbours above a floor, as undirected edges (one per pair,
 * source < target, no self-loops), weighted by cosine in the full embedding space.
 *
 * Candidates come from the reduced space: exact search up to `exactLimit` nodes, beyond that an inverted-file
 * search (nodes bucketed by ~√n fine centroids; each node compares only with the members of its `probes`
 * nearest buckets), which keeps the cost near n·√n instead of n².
 */

import { sampleRows } from "./chooseK.js";
import { sphericalKMeans } from "./kmeans.js";
import { dotRows, type Matrix } from "./vectors.js";

export interface KnnEdge {
  source: number;
  target: number;
  weight: number;
  /** Both ends have each other among their top-k. */
  mutual: boolean;
}

export interface KnnOptions {
  k?: number;
  floor?: number;
  exactLimit?: number;
  probes?: number;
  seed?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Keeps the best `size` (index, score) pairs seen; the current worst is cached so most pushes cost O(1). */
class TopList {
  idx: Int32Array;
  score: Float32Array;
  len = 0;
  private worst = 0;
  constructor(readonly size: number) {
    this.idx = new Int32Array(size);
    this.score = new Float32Array(size);
  }
  reset() {
    this.len = 0;
    this.worst = 0;
  }
  private findWorst() {
    let w = 0;
    for (let t = 1; t < this.len; t++) if (this.score[t]! < this.score[w]!) w = t;
    this.worst = w;
  }
  push(i: number, s: number) {
    if (this.len < this.size) {
      this.idx[this.len] = i;
      this.score[this.len] = s;
      this.len++;
      if (this.len === this.size) this.findWorst();
      return;
    }
    if (s > this.score[this.worst]!) {
      this.idx[this.worst] = i;
      this.score[this.worst] = s;
      this.findWorst();
    }
  }
}

export function knnGraph(reduced: Matrix, full: Matrix, opts: KnnOptions = {}): KnnEdge[] {
  const n = reduced.n;
  const k = Math.min(opts.k ?? 6, Math.max(0, n - 1));
  const floor = opts.floor ?? 0.3;
  if (n < 2 || k === 0) return [];
  const candidateCount = Math.min(n - 1, k * 3);
  const neighbours: Int32Array[] = new Array(n);
  const weights: Float32Array[] = new Array(n);
  const top = new TopList(candidateCount);
  const finalTop = new TopList(k);

  const finish = (i: number) => {
    // Re-rank the candidates by cosine in the full space, keep k above the floor.
    finalTop.reset();
    for (let t = 0; t < top.len; t++) {
      const j = top.idx[t]!;
      finalTop.push(j, dotRows(full.data, i, full.data, j, full.d));
    }
    const keepIdx: number[] = [];
    const keepW: number[] = [];
    for (let t = 0; t < finalTop.len; t++) {
      if (finalTop.score[t]! >= floor) {
        keepIdx.push(finalTop.idx[t]!);
        keepW.push(finalTop.score[t]!);
      }
    }
    neighbours[i] = Int32Array.from(keepIdx);
    weights[i] = Float32Array.from(keepW);
  };

  if (n <= (opts.exactLimit ?? 6000)) {
    for (let i = 0; i < n; i++) {
      top.reset();
      for (let j = 0; j < n; j++)
        if (j !== i) top.push(j, dotRows(reduced.data, i, reduced.data, j, reduced.d));
      finish(i);
      if (i % 500 === 0) opts.onProgress?.(i, n);
    }
  } else {
    const buckets = Math.max(8, Math.round(2 * Math.sqrt(n)));
    const fine = sphericalKMeans(sampleRows(reduced, Math.min(n, buckets * 40), opts.seed ?? 42), buckets, {
      seed: opts.seed ?? 42,
      restarts: 1,
      maxIter: 15,
    });
    const kb = fine.k;
    // Nearest buckets of every node.
    const probes = Math.min(kb, opts.probes ?? 6);
    const members: number[][] = Array.from({ length: kb }, () => []);
    const nodeProbes = new Int32Array(n * probes);
    const bucketTop = new TopList(probes);
    for (let i = 0; i < n; i++) {
      bucketTop.reset();
      for (let c = 0; c < kb; c++) bucketTop.push(c, dotRows(reduced.data, i, fine.centroids, c, reduced.d));
      // Nearest bucket first, so the candidate budget is spent on the closest ones.
      const order = Array.from({ length: bucketTop.len }, (_, t) => t).sort(
        (a, b) => bucketTop.score[b]! - bucketTop.score[a]!,
      );
      order.forEach((t, rank) => {
        nodeProbes[i * probes + rank] = bucketTop.idx[t]!;
      });
      members[bucketTop.idx[order[0]!]!]!.push(i);
    }
    // Buckets of text clusters are uneven; a candidate budget keeps a node in a crowded region from
    // scanning thousands of members of several big buckets.
    const budget = Math.max(candidateCount * 20, 18 * Math.ceil(n / kb));
    const rdata = reduced.data;
    const rd = reduced.d;
    for (let i = 0; i < n; i++) {
      top.reset();
      let scanned = 0;
      const io = i * rd;
      for (let t = 0; t < probes && scanned < budget; t++) {
        const list = members[nodeProbes[i * probes + t]!]!;
        for (let m = 0; m < list.length; m++) {
          const j = list[m]!;
          if (j === i) continue;
          // Inlined dot product: this loop is the hot path of the whole edge stage.
          let dot = 0;
          const jo = j * rd;
          for (let q = 0; q < rd; q++) dot += rdata[io + q]! * rdata[jo + q]!;
          top.push(j, dot);
        }
        scanned += list.length;
      }
      finish(i);
      if (i % 1000 === 0) opts.onProgress?.(i, n);
    }
  }
  opts.onProgress?.(n, n);

  const edges = new Map<number, KnnEdge>();
  const hasNeighbour = (a: number, b: number) => neighbours[a]!.includes(b);
  for (let i = 0; i < n; i++) {
    const nb = neighbours[i]!;
    for (let t = 0; t < nb.length; t++) {
      const j = nb[t]!;
      const s = Math.min(i, j);
      const tt = Math.max(i, j);
      const key = s * n + tt;
      if (edges.has(key)) continue;
      const w = Math.min(1, Math.max(1e-4, weights[i]![t]!));
      edges.set(key, {
        source: s,
        target: tt,
        weight: Math.round(w * 1e4) / 1e4,
        mutual: hasNeighbour(j, i),
      });
    }
  }
  return [...edges.values()].sort((a, b) => a.source - b.source || a.target - b.target);
}
