/**
 * A small hand-made graph whose facts are known by construction (dates are weekday afternoons, UTC):
 *  - cluster_1 "Graph ML": a1…a5, Jan→Jun, content growing (2→12 messages): active, a progression;
 *  - cluster_2 "Sourdough": b1…b3, Jan–Feb only, b1/b2 ask the same question: dormant, a gap, a repetition;
 *  - cluster_3 "Graph databases": c1, c2 in the last week only: new; strongly linked to cluster_1 (keyword gnn);
 *  - cluster_4 "Music": d1, d2 without timestamps: unknown recency; d1 ↔ a3 is the only cluster_1–cluster_4 link
 *    (a bridge between otherwise distant clusters).
 * `backendShaped` turns it into what the backend sends for GRAPH_SUMMARY_REQUEST (contract §2.3).
 */
import type { SummaryGraphInput } from "../../../src/pipelines/summary/index.js";

const at = (day: string) => `${day}T14:00:00.000Z`;

interface N {
  orig: string;
  cluster: string;
  title: string;
  time: string | null;
  sections: number;
  kw: string[];
}

const NODES: N[] = [
  {
    orig: "a1",
    cluster: "cluster_1",
    title: "What is a graph neural network?",
    time: at("2025-01-06"),
    sections: 2,
    kw: ["gnn", "graph"],
  },
  {
    orig: "a2",
    cluster: "cluster_1",
    title: "Message passing explained",
    time: at("2025-02-04"),
    sections: 3,
    kw: ["message passing", "gnn"],
  },
  {
    orig: "a3",
    cluster: "cluster_1",
    title: "Attention layers for graphs and audio",
    time: at("2025-03-05"),
    sections: 4,
    kw: ["attention", "gnn"],
  },
  {
    orig: "a4",
    cluster: "cluster_1",
    title: "Training GAT on citation data",
    time: at("2025-05-08"),
    sections: 10,
    kw: ["gat", "gnn", "training"],
  },
  {
    orig: "a5",
    cluster: "cluster_1",
    title: "Scaling GNN inference with sampling",
    time: at("2025-06-27"),
    sections: 12,
    kw: ["sampling", "gnn", "inference"],
  },
  {
    orig: "b1",
    cluster: "cluster_2",
    title: "How long should sourdough dough ferment?",
    time: at("2025-01-07"),
    sections: 3,
    kw: ["sourdough", "ferment"],
  },
  {
    orig: "b2",
    cluster: "cluster_2",
    title: "How long should sourdough dough ferment",
    time: at("2025-01-09"),
    sections: 3,
    kw: ["sourdough", "ferment"],
  },
  {
    orig: "b3",
    cluster: "cluster_2",
    title: "Best flour for a baguette",
    time: at("2025-02-11"),
    sections: 3,
    kw: ["flour", "baguette"],
  },
  {
    orig: "c1",
    cluster: "cluster_3",
    title: "Storing GNN features in Neo4j",
    time: at("2025-06-24"),
    sections: 5,
    kw: ["neo4j", "gnn"],
  },
  {
    orig: "c2",
    cluster: "cluster_3",
    title: "Cypher queries for subgraphs",
    time: at("2025-06-30"),
    sections: 4,
    kw: ["cypher", "gnn"],
  },
  {
    orig: "d1",
    cluster: "cluster_4",
    title: "Audio attention in music generation",
    time: null,
    sections: 6,
    kw: ["music", "attention"],
  },
  {
    orig: "d2",
    cluster: "cluster_4",
    title: "Chord progressions on guitar",
    time: null,
    sections: 2,
    kw: ["guitar", "chords"],
  },
];

const idOf = (orig: string) => NODES.findIndex((n) => n.orig === orig);

const EDGES: [string, string, number][] = [
  ["a1", "a2", 0.8],
  ["a2", "a3", 0.7],
  ["a3", "a4", 0.75],
  ["a4", "a5", 0.8],
  ["b1", "b2", 0.97],
  ["b2", "b3", 0.6],
  ["c1", "c2", 0.7],
  ["a5", "c1", 0.8],
  ["a4", "c2", 0.7],
  ["a5", "c2", 0.6],
  ["a3", "d1", 0.6],
  ["d1", "d2", 0.55],
];

export const CLUSTER_NAMES: Record<string, string> = {
  cluster_1: "Graph ML",
  cluster_2: "Sourdough",
  cluster_3: "Graph databases",
  cluster_4: "Music",
};

