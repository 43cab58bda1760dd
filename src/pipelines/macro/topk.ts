/**
 * Bounded best-candidate lists for all nodes at once, in flat typed arrays (no per-node objects): node i
 * owns slots [i·cap, i·cap + cap). Lists are unsorted while filling; `worst` tracks each list's minimum so
 * most pushes are rejected by one comparison. A node is never inserted twice into the same list.
 */
export class CandidateLists {
  readonly index: Int32Array;
  readonly score: Float32Array;
  /** 1 when the entry arrived since the last `takeNew` (NN-descent's "new" flag). */
  readonly fresh: Uint8Array;
  readonly count: Int32Array;
  readonly worst: Float32Array;
  private readonly worstSlot: Int32Array;

  constructor(
    readonly n: number,
    readonly cap: number,
  ) {
    this.index = new Int32Array(n * cap).fill(-1);
    this.score = new Float32Array(n * cap);
    this.fresh = new Uint8Array(n * cap);
    this.count = new Int32Array(n);
    this.worst = new Float32Array(n).fill(Number.NEGATIVE_INFINITY);
    this.worstSlot = new Int32Array(n);
  }

  /** Empties every list (buffers are kept). */
  reset(): void {
    this.count.fill(0);
    this.worst.fill(Number.NEGATIVE_INFINITY);
  }

  /** Offers j (with score s) to i's list; true when the list changed. */
  push(i: number, j: number, s: number): boolean {
    const cap = this.cap;
    const c = this.count[i]!;
    if (c >= cap && s <= this.worst[i]!) return false;
    const base = i * cap;
    for (let t = 0; t < c; t++) if (this.index[base + t] === j) return false;
    if (c < cap) {
      this.index[base + c] = j;
      this.score[base + c] = s;
      this.fresh[base + c] = 1;
      this.count[i] = c + 1;
      if (c + 1 === cap) this.rescanWorst(i);
      return true;
    }
    const slot = base + this.worstSlot[i]!;
    this.index[slot] = j;
    this.score[slot] = s;
    this.fresh[slot] = 1;
    this.rescanWorst(i);
    return true;
  }

  private rescanWorst(i: number): void {
    const base = i * this.cap;
    let w = 0;
    for (let t = 1; t < this.cap; t++) if (this.score[base + t]! < this.score[base + w]!) w = t;
    this.worstSlot[i] = w;
    this.worst[i] = this.score[base + w]!;
  }
}
