/**
 * A Barnes–Hut quadtree over node positions, for the force layout's repulsion: far groups of nodes act as one
 * mass, so the repulsion on every node costs O(log n) instead of O(n). Stored in flat typed arrays and rebuilt
 * every iteration without allocating objects (no GC churn on 10,000+ nodes). Hand-written because the
 * available quadtrees (d3-quadtree) keep one object per node and per cell, which is what this avoids.
 */

/** A cell of width w at distance d from a node counts as one mass when w/d < THETA. */
const THETA = 1.0;
/** Below this depth nodes are practically coincident: they share one BUCKET cell. */
const MAX_DEPTH = 24;

// Cell kinds (the `point` array): a leaf holding one node has its index (≥ 0).
const EMPTY = -1;
const INTERNAL = -2;
const BUCKET = -3;

export class QuadTree {
  private capacity = 0;
  private size = 0;
  private ox = new Float64Array(0);
  private oy = new Float64Array(0);
  private width = new Float64Array(0);
  private count = new Float64Array(0);
  private sumX = new Float64Array(0);
  private sumY = new Float64Array(0);
  private point = new Int32Array(0);
  private child = new Int32Array(0);
  private readonly stack = new Int32Array(4 * (MAX_DEPTH + 2));

  /** The tree reads positions from these arrays at every rebuild(). */
  constructor(
    private readonly x: Float64Array,
    private readonly y: Float64Array,
  ) {}

  rebuild(): void {
    const { x, y } = this;
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    for (let i = 0; i < x.length; i++) {
      x0 = Math.min(x0, x[i]!);
      y0 = Math.min(y0, y[i]!);
      x1 = Math.max(x1, x[i]!);
      y1 = Math.max(y1, y[i]!);
    }
    this.size = 0;
    this.cell(x0, y0, Math.max(x1 - x0, y1 - y0) * 1.0001 + 1e-6);
    for (let i = 0; i < x.length; i++) this.insert(i);
  }

  /** Sets out[0], out[1] to the repulsion k²/d on node i from all other nodes. */
  repulsion(i: number, k2: number, out: Float64Array): void {
    const { x, y, stack, point, count, sumX, sumY, width, child } = this;
    const xi = x[i]!;
    const yi = y[i]!;
    let fx = 0;
    let fy = 0;
    let top = 0;
    stack[top++] = 0;
    while (top > 0) {
      const c = stack[--top]!;
      const kind = point[c]!;
      if (kind === i || kind === EMPTY) continue;
      const mass = count[c]!;
      let dx = xi - sumX[c]! / mass;
      let dy = yi - sumY[c]! / mass;
      let d2 = dx * dx + dy * dy;
      const w = width[c]!;
      if (kind === INTERNAL && w * w >= THETA * THETA * d2) {
        for (let q = 4 * c; q < 4 * c + 4; q++) if (child[q]! >= 0) stack[top++] = child[q]!;
        continue;
      }
      let m = mass;
      if (d2 < 1e-6) {
        // Coincident: push along a direction fixed by the indices; a bucket may hold i itself.
        dx = Math.cos(i + c);
        dy = Math.sin(i + c);
        d2 = 1;
        if (kind === BUCKET) m -= 1;
      }
      const f = (k2 * m) / d2; // k²/d per node, along the unit vector (dx/d, dy/d)
      fx += dx * f;
      fy += dy * f;
    }
    out[0] = fx;
    out[1] = fy;
  }

  private cell(ox: number, oy: number, width: number): number {
    if (this.size === this.capacity) this.grow();
    const c = this.size++;
    this.ox[c] = ox;
    this.oy[c] = oy;
    this.width[c] = width;
    this.count[c] = 0;
    this.sumX[c] = 0;
    this.sumY[c] = 0;
    this.point[c] = EMPTY;
    this.child.fill(-1, 4 * c, 4 * c + 4);
    return c;
  }

  private grow(): void {
    const cap = Math.max(64, this.capacity * 2);
    const f64 = (old: Float64Array) => {
      const next = new Float64Array(cap);
      next.set(old);
      return next;
    };
    this.ox = f64(this.ox);
    this.oy = f64(this.oy);
    this.width = f64(this.width);
    this.count = f64(this.count);
    this.sumX = f64(this.sumX);
    this.sumY = f64(this.sumY);
    const point = new Int32Array(cap);
    point.set(this.point);
    this.point = point;
    const child = new Int32Array(4 * cap);
    child.set(this.child);
    this.child = child;
    this.capacity = cap;
  }

  /** The child of cell c in whose quadrant node i lies (created if missing). */
  private childFor(c: number, i: number): number {
    const half = this.width[c]! / 2;
    const right = this.x[i]! >= this.ox[c]! + half ? 1 : 0;
    const down = this.y[i]! >= this.oy[c]! + half ? 1 : 0;
    const slot = 4 * c + right + 2 * down;
    let next = this.child[slot]!;
    if (next < 0) {
      next = this.cell(this.ox[c]! + right * half, this.oy[c]! + down * half, half);
      this.child[slot] = next;
    }
    return next;
  }

  private add(c: number, i: number): void {
    this.count[c]!++;
    this.sumX[c]! += this.x[i]!;
    this.sumY[c]! += this.y[i]!;
  }

  private insert(i: number): void {
    let c = 0;
    for (let depth = 0; ; depth++) {
      const kind = this.point[c]!;
      if (kind === EMPTY) {
        this.add(c, i);
        this.point[c] = i;
        return;
      }
      if (kind === BUCKET || (kind >= 0 && depth >= MAX_DEPTH)) {
        this.add(c, i);
        this.point[c] = BUCKET;
        return;
      }
      if (kind >= 0) {
        // A one-node leaf becomes internal: its node moves down a level (its mass is already counted here).
        this.point[c] = INTERNAL;
        const down = this.childFor(c, kind);
        this.add(down, kind);
        this.point[down] = kind;
      }
      this.add(c, i);
      c = this.childFor(c, i);
    }
  }
}
