/**
 * summarizeGraph: a graph.json (the one GRAPH_GENERATION just built, or the backend's summary input) →
 * summary.json. Facts are computed from the graph; prose comes from the LLM when one is given, else (and for
 * every part the LLM fails on) from local templates. `metadata` in the output says which wrote what.
 */
import type { Llm, LlmLedgerJSON } from "../../ai/llm/index.js";
import { terminal } from "../../contract/errors.js";
import { describeIssues } from "../../contract/fields.js";
import type { SummaryFile } from "../../contract/files/summary.js";
import { summaryInputGraphSchema } from "../../contract/inputs/summaryGraph.js";
import { languageName } from "../naming/clusterNames.js";
import { computeFacts } from "./facts.js";
import { PHRASES, templateLanguage } from "./i18n.js";
import { writeWithLlm } from "./llmText.js";
import { type DetailLevel, localSummary } from "./local.js";
import type { SummaryGraphInput } from "./model.js";

/** The incumbent's summary default when neither the request nor the graph names a language. */
export const DEFAULT_SUMMARY_LANGUAGE = "ko";

export interface SummarizeOptions {
  /** Output language (ISO code); default the graph's metadata.language, then "ko". */
  language?: string | null;
  llm: Llm | null;
  signal?: AbortSignal;
  /** generated_at; default the current time. */
  now?: Date;
  detailLevel?: DetailLevel;
}

export interface SummarizeResult {
  summary: SummaryFile;
  /** The LLM ledger after the summary's calls (null when no LLM was used). */
  ledgerUsed: LlmLedgerJSON | null;
}

/** Parses an untrusted graph.json into the summary's input shape (terminal VALIDATION_ERROR otherwise). */
export function parseSummaryGraph(raw: unknown): SummaryGraphInput {
  const parsed = summaryInputGraphSchema.safeParse(raw);
  if (!parsed.success)
    throw terminal("VALIDATION_ERROR", `graph.json is not a graph: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

export async function summarizeGraph(
  graph: SummaryGraphInput,
  opts: SummarizeOptions,
): Promise<SummarizeResult> {
  const language = (opts.language || graph.metadata?.language || DEFAULT_SUMMARY_LANGUAGE).trim();
  const tl = templateLanguage(language);
  const P = PHRASES[tl.lang];
  const detail = opts.detailLevel ?? "standard";
  const facts = computeFacts(graph, {
    phrases: P,
    maxConnections: detail === "brief" ? 3 : detail === "detailed" ? 10 : 5,
  });
  const summary = localSummary(facts, P, { detail, generatedAt: (opts.now ?? new Date()).toISOString() });

  let llmInfo: Record<string, unknown> = { generator: "local", llm_calls: 0 };
  if (opts.llm && facts.totals.nodes > 0) {
    const r = await writeWithLlm(opts.llm, facts, summary, {
      languageName: languageName(language),
      language,
      quote: P.quote,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    const values = Object.values(r.parts);
    const generator = values.every((v) => v === "llm")
      ? "llm"
      : values.every((v) => v === "local")
        ? "local"
        : "mixed";
    llmInfo = {
      generator,
      llm_calls: r.calls,
      llm_parts: r.parts,
      ...(r.failures.length ? { llm_failures: r.failures } : {}),
      // Per item: texts that replaced a local one, and the ones rejected by the checks (reasons only).
      llm_texts: { accepted: r.accepted, rejected: r.rejected.length },
      ...(r.rejected.length ? { llm_rejections: r.rejected.slice(0, 30) } : {}),
      model: `${opts.llm.provider}:${opts.llm.model}`,
      llm_provider: opts.llm.provider,
      llm_model: opts.llm.model,
    };
  }

  (summary as Record<string, unknown>).metadata = {
    ...llmInfo,
    language,
    template_language: tl.lang,
    ...(tl.fallback
      ? { language_note: `no local templates for "${language}": computed phrases are in English` }
      : {}),
    citation_ids: "orig_id",
    derived_cluster_names: facts.clusters.filter((c) => c.nameDerived).map((c) => c.id),
    unclustered_nodes: facts.totals.unclustered,
    time_zone: "UTC",
  };
  return { summary, ledgerUsed: opts.llm && llmInfo.llm_calls ? opts.llm.ledger.toJSON() : null };
}
