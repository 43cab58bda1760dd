/**
 * standardized.json (contract §3.5): a JSON array with one graph per chunk, index i = chunk i. Each
 * resolved entity appears once in the whole file, in the graph of the first chunk that mentions it, because
 * the backend flattens the array and gives every node entry its own id (a name repeated per chunk would
 * become duplicate nodes). Edges sit in the graph of the chunk they were extracted from and reference nodes
 * by name, wherever those are declared. Edges always carry string `evidence` and number `confidence`.
 */
import type { MicroEdge, MicroNode, StandardizedFile } from "../../contract/files/standardized.js";
import type { GraphEdge } from "./graph.js";
import type { ResolvedGraph, ResolvedNode } from "./resolve.js";

export function nodeRecord(n: ResolvedNode): MicroNode {
  return {
    ...(n.extra ?? {}),
    name: n.name,
    type: n.type,
    description: n.description,
    source_chunk_id: n.source_chunk_id,
    ...(n.aliases.length ? { aliases: n.aliases } : {}),
  };
}

export function edgeRecord(e: GraphEdge): MicroEdge {
  return {
    ...(e.extra ?? {}),
    start: e.start,
    target: e.target,
    type: e.type,
    description: e.description,
    source_chunk_id: e.source_chunk_id,
    evidence: e.evidence,
    confidence: e.confidence,
  };
}

export function toStandardized(resolved: ResolvedGraph, chunkIndices: readonly number[]): StandardizedFile {
  const slot = new Map(chunkIndices.map((c, i) => [c, i]));
  const graphs: StandardizedFile = chunkIndices.map(() => ({ nodes: [], edges: [] }));
  const home = (chunk: number | null) => (chunk !== null ? slot.get(chunk) : undefined) ?? 0;
  if (!graphs.length) graphs.push({ nodes: [], edges: [] });
  const where = new Map<string, number>();
  for (const n of resolved.nodes) {
    const i = home(n.source_chunk_id);
    where.set(n.name, i);
    graphs[i]!.nodes.push(nodeRecord(n));
  }
  for (const e of resolved.edges) {
    const i =
      e.source_chunk_id !== null && slot.has(e.source_chunk_id)
        ? slot.get(e.source_chunk_id)!
        : (where.get(e.start) ?? 0);
    graphs[i]!.edges.push(edgeRecord(e));
  }
  return graphs;
}
