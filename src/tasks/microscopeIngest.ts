/**
 * MICROSCOPE_INGEST_REQUEST (raw file) and MICROSCOPE_INGEST_FROM_NODE_REQUEST (note/conversation in MongoDB):
 * one document → chunks → an entity/relation graph (`_nonblock`: standardized.json) or a block map
 * (`_block`: block_graph.json), contract §3.5. The backend sends both messages for every document; each gets
 * its own result under its exact taskId (suffix included), echoing user_id and group_id.
 *
 * Without an LLM the whole ingest is local and runs on the CPU pool; with one, it runs here (its time is spent
 * waiting on the model, and the Llm cannot cross a thread boundary). The standard-mode message also indexes
 * the chunks with their entity names in the workspace's Chroma collection for the RAG questions, replacing the
 * document's earlier chunks; the block message does not index (the pair would write the same document twice).
 */
import { createLlm, LlmLedger, resolveLlmConfig } from "../ai/llm/index.js";
import { validateOutput } from "../contract/files/validate.js";
import type { MicroscopeIngestFromNodeRequest, MicroscopeIngestRequest } from "../contract/requests.js";
import { type IngestResult, ingestDocument } from "../pipelines/microscope/index.js";
import { type LocalIngestInput, unwrapIngestOutcome } from "../pipelines/microscope/job.js";
import { classifyError } from "../runtime/classify.js";
import { assertKeySegments } from "./keyIds.js";
import { loadFileDocument, loadNodeDocument, type MicroscopeDocument } from "./microscopeDocument.js";
import { microscopeEmbedder, openMicroscopeIndexForWrite } from "./microscopeRetrieval.js";
import type { ResultPayload, TaskContext, TaskHandler } from "./types.js";
import { isLastReceive, retryVectorWork } from "./vectorWork.js";

type IngestPayload = MicroscopeIngestRequest | MicroscopeIngestFromNodeRequest;

function positiveInt(raw: string | undefined): number | undefined {
  const n = Number(raw);
  return raw && Number.isInteger(n) && n > 0 ? n : undefined;
}

export function microscopeResultPrefix(userId: string, taskId: string): string {
  return `results/microscope/${userId}/${taskId}`;
}

async function runIngest(
  payload: IngestPayload,
  doc: MicroscopeDocument,
  ctx: TaskContext,
  ledger: LlmLedger,
): Promise<IngestResult> {
  const env = ctx.services.config.env;
  const language = "language" in payload ? payload.language : undefined;
  const maxChars = positiveInt(env.MICROSCOPE_MAX_DOCUMENT_CHARS);
  const maxChunks = positiveInt(env.MICROSCOPE_MAX_CHUNKS);
  const input: LocalIngestInput = {
    text: doc.text,
    title: doc.sourceName,
    sourceType: doc.sourceType,
    ...(doc.turns ? { turns: doc.turns } : {}),
    blockMode: payload.block_mode,
    generateMicroGraphs: payload.generate_micro_graphs,
    ...(payload.schema_name ? { schemaName: payload.schema_name } : {}),
    ...(payload.ontology_schema ? { schema: payload.ontology_schema } : {}),
    ...(language ? { language } : {}),
    ...(maxChars ? { maxChars } : {}),
    ...(maxChunks ? { maxChunks } : {}),
  };
  const llm = createLlm(
    resolveLlmConfig(env, "MICROSCOPE", {
      ...(payload.provider ? { provider: payload.provider } : {}),
      ...(payload.model ? { model: payload.model } : {}),
      ...(payload.api_key ? { apiKey: payload.api_key } : {}),
    }),
    { ledger },
  );
  if (!llm) {
    return unwrapIngestOutcome(await ctx.services.cpu.run("microscopeIngest", input, { signal: ctx.signal }));
  }
  return ingestDocument({ ...input, llm, signal: ctx.signal });
}

