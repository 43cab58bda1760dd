/**
 * From graph.json (contract §3.2.a) to the compact data the page embeds. The viewer is a debugging tool, so it
 * is lenient: it needs `nodes`/`edges` arrays and a `metadata` object, and draws anything else it can (a node
 * whose cluster is missing from `metadata.clusters` gets a cluster of its own name; an edge to an unknown node
 * is dropped and counted). The strict wire rules stay in `src/contract/files/graph.ts`.
 */
import { z } from "zod";
import { terminal } from "../contract/errors.js";
import { type LayoutResult, layoutGraph } from "./layout.js";
import { clusterColor } from "./palette.js";

const idSchema = z.union([z.number(), z.string()]);

const viewerGraphSchema = z.looseObject({
  nodes: z.array(z.looseObject({ id: idSchema })),
  edges: z.array(z.looseObject({ source: idSchema, target: idSchema })),
  metadata: z.looseObject({ clusters: z.record(z.string(), z.unknown()).optional() }),
});

export interface ViewCluster {
  id: string;
  name: string;
  description: string;
  themes: string[];
  /** Nodes of this cluster in the file (the `size` in metadata may differ; both are shown). */
  size: number;
  declaredSize: number | null;
  color: string;
  x: number;
  y: number;
  r: number;
  /** Smallest node y (the cluster's label goes just above it). */
  top: number;
}

export interface ViewNode {
  id: number | string;
  /** title, else top keywords, else orig_id, else `node <id>`. */
  t: string;
  /** index into clusters */
  c: number;
  x: number;
  y: number;
  /** keywords as [term, score] */
  k: [string, number][];
  s: string | null;
  ts: string | null;
  o: string | null;
  n: number | null;
}

export interface ViewData {
  title: string;
  generatedAt: string | null;
  language: string | null;
  clusters: ViewCluster[];
  nodes: ViewNode[];
  /** [source index, target index, weight, 1 when confidence is "high"] */
  edges: [number, number, number, 0 | 1][];
  droppedEdges: number;
}

const str = (v: unknown): string | null =>
  typeof v === "string" ? v : typeof v === "number" ? String(v) : null;
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const obj = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const round1 = (v: number) => Math.round(v * 10) / 10;

/** Throws a TaskError (INVALID_INPUT) naming what is wrong when `graph` is not a graph.json. */
export function assertGraphShape(graph: unknown): asserts graph is z.output<typeof viewerGraphSchema> {
  const parsed = viewerGraphSchema.safeParse(graph);
  if (!parsed.success) {
    throw terminal(
      "INVALID_INPUT",
      `not a graph.json (expected {nodes: [...], edges: [...], metadata: {...}}):\n${z.prettifyError(parsed.error)}`,
    );
  }
}

function nodeTitle(node: Record<string, unknown>): string {
  const title = str(node.title)?.trim();
  if (title) return title;
  const top = Array.isArray(node.top_keywords) ? node.top_keywords.filter((k) => typeof k === "string") : [];
  if (top.length > 0) return top.join(", ");
  return str(node.orig_id) ?? `node ${String(node.id)}`;
}

function nodeKeywords(node: Record<string, unknown>): [string, number][] {
  if (Array.isArray(node.keywords)) {
    const out: [string, number][] = [];
    for (const kw of node.keywords) {
      const term = str(obj(kw).term);
      if (term) out.push([term, num(obj(kw).score) ?? 0]);
    }
    if (out.length > 0) return out;
  }
  return Array.isArray(node.top_keywords)
    ? node.top_keywords.filter((k): k is string => typeof k === "string").map((k) => [k, 0])
    : [];
}

export function toViewData(graph: unknown, title?: string): ViewData {
  assertGraphShape(graph);
  const declared = obj(graph.metadata.clusters);

  const clusters: ViewCluster[] = [];
  const clusterIndex = new Map<string, number>();
  const addCluster = (id: string, fallbackName: string | null) => {
    const meta = obj(declared[id]);
    clusterIndex.set(id, clusters.length);
    clusters.push({
      id,
      name: str(meta.name) || fallbackName || id,
      description: str(meta.description) ?? "",
      themes: Array.isArray(meta.key_themes) ? meta.key_themes.filter((t) => typeof t === "string") : [],
      size: 0,
      declaredSize: num(meta.size),
      color: clusterColor(id),
      x: 0,
      y: 0,
      r: 0,
      top: 0,
    });
  };
  for (const id of Object.keys(declared)) addCluster(id, null);

  const nodes: ViewNode[] = [];
  const nodeIndex = new Map<string, number>();
  for (const node of graph.nodes) {
    const clusterId = str(node.cluster_id) ?? "(no cluster)";
    if (!clusterIndex.has(clusterId)) addCluster(clusterId, str(node.cluster_name));
    const c = clusterIndex.get(clusterId)!;
    clusters[c]!.size++;
    // Ids are numbers in the contract; the key is a string so "3" and 3 (a quirk the backend tolerates) meet.
    nodeIndex.set(String(node.id), nodes.length);
    nodes.push({
      id: node.id,
      t: nodeTitle(node),
      c,
      x: 0,
      y: 0,
      k: nodeKeywords(node),
      s: str(node.source_type),
      ts: str(node.timestamp),
      o: str(node.orig_id),
      n: num(node.num_sections),
    });
  }

  const edges: ViewData["edges"] = [];
  let droppedEdges = 0;
  for (const edge of graph.edges) {
    const a = nodeIndex.get(String(edge.source));
    const b = nodeIndex.get(String(edge.target));
    if (a === undefined || b === undefined || a === b) {
      droppedEdges++;
      continue;
    }
    const weight = num(edge.weight) ?? 0.5;
    edges.push([a, b, Math.round(weight * 1000) / 1000, edge.confidence === "high" ? 1 : 0]);
  }

  const layout: LayoutResult = layoutGraph({
    clusterOf: nodes.map((n) => n.c),
    clusterCount: clusters.length,
    edges,
  });
  clusters.forEach((c, i) => {
    const placed = layout.clusters[i]!;
    c.x = round1(placed.x);
    c.y = round1(placed.y);
    c.r = round1(placed.r);
    c.top = c.y;
  });
  const topSeen = new Set<number>();
  nodes.forEach((n, i) => {
    n.x = round1(layout.x[i]!);
    n.y = round1(layout.y[i]!);
    const cluster = clusters[n.c]!;
    if (!topSeen.has(n.c) || n.y < cluster.top) cluster.top = n.y;
    topSeen.add(n.c);
  });

  const meta = obj(graph.metadata);
  return {
    title: title ?? `Graph: ${nodes.length} nodes, ${clusters.length} clusters`,
    generatedAt: str(meta.generated_at),
    language: str(meta.language),
    clusters,
    nodes,
    edges,
    droppedEdges,
  };
}
