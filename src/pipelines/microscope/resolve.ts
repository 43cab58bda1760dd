/**
 * Entity resolution across chunks: extraction mentions → unique entities, with node names and edge endpoints
 * rewritten to one canonical name per entity (ORIGINAL-PIPELINES §7.1 "Standardization").
 *
 * Certain merges: the same normalised key (names.ts: case, spacing, punctuation, plural); "long form (SHORT)"
 * names with either part; acronyms the document itself defines ("graph neural network (GNN)").
 * Similarity merges, per node type (resolve/candidates.ts): string similarity, and embedding cosine when an
 * `embed` function is given: above the upper threshold merged, in the grey band only when the LLM confirms
 * (one batched call per type, bounded, resolve/ask.ts); without an LLM grey pairs stay apart.
 * Canonical name: the most mentioned spelling (a "long (SHORT)" form only if nothing else); type: the most
 * mentioned one; descriptions: the distinct ones joined with " | " (as the incumbent did).
 */

import type { ObjectLlm } from "./extract/llm.js";
import type { ExtraValue, GraphEdge, GraphNode } from "./graph.js";
import { acronymDefinitions, nameKey, parentheticalParts } from "./names.js";
import type { OntologyIndex } from "./ontology.js";
import { type AskPair, askSamePairs } from "./resolve/ask.js";
import { type GroupView, MAX_EMBED_GROUPS, type PairScore, scorePairs } from "./resolve/candidates.js";
import { clip } from "./sentences.js";

export type EmbedFn = (texts: string[]) => Promise<Float32Array[]>;

export interface ResolveOptions {
  llm?: ObjectLlm;
  embed?: EmbedFn;
  signal?: AbortSignal;
  /** The document text: acronyms it defines are merged with their long forms. */
  text?: string;
  /** Re-checks forbidden pairs after merged entities settle on one type. */
  index?: OntologyIndex;
  language?: string;
}

export interface ResolvedNode extends GraphNode {
  /** Other spellings merged into this entity. */
  aliases: string[];
  /** Chunks that mention it, ascending. */
  chunks: number[];
}

export interface ResolveStats {
  mentions: number;
  names: number;
  entities: number;
  autoMerges: number;
  greyPairs: number;
  askedPairs: number;
  llmMerges: number;
  llmCalls: number;
  embeddedNames: number;
  failures: string[];
}

export interface ResolvedGraph {
  nodes: ResolvedNode[];
  edges: GraphEdge[];
  /** Canonical entity names per chunk index (node mentions and edge endpoints). */
  mentions: Map<number, string[]>;
  stats: ResolveStats;
}

const MAX_DESCRIPTIONS = 3;
const MAX_MERGED_DESCRIPTION = 600;

interface NameInfo {
  name: string;
  key: string;
  count: number;
  types: Map<string, number>;
  descriptions: string[];
  chunks: Set<number>;
  extra?: Record<string, ExtraValue>;
}

class UnionFind {
  readonly parent: number[];
  constructor(n: number) {
    this.parent = Array.from({ length: n }, (_, i) => i);
  }
  find(x: number): number {
    let r = x;
    while (this.parent[r] !== r) r = this.parent[r]!;
    while (this.parent[x] !== r) {
      const next = this.parent[x]!;
      this.parent[x] = r;
      x = next;
    }
    return r;
  }
  union(a: number, b: number): boolean {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return false;
    // The lower index (first seen) stays the root, so results do not depend on merge order.
    if (ra < rb) this.parent[rb] = ra;
    else this.parent[ra] = rb;
    return true;
  }
}

function mostCommon(counts: Map<string, number>, prefer?: (k: string) => boolean): string {
  let best = "";
  let bestCount = -1;
  for (const [k, c] of counts) {
    const better = c > bestCount || (c === bestCount && prefer !== undefined && prefer(k) && !prefer(best));
    if (better) {
      best = k;
      bestCount = c;
    }
  }
  return best;
}