async function indexChunks(
  payload: IngestPayload,
  doc: MicroscopeDocument,
  result: IngestResult,
  ctx: TaskContext,
): Promise<Record<string, unknown>> {
  const env = ctx.services.config.env;
  const embedder = microscopeEmbedder(env);
  const vectors = await embedder.embed(
    result.chunks.map((c) => c.text),
    { signal: ctx.signal },
  );
  const index = await openMicroscopeIndexForWrite(await ctx.services.vectors(), embedder, env);
  const stored = await index.replaceDocumentChunks({
    userId: payload.user_id,
    groupId: payload.group_id,
    sourceId: doc.sourceId,
    sourceName: doc.sourceName,
    chunks: result.chunks.map((c) => ({ index: c.index, text: c.text, entityNames: c.entityNames })),
    vectors,
  });
  return { chunks_stored: stored.stored, chunks_replaced: stored.removed, collection: index.collectionName };
}

function makeHandler(
  type: "MICROSCOPE_INGEST_REQUEST" | "MICROSCOPE_INGEST_FROM_NODE_REQUEST",
  load: (payload: never, ctx: TaskContext) => Promise<MicroscopeDocument>,
): TaskHandler {
  return {
    type,
    async run(raw, ctx): Promise<ResultPayload> {
      const payload = raw as IngestPayload;
      // Before any work (the document is loaded and ingested first): these ids are segments of the result keys.
      assertKeySegments({ user_id: payload.user_id, taskId: ctx.taskId });
      const doc = await load(raw as never, ctx);
      const ledger = new LlmLedger();
      const result = await runIngest(payload, doc, ctx, ledger);
      const { storage, payloadBucket } = ctx.services;
      const prefix = microscopeResultPrefix(payload.user_id, ctx.taskId);

      const stats: Record<string, unknown> = {
        ...result.stats,
        metadata: result.metadata,
        llm: ledger.toJSON(),
      };
      const keys: Record<string, string> = {};
      if (payload.block_mode) {
        const file = { ...validateOutput("block_graph.json", result.blockGraph), metadata: result.metadata };
        const key = `${prefix}/block_graph.json`;
        await storage.putJson(payloadBucket, key, file);
        // standardized_s3_key too: older backends read the block graph from it on a _block result.
        keys.block_graph_s3_key = key;
        keys.standardized_s3_key = key;
      } else {
        const key = `${prefix}/standardized.json`;
        await storage.putJson(payloadBucket, key, validateOutput("standardized.json", result.standardized));
        keys.standardized_s3_key = key;
        if (!payload.skip_store) {
          try {
            // Chunk upserts are by id: a retry after a cut response cannot duplicate records.
            stats.vector_index = await retryVectorWork(ctx, "microscope chunk indexing", () =>
              indexChunks(payload, doc, result, ctx),
            );
          } catch (err) {
            if (ctx.signal.aborted) throw err;
            // A store outage costs time, not the index: while receives remain, the task goes back to the queue.
            if (classifyError(err).kind === "transient" && !isLastReceive(ctx)) throw err;
            // The graph is the result the backend waits for; RAG over this document is what is lost.
            ctx.log.warn({ err }, "microscope chunks were not indexed");
            stats.vector_index = { error: (err as Error).message.slice(0, 300) };
          }
        }
      }
      ctx.log.info(
        {
          chunks: result.chunks.length,
          extraction: result.metadata.extraction,
          llmCalls: result.metadata.llmCalls,
        },
        "microscope ingest finished",
      );
      return {
        status: "COMPLETED",
        user_id: payload.user_id,
        group_id: payload.group_id,
        source_id: doc.sourceId,
        chunks_count: result.chunks.length,
        schema_name: result.metadata.ontology,
        ingest_stats: JSON.parse(JSON.stringify(stats)) as Record<string, unknown>,
        ...keys,
      };
    },
  };
}

export function microscopeIngestHandler(): TaskHandler {
  return makeHandler("MICROSCOPE_INGEST_REQUEST", loadFileDocument as never);
}

export function microscopeIngestFromNodeHandler(): TaskHandler {
  return makeHandler("MICROSCOPE_INGEST_FROM_NODE_REQUEST", loadNodeDocument as never);
}
