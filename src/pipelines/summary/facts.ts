/**
 * Everything the summary states that can be computed from the graph itself, with no LLM: totals, time span,
 * most active period, per-cluster size/density/centrality/recency/keywords/names, the strongest cluster-to-
 * cluster connections and the four pattern types with evidence. Evidence and notable nodes are cited by
 * `orig_id` (the contract's example cites "c1"; orig ids are stable across regenerations, numeric ids are not).
 * Times are read in UTC: the graph carries no user time zone.
 */
import type { Phrases, QuestionType } from "./i18n.js";
import { type DayKind, type DayPart, QUESTION_CUES } from "./i18n.js";
import {
  buildSummaryGraph,
  type SummaryGraph,
  type SummaryGraphInput,
  type SummaryNode,
  UNSET_CLUSTER,
} from "./model.js";

const DAY = 86_400_000;

export type Recency = "active" | "dormant" | "new" | "unknown";
export type Level = "high" | "medium" | "low";

export interface ClusterFacts {
  id: string;
  /** The graph's name, else one derived from themes/keywords/titles, else "Topic n" (never empty). */
  name: string;
  nameDerived: boolean;
  description: string;
  size: number;
  share: number;
  density: number;
  centrality: number;
  recency: Recency;
  first: number | null;
  last: number | null;
  topKeywords: string[];
  keyThemes: string[];
  questionTypes: QuestionType[];
  /** orig ids, most central first. */
  notable: string[];
  sampleTitles: string[];
}

export interface ConnectionFacts {
  source: string;
  target: string;
  strength: number;
  edges: number;
  bridgeKeywords: string[];
  /** orig ids of the nodes at the ends of the linking edges. */
  bridgeNodes: string[];
}

export type PatternKind = "repetition" | "progression" | "gap" | "bridge";

export interface PatternFacts {
  type: PatternKind;
  clusters: string[];
  evidence: string[];
  significance: Level;
  /** Template inputs for the local sentence. */
  detail: { n: number; from?: string; to?: string; last?: string };
}

export interface GraphFacts {
  graph: SummaryGraph;
  totals: {
    nodes: number;
    chat: number;
    note: number;
    notion: number;
    file: number;
    unclustered: number;
    edges: number;
  };
  fileCountsByExtension: Record<string, number>;
  timeSpan: string;
  firstTime: number | null;
  lastTime: number | null;
  mostActive: { day: DayKind; part: DayPart } | null;
  avgSections: number;
  clusters: ClusterFacts[];
  connections: ConnectionFacts[];
  patterns: PatternFacts[];
}

export interface FactOptions {
  phrases: Phrases;
  /** Cap on connections and on patterns per type. */
  maxConnections?: number;
  maxPatternsPerType?: number;
}

const round3 = (x: number) => Math.round(Math.min(1, Math.max(0, x)) * 1000) / 1000;
const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);

function dayPart(hour: number): DayPart {
  if (hour >= 5 && hour < 12) return "morning";
  if (hour >= 12 && hour < 17) return "afternoon";
  if (hour >= 17 && hour < 21) return "evening";
  return "night";
}

