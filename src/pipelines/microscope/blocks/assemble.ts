/**
 * block_graph.json (contract §3.5): blocks with their micro graphs, block edges, paths and rationale.
 * A block's micro graph holds the resolved entities mentioned in the block's chunks (plus the endpoints of
 * its edges) and the edges extracted from those chunks; node and edge ids are `{block_id}_n{k}` /
 * `{block_id}_e{k}`, unique in the file. The root carries only `block_graph` (other root keys are ignored by
 * the backend; the handler may add its own).
 */
import type { BlockGraphFile } from "../../../contract/files/blockGraph.js";
import type { ResolvedGraph } from "../resolve.js";
import { edgeRecord, nodeRecord } from "../standardize.js";
import type { LabeledBlock } from "./describe.js";
import type { Ordering } from "./order.js";

type MicroGraph = BlockGraphFile["block_graph"]["blocks"][number]["micro_graph"];

export function microGraph(
  blockId: string,
  chunkIds: readonly number[],
  resolved: ResolvedGraph | undefined,
): MicroGraph {
  if (!resolved || !chunkIds.length) return { nodes: [], edges: [] };
  const inBlock = new Set(chunkIds);
  const edges = resolved.edges.filter((e) => e.source_chunk_id !== null && inBlock.has(e.source_chunk_id));
  const names = new Set<string>();
  for (const c of chunkIds) for (const n of resolved.mentions.get(c) ?? []) names.add(n);
  for (const e of edges) {
    names.add(e.start);
    names.add(e.target);
  }
  const nodes = resolved.nodes.filter((n) => names.has(n.name));
  return {
    nodes: nodes.map((n, k) => ({
      id: `${blockId}_n${k + 1}`,
      ...nodeRecord(n),
      // The first chunk of this block that mentions the entity.
      source_chunk_id: n.chunks.find((c) => inBlock.has(c)) ?? n.source_chunk_id,
    })),
    edges: edges.map((e, k) => ({ id: `${blockId}_e${k + 1}`, ...edgeRecord(e) })),
  };
}

export function assembleBlockGraph(
  blocks: readonly LabeledBlock[],
  ordering: Ordering,
  micro: (block: LabeledBlock) => MicroGraph,
): BlockGraphFile {
  return {
    block_graph: {
      blocks: blocks.map((b) => ({
        block_id: b.block_id,
        title: b.title,
        summary: b.summary,
        key_concepts: b.key_concepts,
        order_index: b.order_index,
        turn_range: b.turn_range,
        raw_text: b.raw_text,
        micro_graph: micro(b),
        source_type: b.turn_range ? "chat" : "document",
        ...(b.heading_path.length ? { heading_path: b.heading_path } : {}),
      })),
      edges: ordering.edges,
      paths: ordering.paths,
      ordering_rationale: ordering.rationale,
    },
  };
}
