/**
 * Graph expansion for microscope RAG: a bipartite chunk–entity graph of the workspace (graphology), walked by
 * personalised PageRank from the chunks vector search found and from the entities the question names.
 *
 * The incumbent expanded through Neo4j: entities of the retrieved chunks → `get_neighbors(entity, hop_depth)`
 * → every chunk of every neighbour, one query per entity, unranked. Here the same idea runs in memory over the
 * entity names each chunk record carries: two chunks are linked through an entity they share, so hop 1 is
 * "shares an entity with a retrieved chunk", hop 2 "shares an entity with such a chunk", and so on. A
 * breadth-first pass decides which chunks are within `hopDepth`; personalised PageRank ranks them, so a chunk
 * reached through several specific entities beats one reached through a single entity that appears everywhere
 * (a hub's walk mass is split over all its chunks).
 *
 * PageRank is written here because graphology-metrics' `pagerank` has no personalisation (restart) vector,
 * which is the whole point: the walk must restart at the question's seeds, not uniformly.
 */
import { UndirectedGraph } from "graphology";
import { tokenize } from "../text/index.js";
import type { ExpandedChunk, Expansion, HopStep, RagChunk, ScoredChunk } from "./types.js";

/** Restart probability of the walk. HippoRAG uses 0.5: high enough that mass stays near the seeds. */
export const DEFAULT_RESTART = 0.5;
const MAX_ITERATIONS = 100;
const TOLERANCE = 1e-10;

const CHUNK = "c:";
const ENTITY = "e:";

/** The matching key of an entity name: NFKC, lower-case, whitespace collapsed (the incumbent's resolution key). */
export function normalizeEntityName(name: string): string {
  return name.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
}

export interface ChunkEntityGraph {
  graph: UndirectedGraph;
  chunks: Map<string, RagChunk>;
  /** Normalised entity key → display name (the most frequent spelling, first seen on ties). */
  entityNames: Map<string, string>;
}

/** Builds the bipartite graph; chunks with the same id are merged (the first one wins). */
export function buildChunkEntityGraph(chunks: Iterable<RagChunk>): ChunkEntityGraph {
  const graph = new UndirectedGraph({ allowSelfLoops: false, multi: false });
  const byId = new Map<string, RagChunk>();
  const spellings = new Map<string, Map<string, number>>();
  for (const chunk of chunks) {
    if (byId.has(chunk.id)) continue;
    byId.set(chunk.id, chunk);
    const cNode = CHUNK + chunk.id;
    graph.addNode(cNode);
    for (const raw of chunk.entityNames) {
      const key = normalizeEntityName(raw);
      if (!key) continue;
      const eNode = ENTITY + key;
      if (!graph.hasNode(eNode)) graph.addNode(eNode);
      if (!graph.hasEdge(cNode, eNode)) graph.addEdge(cNode, eNode);
      const s = spellings.get(key) ?? new Map<string, number>();
      spellings.set(key, s);
      s.set(raw.trim(), (s.get(raw.trim()) ?? 0) + 1);
    }
  }
  const entityNames = new Map<string, string>();
  for (const [key, s] of spellings) {
    let best = "";
    let bestCount = 0;
    for (const [spelling, n] of s) {
      if (n > bestCount) {
        best = spelling;
        bestCount = n;
      }
    }
    entityNames.set(key, best);
  }
  return { graph, chunks: byId, entityNames };
}

function termsOf(text: string): string[] {
  return tokenize(text).map((t) => t.term);
}