export function mostActivePeriod(times: number[]): { day: DayKind; part: DayPart } | null {
  if (times.length === 0) return null;
  const counts = new Map<string, number>();
  for (const t of times) {
    const d = new Date(t);
    const wd = d.getUTCDay();
    const key = `${wd === 0 || wd === 6 ? "weekend" : "weekday"}|${dayPart(d.getUTCHours())}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  // Weekdays are 5/7 of the week: compare per-day rates so weekends are not always out-voted.
  let best = "";
  let bestRate = -1;
  for (const [key, c] of counts) {
    const rate = c / (key.startsWith("weekday") ? 5 : 2);
    if (rate > bestRate || (rate === bestRate && key < best)) {
      best = key;
      bestRate = rate;
    }
  }
  const [day, part] = best.split("|") as [DayKind, DayPart];
  return { day, part };
}

/** Ranks terms by how many of the given nodes carry them (earlier position in a node's list breaks ties). */
function rankTerms(nodes: SummaryNode[], limit: number, exclude?: Set<string>): string[] {
  const score = new Map<string, { s: number; label: string }>();
  for (const n of nodes) {
    n.terms.slice(0, 10).forEach((t, i) => {
      const key = t.toLowerCase();
      if (exclude?.has(key)) return;
      const prev = score.get(key);
      score.set(key, { s: (prev?.s ?? 0) + 1 + 0.1 / (i + 1), label: prev?.label ?? t });
    });
  }
  return [...score.values()]
    .sort((a, b) => b.s - a.s || a.label.localeCompare(b.label))
    .slice(0, limit)
    .map((x) => x.label);
}

function questionTypes(titles: string[]): QuestionType[] {
  const counts = new Map<QuestionType, number>();
  for (const t of titles) {
    for (const [type, re] of QUESTION_CUES) {
      if (re.test(t)) {
        counts.set(type, (counts.get(type) ?? 0) + 1);
        break;
      }
    }
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([t]) => t);
}

/** A title's words (lower-cased, punctuation dropped); CJK words as character bigrams. */
function titleGrams(s: string): Set<string> {
  const clean = s
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, " ")
    .trim();
  const words = clean.split(/\s+/).filter(Boolean);
  const out = new Set<string>();
  for (const w of words) {
    if (/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u.test(w) && w.length > 2) {
      for (let i = 0; i + 1 < w.length; i++) out.add(w.slice(i, i + 2));
    } else out.add(w);
  }
  return out;
}

/** Word-set Jaccard of two titles (lower-cased, punctuation dropped); CJK titles compare by character bigrams. */
export function titleSimilarity(a: string, b: string): number {
  return gramSimilarity(titleGrams(a), titleGrams(b));
}

function gramSimilarity(A: Set<string>, B: Set<string>): number {
  if (A.size === 0 || B.size === 0) return 0;
  let inter = 0;
  for (const x of A) if (B.has(x)) inter++;
  return inter / (A.size + B.size - inter);
}

/** The smallest and largest of `values` (null when empty), in one pass, for any number of values. */
export function extent(values: Iterable<number>): { min: number | null; max: number | null } {
  let min: number | null = null;
  let max: number | null = null;
  for (const v of values) {
    if (min === null || v < min) min = v;
    if (max === null || v > max) max = v;
  }
  return { min, max };
}

export function computeFacts(input: SummaryGraphInput, opts: FactOptions): GraphFacts {
  const g = buildSummaryGraph(input);
  const P = opts.phrases;
  const maxConn = opts.maxConnections ?? 5;
  const maxPat = opts.maxPatternsPerType ?? 3;
  const N = g.nodes.length;

  // ---- totals
  const totals = { nodes: N, chat: 0, note: 0, notion: 0, file: 0, unclustered: 0, edges: g.edges.length };
  const fileCountsByExtension: Record<string, number> = {};
  for (const n of g.nodes) {
    if (n.clusterId === UNSET_CLUSTER) totals.unclustered++;
    if (n.sourceType === "chat") totals.chat++;
    else if (n.sourceType === "markdown") totals.note++;
    else if (n.sourceType === "notion") totals.notion++;
    else {
      totals.file++;
      fileCountsByExtension[n.sourceType] = (fileCountsByExtension[n.sourceType] ?? 0) + 1;
    }
  }
  const times = g.nodes.map((n) => n.time).filter((t): t is number => t !== null);
  // A loop, not Math.min(...times): spreading 150,000 timestamps into a call overflows the stack.
  const { min: firstTime, max: lastTime } = extent(times);
  const timeSpan =
    firstTime !== null && lastTime !== null ? `${isoDay(firstTime)} ~ ${isoDay(lastTime)}` : "N/A";
  const avgSections = N ? g.nodes.reduce((s, n) => s + n.sections, 0) / N : 0;

  // Recency window: a fifth of the graph's span, between two weeks and three months, measured back from the
  // graph's latest activity (not from today: an old export is still described relative to its own timeline).
  const span = firstTime !== null && lastTime !== null ? lastTime - firstTime : 0;
  const window = Math.min(90 * DAY, Math.max(14 * DAY, span * 0.2));

  // ---- adjacency
  const clusterOf = new Map(g.nodes.map((n) => [n.id, n.clusterId]));
  const degree = new Map<number, number>();
  const intra = new Map<string, number>();
  const pair = new Map<string, { w: number; edges: number; nodes: Set<number> }>();
  const foreign = new Map<number, Map<string, number>>();
  for (const e of g.edges) {
    degree.set(e.source, (degree.get(e.source) ?? 0) + e.weight);
    degree.set(e.target, (degree.get(e.target) ?? 0) + e.weight);
    const a = clusterOf.get(e.source)!;
    const b = clusterOf.get(e.target)!;
    if (a === b) {
      intra.set(a, (intra.get(a) ?? 0) + 1);
      continue;
    }
    for (const [n, other] of [
      [e.source, b],
      [e.target, a],
    ] as const) {
      if (other === UNSET_CLUSTER) continue;
      const m = foreign.get(n) ?? new Map<string, number>();
      m.set(other, (m.get(other) ?? 0) + e.weight);
      foreign.set(n, m);
    }
    if (a === UNSET_CLUSTER || b === UNSET_CLUSTER) continue;
    const key = a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
    const p = pair.get(key) ?? { w: 0, edges: 0, nodes: new Set<number>() };
    p.w += e.weight;
    p.edges++;
    p.nodes.add(e.source);
    p.nodes.add(e.target);
    pair.set(key, p);
  }

  // ---- clusters
  const members = new Map<string, SummaryNode[]>();
  for (const n of g.nodes) {
    const list = members.get(n.clusterId) ?? [];
    list.push(n);
    members.set(n.clusterId, list);
  }
  const external = new Map<string, number>();
  for (const [key, p] of pair) {
    const [a, b] = key.split("\u0000") as [string, string];
    external.set(a, (external.get(a) ?? 0) + p.w);
    external.set(b, (external.get(b) ?? 0) + p.w);
  }
  const maxExternal = Math.max(0, extent(external.values()).max ?? 0);
  const clustered = N - totals.unclustered;
  const usedNames = new Set<string>();
  const clusters: ClusterFacts[] = g.clusters
    .map((meta, index) => {
      const nodes = members.get(meta.id) ?? [];
      const size = nodes.length;
      const cTimes = nodes.map((n) => n.time).filter((t): t is number => t !== null);
      const { min: first, max: last } = extent(cTimes);
      let recency: Recency = "unknown";
      if (last !== null && lastTime !== null && firstTime !== null) {
        if (last < lastTime - window) recency = "dormant";
        else if (first !== null && first >= lastTime - window && span > window) recency = "new";
        else recency = "active";
      }
      const topKeywords = rankTerms(nodes, 8);
      const fallbackTerms = topKeywords.length ? topKeywords : meta.subclusterTerms.slice(0, 8);
      const keyThemes = meta.themes.length ? meta.themes.slice(0, 5) : fallbackTerms.slice(0, 5);
      let name = meta.name;
      let nameDerived = false;
      if (!name) {
        nameDerived = true;
        const source = meta.themes.length ? meta.themes : fallbackTerms;
        const picked = source.filter((t) => !usedNames.has(t.toLowerCase())).slice(0, 2);
        name = picked.length ? picked.join(" · ") : P.topic(index + 1);
      }
      if (usedNames.has(name.toLowerCase())) name = `${name} (${P.topic(index + 1)})`;
      usedNames.add(name.toLowerCase());
      for (const t of name.split(" · ")) usedNames.add(t.toLowerCase());
      const pairs = (size * (size - 1)) / 2;
      const reps = new Set(meta.representatives);
      const notable = [...nodes]
        .sort(
          (a, b) =>
            Number(reps.has(b.id)) - Number(reps.has(a.id)) ||
            (degree.get(b.id) ?? 0) + b.sections * 0.05 - ((degree.get(a.id) ?? 0) + a.sections * 0.05) ||
            a.id - b.id,
        )
        .slice(0, 3)
        .map((n) => n.origId);
      const titles = nodes.map((n) => n.title).filter(Boolean);
      return {
        id: meta.id,
        name,
        nameDerived,
        description: meta.description,
        size,
        share: clustered ? size / clustered : 0,
        density: pairs > 0 ? round3((intra.get(meta.id) ?? 0) / pairs) : 0,
        centrality: maxExternal > 0 ? round3((external.get(meta.id) ?? 0) / maxExternal) : 0,
        recency,
        first,
        last,
        topKeywords: fallbackTerms,
        keyThemes,
        questionTypes: questionTypes(titles),
        notable,
        sampleTitles: titles.slice(0, 8),
      };
    })
    .filter((c) => c.size > 0)
    .sort((a, b) => b.size - a.size);
  const byCluster = new Map(clusters.map((c) => [c.id, c]));

  // ---- connections: total linking weight over the geometric mean of the two sizes, capped at 1.
  const connections: ConnectionFacts[] = [];
  for (const [key, p] of pair) {
    const [a, b] = key.split("\u0000") as [string, string];
    const A = byCluster.get(a);
    const B = byCluster.get(b);
    if (!A || !B) continue;
    const ends = [...p.nodes].map((id) => g.byId.get(id)!);
    const side = (c: string) => ends.filter((n) => n.clusterId === c);
    const termsA = new Set(side(a).flatMap((n) => n.terms.map((t) => t.toLowerCase())));
    const shared = rankTerms(side(b), 20).filter((t) => termsA.has(t.toLowerCase()));
    const bridgeKeywords = (shared.length ? shared : rankTerms(ends, 5)).slice(0, 5);
    connections.push({
      source: a,
      target: b,
      strength: round3(p.w / Math.sqrt(A.size * B.size)),
      edges: p.edges,
      bridgeKeywords,
      bridgeNodes: ends
        .sort((x, y) => (degree.get(y.id) ?? 0) - (degree.get(x.id) ?? 0))
        .slice(0, 6)
        .map((n) => n.origId),
    });
  }
  connections.sort(
    (x, y) => y.strength - x.strength || y.edges - x.edges || x.source.localeCompare(y.source),
  );
  const strengthOf = new Map(connections.map((c) => [`${c.source}\u0000${c.target}`, c.strength]));
  const pairStrength = (a: string, b: string) =>
    strengthOf.get(a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`) ?? 0;

  const patterns: PatternFacts[] = [
    ...repetitions(g, maxPat),
    ...progressions(clusters, members, maxPat),
    ...gaps(clusters, members, lastTime, maxPat),
    ...bridges(g, foreign, pairStrength, maxPat),
  ];

  return {
    graph: g,
    totals,
    fileCountsByExtension,
    timeSpan,
    firstTime,
    lastTime,
    mostActive: mostActivePeriod(times),
    avgSections,
    clusters,
    connections: connections.slice(0, maxConn),
    patterns,
  };
}

