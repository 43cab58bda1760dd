/**
 * Subclusters: Louvain communities (graphology-communities-louvain, seeded) inside each cluster, over the
 * cluster's intra-cluster weighted edges. Communities smaller than `minSize` (default 2) are dropped; nodes
 * without an intra-cluster edge never join one. Ids `subcluster_1…` run over clusters in index order, then
 * communities by decreasing size.
 */
import { UndirectedGraph } from "graphology";
import louvainModule from "graphology-communities-louvain";
import { clusterId } from "./cluster.js";
import { Rng } from "./random.js";

// A CommonJS package typed with `export default`: under NodeNext the default import is module.exports,
// which is the function itself at run time, while the typings put it under `.default`.
const louvain = ((louvainModule as unknown as { default?: unknown }).default ?? louvainModule) as (
  graph: UndirectedGraph,
  options: { getEdgeWeight: string; resolution: number; rng: () => number },
) => Record<string, number>;

export interface Subcluster {
  id: string;
  cluster_id: string;
  node_ids: number[];
  /** The member with the highest weighted degree inside the subcluster (ties: lowest id). */
  representative_node_id: number;
  size: number;
  /** Internal edges / possible pairs. */
  density: number;
  /** Terms with the highest summed keyword score over the members. */
  top_keywords: string[];
  internal_edges: number;
  /** Mean weight of the internal edges. */
  cohesion_score: number;
}

export interface SubclusterOptions {
  seed?: number;
  /** Default 2. */
  minSize?: number;
  /** Louvain resolution. Default 1. */
  resolution?: number;
  /** Default 5. */
  topKeywords?: number;
}

interface WeightedEdge {
  source: number;
  target: number;
  weight: number;
}

/**
 * `labels[i]` is node i's cluster index (0 … k−1, `cluster_1` …); `keywords[i]` its keywords (may be empty).
 */
export function buildSubclusters(
  labels: Int32Array,
  k: number,
  edges: readonly WeightedEdge[],
  keywords: readonly (readonly { term: string; score: number }[])[] = [],
  opts: SubclusterOptions = {},
): Subcluster[] {
  const minSize = Math.max(2, opts.minSize ?? 2);
  const seed = opts.seed ?? 42;
  const perCluster: WeightedEdge[][] = Array.from({ length: k }, () => []);
  for (const e of edges) {
    const c = labels[e.source]!;
    if (c === labels[e.target] && e.source !== e.target && e.weight > 0) perCluster[c]!.push(e);
  }
  const out: Subcluster[] = [];
  for (let c = 0; c < k; c++) {
    const list = perCluster[c]!;
    if (list.length === 0) continue;
    const graph = new UndirectedGraph({ allowSelfLoops: false });
    for (const e of list) {
      const a = String(e.source);
      const b = String(e.target);
      if (!graph.hasNode(a)) graph.addNode(a);
      if (!graph.hasNode(b)) graph.addNode(b);
      // Edges are unique per unordered pair already (edges.ts).
      graph.addEdge(a, b, { weight: e.weight });
    }
    // One generator per cluster, so a cluster's result does not depend on the clusters before it.
    const rng = new Rng((seed ^ Math.imul(c + 1, 0x9e3779b1)) >>> 0);
    const communities = louvain(graph, {
      getEdgeWeight: "weight",
      resolution: opts.resolution ?? 1,
      rng: () => rng.next(),
    });
    const members = new Map<number, number[]>();
    for (const [node, community] of Object.entries(communities)) {
      let m = members.get(community);
      if (!m) {
        m = [];
        members.set(community, m);
      }
      m.push(Number(node));
    }
    const groups = [...members.values()]
      .filter((m) => m.length >= minSize)
      .map((m) => m.sort((a, b) => a - b))
      .sort((a, b) => b.length - a.length || a[0]! - b[0]!);
    // Each community's internal edges, in one pass over the cluster's edges.
    const groupOf = new Map<number, number>();
    groups.forEach((nodes, g) => {
      for (const v of nodes) groupOf.set(v, g);
    });
    const internal: WeightedEdge[][] = groups.map(() => []);
    for (const e of list) {
      const g = groupOf.get(e.source);
      if (g !== undefined && g === groupOf.get(e.target)) internal[g]!.push(e);
    }
    groups.forEach((nodes, g) => {
      out.push(
        describe(
          `subcluster_${out.length + 1}`,
          clusterId(c),
          nodes,
          internal[g]!,
          keywords,
          opts.topKeywords ?? 5,
        ),
      );
    });
  }
  return out;
}

function describe(
  id: string,
  cluster: string,
  nodes: number[],
  edges: readonly WeightedEdge[],
  keywords: readonly (readonly { term: string; score: number }[])[],
  topN: number,
): Subcluster {
  // `edges` are the community's internal edges.
  const strength = new Map<number, number>();
  let internal = 0;
  let weightSum = 0;
  for (const e of edges) {
    internal++;
    weightSum += e.weight;
    strength.set(e.source, (strength.get(e.source) ?? 0) + e.weight);
    strength.set(e.target, (strength.get(e.target) ?? 0) + e.weight);
  }
  let representative = nodes[0]!;
  for (const v of nodes) if ((strength.get(v) ?? 0) > (strength.get(representative) ?? 0)) representative = v;
  const pairs = (nodes.length * (nodes.length - 1)) / 2;
  const termScore = new Map<string, number>();
  for (const v of nodes) {
    for (const kw of keywords[v] ?? []) termScore.set(kw.term, (termScore.get(kw.term) ?? 0) + kw.score);
  }
  const top = [...termScore.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, topN)
    .map(([term]) => term);
  return {
    id,
    cluster_id: cluster,
    node_ids: nodes,
    representative_node_id: representative,
    size: nodes.length,
    density: pairs > 0 ? Math.min(1, Math.round((internal / pairs) * 1e4) / 1e4) : 0,
    top_keywords: top,
    internal_edges: internal,
    cohesion_score: internal > 0 ? Math.round((weightSum / internal) * 1e4) / 1e4 : 0,
  };
}
