/**
 * graph.json (contract §3.2.a) and features.json (§3.2.b) from the macro pipeline's results. Node ids are
 * 0 … N−1 in input order; every node's cluster_id is a key of metadata.clusters (clusters without members
 * are not listed); key_themes are string arrays; timestamps are ISO-8601 from createTime (or null).
 * Pure: the caller validates (src/contract/files) and uploads.
 */
import type { FeaturesFile } from "../../contract/files/features.js";
import type { GraphOutput, GraphSourceType } from "../../contract/files/graph.js";
import { clusterId } from "./cluster.js";
import type { SimilarityEdge } from "./edges.js";
import type { ClusterLabel } from "./naming.js";
import type { Subcluster } from "./subclusters.js";

export interface MacroKeyword {
  term: string;
  score: number;
}

/** What the graph needs of one source item. */
export interface MacroItem {
  origId: string;
  title?: string;
  sourceType: GraphSourceType;
  numSections: number;
  /** Unix seconds, or null when unknown. */
  createTime: number | null;
  updateTime?: number | null;
  keywords: readonly MacroKeyword[];
}

export interface EmbeddingInfo {
  provider: string;
  model: string;
  dimension: number;
}

export interface AssembleGraphInput {
  items: readonly MacroItem[];
  /** Cluster index per item (0 = cluster_1). */
  labels: Int32Array;
  /** One label per cluster index. */
  clusters: readonly ClusterLabel[];
  edges: readonly Pick<SimilarityEdge, "source" | "target" | "weight" | "confidence">[];
  subclusters?: readonly Subcluster[];
  /** Per-node cluster confidence in [0, 1] (optional; the backend ignores it). */
  confidence?: ArrayLike<number>;
  language?: string | null;
  embedding: EmbeddingInfo;
  naming: "llm" | "local";
  /** Default now. */
  generatedAt?: Date;
  /** Merged into metadata (timing, parameters, …); cannot override the contract keys. */
  extraMetadata?: Record<string, unknown>;
}

/** Unix seconds → ISO-8601 UTC, or null for missing/invalid values. */
export function isoFromUnix(seconds: number | null | undefined): string | null {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds <= 0) return null;
  const d = new Date(seconds * 1000);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export function assembleGraph(input: AssembleGraphInput): GraphOutput {
  const { items, labels, clusters } = input;
  const n = items.length;
  if (labels.length !== n) throw new RangeError(`${labels.length} labels for ${n} items`);
  const sizes = new Array<number>(clusters.length).fill(0);
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    if (!(c >= 0 && c < clusters.length))
      throw new RangeError(`item ${i} has cluster index ${c} without a label`);
    sizes[c]!++;
  }
  const subclusterOf = new Map<number, string>();
  for (const s of input.subclusters ?? []) for (const v of s.node_ids) subclusterOf.set(v, s.id);

  const nodes = items.map((item, i) => {
    const c = labels[i]!;
    const keywords = item.keywords.map((k) => ({ term: k.term, score: k.score }));
    return {
      id: i,
      orig_id: item.origId,
      title: item.title ?? "",
      cluster_id: clusterId(c),
      cluster_name: clusters[c]!.name,
      ...(input.confidence ? { cluster_confidence: round4(input.confidence[i] ?? 0) } : {}),
      subcluster_id: subclusterOf.get(i) ?? null,
      num_sections: Math.max(0, Math.floor(item.numSections)),
      source_type: item.sourceType,
      timestamp: isoFromUnix(item.createTime),
      keywords,
      top_keywords: keywords.slice(0, 3).map((k) => k.term),
    };
  });

  const edges = input.edges.map((e) => ({
    source: e.source,
    target: e.target,
    weight: e.weight,
    type: "semantic",
    is_intra_cluster: labels[e.source] === labels[e.target],
    confidence: e.confidence,
  }));

  const clusterMeta: Record<
    string,
    { name: string; description: string; size: number; key_themes: string[] }
  > = {};
  clusters.forEach((label, c) => {
    if (sizes[c] === 0) return;
    clusterMeta[clusterId(c)] = {
      name: label.name,
      description: label.description,
      size: sizes[c]!,
      key_themes: label.key_themes.map(String),
    };
  });

  const intra = edges.filter((e) => e.is_intra_cluster).length;
  const subclusters = (input.subclusters ?? []).map((s) => ({ ...s }));
  const covered = subclusterOf.size;
  const metadata = {
    ...(input.extraMetadata ?? {}),
    generated_at: (input.generatedAt ?? new Date()).toISOString(),
    total_nodes: n,
    total_edges: edges.length,
    total_clusters: Object.keys(clusterMeta).length,
    total_subclusters: subclusters.length,
    language: input.language ?? null,
    clusters: clusterMeta,
    embedding: { ...input.embedding },
    naming: input.naming,
    edge_statistics: {
      total_edges: edges.length,
      intra_cluster_edges: intra,
      inter_cluster_edges: edges.length - intra,
      high_confidence_edges: edges.filter((e) => e.confidence === "high").length,
      edge_density: n > 1 ? round4(edges.length / ((n * (n - 1)) / 2)) : 0,
    },
    subcluster_statistics: {
      total_subclusters: subclusters.length,
      nodes_in_subclusters: covered,
      coverage: n > 0 ? round4(covered / n) : 0,
      method: "louvain",
    },
  };
  return { nodes, edges, subclusters, metadata };
}

export interface AssembleFeaturesInput {
  items: readonly MacroItem[];
  /** One vector per item, same order. */
  vectors: readonly ArrayLike<number>[];
  embedding: EmbeddingInfo;
  /** Decimal places kept per float (compact JSON). Default 6. */
  precision?: number;
  extraMetadata?: Record<string, unknown>;
}

export function assembleFeatures(input: AssembleFeaturesInput): FeaturesFile {
  const { items, vectors } = input;
  if (vectors.length !== items.length)
    throw new RangeError(`${vectors.length} vectors for ${items.length} items`);
  const scale = 10 ** (input.precision ?? 6);
  const conversations = items.map((item, i) => ({
    id: i,
    orig_id: item.origId,
    title: item.title ?? "",
    keywords: item.keywords.map((k) => ({ term: k.term, score: k.score })),
    create_time: unixOrZero(item.createTime),
    update_time: unixOrZero(item.updateTime ?? item.createTime),
    num_sections: Math.max(0, Math.floor(item.numSections)),
    source_type: item.sourceType,
  }));
  const embeddings = vectors.map((v) => {
    const row = new Array<number>(v.length);
    for (let j = 0; j < v.length; j++) row[j] = Math.round(v[j]! * scale) / scale;
    return row;
  });
  return {
    conversations,
    embeddings,
    metadata: {
      ...(input.extraMetadata ?? {}),
      total_conversations: items.length,
      embedding_model: input.embedding.model,
      embedding_provider: input.embedding.provider,
      embedding_dimension: input.embedding.dimension,
    },
  };
}

function unixOrZero(t: number | null | undefined): number {
  return t !== null && t !== undefined && Number.isFinite(t) && t > 0 ? t : 0;
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