/**
 * Near-duplicate questions: titles with word-set Jaccard ≥ 0.6, or (graphs without titles) an edge of weight
 * ≥ 0.92 inside one cluster. Groups are the connected components of those pairs.
 */
function repetitions(g: SummaryGraph, max: number): PatternFacts[] {
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let r = x;
    while (parent.get(r) !== undefined && parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(Math.max(ra, rb), Math.min(ra, rb));
  };
  const titled = g.nodes.filter((n) => n.title.trim().length > 0);
  // Pairwise title comparison is quadratic: compare within clusters only (duplicates land in one cluster).
  const byCluster = new Map<string, SummaryNode[]>();
  // Appended in place: a copy per node made this quadratic in the cluster size (minutes for 150,000 nodes).
  for (const n of titled) {
    const list = byCluster.get(n.clusterId);
    if (list) list.push(n);
    else byCluster.set(n.clusterId, [n]);
  }
  for (const list of byCluster.values()) {
    if (list.length > 2000) continue;
    // Each title's grams once, not once per pair: the pairs of a 1,000-node cluster took seconds of main thread.
    const grams = list.map((n) => titleGrams(n.title));
    for (let i = 0; i < list.length; i++)
      for (let j = i + 1; j < list.length; j++)
        if (gramSimilarity(grams[i]!, grams[j]!) >= 0.6) union(list[i]!.id, list[j]!.id);
  }
  for (const e of g.edges) {
    const a = g.byId.get(e.source)!;
    const b = g.byId.get(e.target)!;
    if (e.weight >= 0.92 && a.clusterId === b.clusterId && !(a.title && b.title)) union(a.id, b.id);
  }
  const groups = new Map<number, SummaryNode[]>();
  for (const id of parent.keys()) {
    const r = find(id);
    const group = groups.get(r);
    if (group) group.push(g.byId.get(id)!);
    else groups.set(r, [g.byId.get(id)!]);
  }
  return [...groups.values()]
    .filter((list) => list.length >= 2)
    .sort((a, b) => b.length - a.length)
    .slice(0, max)
    .map((list) => ({
      type: "repetition" as const,
      clusters: [list[0]!.clusterId],
      evidence: list.slice(0, 10).map((n) => n.origId),
      significance: list.length >= 4 ? "high" : list.length === 3 ? "medium" : "low",
      detail: { n: list.length },
    }));
}

