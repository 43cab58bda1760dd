/**
 * Extraction with whatever is available: the LLM (failed batches answered by the local extractor for
 * their chunks) or, without an LLM, the local extractor alone. Says which one produced the graph.
 */
import type { ChunkRef, ExtractedGraph, FilterCounts } from "../graph.js";
import { emptyFilterCounts } from "../graph.js";
import type { OntologyIndex } from "../ontology.js";
import { extractWithLlm, type ObjectLlm } from "./llm.js";
import { extractLocal } from "./local.js";

export type ExtractionMode = "llm" | "local" | "mixed";

export interface ExtractionRun {
  graph: ExtractedGraph;
  mode: ExtractionMode;
  batches: number;
  fallbackBatches: number;
  failures: string[];
  counts: FilterCounts;
}

export async function extractGraph(
  chunks: readonly ChunkRef[],
  opts: {
    index: OntologyIndex;
    llm?: ObjectLlm;
    language?: string;
    signal?: AbortSignal;
    batchTokens?: number;
    onBatch?: (done: number, total: number) => void;
  },
): Promise<ExtractionRun> {
  const local = (part: readonly ChunkRef[]) =>
    extractLocal(part, {
      index: opts.index,
      corpus: chunks,
      ...(opts.language ? { language: opts.language } : {}),
    });
  if (!opts.llm) {
    const graph = local(chunks);
    opts.onBatch?.(1, 1);
    return {
      graph,
      mode: "local",
      batches: 0,
      fallbackBatches: 0,
      failures: [],
      counts: emptyFilterCounts(),
    };
  }
  const run = await extractWithLlm(chunks, {
    index: opts.index,
    llm: opts.llm,
    fallback: local,
    ...(opts.language ? { language: opts.language } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.batchTokens ? { batchTokens: opts.batchTokens } : {}),
    ...(opts.onBatch ? { onBatch: opts.onBatch } : {}),
  });
  const mode: ExtractionMode =
    run.fallbackBatches === 0 ? "llm" : run.fallbackBatches === run.batches ? "local" : "mixed";
  return { ...run, mode };
}
