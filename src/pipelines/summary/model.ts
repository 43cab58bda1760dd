/**
 * One in-memory view of a graph for the summary, whichever graph.json it came from: the one GRAPH_GENERATION
 * just built (names, keywords, titles present) or the backend's `graph-summary/{taskId}/graph.json` (contract
 * §2.3: empty cluster names, usually no keywords, "cluster_-1" for unset clusters, representative -1, no
 * titles). Nothing downstream reads the raw graph, so the quirks are handled here once.
 */
import type { SummaryInputGraph } from "../../contract/inputs/summaryGraph.js";
import { terms } from "../text/index.js";

/** The backend's id for a node without a cluster; it is not a key of metadata.clusters. */
export const UNSET_CLUSTER = "cluster_-1";

export interface SummaryNode {
  id: number;
  origId: string;
  clusterId: string;
  title: string;
  /** Keyword terms (node keywords, top_keywords; title terms when both are empty), best first. */
  terms: string[];
  /** Epoch milliseconds, or null without a usable timestamp. */
  time: number | null;
  sections: number;
  sourceType: string;
}

export interface SummaryEdge {
  source: number;
  target: number;
  weight: number;
}

export interface SummaryClusterMeta {
  id: string;
  /** "" when the graph has none (always, for the backend's graph). */
  name: string;
  description: string;
  themes: string[];
  /** Subcluster keywords and representatives (≥ 0 only) of this cluster. */
  subclusterTerms: string[];
  representatives: number[];
}

export interface SummaryGraph {
  nodes: SummaryNode[];
  byId: Map<number, SummaryNode>;
  edges: SummaryEdge[];
  /** Real clusters in graph order (metadata order, then any cluster only nodes name); never UNSET_CLUSTER. */
  clusters: SummaryClusterMeta[];
  language: string | null;
}

/** The input shape the summary accepts; the graph output (graphOutputSchema) is a structural subtype. */
export type SummaryGraphInput = SummaryInputGraph;

function parseTime(value: string | null | undefined): number | null {
  if (!value) return null;
  const t = Date.parse(value);
  return Number.isFinite(t) && t > 0 ? t : null;
}

function uniq(list: string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of list) {
    const t = raw.trim();
    const key = t.toLowerCase();
    if (!t || seen.has(key)) continue;
    seen.add(key);
    out.push(t);
  }
  return out;
}

export function buildSummaryGraph(graph: SummaryGraphInput): SummaryGraph {
  const nodes: SummaryNode[] = graph.nodes.map((n) => {
    const raw = n as Record<string, unknown>;
    const title = typeof raw.title === "string" ? raw.title : "";
    const kw = (n.keywords ?? []).map((k) => (typeof k === "string" ? k : k.term));
    let nodeTerms = uniq([...kw, ...(n.top_keywords ?? [])]);
    if (nodeTerms.length === 0 && title) nodeTerms = uniq(terms(title)).slice(0, 8);
    const clusterId = n.cluster_id?.trim() ? n.cluster_id : UNSET_CLUSTER;
    return {
      id: n.id,
      origId: n.orig_id,
      clusterId,
      title,
      terms: nodeTerms,
      time: parseTime(n.timestamp),
      sections: typeof n.num_sections === "number" && n.num_sections > 0 ? n.num_sections : 0,
      sourceType: n.source_type ?? "chat",
    };
  });
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const seenPair = new Set<string>();
  const edges: SummaryEdge[] = [];
  for (const e of graph.edges ?? []) {
    if (e.source === e.target || !byId.has(e.source) || !byId.has(e.target)) continue;
    const key = e.source < e.target ? `${e.source}:${e.target}` : `${e.target}:${e.source}`;
    if (seenPair.has(key)) continue;
    seenPair.add(key);
    // The backend defaults a missing weight to 0; an edge still means "related", so it counts a little.
    const w = typeof e.weight === "number" && e.weight > 0 ? Math.min(1, e.weight) : 0.1;
    edges.push({ source: e.source, target: e.target, weight: w });
  }

  const metaClusters = graph.metadata?.clusters ?? {};
  const order: string[] = Object.keys(metaClusters).filter((id) => id !== UNSET_CLUSTER);
  for (const n of nodes)
    if (n.clusterId !== UNSET_CLUSTER && !order.includes(n.clusterId)) order.push(n.clusterId);
  const subs = graph.subclusters ?? [];
  const clusters = order.map((id): SummaryClusterMeta => {
    const m = metaClusters[id];
    const mine = subs.filter((s) => s.cluster_id === id);
    return {
      id,
      name: m?.name?.trim() ?? "",
      description: m?.description?.trim() ?? "",
      themes: uniq(m?.key_themes ?? []),
      subclusterTerms: uniq(mine.flatMap((s) => s.top_keywords ?? [])),
      representatives: mine
        .map((s) => s.representative_node_id)
        .filter((r): r is number => typeof r === "number" && r >= 0 && byId.has(r)),
    };
  });
  return { nodes, byId, edges, clusters, language: graph.metadata?.language ?? null };
}