/** A topic revisited on ≥ 3 different days where the later half of the visits carries ≥ 1.3× more content. */
function progressions(
  clusters: ClusterFacts[],
  members: Map<string, SummaryNode[]>,
  max: number,
): PatternFacts[] {
  const out: (PatternFacts & { score: number })[] = [];
  for (const c of clusters) {
    const timed = (members.get(c.id) ?? []).filter((n) => n.time !== null).sort((a, b) => a.time! - b.time!);
    const days = new Set(timed.map((n) => isoDay(n.time!)));
    if (timed.length < 3 || days.size < 3) continue;
    const half = Math.floor(timed.length / 2);
    const depth = (n: SummaryNode) => n.sections + n.terms.length * 0.1;
    const early = timed.slice(0, half).reduce((s, n) => s + depth(n), 0) / half;
    const late = timed.slice(timed.length - half).reduce((s, n) => s + depth(n), 0) / half;
    if (late < early * 1.3 || late - early < 1) continue;
    const pick =
      timed.length <= 5
        ? timed
        : [0, 1, 2, 3, 4].map((i) => timed[Math.round((i * (timed.length - 1)) / 4)]!);
    out.push({
      type: "progression",
      clusters: [c.id],
      evidence: [...new Set(pick.map((n) => n.origId))],
      significance: late >= early * 2 && timed.length >= 5 ? "high" : "medium",
      detail: { n: timed.length, from: isoDay(timed[0]!.time!), to: isoDay(timed.at(-1)!.time!) },
      score: late / Math.max(early, 0.5),
    });
  }
  return out
    .sort((a, b) => b.score - a.score)
    .slice(0, max)
    .map(({ score: _s, ...p }) => p);
}

