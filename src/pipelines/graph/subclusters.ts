/**
 * Subclusters: Louvain communities (graphology-communities-louvain, seeded) inside each cluster over its
 * intra-cluster weighted edges. Communities of at least `minSize` nodes are kept, each with its most
 * connected member as representative, its edge density and its most frequent keywords.
 */
import { UndirectedGraph } from "graphology";
import louvainModule from "graphology-communities-louvain";
import { SeededRandom } from "../../ai/embeddings/local/random.js";
import type { KnnEdge } from "./knn.js";

// The package is CommonJS with an `export default` typing; under NodeNext the default import is the module.
const louvain = ((louvainModule as unknown as { default?: unknown }).default ?? louvainModule) as (
  graph: UndirectedGraph,
  options: { getEdgeWeight: string; rng: () => number },
) => Record<string, number>;

export interface Subcluster {
  id: string;
  cluster_id: string;
  node_ids: number[];
  representative_node_id: number;
  size: number;
  density: number;
  top_keywords: string[];
}

export function buildSubclusters(opts: {
  labels: Int32Array;
  clusterIds: string[];
  edges: readonly KnnEdge[];
  keywords: readonly { term: string; score: number }[][];
  minSize?: number;
  seed?: number;
}): Subcluster[] {
  const minSize = opts.minSize ?? 3;
  const byCluster = new Map<number, KnnEdge[]>();
  for (const e of opts.edges) {
    const c = opts.labels[e.source]!;
    if (c !== opts.labels[e.target]) continue;
    const list = byCluster.get(c);
    if (list) list.push(e);
    else byCluster.set(c, [e]);
  }
  const out: Subcluster[] = [];
  let seq = 0;
  for (let c = 0; c < opts.clusterIds.length; c++) {
    const list = byCluster.get(c);
    if (!list || list.length === 0) continue;
    const g = new UndirectedGraph();
    for (const e of list) {
      const a = String(e.source);
      const b = String(e.target);
      if (!g.hasNode(a)) g.addNode(a);
      if (!g.hasNode(b)) g.addNode(b);
      if (!g.hasEdge(a, b)) g.addEdge(a, b, { weight: e.weight });
    }
    const rng = new SeededRandom((opts.seed ?? 42) + c);
    const communities = louvain(g, { getEdgeWeight: "weight", rng: () => rng.next() });
    const groups = new Map<number, number[]>();
    for (const [node, community] of Object.entries(communities)) {
      const members = groups.get(community);
      if (members) members.push(Number(node));
      else groups.set(community, [Number(node)]);
    }
    const ordered = [...groups.values()]
      .filter((m) => m.length >= minSize)
      .sort((a, b) => b.length - a.length || a[0]! - b[0]!);
    for (const members of ordered) {
      members.sort((a, b) => a - b);
      const set = new Set(members);
      let internal = 0;
      const degree = new Map<number, number>();
      for (const e of list) {
        if (set.has(e.source) && set.has(e.target)) {
          internal++;
          degree.set(e.source, (degree.get(e.source) ?? 0) + e.weight);
          degree.set(e.target, (degree.get(e.target) ?? 0) + e.weight);
        }
      }
      let rep = members[0]!;
      for (const m of members) if ((degree.get(m) ?? 0) > (degree.get(rep) ?? 0)) rep = m;
      const termScore = new Map<string, number>();
      for (const m of members)
        for (const kw of opts.keywords[m] ?? [])
          termScore.set(kw.term, (termScore.get(kw.term) ?? 0) + kw.score);
      const top = [...termScore.entries()]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .slice(0, 5)
        .map(([t]) => t);
      const possible = (members.length * (members.length - 1)) / 2;
      seq++;
      out.push({
        id: `subcluster_${seq}`,
        cluster_id: opts.clusterIds[c]!,
        node_ids: members,
        representative_node_id: rep,
        size: members.length,
        density: possible > 0 ? Math.round((internal / possible) * 1e4) / 1e4 : 0,
        top_keywords: top,
      });
    }
  }
  return out;
}
