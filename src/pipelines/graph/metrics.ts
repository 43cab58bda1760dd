/**
 * Clustering agreement with reference labels, for the quality benchmarks: V-measure (homogeneity and
 * completeness), NMI (geometric-mean normalisation; the arithmetic one equals V-measure) and the adjusted
 * Rand index. Written here because they are a few lines of counting over a contingency table.
 */

function contingency(truth: readonly (string | number)[], pred: readonly (string | number)[]) {
  const table = new Map<string, number>();
  const a = new Map<string | number, number>();
  const b = new Map<string | number, number>();
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i]!;
    const p = pred[i]!;
    const key = `${t}\u0000${p}`;
    table.set(key, (table.get(key) ?? 0) + 1);
    a.set(t, (a.get(t) ?? 0) + 1);
    b.set(p, (b.get(p) ?? 0) + 1);
  }
  return { table, a, b, n: truth.length };
}

function entropy(counts: Iterable<number>, n: number): number {
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / n) * Math.log(c / n);
  return h;
}

function mutualInformation(c: ReturnType<typeof contingency>): number {
  let mi = 0;
  for (const [key, nij] of c.table) {
    const [t, p] = key.split("\u0000") as [string, string];
    const ai = c.a.get(typeof [...c.a.keys()][0] === "number" ? Number(t) : t) ?? 0;
    const bj = c.b.get(typeof [...c.b.keys()][0] === "number" ? Number(p) : p) ?? 0;
    mi += (nij / c.n) * Math.log((c.n * nij) / (ai * bj));
  }
  return mi;
}

export function clusteringScores(truth: readonly (string | number)[], pred: readonly (string | number)[]) {
  if (truth.length !== pred.length) throw new RangeError("truth and prediction differ in length");
  const c = contingency(truth, pred);
  const hT = entropy(c.a.values(), c.n);
  const hP = entropy(c.b.values(), c.n);
  const mi = mutualInformation(c);
  const homogeneity = hT === 0 ? 1 : mi / hT;
  const completeness = hP === 0 ? 1 : mi / hP;
  const vMeasure =
    homogeneity + completeness === 0 ? 0 : (2 * homogeneity * completeness) / (homogeneity + completeness);
  const nmi = hT === 0 || hP === 0 ? (hT === hP ? 1 : 0) : mi / Math.sqrt(hT * hP);
  const comb2 = (x: number) => (x * (x - 1)) / 2;
  let sumIJ = 0;
  for (const v of c.table.values()) sumIJ += comb2(v);
  let sumA = 0;
  for (const v of c.a.values()) sumA += comb2(v);
  let sumB = 0;
  for (const v of c.b.values()) sumB += comb2(v);
  const expected = (sumA * sumB) / comb2(c.n);
  const maxIndex = (sumA + sumB) / 2;
  const ari = maxIndex === expected ? 1 : (sumIJ - expected) / (maxIndex - expected);
  return { homogeneity, completeness, vMeasure, nmi, ari };
}
