/**
 * The extracted graph between stages. Extraction produces *mentions*: a node per (entity, chunk) it was
 * found in, so a name may repeat across chunks; resolution turns mentions into unique entities. Both shapes
 * already use the output field names of standardized.json (contract §3.5), so assembly only regroups.
 */

/** Values a schema-defined extra field may carry (copied verbatim into Mongo by the backend). */
export type ExtraValue = string | number | boolean | string[];

export interface GraphNode {
  name: string;
  type: string;
  description: string;
  source_chunk_id: number | null;
  /** Fields the ontology's node_fields define beyond name/type/description. */
  extra?: Record<string, ExtraValue>;
}

export interface GraphEdge {
  start: string;
  target: string;
  type: string;
  description: string;
  source_chunk_id: number | null;
  evidence: string;
  confidence: number;
  extra?: Record<string, ExtraValue>;
}

export interface ExtractedGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** What a chunk looks like to extraction. */
export interface ChunkRef {
  index: number;
  text: string;
  tokens: number;
}

/** Why model output was dropped or changed (reported in the ingest stats). */
export interface FilterCounts {
  nodesDropped: number;
  nodeTypesMapped: number;
  edgesUnknownType: number;
  edgesForbidden: number;
  edgesDangling: number;
  edgesSelfLoop: number;
  evidenceReplaced: number;
}

export function emptyFilterCounts(): FilterCounts {
  return {
    nodesDropped: 0,
    nodeTypesMapped: 0,
    edgesUnknownType: 0,
    edgesForbidden: 0,
    edgesDangling: 0,
    edgesSelfLoop: 0,
    evidenceReplaced: 0,
  };
}

export function addFilterCounts(into: FilterCounts, from: FilterCounts): void {
  for (const k of Object.keys(into) as (keyof FilterCounts)[]) into[k] += from[k];
}

/** A name as a loose matching key inside one chunk batch: NFKC, case and whitespace folded. */
export function looseKey(name: string): string {
  return name.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
}

export function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
