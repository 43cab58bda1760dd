/**
 * The summary's prose written by an LLM, grounded in the computed facts: one overview call, one call per batch
 * of clusters (at most MAX_CLUSTER_CALLS) and one call for pattern/connection/recommendation wording, all in
 * parallel under the Llm's concurrency limit. The model only writes text: ids, numbers, evidence and related
 * nodes stay the computed ones, so every citation exists. Every text the model returns is checked (script of
 * the requested language, length, complete sentences, no copied instructions, no ids that do not exist)
 * and replaces the local text of its item only when it passes; a call that fails leaves its whole part
 * local. The result counts what was accepted and rejected.
 */
import { z } from "zod";
import { budgetForText, type Llm, type TextRequest, TextVerdicts } from "../../ai/llm/index.js";
import type { SummaryFile } from "../../contract/files/summary.js";
import type { GraphFacts } from "./facts.js";

export const CLUSTERS_PER_CALL = 8;
export const MAX_CLUSTER_CALLS = 3;

const text = (max: number) => z.string().max(max);

const overviewSchema = z.object({
  summary_text: text(2000),
  conversation_style: text(400),
  primary_interests: z.array(text(80)).max(8),
});

const clustersSchema = z.object({
  clusters: z.array(
    z.object({
      cluster_id: z.string(),
      name: text(80).optional(),
      insight_text: text(1200),
      common_question_types: z.array(text(60)).max(5),
    }),
  ),
});

const narrativeSchema = z.object({
  patterns: z.array(z.object({ index: z.number().int(), description: text(600) })),
  connections: z.array(z.object({ index: z.number().int(), description: text(600) })),
  recommendations: z.array(z.object({ index: z.number().int(), title: text(120), description: text(600) })),
});

export type LlmPart = "overview" | "clusters" | "narrative";

export interface LlmTextResult {
  /** Which parts the LLM wrote (the rest kept the local text). */
  parts: Record<LlmPart, "llm" | "local" | "partial">;
  calls: number;
  failures: string[];
  /** Texts that replaced a local one. */
  accepted: number;
  /** Texts that failed a check (the local text stayed), with the item and the reason. */
  rejected: { item: string; reason: string }[];
}

/** Expected characters of each answer, for the output budgets (generous: a proper answer never hits them). */
const OVERVIEW_CHARS = 1200 + 300 + 5 * 40;
const CLUSTER_CHARS = 60 + 600 + 3 * 40;
const NARRATIVE_ITEM_CHARS = 80 + 400;

const SCHEMA_WORDS = [
  "summary_text",
  "conversation_style",
  "primary_interests",
  "insight_text",
  "common_question_types",
  "cluster_id",
  "description",
  "title",
  "name",
  "string",
  "patterns",
  "connections",
  "recommendations",
];

function system(language: string): string {
  return [
    "You write the insight summary of a person's knowledge graph (their AI chats, notes and files).",
    `Write every text field in ${language}.`,
    "Use only the facts given in the prompt: do not invent topics, numbers, dates or items.",
    "Be concrete and concise; address the user as 'you'. Answer with JSON only.",
  ].join(" ");
}

function clusterDigest(facts: GraphFacts, id: string) {
  const c = facts.clusters.find((x) => x.id === id)!;
  return {
    cluster_id: c.id,
    name: c.name,
    name_is_derived_from_keywords: c.nameDerived,
    size: c.size,
    share_of_graph: Math.round(c.share * 100) / 100,
    density: c.density,
    centrality: c.centrality,
    recency: c.recency,
    first_activity: c.first ? new Date(c.first).toISOString().slice(0, 10) : null,
    last_activity: c.last ? new Date(c.last).toISOString().slice(0, 10) : null,
    top_keywords: c.topKeywords.slice(0, 8),
    key_themes: c.keyThemes,
    description: c.description || undefined,
    detected_question_types: c.questionTypes,
    sample_titles: c.sampleTitles.map((t) => t.slice(0, 100)),
  };
}

