/**
 * Post-filter of one extraction answer (the incumbent's rules, ORIGINAL-PIPELINES §7.1, plus repairs):
 * - names cleaned (whitespace, `[[…]]`, quotes); nameless nodes dropped;
 * - node types matched to the ontology case/spacing-insensitively; unknown ones mapped to the generic type;
 * - edges: `source` → `start`; unknown edge types, forbidden pairs, dangling endpoints and self-loops dropped;
 * - `source_chunk_id` forced to an integer chunk index of the batch (the chunk that mentions the name when
 *   the model's is missing or wrong); evidence grounded in that chunk; confidence a number in [0, 1];
 * - duplicates inside the batch merged.
 */

import {
  clamp01,
  type ExtractedGraph,
  type ExtraValue,
  emptyFilterCounts,
  type FilterCounts,
  type GraphEdge,
  type GraphNode,
  looseKey,
  round3,
} from "../graph.js";
import type { OntologyIndex } from "../ontology.js";
import { clip } from "../sentences.js";
import type { AnswerEdge, AnswerNode, ExtractionAnswer } from "./answer.js";
import type { ChunkTexts } from "./evidence.js";

export const MAX_NAME_CHARS = 200;
export const MAX_DESCRIPTION_CHARS = 500;
const DEFAULT_CONFIDENCE = 0.5;

export interface FilterContext {
  index: OntologyIndex;
  /** The chunk indices of the batch, in order. */
  chunkIds: readonly number[];
  texts: ChunkTexts;
}

export function cleanName(raw: string | null | undefined): string {
  if (!raw) return "";
  const s = raw
    .normalize("NFKC")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^\[\[(.*)\]\]$/, "$1")
    .replace(/^["'“”‘’`]+|["'“”‘’`]+$/g, "")
    .trim();
  return s.length > MAX_NAME_CHARS ? s.slice(0, MAX_NAME_CHARS).trimEnd() : s;
}

function parseChunkId(raw: unknown): number | undefined {
  const n =
    typeof raw === "number" ? raw : typeof raw === "string" ? Number(raw.replace(/[^\d.-]/g, "")) : NaN;
  return Number.isInteger(n) ? n : undefined;
}

export function parseConfidence(raw: unknown): number {
  let n = typeof raw === "number" ? raw : typeof raw === "string" ? Number.parseFloat(raw) : NaN;
  if (!Number.isFinite(n)) return DEFAULT_CONFIDENCE;
  if (n > 1 && n <= 100 && Number.isInteger(n)) n /= 100; // a percentage ("85")
  return round3(clamp01(n));
}

function extras(
  raw: Record<string, unknown>,
  fields: readonly string[],
): Record<string, ExtraValue> | undefined {
  let out: Record<string, ExtraValue> | undefined;
  for (const f of fields) {
    const v = raw[f];
    const ok =
      typeof v === "string" ||
      typeof v === "boolean" ||
      (typeof v === "number" && Number.isFinite(v)) ||
      (Array.isArray(v) && v.every((x) => typeof x === "string"));
    if (!ok) continue;
    out ??= {};
    out[f] = v as ExtraValue;
  }
  return out;
}

/** Keys under which a node can be found by an edge: its name, and both parts of "long form (SHORT)". */
function lookupKeys(name: string): string[] {
  const k = looseKey(name);
  const m = /^(.+?)\s*\((.+)\)$/.exec(k);
  return m ? [k, m[1]!.trim(), m[2]!.trim()] : [k];
}

export function filterAnswer(
  answer: ExtractionAnswer,
  ctx: FilterContext,
): { graph: ExtractedGraph; counts: FilterCounts } {
  const counts = emptyFilterCounts();
  const inBatch = new Set(ctx.chunkIds);
  const first = ctx.chunkIds[0] ?? 0;
  const chunkFor = (raw: unknown, names: string[]): number => {
    const id = parseChunkId(raw);
    if (id !== undefined && inBatch.has(id)) return id;
    return ctx.chunkIds.find((c) => names.every((n) => ctx.texts.mentions(c, n))) ?? first;
  };

  const nodes: GraphNode[] = [];
  const byMention = new Map<string, GraphNode>(); // looseKey|chunk → node
  const byName = new Map<string, GraphNode>(); // lookup key → first node of that name
  for (const raw of answer.nodes as AnswerNode[]) {
    const name = cleanName(raw.name);
    if (!name) {
      counts.nodesDropped++;
      continue;
    }
    const candidates = (Array.isArray(raw.type) ? raw.type : [raw.type]).map((t) => ctx.index.nodeType(t));
    let type = candidates.find((t): t is string => t !== undefined);
    if (!type) {
      type = ctx.index.genericNodeType;
      counts.nodeTypesMapped++;
    }
    const named = byName.get(looseKey(name));
    if (named) type = named.type; // one type per name inside a batch
    const chunk = chunkFor(raw.source_chunk_id, [name]);
    const key = `${looseKey(name)}|${chunk}`;
    const description = clip(raw.description ?? "", MAX_DESCRIPTION_CHARS);
    const dup = byMention.get(key);
    if (dup) {
      if (!dup.description && description) dup.description = description;
      continue;
    }
    const extra = extras(raw, ctx.index.extraNodeFields);
    const node: GraphNode = { name, type, description, source_chunk_id: chunk, ...(extra ? { extra } : {}) };
    nodes.push(node);
    byMention.set(key, node);
    for (const k of lookupKeys(name)) if (!byName.has(k)) byName.set(k, node);
  }

  const find = (raw: string) => {
    for (const k of lookupKeys(cleanName(raw))) {
      const n = byName.get(k);
      if (n) return n;
    }
    return undefined;
  };

  const edges = new Map<string, GraphEdge>();
  for (const raw of (answer.edges ?? []) as AnswerEdge[]) {
    const type = (Array.isArray(raw.type) ? raw.type : [raw.type])
      .map((t) => ctx.index.edgeType(t))
      .find((t): t is string => t !== undefined);
    if (!type) {
      counts.edgesUnknownType++;
      continue;
    }
    const s = find(raw.start ?? raw.source ?? "");
    const t = find(raw.target);
    if (!s || !t) {
      counts.edgesDangling++;
      continue;
    }
    if (looseKey(s.name) === looseKey(t.name)) {
      counts.edgesSelfLoop++;
      continue;
    }
    if (ctx.index.isForbidden(type, s.type, t.type)) {
      counts.edgesForbidden++;
      continue;
    }
    const chunk = chunkFor(raw.source_chunk_id, [s.name, t.name]);
    const description =
      clip(raw.description ?? "", MAX_DESCRIPTION_CHARS) || `${s.name} ${type.replace(/_/g, " ")} ${t.name}`;
    const { evidence, replaced } = ctx.texts.evidence(
      chunk,
      raw.evidence ?? undefined,
      s.name,
      t.name,
      description,
    );
    if (replaced) counts.evidenceReplaced++;
    const extra = extras(raw, ctx.index.extraEdgeFields);
    const edge: GraphEdge = {
      start: s.name,
      target: t.name,
      type,
      description,
      source_chunk_id: chunk,
      evidence,
      confidence: parseConfidence(raw.confidence),
      ...(extra ? { extra } : {}),
    };
    const key = `${looseKey(s.name)}|${looseKey(t.name)}|${type}`;
    const dup = edges.get(key);
    if (!dup || dup.confidence < edge.confidence) edges.set(key, edge);
  }
  return { graph: { nodes, edges: [...edges.values()] }, counts };
}
