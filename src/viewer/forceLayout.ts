/**
 * Force layout of one cluster (Fruchterman–Reingold): every pair of nodes repels with k²/d (summed through a
 * Barnes–Hut quadtree), every edge pulls with d²/k scaled by its weight, and a pull to the centre keeps the
 * cluster a compact disc. A cutoff ("grid") repulsion would be cheaper but lets dense clusters collapse into
 * a ball. Deterministic: the start is a sunflower spiral in breadth-first order; there is no randomness.
 */
import { QuadTree } from "./quadTree.js";

/** Ideal distance between neighbouring nodes, in layout units (the page draws 1 unit = 1 px at zoom 1). */
export const NODE_SPACING = 10;
const GOLDEN_ANGLE = Math.PI * (3 - Math.sqrt(5));
/**
 * Pull to the centre per unit of distance. n nodes repelling with k²/d push the rim of a disc of radius R out
 * with about k²·n/R (2-D Gauss law), so an edgeless cluster settles at R ≈ k·√(n/GRAVITY) ≈ 0.63·k·√n.
 */
const GRAVITY = 2.5;

export interface LocalEdge {
  a: number;
  b: number;
  w: number;
}

export interface ClusterLayout {
  x: Float64Array;
  y: Float64Array;
  /** Distance from (0,0) to the farthest node plus one spacing. */
  r: number;
}

/** Node order for the start spiral: breadth-first from each component's hub, so neighbours start close. */
function bfsOrder(n: number, edges: LocalEdge[]): number[] {
  const adj: number[][] = Array.from({ length: n }, () => []);
  for (const { a, b } of edges) {
    adj[a]!.push(b);
    adj[b]!.push(a);
  }
  const roots = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => adj[b]!.length - adj[a]!.length || a - b,
  );
  const seen = new Uint8Array(n);
  const order: number[] = [];
  for (const root of roots) {
    if (seen[root]) continue;
    seen[root] = 1;
    order.push(root);
    for (let head = order.length - 1; head < order.length; head++) {
      for (const next of adj[order[head]!]!) {
        if (!seen[next]) {
          seen[next] = 1;
          order.push(next);
        }
      }
    }
  }
  return order;
}

/** Lays out n nodes joined by `edges` (indices 0…n-1) around (0,0). */
export function layoutCluster(n: number, edges: LocalEdge[]): ClusterLayout {
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  if (n <= 1) return { x, y, r: n === 0 ? 0 : NODE_SPACING };

  const k = NODE_SPACING;
  const k2 = k * k;
  const startR = k * (0.6 * Math.sqrt(n) + 1);
  bfsOrder(n, edges).forEach((node, rank) => {
    const radius = startR * Math.sqrt((rank + 0.5) / n);
    x[node] = radius * Math.cos(rank * GOLDEN_ANGLE);
    y[node] = radius * Math.sin(rank * GOLDEN_ANGLE);
  });

  const iterations = n > 20_000 ? 60 : n > 5_000 ? 100 : 150;
  const dx = new Float64Array(n);
  const dy = new Float64Array(n);
  const force = new Float64Array(2);
  const tree = new QuadTree(x, y);
  const startTemp = startR / 6;
  // FR's pull grows with a node's degree while the push does not, so dense clusters would shrink into a
  // ball of overlapping dots: beyond 3 edges per node on average, every edge pulls proportionally less.
  const pull = Math.min(1, (3 * n) / (2 * Math.max(1, edges.length)));
  for (let it = 0; it < iterations; it++) {
    tree.rebuild();
    for (let i = 0; i < n; i++) {
      tree.repulsion(i, k2, force);
      dx[i] = force[0]! - GRAVITY * x[i]!;
      dy[i] = force[1]! - GRAVITY * y[i]!;
    }
    for (const { a, b, w } of edges) {
      const ex = x[a]! - x[b]!;
      const ey = y[a]! - y[b]!;
      const f = (Math.sqrt(ex * ex + ey * ey) / k) * w * pull; // (d²/k)·w·pull along the unit vector
      dx[a]! -= ex * f;
      dy[a]! -= ey * f;
      dx[b]! += ex * f;
      dy[b]! += ey * f;
    }
    // Each node moves at most `temp`, which cools linearly.
    const temp = startTemp * (1 - it / iterations) + 0.02 * k;
    for (let i = 0; i < n; i++) {
      const len = Math.sqrt(dx[i]! * dx[i]! + dy[i]! * dy[i]!);
      if (len < 1e-9) continue;
      const step = Math.min(len, temp) / len;
      x[i]! += dx[i]! * step;
      y[i]! += dy[i]! * step;
    }
  }

  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let r = 0;
  for (let i = 0; i < n; i++) {
    x[i]! -= mx;
    y[i]! -= my;
    r = Math.max(r, Math.sqrt(x[i]! * x[i]! + y[i]! * y[i]!));
  }
  return { x, y, r: r + k };
}
