/**
 * Cluster colours: a fixed qualitative palette (distinct on a light background), indexed by the cluster id so
 * the same cluster keeps its colour across graphs and runs, whatever order the clusters come in.
 */
export const CLUSTER_PALETTE = [
  "#4e79a7",
  "#f28e2b",
  "#e15759",
  "#59a14f",
  "#b07aa1",
  "#76b7b2",
  "#edc948",
  "#ff9da7",
  "#9c755f",
  "#2f4b7c",
  "#8cd17d",
  "#d4a6c8",
  "#17becf",
  "#bcbd22",
  "#a0cbe8",
  "#ffbe7d",
  "#7f3c8d",
  "#11a579",
  "#e73f74",
  "#6b6ecf",
] as const;

/**
 * The colour of a cluster id. Our ids are `cluster_<n>` (1-based), so `<n>` picks the slot directly: the first
 * 20 clusters never share a colour. Other ids fall back to an FNV-1a hash of the id.
 */
export function clusterColor(clusterId: string): string {
  const size = CLUSTER_PALETTE.length;
  const numbered = /(\d+)$/.exec(clusterId);
  let slot: number;
  if (numbered) {
    slot = (((Number(numbered[1]) - 1) % size) + size) % size;
  } else {
    let hash = 0x811c9dc5;
    for (let i = 0; i < clusterId.length; i++) {
      hash ^= clusterId.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    slot = hash % size;
  }
  return CLUSTER_PALETTE[slot] ?? CLUSTER_PALETTE[0];
}
