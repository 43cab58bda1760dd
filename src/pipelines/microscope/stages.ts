/** The state one ingest threads through its stages, and the shared extraction + resolution stage. */
import type { CountingLlm } from "./countingLlm.js";
import { extractGraph } from "./extract/run.js";
import type { ChunkRef } from "./graph.js";
import type { OntologyIndex } from "./ontology.js";
import { resolveEntities } from "./resolve.js";
import type { IngestInput, IngestMetadata, IngestStage, IngestStats } from "./types.js";

export interface IngestContext {
  input: IngestInput;
  text: string;
  llm: CountingLlm | undefined;
  index: OntologyIndex;
  metadata: IngestMetadata;
  stats: IngestStats;
  progress: (fraction: number, stage: IngestStage) => void;
  checkAbort: () => void;
}

/** Extraction + resolution over `chunks`, recording into the context's metadata and stats. */
export async function buildGraph(ctx: IngestContext, chunks: ChunkRef[], from: number, to: number) {
  const { input } = ctx;
  ctx.progress(from, "extracting");
  const run = await extractGraph(chunks, {
    index: ctx.index,
    ...(ctx.llm ? { llm: ctx.llm } : {}),
    ...(input.language ? { language: input.language } : {}),
    ...(input.signal ? { signal: input.signal } : {}),
    ...(input.batchTokens ? { batchTokens: input.batchTokens } : {}),
    onBatch: (done, total) => ctx.progress(from + ((to - from) * 0.85 * done) / total, "extracting"),
  });
  ctx.checkAbort();
  ctx.metadata.extraction = run.mode;
  if (run.mode !== "llm" && ctx.llm) ctx.metadata.localFallback = "llm_failed";
  ctx.metadata.llmFailures.push(...run.failures);
  ctx.progress(from + (to - from) * 0.85, "resolving");
  const resolved = await resolveEntities(run.graph, {
    text: ctx.text,
    index: ctx.index,
    ...(ctx.llm ? { llm: ctx.llm } : {}),
    ...(input.embed ? { embed: input.embed } : {}),
    ...(input.signal ? { signal: input.signal } : {}),
    ...(input.language ? { language: input.language } : {}),
  });
  ctx.checkAbort();
  ctx.metadata.llmFailures.push(...resolved.stats.failures);
  Object.assign(ctx.stats, {
    extractionBatches: run.batches,
    fallbackBatches: run.fallbackBatches,
    mentions: resolved.stats.mentions,
    entities: resolved.stats.entities,
    edges: resolved.edges.length,
    mergedNames: resolved.stats.names - resolved.stats.entities,
    greyPairs: resolved.stats.greyPairs,
    llmMerges: resolved.stats.llmMerges,
    filter: run.counts,
  });
  ctx.progress(to, "resolving");
  return resolved;
}