export const ORIG_IDS = new Set(NODES.map((n) => n.orig));

/** As GRAPH_GENERATION writes it (names, keywords, titles, confidence). */
export function handmadeGraph(): SummaryGraphInput {
  const clusters: Record<string, { name: string; description: string; size: number; key_themes: string[] }> =
    {};
  for (const [id, name] of Object.entries(CLUSTER_NAMES))
    clusters[id] = {
      name,
      description: `About ${name.toLowerCase()}.`,
      size: NODES.filter((n) => n.cluster === id).length,
      key_themes: [name.toLowerCase()],
    };
  return {
    nodes: NODES.map((n, i) => ({
      id: i,
      orig_id: n.orig,
      title: n.title,
      cluster_id: n.cluster,
      cluster_name: CLUSTER_NAMES[n.cluster]!,
      num_sections: n.sections,
      source_type: n.orig.startsWith("d") ? "markdown" : "chat",
      timestamp: n.time,
      keywords: n.kw.map((term, j) => ({ term, score: 1 - j * 0.1 })),
      top_keywords: n.kw,
    })),
    edges: EDGES.map(([s, t, w]) => ({
      source: idOf(s),
      target: idOf(t),
      weight: w,
      confidence: w >= 0.8 ? "high" : "medium",
      is_intra_cluster: NODES[idOf(s)]!.cluster === NODES[idOf(t)]!.cluster,
      type: "semantic",
    })),
    subclusters: [],
    metadata: { generated_at: "2025-07-01T00:00:00.000Z", language: "en", clusters },
  };
}

/**
 * The backend's GRAPH_SUMMARY input for the same data: no titles, empty names/descriptions, no keywords,
 * hard/insight edges that are never intra-cluster, representative -1, plus one unclustered node (cluster_-1).
 * `themes` keeps metadata key_themes (the backend copies stored themes) or drops them.
 */
export function backendShaped(opts: { themes: boolean }): SummaryGraphInput {
  const g = handmadeGraph();
  const nodes = g.nodes.map((n) => ({
    id: n.id,
    orig_id: n.orig_id,
    cluster_id: n.cluster_id,
    cluster_name: "",
    keywords: [],
    top_keywords: [],
    timestamp: n.timestamp,
    num_sections: n.num_sections,
    source_type: n.source_type,
  }));
  nodes.push({
    id: 99,
    orig_id: "loose-1",
    cluster_id: "cluster_-1",
    cluster_name: "",
    keywords: [],
    top_keywords: [],
    timestamp: at("2025-04-01"),
    num_sections: 1,
    source_type: "chat",
  });
  const clusters: Record<string, { name: string; description: string; size: number; key_themes: string[] }> =
    {};
  for (const [id, c] of Object.entries(g.metadata!.clusters!))
    clusters[id] = {
      name: "",
      description: "",
      size: c!.size ?? 0,
      key_themes: opts.themes ? (c!.key_themes ?? []) : [],
    };
  return {
    nodes,
    edges: [
      ...(g.edges ?? []).map((e) => ({
        source: e.source,
        target: e.target,
        weight: e.weight ?? 0,
        type: (e.weight ?? 0) >= 0.8 ? "hard" : "insight",
        is_intra_cluster: false,
      })),
      { source: 99, target: 0, weight: 0.5, type: "insight", is_intra_cluster: false },
    ],
    subclusters: [
      {
        id: "sub_1_0",
        cluster_id: "cluster_1",
        node_ids: [0, 1, 2],
        representative_node_id: -1,
        size: 3,
        density: 0,
        top_keywords: [],
      },
    ],
    metadata: {
      generated_at: "2025-07-01T00:00:00.000Z",
      total_nodes: nodes.length,
      total_edges: (g.edges ?? []).length + 1,
      total_clusters: 4,
      clusters,
      language: "en",
    },
  };
}

/** Every node reference a summary cites (evidence, notable conversations, related nodes). */
export function citedIds(summary: {
  clusters: { notable_conversations: (string | number)[] }[];
  patterns: { evidence: (string | number)[] }[];
  recommendations: { related_nodes: (string | number)[] }[];
}): (string | number)[] {
  return [
    ...summary.clusters.flatMap((c) => c.notable_conversations),
    ...summary.patterns.flatMap((p) => p.evidence),
    ...summary.recommendations.flatMap((r) => r.related_nodes),
  ];
}
