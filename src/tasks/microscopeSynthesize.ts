/**
 * MICROSCOPE_SYNTHESIZE_REQUEST (incumbent only): an overview of a topic across a workspace's documents. The
 * same retrieval and graph expansion as a query, with twice the chunks (at least 10), grouped by document
 * (pipelines/rag/synthesize.ts). The result has the query result's shape: answer, context, chunks.
 */
import { LlmLedger } from "../ai/llm/index.js";
import type { MicroscopeSynthesizeRequest } from "../contract/requests.js";
import { synthesizeTopic } from "../pipelines/rag/synthesize.js";
import {
  loadMacroProfile,
  type MicroscopeRagDeps,
  requestLanguage,
  requestLlm,
  retrieveWithExpansion,
} from "./microscopeRetrieval.js";
import type { ResultPayload, TaskHandler } from "./types.js";

const MAX_SYNTHESIS_K = 100;

export function synthesisK(topK: number): number {
  return Math.min(MAX_SYNTHESIS_K, Math.max(10, topK * 2));
}

export function microscopeSynthesizeHandler(deps: MicroscopeRagDeps = {}): TaskHandler {
  return {
    type: "MICROSCOPE_SYNTHESIZE_REQUEST",
    async run(raw, ctx): Promise<ResultPayload> {
      const p = raw as MicroscopeSynthesizeRequest;
      const { storage, payloadBucket } = ctx.services;
      const ledger = new LlmLedger();
      const llm = requestLlm(deps, p, ctx, ledger);
      const profile = llm ? await loadMacroProfile(storage, payloadBucket, p.user_id, ctx.signal) : null;
      const k = synthesisK(p.top_k);

      const { retrieval, expansion } = await retrieveWithExpansion(ctx, deps, {
        userId: p.user_id,
        groupId: p.group_id,
        text: p.topic,
        k: k,
        hopDepth: p.hop_depth,
        noRag: p.no_rag,
        limit: k,
      });
      const out = await synthesizeTopic({
        topic: p.topic,
        hits: retrieval.hits,
        expansion,
        llm,
        noRag: p.no_rag,
        language: requestLanguage(raw) ?? null,
        profile,
        signal: ctx.signal,
      });
      ctx.log.info(
        {
          generator: out.generator,
          hits: retrieval.hits.length,
          expanded: expansion?.chunks.length ?? 0,
          context_chunks: out.chunks.length,
          citations: out.citations.length,
          llm: ledger.toJSON(),
        },
        "microscope synthesis written",
      );
      return {
        user_id: p.user_id,
        group_id: p.group_id,
        status: "COMPLETED",
        answer: out.answer,
        context: out.context,
        chunks: out.chunks,
      };
    },
  };
}
