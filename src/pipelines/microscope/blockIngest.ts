/**
 * Block mode (ORIGINAL-PIPELINES §7.2): local segmentation → local labels → (LLM labels) → ordering (LLM
 * or local) → block_graph.json. The micro graphs (extraction + resolution over each block's 400/80 chunks,
 * numbered across the document) run in parallel with labelling and ordering. Every LLM step falls back to
 * its local result on failure or an empty answer; the metadata says which steps the LLM did.
 */
import { terminal } from "../../contract/errors.js";
import { assembleBlockGraph, microGraph } from "./blocks/assemble.js";
import { parseChatText } from "./blocks/chat.js";
import { describeLocally, type LabeledBlock } from "./blocks/describe.js";
import { labelWithLlm } from "./blocks/label.js";
import { MAX_ORDER_BLOCKS, type Ordering, orderLocally, orderWithLlm } from "./blocks/order.js";
import { segmentChat, segmentDocument } from "./blocks/segment.js";
import { chunkText } from "./chunking.js";
import { phraseLanguage } from "./i18n.js";
import type { ResolvedGraph } from "./resolve.js";
import { buildGraph, type IngestContext } from "./stages.js";
import type { IngestChunk, IngestResult } from "./types.js";

export async function ingestBlocks(ctx: IngestContext): Promise<Pick<IngestResult, "chunks" | "blockGraph">> {
  const { input } = ctx;
  ctx.progress(0, "segmenting");
  const maxBlocks = input.maxBlocks !== undefined ? { maxBlocks: input.maxBlocks } : {};
  // Given turns are used as they are (empty ones included), so turn_range indexes the caller's list.
  const given = input.turns?.some((t) => t.content.trim()) ? input.turns : undefined;
  const turns = input.sourceType === "chat" ? (given ?? parseChatText(ctx.text)) : [];
  const kind = turns.length ? "chat" : "document";
  const segments = turns.length ? segmentChat(turns, maxBlocks) : segmentDocument(ctx.text, maxBlocks);
  if (!segments.length)
    throw terminal("INVALID_INPUT", "The document is empty: there is no text to build a graph from.");
  const lang = phraseLanguage(input.language, ctx.text);
  const blocks = describeLocally(segments, lang);

  // Chunks per block, numbered across the document (the size guard counts them all).
  const chunks: IngestChunk[] = [];
  const chunksOf = new Map<string, number[]>();
  for (const b of blocks) {
    const cs = chunkText(b.raw_text, {
      firstIndex: chunks.length,
      ...(input.chunkTokens ? { maxTokens: input.chunkTokens } : {}),
      ...(input.overlapTokens !== undefined ? { overlapTokens: input.overlapTokens } : {}),
      ...(input.maxChunks !== undefined ? { maxChunks: input.maxChunks } : {}),
    });
    chunksOf.set(
      b.block_id,
      cs.map((c) => c.index),
    );
    for (const c of cs) chunks.push({ ...c, entityNames: [], block_id: b.block_id });
  }
  ctx.stats.chunks = chunks.length;
  ctx.stats.tokens = chunks.reduce((s, c) => s + c.tokens, 0);
  ctx.stats.blocks = blocks.length;
  ctx.checkAbort();
  ctx.progress(0.05, "labeling");

  const [ordering, resolved] = await Promise.all([
    labelAndOrder(ctx, blocks, kind, lang),
    input.generateMicroGraphs ? buildGraph(ctx, chunks, 0.1, 0.9) : Promise.resolve(undefined),
  ]);
  ctx.checkAbort();
  ctx.progress(0.95, "assembling");
  if (resolved) for (const c of chunks) c.entityNames = resolved.mentions.get(c.index) ?? [];
  ctx.stats.blockEdges = ordering.edges.length;
  const blockGraph = assembleBlockGraph(blocks, ordering, (b) =>
    microGraph(b.block_id, chunksOf.get(b.block_id) ?? [], resolved as ResolvedGraph | undefined),
  );
  return { chunks, blockGraph };
}

async function labelAndOrder(
  ctx: IngestContext,
  blocks: LabeledBlock[],
  kind: "document" | "chat",
  lang: ReturnType<typeof phraseLanguage>,
): Promise<Ordering> {
  const { input, llm, metadata } = ctx;
  const common = {
    kind,
    ...(input.language ? { language: input.language } : {}),
    ...(input.signal ? { signal: input.signal } : {}),
  };
  const local = () => orderLocally(blocks, lang, kind);
  if (!llm) {
    metadata.blockLabels = "local";
    metadata.blockOrdering = "local";
    return local();
  }
  const labels = await labelWithLlm(llm, blocks, common);
  metadata.llmFailures.push(...labels.failures);
  metadata.blockLabels = labels.labeled === 0 ? "local" : labels.labeled === blocks.length ? "llm" : "mixed";
  if (labels.failures.length) metadata.localFallback = "llm_failed";
  ctx.checkAbort();
  ctx.progress(0.1, "ordering");
  if (blocks.length < 2 || blocks.length > MAX_ORDER_BLOCKS) {
    metadata.blockOrdering = "local";
    return local();
  }
  let fromLlm: Awaited<ReturnType<typeof orderWithLlm>> | undefined;
  try {
    fromLlm = await orderWithLlm(llm, blocks, common);
  } catch (err) {
    if (input.signal?.aborted) throw err;
    metadata.llmFailures.push(`microscope-block-order: ${err instanceof Error ? err.message : String(err)}`);
  }
  const fallback = local();
  metadata.blockOrdering = fromLlm?.edges ? "llm" : "local";
  if (!fromLlm?.edges) metadata.localFallback = "llm_failed";
  return {
    edges: fromLlm?.edges ?? fallback.edges,
    paths: fromLlm?.paths ?? fallback.paths,
    rationale: fromLlm?.rationale ?? fallback.rationale,
  };
}
