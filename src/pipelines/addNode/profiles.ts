/**
 * Cluster profiles kept with a user's graph (clusters.json): per cluster its centroid, size, membership
 * threshold and tightness, computed once from the graph's own vectors at graph generation. ADD_NODE assigns
 * against these instead of reading every stored vector of the user, so its cost grows with the batch and the
 * number of clusters, never with the size of the graph. After each add the profiles are updated in place of a
 * re-clustering: the new members are added to their cluster's sum, new clusters get a profile of their own.
 */
import { z } from "zod";
import { type ClusterProfile, profileClusters } from "./assign.js";

export const clusterProfilesFileSchema = z.object({
  version: z.literal(1),
  model: z.string().min(1),
  dimension: z.number().int().positive(),
  fingerprint: z.string().nullable(),
  clusters: z.array(
    z.object({
      id: z.string().min(1),
      size: z.number().int().min(0),
      threshold: z.number(),
      /** null for a single-member cluster (JSON has no NaN). */
      tightness: z.number().nullable(),
      sumNorm: z.number().min(0),
      centroid: z.array(z.number()),
    }),
  ),
});
export type ClusterProfilesFile = z.output<typeof clusterProfilesFileSchema>;

/** Profiles from the graph's vectors (n × d, row-major) and each node's cluster id. */
export function profilesFromGraph(
  vectors: Float32Array,
  dimension: number,
  clusterOf: string[],
): ClusterProfile[] {
  const members = new Map<string, Float32Array[]>();
  clusterOf.forEach((id, i) => {
    const list = members.get(id) ?? [];
    list.push(vectors.subarray(i * dimension, (i + 1) * dimension));
    members.set(id, list);
  });
  return profileClusters([...members.entries()].map(([id, list]) => ({ id, members: list })));
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

export function toProfilesFile(
  profiles: ClusterProfile[],
  space: { model: string; dimension: number; fingerprint: string | null },
): ClusterProfilesFile {
  return {
    version: 1,
    ...space,
    clusters: profiles.map((p) => ({
      id: p.id,
      size: p.size,
      threshold: round6(p.threshold),
      tightness: Number.isFinite(p.tightness) ? round6(p.tightness) : null,
      sumNorm: round6(p.sumNorm ?? p.size),
      centroid: Array.from(p.centroid, round6),
    })),
  };
}

/** Parses a stored file; null when it is not a profiles file of this embedding space (then fall back). */
export function fromProfilesFile(
  value: unknown,
  space: { model: string; dimension: number },
): ClusterProfile[] | null {
  const parsed = clusterProfilesFileSchema.safeParse(value);
  if (!parsed.success) return null;
  const file = parsed.data;
  if (file.model !== space.model || file.dimension !== space.dimension) return null;
  if (file.clusters.some((c) => c.centroid.length !== space.dimension)) return null;
  return file.clusters.map((c) => ({
    id: c.id,
    size: c.size,
    threshold: c.threshold,
    tightness: c.tightness ?? Number.NaN,
    sumNorm: c.sumNorm,
    centroid: Float32Array.from(c.centroid),
  }));
}

/**
 * The profiles after an add: each new member is added to its cluster's sum (centroid and tightness follow;
 * thresholds stay those measured on the graph), and clusters that did not exist get a profile from their
 * members. `removed` ids (clusters the backend no longer has) are dropped.
 */
export function updateProfiles(
  profiles: ClusterProfile[],
  additions: { clusterId: string; vector: Float32Array }[],
  keep?: Set<string>,
): ClusterProfile[] {
  const byId = new Map(profiles.filter((p) => !keep || keep.has(p.id)).map((p) => [p.id, p]));
  const fresh = new Map<string, Float32Array[]>();
  const grown = new Map<string, Float32Array[]>();
  for (const a of additions) {
    const target = byId.has(a.clusterId) ? grown : fresh;
    const list = target.get(a.clusterId) ?? [];
    list.push(a.vector);
    target.set(a.clusterId, list);
  }
  const out: ClusterProfile[] = [];
  for (const p of byId.values()) {
    const add = grown.get(p.id);
    if (!add) {
      out.push(p);
      continue;
    }
    const d = p.centroid.length;
    const sum = new Float64Array(d);
    const norm0 = p.sumNorm ?? p.size;
    for (let j = 0; j < d; j++) sum[j] = p.centroid[j]! * norm0;
    for (const v of add) for (let j = 0; j < d; j++) sum[j]! += v[j]!;
    let sq = 0;
    for (let j = 0; j < d; j++) sq += sum[j]! * sum[j]!;
    const norm = Math.sqrt(sq) || 1;
    const n = p.size + add.length;
    out.push({
      id: p.id,
      size: n,
      threshold: p.threshold,
      // Members are unit vectors: Σ_{i≠j} v_i·v_j = ‖Σv‖² − n.
      tightness: n > 1 ? (sq - n) / (n * (n - 1)) : Number.NaN,
      sumNorm: norm,
      centroid: Float32Array.from(sum, (x) => x / norm),
    });
  }
  out.push(...profileClusters([...fresh.entries()].map(([id, members]) => ({ id, members }))));
  return out;
}
