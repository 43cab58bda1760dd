/**
 * MICROSCOPE_INGEST (ORIGINAL-PIPELINES §7): one document → an ontology knowledge graph.
 * Standard mode: chunks → extraction (LLM batches in parallel, local fallback) → entity resolution →
 * standardized.json (one graph per chunk) plus chunks with their entity names for the vector index.
 * Block mode (blockIngest.ts): blocks with titles, summaries, key concepts, block edges and paths, and
 * optionally a micro graph per block.
 * Pure computation: the handler reads inputs, uploads outputs and indexes chunks.
 */
import { terminal } from "../../contract/errors.js";
import { ingestBlocks } from "./blockIngest.js";
import { turnText } from "./blocks/chat.js";
import { assertDocumentSize, chunkText } from "./chunking.js";
import { CountingLlm } from "./countingLlm.js";
import { emptyFilterCounts } from "./graph.js";
import { indexOntology, resolveOntology } from "./ontology.js";
import { buildGraph, type IngestContext } from "./stages.js";
import { toStandardized } from "./standardize.js";
import type { IngestInput, IngestResult } from "./types.js";

/** The document text: for chats given as turns, the incumbent's `Q:`/`A:` transcript. */
function documentText(input: IngestInput): string {
  if (input.sourceType === "chat" && input.turns?.some((t) => t.content.trim())) {
    return input.turns
      .filter((t) => t.content.trim())
      .map(turnText)
      .join("\n\n");
  }
  return input.text ?? "";
}

export async function ingestDocument(input: IngestInput): Promise<IngestResult> {
  const started = performance.now();
  const text = documentText(input);
  if (!text.trim())
    throw terminal("INVALID_INPUT", "The document is empty: there is no text to build a graph from.");
  assertDocumentSize(
    { chars: text.length },
    input.maxChars !== undefined ? { maxChars: input.maxChars } : {},
  );
  const resolved = resolveOntology({
    ...(input.schemaName !== undefined ? { schemaName: input.schemaName } : {}),
    ...(input.schema !== undefined ? { schema: input.schema } : {}),
  });
  const llm = input.llm ? new CountingLlm(input.llm) : undefined;
  let reported = 0;
  const ctx: IngestContext = {
    input,
    text,
    llm,
    index: indexOntology(resolved.ontology),
    metadata: {
      mode: input.blockMode ? "block" : "standard",
      extraction: "none",
      localFallback: null,
      ontology: resolved.ontology.name,
      ontologySource: resolved.source,
      ...(resolved.requested ? { requestedSchema: resolved.requested } : {}),
      language: input.language ?? null,
      llmCalls: 0,
      llmFailures: [],
      tokenizer: "o200k_base",
    },
    stats: {
      chars: text.length,
      chunks: 0,
      tokens: 0,
      extractionBatches: 0,
      fallbackBatches: 0,
      mentions: 0,
      entities: 0,
      edges: 0,
      mergedNames: 0,
      greyPairs: 0,
      llmMerges: 0,
      filter: emptyFilterCounts(),
      durationMs: 0,
    },
    // Stages of block mode run side by side: report only forward movement.
    progress: (fraction, stage) => {
      const f = Math.min(1, Math.max(0, fraction));
      if (f < reported) return;
      reported = f;
      input.onProgress?.(f, stage);
    },
    checkAbort: () => input.signal?.throwIfAborted(),
  };
  const result = input.blockMode ? await ingestBlocks(ctx) : await ingestStandard(ctx);
  ctx.metadata.llmCalls = llm?.calls ?? 0;
  if (!llm) ctx.metadata.localFallback = "no_llm";
  ctx.stats.durationMs = Math.round(performance.now() - started);
  ctx.progress(1, "assembling");
  return { ...result, metadata: ctx.metadata, stats: ctx.stats };
}

async function ingestStandard(ctx: IngestContext): Promise<Pick<IngestResult, "chunks" | "standardized">> {
  const { input } = ctx;
  ctx.progress(0, "chunking");
  const chunks = chunkText(ctx.text, {
    ...(input.chunkTokens ? { maxTokens: input.chunkTokens } : {}),
    ...(input.overlapTokens !== undefined ? { overlapTokens: input.overlapTokens } : {}),
    ...(input.maxChunks !== undefined ? { maxChunks: input.maxChunks } : {}),
  });
  if (!chunks.length)
    throw terminal("INVALID_INPUT", "The document is empty: there is no text to build a graph from.");
  ctx.stats.chunks = chunks.length;
  ctx.stats.tokens = chunks.reduce((s, c) => s + c.tokens, 0);
  ctx.checkAbort();
  const resolved = await buildGraph(ctx, chunks, 0.05, 0.95);
  ctx.progress(0.97, "assembling");
  return {
    chunks: chunks.map((c) => ({ ...c, entityNames: resolved.mentions.get(c.index) ?? [] })),
    standardized: toStandardized(
      resolved,
      chunks.map((c) => c.index),
    ),
  };
}