export async function writeWithLlm(
  llm: Llm,
  facts: GraphFacts,
  summary: SummaryFile,
  opts: {
    languageName: string;
    /** ISO code of the requested language, for the script checks and budgets. */
    language?: string;
    signal?: AbortSignal;
    quote: (name: string) => string;
  },
): Promise<LlmTextResult> {
  const sys = system(opts.languageName);
  const verdicts = new TextVerdicts();
  const knownIds = new Set(facts.clusters.map((c) => c.id));
  const sentence = (minChars: number): TextRequest => ({
    kind: "sentence",
    language: opts.language,
    minChars,
    echoes: SCHEMA_WORDS,
    instructions: [sys],
    knownIds,
  });
  const label: TextRequest = { kind: "label", language: opts.language, echoes: SCHEMA_WORDS, knownIds };
  const signal = opts.signal ? { signal: opts.signal } : {};
  const parts: LlmTextResult["parts"] = { overview: "local", clusters: "local", narrative: "local" };
  const failures: string[] = [];
  let calls = 0;
  const overviewFacts = {
    totals: facts.totals,
    time_span: summary.overview.time_span,
    most_active_period: summary.overview.most_active_period,
    average_messages_or_sections_per_item: Math.round(facts.avgSections * 10) / 10,
    clusters: facts.clusters.slice(0, 15).map((c) => ({
      name: c.name,
      size: c.size,
      recency: c.recency,
      key_themes: c.keyThemes.slice(0, 4),
    })),
    patterns: summary.patterns.map((p) => ({ type: p.pattern_type, fact: p.description })),
  };

  const guard = async <T>(label: string, run: () => Promise<T>): Promise<T | null> => {
    calls++;
    try {
      return await run();
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      failures.push(label);
      return null;
    }
  };

  const overview = guard("summary-overview", () =>
    llm.generateObject(overviewSchema, {
      system: sys,
      label: "summary-overview",
      maxOutputTokens: budgetForText(OVERVIEW_CHARS, opts.language),
      ...signal,
      prompt: [
        "Facts about the graph:",
        JSON.stringify(overviewFacts),
        "Write: summary_text (3 to 5 sentences on what the person thinks and asks about, using these facts),",
        "conversation_style (one sentence on how they use the assistant, from sizes, messages per item and sources),",
        "primary_interests (3 to 5 short topic names, from the clusters).",
      ].join("\n"),
    }),
  );

  const batches: string[][] = [];
  const ids = facts.clusters.map((c) => c.id);
  for (let i = 0; i < ids.length && batches.length < MAX_CLUSTER_CALLS; i += CLUSTERS_PER_CALL)
    batches.push(ids.slice(i, i + CLUSTERS_PER_CALL));
  const clusterCalls = batches.map((batch, i) =>
    guard(`summary-clusters-${i + 1}`, () =>
      llm.generateObject(clustersSchema, {
        system: sys,
        label: `summary-clusters-${i + 1}`,
        maxOutputTokens: budgetForText(CLUSTER_CHARS * batch.length, opts.language),
        ...signal,
        prompt: [
          "Clusters of the graph (computed facts):",
          JSON.stringify(batch.map((id) => clusterDigest(facts, id))),
          "For every cluster_id write insight_text (2 to 3 sentences: what this topic is about for the person,",
          "how it is developing given recency and dates) and common_question_types (1 to 3 short labels such as",
          "how-to, concept, troubleshooting). When name_is_derived_from_keywords is true, also give a short",
          "name of 2 to 5 words; otherwise leave name out.",
        ].join("\n"),
      }),
    ),
  );

  const narrativeNeeded =
    summary.patterns.length + summary.connections.length + summary.recommendations.length > 0;
  const names = new Map(facts.clusters.map((c) => [c.id, c.name]));
  const narrative = narrativeNeeded
    ? guard("summary-narrative", () =>
        llm.generateObject(narrativeSchema, {
          system: sys,
          label: "summary-narrative",
          maxOutputTokens: budgetForText(
            NARRATIVE_ITEM_CHARS *
              (summary.patterns.length + summary.connections.length + summary.recommendations.length),
            opts.language,
          ),
          ...signal,
          prompt: [
            "Computed findings (keep their meaning, rewrite the wording so it reads naturally):",
            JSON.stringify({
              patterns: summary.patterns.map((p, index) => ({
                index,
                type: p.pattern_type,
                fact: p.description,
              })),
              connections: summary.connections.map((c, index) => ({
                index,
                between: [names.get(c.source_cluster), names.get(c.target_cluster)],
                strength: c.connection_strength,
                bridge_keywords: c.bridge_keywords,
                fact: c.description,
              })),
              recommendations: summary.recommendations.map((r, index) => ({
                index,
                type: r.type,
                title: r.title,
                fact: r.description,
              })),
            }),
            "Return one entry per index of each list: a description for patterns and connections (1 to 2",
            "sentences), a title (at most 8 words) and an actionable description for recommendations.",
          ].join("\n"),
        }),
      )
    : null;

  const [ov, cl, na] = await Promise.all([overview, Promise.all(clusterCalls), narrative]);

  if (ov) {
    const s = verdicts.take("overview.summary_text", ov.summary_text, sentence(40));
    const st = verdicts.take("overview.conversation_style", ov.conversation_style, sentence(15));
    const interests = ov.primary_interests
      .map((x, i) => verdicts.take(`overview.primary_interests.${i}`, x, label))
      .filter((x): x is string => !!x);
    if (s) summary.overview.summary_text = s;
    if (st) summary.overview.conversation_style = st;
    if (interests.length) summary.overview.primary_interests = interests;
    parts.overview = s && st && interests.length ? "llm" : s || st || interests.length ? "partial" : "local";
  }

  let written = 0;
  const renames: [string, string][] = [];
  const taken = new Set(summary.clusters.map((c) => c.name.toLowerCase()));
  const byId = new Map(summary.clusters.map((c) => [c.cluster_id, c]));
  const answered = new Set<string>();
  cl.forEach((answer, i) => {
    const asked = new Set(batches[i] ?? []);
    for (const entry of answer?.clusters ?? []) {
      const id = entry.cluster_id;
      const target = byId.get(id);
      const f = facts.clusters.find((c) => c.id === id);
      if (!target || !f || !asked.has(id) || answered.has(id)) {
        verdicts.reject(
          `clusters.${id.slice(0, 40)}`,
          answered.has(id) ? "duplicate" : "unknown_id_in_answer",
        );
        continue;
      }
      answered.add(id);
      const insight = verdicts.take(`clusters.${id}.insight_text`, entry.insight_text, sentence(20));
      if (insight) {
        target.insight_text = insight;
        written++;
      }
      const types = entry.common_question_types
        .map((q, k) => verdicts.take(`clusters.${id}.common_question_types.${k}`, q, label))
        .filter((q): q is string => !!q);
      if (types.length) target.common_question_types = types;
      const name =
        f.nameDerived && entry.name !== undefined
          ? verdicts.take(`clusters.${id}.name`, entry.name, { ...label, echoes: [...SCHEMA_WORDS, id] })
          : null;
      if (name && !taken.has(name.toLowerCase())) {
        renames.push([target.name, name]);
        taken.delete(target.name.toLowerCase());
        taken.add(name.toLowerCase());
        target.name = name;
        f.name = name;
      }
    }
  });
  if (written > 0) parts.clusters = written === summary.clusters.length ? "llm" : "partial";

  if (na) {
    let done = 0;
    let total = 0;
    const apply = <T extends { description: string }>(
      part: string,
      list: T[],
      answers: { index: number; description: string }[],
    ): Set<number> => {
      total += list.length;
      const seen = new Set<number>();
      const written = new Set<number>();
      for (const a of answers) {
        const target = list[a.index];
        if (!target || seen.has(a.index)) {
          verdicts.reject(`${part}.${a.index}`, target ? "duplicate" : "unknown_id_in_answer");
          continue;
        }
        seen.add(a.index);
        const d = verdicts.take(`${part}.${a.index}.description`, a.description, sentence(20));
        if (d) {
          target.description = d;
          written.add(a.index);
          done++;
        }
      }
      return written;
    };
    apply("patterns", summary.patterns, na.patterns);
    apply("connections", summary.connections, na.connections);
    const described = apply("recommendations", summary.recommendations, na.recommendations);
    for (const a of na.recommendations) {
      const target = summary.recommendations[a.index];
      // A title goes with its description: an LLM title over a local description could mix languages.
      if (!target || !described.has(a.index)) continue;
      const title = verdicts.take(`recommendations.${a.index}.title`, a.title, { ...label, minChars: 4 });
      if (title) target.title = title;
    }
    if (done > 0) parts.narrative = done >= total ? "llm" : "partial";
  }
  if (renames.length) renameInText(summary, renames, opts.quote);
  return { parts, calls, failures, accepted: verdicts.accepted, rejected: verdicts.rejected };
}

/**
 * Local sentences were written with the derived names before the LLM named those clusters: swap the quoted
 * old names for the new ones (the quotes keep "Topic 1" from matching inside "Topic 12").
 */
function renameInText(
  summary: SummaryFile,
  renames: [string, string][],
  quote: (name: string) => string,
): void {
  const swap = (text: string) =>
    renames.reduce((t, [from, to]) => t.split(quote(from)).join(quote(to)), text);
  const o = summary.overview;
  o.summary_text = swap(o.summary_text);
  o.primary_interests = o.primary_interests.map((x) => renames.find(([from]) => from === x)?.[1] ?? x);
  for (const c of summary.clusters) c.insight_text = swap(c.insight_text);
  for (const list of [summary.patterns, summary.connections, summary.recommendations])
    for (const item of list) item.description = swap(item.description);
}