function containsSequence(haystack: readonly string[], needle: readonly string[]): boolean {
  if (needle.length === 0 || needle.length > haystack.length) return false;
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

const LATIN_ONLY = /^[\p{Script=Latin}\p{N}\s.'’+#-]+$/u;

/**
 * Entities named in the question, as normalised keys. An entity matches when its content terms appear in the
 * question as a contiguous run (so plural forms, Korean particles and stopwords do not matter), or, for
 * non-Latin names of two or more characters, when the normalised question contains it (segmenters may cut
 * CJK compounds differently in a short question than in a document).
 */
export function entitiesInQuestion(question: string, entityKeys: Iterable<string>): string[] {
  const q = normalizeEntityName(question);
  const qTerms = termsOf(question);
  const out: string[] = [];
  for (const key of entityKeys) {
    const eTerms = termsOf(key);
    if (containsSequence(qTerms, eTerms)) out.push(key);
    else if (!LATIN_ONLY.test(key) && [...key].length >= 2 && q.includes(key)) out.push(key);
  }
  return out;
}

/**
 * Personalised PageRank by power iteration: r = restart·p + (1 − restart)·Wᵀr, W the random-walk transition
 * matrix (uniform over neighbours). The mass of nodes without neighbours returns to p. `personalization`
 * need not be normalised; nodes absent from the graph are ignored. Returns scores summing to 1.
 */
export function personalizedPageRank(
  graph: UndirectedGraph,
  personalization: ReadonlyMap<string, number>,
  opts: { restart?: number; maxIterations?: number; tolerance?: number } = {},
): Map<string, number> {
  const restart = opts.restart ?? DEFAULT_RESTART;
  const nodes = graph.nodes();
  const index = new Map<string, number>();
  for (const [i, node] of nodes.entries()) index.set(node, i);
  const n = nodes.length;
  const p = new Float64Array(n);
  let pSum = 0;
  for (const [node, w] of personalization) {
    const i = index.get(node);
    if (i === undefined || !(w > 0)) continue;
    p[i] = p[i]! + w;
    pSum += w;
  }
  const scores = new Map<string, number>();
  if (n === 0 || pSum === 0) return scores;
  for (let i = 0; i < n; i++) p[i] = p[i]! / pSum;

  // Adjacency in CSR form: the iteration touches every edge twice per round.
  const offsets = new Int32Array(n + 1);
  const degree = new Int32Array(n);
  for (let i = 0; i < n; i++) degree[i] = graph.degree(nodes[i]!);
  for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i]! + degree[i]!;
  const targets = new Int32Array(offsets[n]!);
  const fill = offsets.slice(0, n);
  for (let i = 0; i < n; i++) {
    graph.forEachNeighbor(nodes[i]!, (nb) => {
      targets[fill[i]!++] = index.get(nb)!;
    });
  }

  let r = Float64Array.from(p);
  let next = new Float64Array(n);
  const maxIterations = opts.maxIterations ?? MAX_ITERATIONS;
  const tolerance = opts.tolerance ?? TOLERANCE;
  for (let it = 0; it < maxIterations; it++) {
    next.fill(0);
    let dangling = 0;
    for (let i = 0; i < n; i++) {
      const d = degree[i]!;
      const ri = r[i]!;
      if (d === 0) {
        dangling += ri;
        continue;
      }
      const share = ri / d;
      for (let k = offsets[i]!; k < offsets[i + 1]!; k++) {
        const t = targets[k]!;
        next[t] = next[t]! + share;
      }
    }
    let delta = 0;
    for (let i = 0; i < n; i++) {
      const v = restart * p[i]! + (1 - restart) * (next[i]! + dangling * p[i]!);
      delta += Math.abs(v - r[i]!);
      next[i] = v;
    }
    [r, next] = [next, r];
    if (delta < tolerance) break;
  }
  for (let i = 0; i < n; i++) scores.set(nodes[i]!, r[i]!);
  return scores;
}

export interface ExpandOptions {
  question: string;
  /** Vector-search hits (hop 0); added to the graph when missing from `chunks`. */
  hits: readonly ScoredChunk[];
  /** The workspace's chunks (capped by the caller). */
  chunks: readonly RagChunk[];
  /** Chunk–entity–chunk steps to expand; 0 = none. */
  hopDepth: number;
  /** Chunks to return at most. */
  limit: number;
  restart?: number;
}

interface EntityReach {
  /** Hop at which chunks are reached through this entity. */
  hop: number;
  fromChunkId: string | null;
}

/** The chunks graph expansion adds to the retrieved ones, best first, with the path to each. */
export function expandByGraph(opts: ExpandOptions): Expansion {
  const g = buildChunkEntityGraph([...opts.hits, ...opts.chunks]);
  const { graph, chunks, entityNames } = g;
  const questionKeys = entitiesInQuestion(opts.question, entityNames.keys());
  const questionEntities = questionKeys.map((k) => entityNames.get(k) ?? k);
  const empty: Expansion = { chunks: [], trace: [], questionEntities };
  const hopDepth = Math.max(0, Math.floor(opts.hopDepth));
  if (hopDepth === 0 || opts.limit < 1) return empty;

  // Breadth first: which chunks are within hopDepth, and at which hop each entity was first used.
  const chunkHop = new Map<string, number>();
  for (const h of opts.hits) chunkHop.set(h.id, 0);
  const entityReach = new Map<string, EntityReach>();
  let frontier = opts.hits.map((h) => h.id).filter((id, i, all) => all.indexOf(id) === i);
  for (let hop = 1; hop <= hopDepth; hop++) {
    const layer: string[] = [];
    for (const chunkId of frontier) {
      graph.forEachNeighbor(CHUNK + chunkId, (eNode) => {
        if (entityReach.has(eNode)) return;
        entityReach.set(eNode, { hop, fromChunkId: chunkId });
        layer.push(eNode);
      });
    }
    if (hop === 1) {
      for (const key of questionKeys) {
        const eNode = ENTITY + key;
        if (entityReach.has(eNode)) continue;
        entityReach.set(eNode, { hop, fromChunkId: null });
        layer.push(eNode);
      }
    }
    const next: string[] = [];
    for (const eNode of layer) {
      graph.forEachNeighbor(eNode, (cNode) => {
        const id = cNode.slice(CHUNK.length);
        if (chunkHop.has(id)) return;
        chunkHop.set(id, hop);
        next.push(id);
      });
    }
    if (next.length === 0) break;
    frontier = next;
  }

  // Walk from the seeds: retrieved chunks by similarity, question entities sharing the same total mass.
  const personalization = new Map<string, number>();
  let hitMass = 0;
  for (const h of opts.hits) {
    const w = Math.max(h.score, 0.01);
    personalization.set(CHUNK + h.id, (personalization.get(CHUNK + h.id) ?? 0) + w);
    hitMass += w;
  }
  if (questionKeys.length > 0) {
    const each = (hitMass > 0 ? hitMass : 1) / questionKeys.length;
    for (const key of questionKeys) personalization.set(ENTITY + key, each);
  }
  const ppr = personalizedPageRank(graph, personalization, {
    ...(opts.restart !== undefined ? { restart: opts.restart } : {}),
  });

  const reached: ExpandedChunk[] = [];
  for (const [id, hop] of chunkHop) {
    if (hop === 0) continue;
    const chunk = chunks.get(id)!;
    // The entity that led here: among this chunk's entities first used at this hop, the best-ranked one.
    let via: string | undefined;
    let viaScore = -1;
    graph.forEachNeighbor(CHUNK + id, (eNode) => {
      const reach = entityReach.get(eNode);
      if (!reach || reach.hop !== hop) return;
      const s = ppr.get(eNode) ?? 0;
      if (s > viaScore || (s === viaScore && via !== undefined && eNode < via)) {
        via = eNode;
        viaScore = s;
      }
    });
    const reach = entityReach.get(via!)!;
    reached.push({
      ...chunk,
      score: ppr.get(CHUNK + id) ?? 0,
      hop,
      via: entityNames.get(via!.slice(ENTITY.length)) ?? via!.slice(ENTITY.length),
      fromChunkId: reach.fromChunkId,
    });
  }
  reached.sort((a, b) => b.score - a.score || a.hop - b.hop || a.id.localeCompare(b.id));
  const selected = reached.slice(0, Math.floor(opts.limit));
  return { chunks: selected, trace: traceOf(selected, reached), questionEntities };
}

/** The hop-by-hop path to each selected chunk, through expanded chunks that may not be selected themselves. */
function traceOf(selected: readonly ExpandedChunk[], all: readonly ExpandedChunk[]): HopStep[] {
  const byId = new Map(all.map((c) => [c.id, c]));
  const seen = new Set<string>();
  const steps: HopStep[] = [];
  for (const chunk of selected) {
    const path: HopStep[] = [];
    for (let c: ExpandedChunk | undefined = chunk; c && !seen.has(c.id); ) {
      seen.add(c.id);
      path.push({ hop: c.hop, entity: c.via, chunkId: c.id, fromChunkId: c.fromChunkId });
      c = c.fromChunkId ? byId.get(c.fromChunkId) : undefined;
    }
    steps.push(...path.reverse());
  }
  return steps.sort((a, b) => a.hop - b.hop);
}

export interface NeighbourEntity {
  name: string;
  /** Entity–chunk–entity steps from the nearest seed entity (0 = a seed). */
  hop: number;
  score: number;
}

/**
 * Entities around `seeds` (display or normalised names) within `hopDepth` co-occurrence steps (two entities
 * are neighbours when a chunk names both), ranked by personalised PageRank from the seeds. Seeds come first.
 */
export function neighbourEntities(
  g: ChunkEntityGraph,
  seeds: readonly string[],
  opts: { hopDepth: number; limit: number; restart?: number },
): NeighbourEntity[] {
  const seedNodes = [...new Set(seeds.map((s) => ENTITY + normalizeEntityName(s)))].filter((n) =>
    g.graph.hasNode(n),
  );
  if (seedNodes.length === 0 || opts.limit < 1) return [];
  const hopOf = new Map<string, number>(seedNodes.map((n) => [n, 0]));
  let frontier = seedNodes;
  const seenChunks = new Set<string>();
  for (let hop = 1; hop <= Math.max(0, Math.floor(opts.hopDepth)); hop++) {
    const next: string[] = [];
    for (const eNode of frontier) {
      g.graph.forEachNeighbor(eNode, (cNode) => {
        if (seenChunks.has(cNode)) return;
        seenChunks.add(cNode);
        g.graph.forEachNeighbor(cNode, (other) => {
          if (hopOf.has(other)) return;
          hopOf.set(other, hop);
          next.push(other);
        });
      });
    }
    if (next.length === 0) break;
    frontier = next;
  }
  const ppr = personalizedPageRank(
    g.graph,
    new Map(seedNodes.map((n) => [n, 1])),
    opts.restart !== undefined ? { restart: opts.restart } : {},
  );
  const out: NeighbourEntity[] = [...hopOf].map(([node, hop]) => {
    const key = node.slice(ENTITY.length);
    return { name: g.entityNames.get(key) ?? key, hop, score: ppr.get(node) ?? 0 };
  });
  out.sort(
    (a, b) => Number(a.hop > 0) - Number(b.hop > 0) || b.score - a.score || a.name.localeCompare(b.name),
  );
  return out.slice(0, Math.floor(opts.limit));
}
