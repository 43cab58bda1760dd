/**
 * Contract-shaped graph.json values for the viewer tests, built deterministically (a seeded PRNG), with
 * titles that are easy to search for: `<Topic> note <n>` in cluster `cluster_<c>`.
 */
const TOPICS = [
  "Graph learning",
  "Cooking",
  "Astronomy",
  "Gardening",
  "Music theory",
  "Databases",
  "Sailing",
];

function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FixtureOptions {
  clusters: number;
  nodesPerCluster: number;
  /** Edges started from each node (to random nodes, mostly in its own cluster). */
  edgesPerNode: number;
  seed?: number;
}

export function topicOf(cluster: number): string {
  return TOPICS[cluster % TOPICS.length]! + (cluster >= TOPICS.length ? ` ${cluster + 1}` : "");
}

export function makeGraph(opts: FixtureOptions) {
  const random = prng(opts.seed ?? 1);
  const nodes = [];
  const clusters: Record<string, { name: string; description: string; size: number; key_themes: string[] }> =
    {};
  for (let c = 0; c < opts.clusters; c++) {
    const topic = topicOf(c);
    clusters[`cluster_${c + 1}`] = {
      name: topic,
      description: `Notes about ${topic.toLowerCase()}.`,
      size: opts.nodesPerCluster,
      key_themes: [topic.toLowerCase(), "notes"],
    };
    for (let j = 0; j < opts.nodesPerCluster; j++) {
      const id: number = nodes.length;
      nodes.push({
        id,
        orig_id: `conv-${id}`,
        title: `${topic} note ${j + 1}`,
        cluster_id: `cluster_${c + 1}`,
        cluster_name: topic,
        num_sections: 1 + (id % 5),
        source_type: id % 3 === 0 ? "markdown" : "chat",
        timestamp: id % 4 === 0 ? null : new Date(Date.UTC(2025, 0, 1) + id * 3_600_000).toISOString(),
        keywords: [
          { term: `${topic.toLowerCase()} keyword`, score: 1 },
          { term: `term${id}`, score: 0.5 },
        ],
        top_keywords: [`${topic.toLowerCase()} keyword`, `term${id}`],
      });
    }
  }
  const edges = [];
  const seen = new Set<string>();
  for (const node of nodes) {
    const c = Math.floor(node.id / opts.nodesPerCluster);
    for (let k = 0; k < opts.edgesPerNode; k++) {
      const sameCluster = random() < 0.85;
      const target = sameCluster
        ? c * opts.nodesPerCluster + Math.floor(random() * opts.nodesPerCluster)
        : Math.floor(random() * nodes.length);
      const key = `${Math.min(node.id, target)}-${Math.max(node.id, target)}`;
      if (target === node.id || seen.has(key)) continue;
      seen.add(key);
      const weight = Math.round((0.3 + 0.7 * random()) * 1000) / 1000;
      edges.push({
        source: node.id,
        target,
        weight,
        type: "semantic",
        is_intra_cluster: Math.floor(target / opts.nodesPerCluster) === c,
        confidence: weight > 0.8 ? "high" : "medium",
      });
    }
  }
  return {
    nodes,
    edges,
    subclusters: [],
    metadata: {
      generated_at: "2026-06-12T10:05:00.000Z",
      total_nodes: nodes.length,
      total_edges: edges.length,
      total_clusters: opts.clusters,
      language: "en",
      clusters,
    },
  };
}