/** A cluster with ≥ 2 items whose last activity is older than the rest of the graph's recent window. */
function gaps(
  clusters: ClusterFacts[],
  members: Map<string, SummaryNode[]>,
  lastTime: number | null,
  max: number,
): PatternFacts[] {
  if (lastTime === null) return [];
  return clusters
    .filter((c) => c.recency === "dormant" && c.size >= 2 && c.last !== null)
    .sort((a, b) => b.size - a.size || a.last! - b.last!)
    .slice(0, max)
    .map((c) => {
      const latest = (members.get(c.id) ?? [])
        .filter((n) => n.time !== null)
        .sort((a, b) => b.time! - a.time!)
        .slice(0, 3);
      const quietDays = (lastTime - c.last!) / DAY;
      return {
        type: "gap" as const,
        clusters: [c.id],
        evidence: latest.map((n) => n.origId),
        significance: (c.size >= 5 && quietDays > 60 ? "high" : quietDays > 30 ? "medium" : "low") as Level,
        detail: { n: c.size, last: isoDay(c.last!) },
      };
    });
}

/**
 * Nodes that link their cluster to another one the two clusters are otherwise weakly connected with: each
 * cross-cluster link scores its weight × (1 − the direct strength of that cluster pair), so links between
 * "distant" clusters rank first. One pattern per cluster pair, citing its best bridge nodes.
 */
function bridges(
  g: SummaryGraph,
  foreign: Map<number, Map<string, number>>,
  pairStrength: (a: string, b: string) => number,
  max: number,
): PatternFacts[] {
  const byPair = new Map<
    string,
    { clusters: [string, string]; nodes: { node: SummaryNode; score: number }[] }
  >();
  for (const [id, m] of foreign) {
    const node = g.byId.get(id)!;
    if (node.clusterId === UNSET_CLUSTER) continue;
    for (const [other, w] of m) {
      const clusters: [string, string] =
        node.clusterId < other ? [node.clusterId, other] : [other, node.clusterId];
      const key = clusters.join("\u0000");
      const entry = byPair.get(key) ?? { clusters, nodes: [] };
      entry.nodes.push({ node, score: w * (1 - pairStrength(node.clusterId, other)) });
      byPair.set(key, entry);
    }
  }
  const ranked = [...byPair.values()].map((p) => {
    p.nodes.sort((a, b) => b.score - a.score || a.node.id - b.node.id);
    const distance = 1 - pairStrength(p.clusters[0], p.clusters[1]);
    return { ...p, distance, score: p.nodes[0]!.score };
  });
  // Distant pairs only: a pair that is already among the strongest connections is a connection, not a bridge.
  return ranked
    .filter((p) => p.distance >= 0.5)
    .sort((a, b) => b.score - a.score || a.clusters.join().localeCompare(b.clusters.join()))
    .slice(0, max)
    .map((p) => ({
      type: "bridge" as const,
      clusters: p.clusters,
      evidence: p.nodes.slice(0, 5).map((s) => s.node.origId),
      significance: (p.distance >= 0.9 && p.nodes.length <= 2
        ? "high"
        : p.nodes.length <= 5
          ? "medium"
          : "low") as Level,
      detail: { n: p.nodes.length },
    }));
}
