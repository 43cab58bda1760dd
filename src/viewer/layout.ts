/**
 * Node positions for the viewer, computed once at build time so the page opens instantly and looks the same
 * every time (no randomness anywhere).
 *
 * Two levels: each cluster is laid out on its own (forceLayout.ts: a force layout over its intra-cluster edges,
 * giving a disc whose area grows with the cluster's size), then the discs are packed around the origin (start
 * on a circle, then pulled towards the centre and towards the clusters they share edges with, without
 * overlapping). Written by hand: the general layout libraries (graphology-layout-forceatlas2, d3-force) lay
 * out one flat graph, which mixes clusters together, and keep per-node objects that are slow at 10,000+ nodes.
 */
import { type LocalEdge, layoutCluster, NODE_SPACING } from "./forceLayout.js";

export { NODE_SPACING };

export interface LayoutInput {
  /** Cluster index of every node. */
  clusterOf: ArrayLike<number>;
  clusterCount: number;
  /** [source index, target index, weight in (0,1], ...] */
  edges: ReadonlyArray<readonly [number, number, number, ...unknown[]]>;
}

export interface PlacedCluster {
  x: number;
  y: number;
  /** Radius of the disc holding the cluster's nodes (0 for a cluster without nodes). */
  r: number;
}

export interface LayoutResult {
  x: Float64Array;
  y: Float64Array;
  clusters: PlacedCluster[];
}

export function layoutGraph(input: LayoutInput): LayoutResult {
  const n = input.clusterOf.length;
  const members: number[][] = Array.from({ length: input.clusterCount }, () => []);
  const localIndex = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const list = members[input.clusterOf[i]!]!;
    localIndex[i] = list.length;
    list.push(i);
  }

  const localEdges: LocalEdge[][] = members.map(() => []);
  const between = new Map<number, number>(); // cluster pair key → edge count
  for (const [a, b, w] of input.edges) {
    const ca = input.clusterOf[a]!;
    const cb = input.clusterOf[b]!;
    if (ca === cb) localEdges[ca]!.push({ a: localIndex[a]!, b: localIndex[b]!, w });
    else {
      const key = Math.min(ca, cb) * input.clusterCount + Math.max(ca, cb);
      between.set(key, (between.get(key) ?? 0) + 1);
    }
  }

  const local = members.map((list, c) => layoutCluster(list.length, localEdges[c]!));
  const clusters = packClusters(
    local.map((l) => l.r),
    between,
    input.clusterCount,
  );

  const x = new Float64Array(n);
  const y = new Float64Array(n);
  members.forEach((list, c) => {
    const { x: lx, y: ly } = local[c]!;
    const centre = clusters[c]!;
    list.forEach((node, j) => {
      x[node] = centre.x + lx[j]!;
      y[node] = centre.y + ly[j]!;
    });
  });
  return { x, y, clusters };
}

/**
 * Packs cluster discs: they start on a circle (largest first, each followed by the cluster it shares most
 * edges with), then are pulled towards the origin and towards clusters they share edges with, while overlaps
 * are pushed apart (the smaller disc moves more).
 */
export function packClusters(
  radii: number[],
  between: Map<number, number>,
  clusterCount: number,
): PlacedCluster[] {
  const placed: PlacedCluster[] = radii.map((r) => ({ x: 0, y: 0, r }));
  const active = radii.flatMap((r, i) => (r > 0 ? [i] : []));
  if (active.length <= 1) return placed;

  const links = (a: number, b: number) => between.get(Math.min(a, b) * clusterCount + Math.max(a, b)) ?? 0;
  const bySize = [...active].sort((a, b) => radii[b]! - radii[a]! || a - b);
  const ring: number[] = [bySize[0]!];
  const left = new Set(bySize.slice(1));
  while (left.size > 0) {
    const last = ring[ring.length - 1]!;
    let best = -1;
    let bestLinks = -1;
    for (const c of bySize) {
      if (!left.has(c)) continue;
      const l = links(last, c);
      if (l > bestLinks) {
        best = c;
        bestLinks = l;
      }
    }
    ring.push(best);
    left.delete(best);
  }

  const gap = 3 * NODE_SPACING;
  const circumference = ring.reduce((sum, c) => sum + 2 * radii[c]! + gap, 0);
  const ringR = circumference / (2 * Math.PI);
  let angle = 0;
  for (const c of ring) {
    const share = ((2 * radii[c]! + gap) / circumference) * 2 * Math.PI;
    angle += share / 2;
    placed[c]!.x = ringR * Math.cos(angle);
    placed[c]!.y = ringR * Math.sin(angle);
    angle += share / 2;
  }

  let maxLinks = 0;
  for (const v of between.values()) maxLinks = Math.max(maxLinks, v);
  const pairs: [number, number, number][] = [];
  for (let i = 0; i < active.length; i++) {
    for (let j = i + 1; j < active.length; j++) {
      const l = links(active[i]!, active[j]!);
      if (l > 0) pairs.push([active[i]!, active[j]!, l / maxLinks]);
    }
  }

  const separate = () => {
    for (let i = 0; i < active.length; i++) {
      for (let j = i + 1; j < active.length; j++) {
        const a = placed[active[i]!]!;
        const b = placed[active[j]!]!;
        let ddx = b.x - a.x;
        let ddy = b.y - a.y;
        let d = Math.sqrt(ddx * ddx + ddy * ddy);
        const min = a.r + b.r + gap;
        if (d >= min) continue;
        if (d < 1e-6) {
          ddx = Math.cos(i + j);
          ddy = Math.sin(i + j);
          d = 1;
        }
        const push = (min - d) / d;
        const shareA = (b.r * b.r) / (a.r * a.r + b.r * b.r); // the bigger disc moves less
        a.x -= ddx * push * shareA;
        a.y -= ddy * push * shareA;
        b.x += ddx * push * (1 - shareA);
        b.y += ddy * push * (1 - shareA);
      }
    }
  };

  for (let it = 0; it < 300; it++) {
    for (const c of active) {
      placed[c]!.x *= 0.97;
      placed[c]!.y *= 0.97;
    }
    for (const [ia, ib, strength] of pairs) {
      const a = placed[ia]!;
      const b = placed[ib]!;
      const ddx = b.x - a.x;
      const ddy = b.y - a.y;
      const d = Math.sqrt(ddx * ddx + ddy * ddy);
      const slack = d - (a.r + b.r + gap);
      if (slack <= 0 || d < 1e-9) continue;
      const pull = (0.03 * strength * slack) / d;
      a.x += ddx * pull;
      a.y += ddy * pull;
      b.x -= ddx * pull;
      b.y -= ddy * pull;
    }
    separate();
    separate();
  }
  for (let it = 0; it < 50; it++) separate();
  return placed;
}
