/**
 * graph.json, the GRAPH_GENERATION_RESULT `resultS3Key` (contract §3.2.a), as the backend's
 * `mapAiOutputToSnapshot` and result handler read it. Cross-field rules the backend needs:
 *  - node ids are unique integers (the persistent numeric id; non-numeric ids throw on persist);
 *  - every node `cluster_id` is a key of `metadata.clusters` (else the node silently loses BELONGS_TO);
 *  - edge endpoints are existing node ids, no self-loops, no duplicate (source,target) pairs (they collapse
 *    into one edge id), weight in (0,1] (Graph-RAG ignores weight ≤ 0);
 *  - `metadata` is an object (a TypeError after persisting otherwise) whose clusters have string-array
 *    `key_themes` (a Neo4j list property);
 *  - subclusters have non-empty string ids (a ValidationError otherwise) and node_ids that exist.
 * Extra keys (title, subcluster_id, edge_statistics…) are allowed: the backend ignores them.
 */
import { z } from "zod";
import { isoTimestampSchema, isoUtcTimestampSchema } from "../fields.js";

/** `file` or one of the extension buckets the summary counts (`word`, `xyz`… would break them). */
export const GRAPH_SOURCE_TYPES = [
  "chat",
  "markdown",
  "notion",
  "file",
  "pdf",
  "docx",
  "pptx",
  "xlsx",
  "txt",
  "other",
] as const;
export type GraphSourceType = (typeof GRAPH_SOURCE_TYPES)[number];

const nodeId = z.number().int().min(0);
const nonEmptyString = z.string().min(1);

export const keywordSchema = z.looseObject({ term: z.string(), score: z.number() });