export async function resolveEntities(
  graph: { nodes: readonly GraphNode[]; edges: readonly GraphEdge[] },
  opts: ResolveOptions = {},
): Promise<ResolvedGraph> {
  // 1. Distinct spellings with their mentions.
  const infos: NameInfo[] = [];
  const byName = new Map<string, number>();
  for (const n of graph.nodes) {
    let i = byName.get(n.name);
    if (i === undefined) {
      i = infos.length;
      byName.set(n.name, i);
      infos.push({
        name: n.name,
        key: nameKey(n.name) || n.name.toLowerCase(),
        count: 0,
        types: new Map(),
        descriptions: [],
        chunks: new Set(),
      });
    }
    const info = infos[i]!;
    info.count++;
    info.types.set(n.type, (info.types.get(n.type) ?? 0) + 1);
    if (n.description && !info.descriptions.includes(n.description)) info.descriptions.push(n.description);
    if (n.source_chunk_id !== null) info.chunks.add(n.source_chunk_id);
    if (n.extra && !info.extra) info.extra = n.extra;
  }

  // 2. Certain merges.
  const uf = new UnionFind(infos.length);
  const byKey = new Map<string, number>();
  for (let i = 0; i < infos.length; i++) {
    const k = infos[i]!.key;
    const j = byKey.get(k);
    if (j === undefined) byKey.set(k, i);
    else uf.union(j, i);
  }
  const unionKeys = (a: string, b: string) => {
    const i = byKey.get(nameKey(a));
    const j = byKey.get(nameKey(b));
    if (i !== undefined && j !== undefined) uf.union(i, j);
  };
  for (let i = 0; i < infos.length; i++) {
    const parts = parentheticalParts(infos[i]!.name);
    if (!parts) continue;
    for (const part of parts) {
      const j = byKey.get(nameKey(part));
      if (j !== undefined) uf.union(i, j);
    }
  }
  if (opts.text) for (const [long, short] of acronymDefinitions(opts.text)) unionKeys(long, short);

  // 3. Similarity candidates per dominant type.
  const stats: ResolveStats = {
    mentions: graph.nodes.length,
    names: infos.length,
    entities: 0,
    autoMerges: 0,
    greyPairs: 0,
    askedPairs: 0,
    llmMerges: 0,
    llmCalls: 0,
    embeddedNames: 0,
    failures: [],
  };
  const groups = collectGroups(uf, infos);
  const buckets = new Map<string, GroupView[]>();
  const views = new Map<number, { view: GroupView; description: string }>();
  for (const [root, members] of groups) {
    const view = groupView(root, members, infos);
    views.set(root, {
      view,
      description: members.map((m) => infos[m]!.descriptions[0]).find(Boolean) ?? "",
    });
    const type = dominantType(members, infos, opts.index);
    const bucket = buckets.get(type);
    if (bucket) bucket.push(view);
    else buckets.set(type, [view]);
  }
  const vectors = await embedBuckets(buckets, opts, stats);
  const pairs: { type: string; pair: PairScore }[] = [];
  for (const [type, views] of buckets) {
    for (const pair of scorePairs(views, vectors.get(type))) pairs.push({ type, pair });
  }
  for (const { pair } of pairs) if (pair.kind === "auto" && uf.union(pair.a, pair.b)) stats.autoMerges++;

  // 4. Grey pairs: asked of the LLM when there is one.
  const grey = pairs
    .filter(({ pair }) => pair.kind === "grey" && uf.find(pair.a) !== uf.find(pair.b))
    .sort((x, y) => y.pair.score - x.pair.score);
  stats.greyPairs = grey.length;
  if (opts.llm && grey.length) {
    const ask = new Map<string, AskPair[]>();
    for (const { type, pair } of grey) {
      const a = views.get(pair.a)!;
      const b = views.get(pair.b)!;
      const list = ask.get(type) ?? [];
      list.push({
        a: pair.a,
        b: pair.b,
        nameA: a.view.name,
        nameB: b.view.name,
        descA: a.description,
        descB: b.description,
      });
      ask.set(type, list);
    }
    const asked = await askSamePairs(opts.llm, ask, {
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.language ? { language: opts.language } : {}),
    });
    stats.llmCalls = asked.calls;
    stats.askedPairs = asked.asked;
    stats.failures.push(...asked.failures);
    for (const [a, b] of asked.same) if (uf.union(a, b)) stats.llmMerges++;
  }

  // 5. Entities and the rewrite map.
  const canonical = new Map<string, string>(); // spelling → canonical name
  const nodes: ResolvedNode[] = [];
  const typeOf = new Map<string, string>();
  for (const members of collectGroups(uf, infos).values()) {
    const node = buildEntity(members, infos, opts.index);
    nodes.push(node);
    typeOf.set(node.name, node.type);
    for (const m of members) canonical.set(infos[m]!.name, node.name);
  }
  nodes.sort((a, b) => (a.source_chunk_id ?? 0) - (b.source_chunk_id ?? 0));
  stats.entities = nodes.length;

  const edges = new Map<string, GraphEdge>();
  const mentions = new Map<number, Set<string>>();
  const mention = (chunk: number | null, name: string) => {
    if (chunk === null) return;
    let s = mentions.get(chunk);
    if (!s) {
      s = new Set();
      mentions.set(chunk, s);
    }
    s.add(name);
  };
  for (const n of graph.nodes) mention(n.source_chunk_id, canonical.get(n.name)!);
  for (const e of graph.edges) {
    const start = canonical.get(e.start);
    const target = canonical.get(e.target);
    if (!start || !target || start === target) continue;
    if (opts.index?.isForbidden(e.type, typeOf.get(start)!, typeOf.get(target)!)) continue;
    mention(e.source_chunk_id, start);
    mention(e.source_chunk_id, target);
    const key = `${start}\u0000${target}\u0000${e.type}`;
    const prev = edges.get(key);
    if (!prev || e.confidence > prev.confidence) edges.set(key, { ...e, start, target });
  }
  return {
    nodes,
    edges: [...edges.values()],
    mentions: new Map([...mentions].map(([c, s]) => [c, [...s]])),
    stats,
  };
}

