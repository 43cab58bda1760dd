/**
 * The graph-generation computation shared by the GRAPH_GENERATION handler and the one-shot `graph` command:
 * the CPU stages on the worker-thread pool, cluster names (LLM when configured, else local), and the
 * assembled, contract-checked graph.json and features.json.
 */
import { createLlm, LlmLedger, resolveLlmConfig } from "../../ai/llm/index.js";
import { assembleGraph } from "../../pipelines/graph/assemble.js";
import { cappedTexts, type MacroBuildOutput } from "../../pipelines/graph/build.js";
import { dropSharedTerms, localClusterLabel } from "../../pipelines/graph/localNames.js";
import {
  type ClusterLabel,
  type NamingReport,
  nameClustersWithReport,
} from "../../pipelines/naming/clusterNames.js";
import type { GraphStage } from "../../pipelines/progress.js";
import { SEARCH_TEXT_MAX_CHARS } from "../../pipelines/search/text.js";
import type { SourceItem } from "../../pipelines/sources/types.js";
import { classifyError } from "../../runtime/classify.js";
import type { CpuPool } from "../../runtime/cpuPool.js";
import type { Logger } from "../../runtime/logger.js";

function dominantLanguage(items: readonly SourceItem[]): string | undefined {
  const counts = new Map<string, number>();
  for (const it of items) if (it.language) counts.set(it.language, (counts.get(it.language) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

async function nameClusters(
  ctx: { env: Record<string, string | undefined>; signal: AbortSignal; log: Logger },
  built: {
    clusterIds: string[];
    clusterSizes: number[];
    clusterTerms: string[][];
    representatives: number[][];
  },
  items: readonly SourceItem[],
  language: string,
  ledger: LlmLedger,
): Promise<{
  labels: Map<string, ClusterLabel>;
  naming: "llm" | "local" | "mixed";
  /** What happened per cluster and which model it was (graph.json metadata.naming_detail). */
  detail: Record<string, unknown>;
  note?: string;
}> {
  const labels = new Map<string, ClusterLabel>();
  const terms = dropSharedTerms(built.clusterTerms);
  built.clusterIds.forEach((id, c) => {
    labels.set(id, localClusterLabel(terms[c] ?? [], built.clusterSizes[c] ?? 0, language, id));
  });
  const llm = createLlm(resolveLlmConfig(ctx.env, "MACRO"), { ledger });
  if (!llm) return { labels, naming: "local", detail: { llm: 0, local: labels.size } };
  const model = { provider: llm.provider, model: llm.model };
  try {
    const { labels: named, report } = await nameClustersWithReport(
      llm,
      built.clusterIds.map((id, c) => ({
        id,
        size: built.clusterSizes[c] ?? 0,
        terms: terms[c] ?? [],
        titles: (built.representatives[c] ?? []).map((i) => items[i]?.title ?? "").filter(Boolean),
      })),
      { language, signal: ctx.signal },
    );
    for (const [id, label] of named) labels.set(id, label);
    logRejectedNames(ctx.log, report);
    const naming = report.llm === 0 ? "local" : report.local === 0 ? "llm" : "mixed";
    return { labels, naming, detail: namingDetail(report, model) };
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    const c = classifyError(err);
    ctx.log.warn({ code: c.code }, "cluster naming by LLM failed; local names used");
    return {
      labels,
      naming: "local",
      detail: { llm: 0, local: labels.size, ...model, failed: true },
      note: `cluster naming fell back to local names (${c.message})`,
    };
  }
}

function namingDetail(report: NamingReport, model: { provider: string; model: string }) {
  return {
    llm: report.llm,
    local: report.local,
    ...model,
    rejected_answers: report.rejected.length,
    unknown_ids: report.unknownIds.length,
    ...(report.failedBatches ? { failed_batches: report.failedBatches } : {}),
  };
}

function logRejectedNames(log: Logger, report: NamingReport): void {
  if (report.rejected.length === 0 && report.unknownIds.length === 0) return;
  log.warn(
    { rejected: report.rejected.slice(0, 20), unknownIds: report.unknownIds.slice(0, 20) },
    "some LLM cluster names were rejected; those clusters keep local names",
  );
}

/**
 * Characters of an item's texts kept on this thread once the CPU stage has read them all, by default: later
 * steps only read the start of an item (the search index at most SEARCH_TEXT_MAX_CHARS).
 */
export const KEPT_TEXT_CHARS = SEARCH_TEXT_MAX_CHARS;

/**
 * Cuts every item's texts to the per-text and per-item caps (MAX_TEXT_CHARS, MAX_ITEM_CHARS), in place, before
 * anything crosses to the pool, so a 50 MB pasted message costs what a long message costs from here on; a
 * capped item says so (meta.truncated → node metadata.text_truncated). Returns how many were capped.
 */
export function capItemTexts(items: SourceItem[]): number {
  let capped = 0;
  for (const item of items) {
    const c = cappedTexts(item.texts);
    if (!c.truncated) continue;
    item.texts = c.texts;
    item.meta = { ...item.meta, truncated: true };
    capped++;
  }
  return capped;
}

/**
 * Keeps only the first `chars` characters of every item's texts (in place; none at all for 0); what was read
 * for the graph is not marked cut. With 150,000 conversations the full texts are most of the heap.
 */
function keepTextSamples(items: SourceItem[], chars: number): void {
  for (const item of items) item.texts = chars > 0 ? cappedTexts(item.texts, chars, chars).texts : [];
}

/**
 * Keeps one copy of each repeated string that came across from a pool thread. A structured clone gives every
 * occurrence a copy of its own: 150,000 nodes bring ~1.2 million keyword terms and ~750,000 edge confidences
 * (three values), and the loader's items their source types, kinds and languages; most are repeats, and they
 * stay alive for the rest of the task. Written by hand: it is a Map lookup per string.
 */
function internCopiedStrings(built: MacroBuildOutput, items: SourceItem[]): void {
  const kept = new Map<string, string>();
  const intern = <S extends string>(s: S): S => {
    const found = kept.get(s);
    if (found !== undefined) return found as S;
    kept.set(s, s);
    return s;
  };
  for (const list of built.keywords) for (const k of list) k.term = intern(k.term);
  for (const e of built.edges) e.confidence = intern(e.confidence);
  for (const item of items) {
    item.sourceType = intern(item.sourceType);
    item.kind = intern(item.kind);
    if (item.language !== undefined) item.language = intern(item.language);
  }
}

export interface GenerateOptions {
  /**
   * The items; their texts are capped in place (capItemTexts) and, once the CPU stage is done, cut to their
   * first `keepTextChars` characters: nothing after the graph build reads more of them.
   */
  items: SourceItem[];
  /** Characters of each item's texts kept after the CPU stage (default KEPT_TEXT_CHARS; 0 when none is read). */
  keepTextChars?: number;
  /** The output language; defaults to the dominant language of the items. */
  language?: string;
  numClusters?: number;
  minClusters: number;
  maxClusters: number;
  cpu: CpuPool;
  env: Record<string, string | undefined>;
  signal: AbortSignal;
  log: Logger;
  onProgress?: (stage: GraphStage, done: number, total: number) => void;
  extraMetadata?: Record<string, unknown>;
}

export async function generateGraph(opts: GenerateOptions) {
  const { items } = opts;
  const language = opts.language ?? dominantLanguage(items) ?? "en";
  const capped = capItemTexts(items);
  if (capped > 0)
    opts.log.warn({ items: capped }, "some items' texts were capped (only their start is read)");
  const building = opts.cpu.run(
    "macroGraph",
    {
      // Shallow copies holding the full texts: once the job is posted (a structured clone) only the pool
      // thread has them, since this thread's items keep just their samples from the line below on. For
      // 150,000 conversations the full texts are hundreds of MB that would otherwise sit here all build long.
      items: items.map((item) => ({ ...item })),
      ...(opts.numClusters ? { numClusters: opts.numClusters } : {}),
      minClusters: opts.minClusters,
      maxClusters: opts.maxClusters,
      // The pool thread gets a structured clone: it may let each text go once tokenised.
      releaseItemTexts: true,
    },
    { signal: opts.signal, ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) },
  );
  keepTextSamples(items, opts.keepTextChars ?? KEPT_TEXT_CHARS);
  const built: MacroBuildOutput = await building;
  internCopiedStrings(built, items);
  const ledger = new LlmLedger();
  const tNaming = performance.now();
  const naming = await nameClusters(opts, built, items, language, ledger);
  const namingSeconds = Math.round(performance.now() - tNaming) / 1000;
  const tAssemble = performance.now();
  const embedding = {
    provider: built.embedderState ? "local" : "precomputed",
    model: built.model,
    dimension: built.dimension,
    ...(built.fingerprint ? { fingerprint: built.fingerprint } : {}),
    ...(built.embedderState
      ? { note: "local deterministic TF-IDF/LSA embedder fitted on this user's items" }
      : {}),
    // Items per script group whose mean was taken out so that topics cross languages (local/centring.ts).
    ...(built.embedderState?.centring
      ? {
          centred_by_script: Object.fromEntries(
            Object.entries(built.embedderState.centring.groups).map(([g, { docs }]) => [g, docs]),
          ),
        }
      : {}),
  };
  const { graph, features } = assembleGraph(items, built, naming.labels, {
    language,
    naming: naming.naming,
    embedding,
    extraMetadata: {
      naming_detail: naming.detail,
      ...(built.emptyTexts ? { nodes_without_text: built.emptyTexts } : {}),
      ...(capped ? { nodes_with_capped_text: capped } : {}),
      ...opts.extraMetadata,
    },
  });
  const timings = {
    naming_seconds: namingSeconds,
    assemble_seconds: Math.round(performance.now() - tAssemble) / 1000,
  };
  // graph.edges holds the edges from here on: the build's own copy (one object per edge, ~750,000 for
  // 150,000 nodes) is not handed on.
  const { edges: _edges, ...kept } = built;
  return { built: kept, graph, features, naming, ledger, language, timings };
}