export const graphNodeSchema = z.looseObject({
  id: nodeId,
  /** The exact source id (conversation/note/user-file/Notion id); never invent prefixes. */
  orig_id: nonEmptyString,
  cluster_id: nonEmptyString,
  cluster_name: z.string(),
  /** Messages for chat, sections for notes, 1 or sections for files. */
  num_sections: z.number().int().min(0),
  source_type: z.enum(GRAPH_SOURCE_TYPES),
  timestamp: isoTimestampSchema.nullable(),
  keywords: z.array(keywordSchema).optional(),
  top_keywords: z.array(z.string()).optional(),
  cluster_confidence: z.number().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

export const graphEdgeSchema = z.looseObject({
  source: nodeId,
  target: nodeId,
  weight: z.number().gt(0).max(1),
  /** "high" becomes a `hard` edge in the backend, anything else `insight`. */
  confidence: z.union([z.string().min(1), z.number()]),
  is_intra_cluster: z.boolean(),
  /** Ignored by the backend (the incumbent writes "semantic"/"hierarchical"). */
  type: z.string().optional(),
});

export const graphSubclusterSchema = z.looseObject({
  id: nonEmptyString,
  cluster_id: nonEmptyString,
  node_ids: z.array(nodeId),
  representative_node_id: nodeId,
  size: z.number().int().min(0),
  density: z.number().min(0).max(1),
  top_keywords: z.array(z.string()),
});

export const graphClusterSchema = z.looseObject({
  name: z.string(),
  description: z.string(),
  size: z.number().int().min(0),
  key_themes: z.array(z.string()),
});

export const graphMetadataSchema = z.looseObject({
  generated_at: isoUtcTimestampSchema,
  total_nodes: z.number().int().min(0).optional(),
  total_edges: z.number().int().min(0).optional(),
  total_clusters: z.number().int().min(0).optional(),
  language: z.string().nullish(),
  clusters: z.record(nonEmptyString, graphClusterSchema),
});

/** A contract issue found outside a schema parse: where (a zod-style path) and what. */
export interface FileIssue {
  path: (string | number)[];
  message: string;
}

type CheckedGraph = {
  nodes: readonly { id: number; cluster_id: string }[];
  edges: readonly { source: number; target: number }[];
  subclusters?: readonly { node_ids: readonly number[] }[] | undefined;
  metadata: { clusters: Record<string, unknown> };
};

/**
 * The rules between parts of a graph (ids unique, every cluster_id a cluster, edges between existing nodes,
 * no self-loops or repeats, subcluster members exist), on a graph whose parts each passed their schema.
 */
function graphCrossIssues(graph: CheckedGraph): FileIssue[] {
  const issues: FileIssue[] = [];
  const ids = new Set<number>();
  graph.nodes.forEach((node, i) => {
    if (ids.has(node.id)) issues.push({ path: ["nodes", i, "id"], message: `duplicate node id ${node.id}` });
    ids.add(node.id);
    if (!Object.hasOwn(graph.metadata.clusters, node.cluster_id)) {
      issues.push({
        path: ["nodes", i, "cluster_id"],
        message: `cluster_id "${node.cluster_id}" is not a key of metadata.clusters`,
      });
    }
  });
  // Pairs as numbers, not "a->b" strings: 750,000 edges would be as many strings alive at once.
  let span = 1;
  for (const id of ids) span = Math.max(span, id + 1);
  const pairs = new Set<number>();
  graph.edges.forEach((edge, i) => {
    for (const end of ["source", "target"] as const) {
      if (!ids.has(edge[end]))
        issues.push({ path: ["edges", i, end], message: `node ${edge[end]} does not exist` });
    }
    if (edge.source === edge.target)
      issues.push({ path: ["edges", i], message: `self-loop on node ${edge.source}` });
    if (!ids.has(edge.source) || !ids.has(edge.target)) return;
    const pair = edge.source * span + edge.target;
    if (pairs.has(pair))
      issues.push({ path: ["edges", i], message: `duplicate edge ${edge.source}->${edge.target}` });
    pairs.add(pair);
  });
  graph.subclusters?.forEach((sub, i) => {
    sub.node_ids.forEach((id, j) => {
      if (!ids.has(id))
        issues.push({ path: ["subclusters", i, "node_ids", j], message: `node ${id} does not exist` });
    });
  });
  return issues;
}

export const graphOutputSchema = z
  .looseObject({
    nodes: z.array(graphNodeSchema),
    edges: z.array(graphEdgeSchema),
    subclusters: z.array(graphSubclusterSchema).optional(),
    metadata: graphMetadataSchema,
  })
  .superRefine((graph, ctx) => {
    for (const issue of graphCrossIssues(graph)) ctx.addIssue({ code: "custom", ...issue });
  });

const graphBodySchema = z.looseObject({
  subclusters: z.array(graphSubclusterSchema).optional(),
  metadata: graphMetadataSchema,
});
const nodesSchema = z.array(graphNodeSchema);
const edgesSchema = z.array(graphEdgeSchema);
/** Nodes or edges per schema parse when a graph is checked before it is written. */
const SLICE = 2_000;

/**
 * The issues of graph.json as the worker built it, under the same rules as graphOutputSchema, without a
 * parsed copy of the whole graph alive at once: nodes and edges go through their schemas a slice at a time
 * (each slice's copy is short-lived), the rules between parts are checked on the graph itself.
 */
export function graphToWriteIssues(graph: unknown): FileIssue[] {
  const g = (graph ?? {}) as Record<string, unknown>;
  const issues: FileIssue[] = [];
  const collect = (error: z.ZodError, prefix: (string | number)[], offset: number) => {
    for (const issue of error.issues) {
      const path = [...prefix, ...issue.path] as (string | number)[];
      if (prefix.length > 0 && typeof path[1] === "number") path[1] += offset;
      issues.push({ path, message: issue.message });
    }
  };
  const body = graphBodySchema.safeParse({ ...g, nodes: undefined, edges: undefined });
  if (!body.success) collect(body.error, [], 0);
  for (const [key, schema] of [
    ["nodes", nodesSchema],
    ["edges", edgesSchema],
  ] as const) {
    const list = g[key];
    if (!Array.isArray(list)) {
      const r = schema.safeParse(list);
      if (!r.success) collect(r.error, [key], 0);
      continue;
    }
    for (let start = 0; start < list.length; start += SLICE) {
      const r = schema.safeParse(list.slice(start, start + SLICE));
      if (!r.success) collect(r.error, [key], start);
    }
  }
  if (issues.length === 0) issues.push(...graphCrossIssues(g as unknown as CheckedGraph));
  return issues;
}

export type GraphOutput = z.output<typeof graphOutputSchema>;
export type GraphOutputNode = z.output<typeof graphNodeSchema>;
export type GraphOutputEdge = z.output<typeof graphEdgeSchema>;
export type GraphSubcluster = z.output<typeof graphSubclusterSchema>;
export type GraphCluster = z.output<typeof graphClusterSchema>;