function collectGroups(uf: UnionFind, infos: readonly NameInfo[]): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < infos.length; i++) {
    const r = uf.find(i);
    const g = groups.get(r);
    if (g) g.push(i);
    else groups.set(r, [i]);
  }
  return groups;
}

function groupView(root: number, members: number[], infos: readonly NameInfo[]): GroupView {
  const best = members.reduce((x, y) => (infos[y]!.count > infos[x]!.count ? y : x), members[0]!);
  return {
    id: root,
    name: infos[best]!.name,
    key: infos[best]!.key,
    mentions: members.reduce((s, m) => s + infos[m]!.count, 0),
  };
}

function dominantType(members: number[], infos: readonly NameInfo[], index?: OntologyIndex): string {
  const counts = new Map<string, number>();
  for (const m of members) for (const [t, c] of infos[m]!.types) counts.set(t, (counts.get(t) ?? 0) + c);
  return mostCommon(counts, index ? (t) => t !== index.genericNodeType : undefined);
}

function buildEntity(members: number[], infos: readonly NameInfo[], index?: OntologyIndex): ResolvedNode {
  const ordered = [...members].sort((x, y) => {
    const a = infos[x]!;
    const b = infos[y]!;
    const pa = parentheticalParts(a.name) ? 1 : 0;
    const pb = parentheticalParts(b.name) ? 1 : 0;
    return b.count - a.count || pa - pb || x - y;
  });
  const name = infos[ordered[0]!]!.name;
  const descriptions: string[] = [];
  for (const m of members) {
    for (const d of infos[m]!.descriptions) if (!descriptions.includes(d)) descriptions.push(d);
  }
  const chunks = new Set<number>();
  for (const m of members) for (const c of infos[m]!.chunks) chunks.add(c);
  const sortedChunks = [...chunks].sort((a, b) => a - b);
  const extra = members.map((m) => infos[m]!.extra).find(Boolean);
  return {
    name,
    type: dominantType(members, infos, index),
    description: clip(descriptions.slice(0, MAX_DESCRIPTIONS).join(" | "), MAX_MERGED_DESCRIPTION),
    source_chunk_id: sortedChunks[0] ?? null,
    ...(extra ? { extra } : {}),
    aliases: ordered.slice(1).map((m) => infos[m]!.name),
    chunks: sortedChunks,
  };
}

/** Embeddings of each bucket's group names (buckets small enough for the quadratic cosine pass). */
async function embedBuckets(
  buckets: ReadonlyMap<string, GroupView[]>,
  opts: ResolveOptions,
  stats: ResolveStats,
): Promise<Map<string, Float32Array[]>> {
  const out = new Map<string, Float32Array[]>();
  if (!opts.embed) return out;
  const chosen = [...buckets].filter(([, views]) => views.length >= 2 && views.length <= MAX_EMBED_GROUPS);
  const names = chosen.flatMap(([, views]) => views.map((v) => v.name));
  if (!names.length) return out;
  let vectors: Float32Array[];
  try {
    vectors = await opts.embed(names);
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    stats.failures.push(`embedding: ${err instanceof Error ? err.message : String(err)}`);
    return out;
  }
  if (vectors.length !== names.length) return out;
  stats.embeddedNames = names.length;
  let at = 0;
  for (const [type, views] of chosen) {
    out.set(type, vectors.slice(at, at + views.length));
    at += views.length;
  }
  return out;
}
