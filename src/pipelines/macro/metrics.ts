/**
 * External clustering quality against reference labels: homogeneity, completeness, V-measure (Rosenberg &
 * Hirschberg 2007), normalised mutual information and the adjusted Rand index (Hubert & Arabie 1985).
 * Natural logarithms; conventions as scikit-learn (a single class and a single cluster score 1 for
 * homogeneity/completeness/NMI; ARI is 1 when both labelings are identical up to renaming).
 * Written here because no maintained npm package computes these.
 */

type Label = string | number;

interface Contingency {
  n: number;
  /** Non-empty cells: class index, cluster index, count. */
  cells: { a: number; b: number; count: number }[];
  classSizes: number[];
  clusterSizes: number[];
}

function contingency(truth: readonly Label[], pred: readonly Label[]): Contingency {
  if (truth.length !== pred.length) throw new RangeError("truth and prediction differ in length");
  const classIdx = new Map<Label, number>();
  const clusterIdx = new Map<Label, number>();
  const cellMap = new Map<number, { a: number; b: number; count: number }>();
  const classSizes: number[] = [];
  const clusterSizes: number[] = [];
  const index = (map: Map<Label, number>, sizes: number[], v: Label) => {
    let i = map.get(v);
    if (i === undefined) {
      i = map.size;
      map.set(v, i);
      sizes.push(0);
    }
    sizes[i]!++;
    return i;
  };
  for (let i = 0; i < truth.length; i++) {
    const a = index(classIdx, classSizes, truth[i]!);
    const b = index(clusterIdx, clusterSizes, pred[i]!);
    const key = a * truth.length + b;
    const cell = cellMap.get(key);
    if (cell) cell.count++;
    else cellMap.set(key, { a, b, count: 1 });
  }
  return { n: truth.length, cells: [...cellMap.values()], classSizes, clusterSizes };
}

function entropy(sizes: readonly number[], n: number): number {
  let h = 0;
  for (const s of sizes) if (s > 0) h -= (s / n) * Math.log(s / n);
  return h;
}

/** I(C; K) = Σ_ij (n_ij/n) ln(n·n_ij / (a_i·b_j)). */
function mutualInformation(t: Contingency): number {
  let mi = 0;
  for (const { a, b, count } of t.cells) {
    mi += (count / t.n) * Math.log((t.n * count) / (t.classSizes[a]! * t.clusterSizes[b]!));
  }
  return Math.max(0, mi);
}

export interface ClusteringScores {
  homogeneity: number;
  completeness: number;
  vMeasure: number;
  /** NMI with the arithmetic-mean normaliser (scikit-learn's default; equal to the V-measure). */
  nmi: number;
  /** NMI with the geometric-mean normaliser, I / √(H(C)·H(K)) (Strehl & Ghosh). */
  nmiGeometric: number;
  ari: number;
}

/** All scores of `pred` against `truth` (same length, any label values). */
export function clusteringScores(truth: readonly Label[], pred: readonly Label[]): ClusteringScores {
  const t = contingency(truth, pred);
  const n = t.n;
  if (n === 0) return { homogeneity: 1, completeness: 1, vMeasure: 1, nmi: 1, nmiGeometric: 1, ari: 1 };
  const hC = entropy(t.classSizes, n);
  const hK = entropy(t.clusterSizes, n);
  const mi = mutualInformation(t);
  const homogeneity = hC === 0 ? 1 : mi / hC;
  const completeness = hK === 0 ? 1 : mi / hK;
  const vMeasure =
    homogeneity + completeness === 0 ? 0 : (2 * homogeneity * completeness) / (homogeneity + completeness);
  const bothTrivial = hC === 0 && hK === 0;
  const nmi = bothTrivial ? 1 : hC + hK === 0 ? 0 : (2 * mi) / (hC + hK);
  const nmiGeometric = bothTrivial ? 1 : hC === 0 || hK === 0 ? 0 : mi / Math.sqrt(hC * hK);
  return { homogeneity, completeness, vMeasure, nmi, nmiGeometric, ari: adjustedRand(t) };
}

function pairs(x: number): number {
  return (x * (x - 1)) / 2;
}

function adjustedRand(t: Contingency): number {
  const n = t.n;
  let index = 0;
  for (const c of t.cells) index += pairs(c.count);
  let sumA = 0;
  for (const a of t.classSizes) sumA += pairs(a);
  let sumB = 0;
  for (const b of t.clusterSizes) sumB += pairs(b);
  const total = pairs(n);
  if (total === 0) return 1;
  const expected = (sumA * sumB) / total;
  const max = (sumA + sumB) / 2;
  // Both labelings put everything together (or everything apart): identical partitions.
  if (max === expected) return 1;
  return (index - expected) / (max - expected);
}

/** V-measure of `pred` against `truth`. */
export function vMeasure(truth: readonly Label[], pred: readonly Label[]): number {
  return clusteringScores(truth, pred).vMeasure;
}

/** Adjusted Rand index of `pred` against `truth`. */
export function adjustedRandIndex(truth: readonly Label[], pred: readonly Label[]): number {
  return clusteringScores(truth, pred).ari;
}
