/**
 * Cluster assignment of new items against the user's existing clusters, by cosine to each cluster's centroid
 * (the mean of its members' stored vectors). Thresholds come from the clusters themselves: an item joins a
 * cluster when it is at least as close to the centroid as the cluster's own loosest members are. Items that fit
 * nowhere are grouped among themselves (average-linkage agglomeration, merge level = how tight a typical
 * existing cluster is); a group of two or more becomes a new cluster, a lone outlier goes to its nearest
 * cluster with a low confidence. Cost: O(batch × clusters × d) + O(outliers² × d); nothing existing moves.
 */

export interface ClusterMembers {
  id: string;
  /** Stored vectors of the cluster's members (L2-normalised). */
  members: ArrayLike<number>[];
}

export interface ClusterProfile {
  id: string;
  centroid: Float32Array;
  size: number;
  /** Cosine of a new item to the centroid at or above which it belongs to the cluster. */
  threshold: number;
  /** Mean pairwise cosine among the members (how tight the cluster is); NaN for a single member. */
  tightness: number;
  /** ‖Σ members‖: with `centroid` it restores the members' sum, so later additions update the centroid. */
  sumNorm?: number;
}

export type Assignment =
  | {
      kind: "existing";
      clusterId: string;
      similarity: number;
      threshold: number;
      runnerUp?: { clusterId: string; similarity: number };
    }
  | { kind: "new"; group: number; similarity: number }
  | { kind: "lone"; clusterId: string; similarity: number; threshold: number }
  | { kind: "lone-new"; group: number }
  | { kind: "empty" };

export interface AssignOptions {
  /** No cluster threshold goes below this (a centroid this far is never "a fit"). */
  minThreshold?: number;
  /** Quantile of the members' own centroid similarities used as the threshold (robust to a few strays). */
  memberQuantile?: number;
  /** Merge level for grouping outliers when no existing cluster tells us how tight a topic is. */
  defaultLinkage?: number;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) s += a[i]! * b[i]!;
  return s;
}

export function isZero(v: ArrayLike<number>): boolean {
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) return false;
  return true;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function profileClusters(clusters: ClusterMembers[], opts: AssignOptions = {}): ClusterProfile[] {
  const minThreshold = opts.minThreshold ?? 0.12;
  const q = opts.memberQuantile ?? 0.1;
  const out: ClusterProfile[] = [];
  for (const c of clusters) {
    const members = c.members.filter((m) => !isZero(m));
    if (members.length === 0) continue;
    const d = members[0]!.length;
    const sum = new Float32Array(d);
    for (const m of members) for (let i = 0; i < d; i++) sum[i]! += m[i]!;
    const sq = dot(sum, sum);
    const norm = Math.sqrt(sq) || 1;
    const centroid = sum.map((x) => x / norm);
    const n = members.length;
    // Σ_{i≠j} v_i·v_j = ‖Σv‖² − Σ‖v‖², so the mean pairwise cosine needs no O(n²) loop.
    const tightness = n > 1 ? (sq - n) / (n * (n - 1)) : Number.NaN;
    const sims = members.map((m) => dot(m, centroid)).sort((a, b) => a - b);
    // Members pull their own centroid towards themselves (more so in small clusters), so their similarities
    // overstate how close a new member would be: discount them.
    const raw = n >= 5 ? quantile(sims, q) * 0.85 : (sims[0] ?? 0) * 0.75;
    out.push({
      id: c.id,
      centroid,
      size: n,
      threshold: Math.max(minThreshold, raw),
      tightness,
      sumNorm: norm,
    });
  }
  return out;
}

/** Average-linkage agglomeration of `vectors` (small: only the batch's outliers); returns a group per vector. */
export function groupOutliers(vectors: ArrayLike<number>[], linkage: number): number[] {
  const n = vectors.length;
  const sim: number[][] = vectors.map((a) => vectors.map((b) => dot(a, b)));
  let groups: number[][] = vectors.map((_, i) => [i]);
  for (;;) {
    let best = -Infinity;
    let bi = -1;
    let bj = -1;
    for (let i = 0; i < groups.length; i++) {
      for (let j = i + 1; j < groups.length; j++) {
        let s = 0;
        for (const a of groups[i]!) for (const b of groups[j]!) s += sim[a]![b]!;
        s /= groups[i]!.length * groups[j]!.length;
        if (s > best) {
          best = s;
          bi = i;
          bj = j;
        }
      }
    }
    if (bi < 0 || best < linkage) break;
    groups[bi] = [...groups[bi]!, ...groups[bj]!];
    groups = groups.filter((_, k) => k !== bj);
  }
  const label = new Array<number>(n).fill(-1);
  groups.forEach((g, k) => {
    for (const i of g) label[i] = k;
  });
  return label;
}

export interface AssignResult {
  assignments: Assignment[];
  /** The merge level used for grouping outliers. */
  linkage: number;
  newGroups: number;
}

export function assignToClusters(
  vectors: Float32Array[],
  profiles: ClusterProfile[],
  opts: AssignOptions = {},
): AssignResult {
  const assignments: Assignment[] = new Array(vectors.length);
  const outliers: number[] = [];
  const best = vectors.map((v) => {
    const ranked = profiles
      .map((p) => ({ p, s: dot(v, p.centroid) }))
      .sort((a, b) => b.s - a.s || a.p.id.localeCompare(b.p.id));
    return ranked;
  });
  vectors.forEach((v, i) => {
    if (isZero(v)) {
      assignments[i] = { kind: "empty" };
      return;
    }
    const ranked = best[i]!;
    // The most similar cluster among those whose own threshold the item clears.
    const fits = ranked.filter((r) => r.s >= r.p.threshold);
    if (fits.length > 0) {
      const top = fits[0]!;
      const second = fits[1];
      assignments[i] = {
        kind: "existing",
        clusterId: top.p.id,
        similarity: top.s,
        threshold: top.p.threshold,
        ...(second ? { runnerUp: { clusterId: second.p.id, similarity: second.s } } : {}),
      };
    } else outliers.push(i);
  });

  const tight = profiles
    .map((p) => p.tightness)
    .filter((t) => Number.isFinite(t))
    .sort((a, b) => a - b);
  const linkage = Math.min(
    0.8,
    Math.max(0.2, tight.length ? quantile(tight, 0.5) : (opts.defaultLinkage ?? 0.3)),
  );
  const labels = groupOutliers(
    outliers.map((i) => vectors[i]!),
    linkage,
  );
  const sizes = new Map<number, number>();
  for (const l of labels) sizes.set(l, (sizes.get(l) ?? 0) + 1);
  // Renumber the real groups 0..g-1 in first-seen order so ids are stable for the same batch.
  const renumber = new Map<number, number>();
  let newGroups = 0;
  outliers.forEach((i, k) => {
    const l = labels[k]!;
    const v = vectors[i]!;
    if ((sizes.get(l) ?? 0) >= 2 || profiles.length === 0) {
      if (!renumber.has(l)) renumber.set(l, newGroups++);
      const group = renumber.get(l)!;
      const mates = outliers.filter((_, m) => labels[m] === l && m !== k).map((m) => vectors[m]!);
      const similarity = mates.length ? mates.reduce((s, w) => s + dot(v, w), 0) / mates.length : 1;
      assignments[i] = mates.length ? { kind: "new", group, similarity } : { kind: "lone-new", group };
      return;
    }
    const top = best[i]![0]!;
    assignments[i] = { kind: "lone", clusterId: top.p.id, similarity: top.s, threshold: top.p.threshold };
  });
  return { assignments, linkage, newGroups };
}
