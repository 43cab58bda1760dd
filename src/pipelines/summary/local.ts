/**
 * summary.json from the computed facts alone: every sentence is a template filled with numbers, names and
 * dates from the graph (the fallback without an LLM, and the base the LLM's text replaces part by part).
 */
import type { SummaryFile } from "../../contract/files/summary.js";
import type { ClusterFacts, GraphFacts, PatternFacts } from "./facts.js";
import type { Phrases } from "./i18n.js";

export type DetailLevel = "brief" | "standard" | "detailed";

export type Recommendation = SummaryFile["recommendations"][number];

export function limitsFor(detail: DetailLevel) {
  return detail === "brief"
    ? { recommendations: 3, interests: 3 }
    : detail === "detailed"
      ? { recommendations: 8, interests: 7 }
      : { recommendations: 5, interests: 5 };
}

export function periodText(facts: GraphFacts, P: Phrases): string {
  return facts.mostActive ? P.period(facts.mostActive.day, facts.mostActive.part) : "N/A";
}

export function localSummaryText(facts: GraphFacts, P: Phrases): string {
  const t = facts.totals;
  const parts = [
    P.overview({
      nodes: t.nodes,
      sources: P.sources({ chat: t.chat, note: t.note + t.notion, file: t.file }) || String(t.nodes),
      clusters: facts.clusters.length,
      span: facts.timeSpan === "N/A" ? null : facts.timeSpan,
    }),
  ];
  const largest = facts.clusters.slice(0, 3).map((c) => P.quote(c.name));
  if (largest.length) parts.push(P.largest(largest));
  if (facts.mostActive) parts.push(P.activePeriod(periodText(facts, P)));
  return parts.join(" ");
}

export function localStyle(facts: GraphFacts, P: Phrases): string {
  if (facts.totals.nodes === 0) return "";
  const t = facts.totals;
  const kind = facts.avgSections < 4 ? "brief" : facts.avgSections >= 12 ? "in-depth" : "balanced";
  const notes = t.note + t.notion;
  const main =
    t.chat / t.nodes >= 0.6
      ? "chat"
      : notes / t.nodes >= 0.6
        ? "note"
        : t.file / t.nodes >= 0.6
          ? "file"
          : "mixed";
  return P.style(kind, facts.avgSections, main);
}

export function localInsight(c: ClusterFacts, P: Phrases): string {
  return P.clusterInsight({
    name: P.quote(c.name),
    size: c.size,
    share: c.share,
    recency: P.recency[c.recency],
    themes: c.keyThemes.slice(0, 4),
    density: c.density,
  });
}

export function localPatternText(p: PatternFacts, facts: GraphFacts, P: Phrases): string {
  const name = (id: string) => P.quote(facts.clusters.find((c) => c.id === id)?.name ?? id);
  switch (p.type) {
    case "repetition":
      return P.repetition(p.detail.n, name(p.clusters[0]!));
    case "progression":
      return P.progression(name(p.clusters[0]!), p.detail.n, p.detail.from ?? "", p.detail.to ?? "");
    case "gap":
      return P.gap(name(p.clusters[0]!), p.detail.last ?? "");
    case "bridge":
      return P.bridge(p.detail.n, p.clusters.map(name));
  }
}

/** Recommendations follow from the patterns and connections, so each cites the nodes of its evidence. */
export function localRecommendations(facts: GraphFacts, P: Phrases, limit: number): Recommendation[] {
  const name = (id: string) => P.quote(facts.clusters.find((c) => c.id === id)?.name ?? id);
  const out: Recommendation[] = [];
  for (const p of facts.patterns) {
    if (p.type === "repetition")
      out.push({
        type: "consolidate",
        title: P.recConsolidate[0],
        description: P.recConsolidate[1](name(p.clusters[0]!), p.detail.n),
        related_nodes: p.evidence,
        priority: p.significance,
      });
    else if (p.type === "gap")
      out.push({
        type: "review",
        title: P.recReview[0],
        description: P.recReview[1](name(p.clusters[0]!)),
        related_nodes: p.evidence,
        priority: p.significance === "high" ? "medium" : "low",
      });
  }
  const top = facts.connections[0];
  if (top)
    out.push({
      type: "connect",
      title: P.recConnect[0],
      description: P.recConnect[1](name(top.source), name(top.target)),
      related_nodes: top.bridgeNodes.slice(0, 5),
      priority: top.strength >= 0.5 ? "medium" : "low",
    });
  const fresh = facts.clusters.filter((c) => c.recency === "new").sort((a, b) => a.size - b.size)[0];
  if (fresh)
    out.push({
      type: "explore",
      title: P.recExplore[0],
      description: P.recExplore[1](fresh.name),
      related_nodes: fresh.notable,
      priority: "medium",
    });
  const rank = { high: 0, medium: 1, low: 2 };
  return out.sort((a, b) => rank[a.priority] - rank[b.priority]).slice(0, limit);
}

export function localSummary(
  facts: GraphFacts,
  P: Phrases,
  opts: { detail: DetailLevel; generatedAt: string },
): SummaryFile {
  const limits = limitsFor(opts.detail);
  const t = facts.totals;
  const name = (id: string) => P.quote(facts.clusters.find((c) => c.id === id)?.name ?? id);
  return {
    overview: {
      total_source_nodes: t.nodes,
      total_conversations: t.chat,
      total_notes: t.note,
      total_notions: t.notion,
      total_files: t.file,
      file_counts_by_extension: facts.fileCountsByExtension,
      time_span: facts.timeSpan,
      primary_interests: facts.clusters.slice(0, limits.interests).map((c) => c.name),
      conversation_style: localStyle(facts, P),
      most_active_period: periodText(facts, P),
      summary_text: localSummaryText(facts, P),
    },
    clusters: facts.clusters.map((c) => ({
      cluster_id: c.id,
      name: c.name,
      size: c.size,
      density: c.density,
      centrality: c.centrality,
      recency: c.recency,
      top_keywords: c.topKeywords,
      key_themes: c.keyThemes,
      common_question_types: c.questionTypes.map((q) => P.questionType[q]),
      insight_text: localInsight(c, P),
      notable_conversations: c.notable,
    })),
    patterns: facts.patterns.map((p) => ({
      pattern_type: p.type,
      description: localPatternText(p, facts, P),
      evidence: p.evidence,
      significance: p.significance,
    })),
    connections: facts.connections.map((c) => ({
      source_cluster: c.source,
      target_cluster: c.target,
      connection_strength: c.strength,
      bridge_keywords: c.bridgeKeywords,
      description: P.connection(name(c.source), name(c.target), c.edges, c.bridgeKeywords.slice(0, 3)),
    })),
    recommendations: localRecommendations(facts, P, limits.recommendations),
    generated_at: opts.generatedAt,
    detail_level: opts.detail,
  };
}
