/**
 * MICROSCOPE_QUERY_REQUEST (incumbent only; the backend has no producer): a question over a workspace's
 * ingested documents. Vector search (top_k) in the user's workspace, graph expansion over the chunks' entities
 * (hop_depth), then an answer from the numbered context with citations (pipelines/rag/answer.ts). `no_rag`
 * asks the model alone. The result carries the answer, the context and the chunks (with their hop, the entity
 * that led to expanded ones, and whether the answer cites them).
 */
import { LlmLedger } from "../ai/llm/index.js";
import type { MicroscopeQueryRequest } from "../contract/requests.js";
import { answerQuestion } from "../pipelines/rag/answer.js";
import {
  expansionLimit,
  loadMacroProfile,
  type MicroscopeRagDeps,
  requestLanguage,
  requestLlm,
  retrieveWithExpansion,
} from "./microscopeRetrieval.js";
import type { ResultPayload, TaskHandler } from "./types.js";

export function microscopeQueryHandler(deps: MicroscopeRagDeps = {}): TaskHandler {
  return {
    type: "MICROSCOPE_QUERY_REQUEST",
    async run(raw, ctx): Promise<ResultPayload> {
      const p = raw as MicroscopeQueryRequest;
      const { storage, payloadBucket } = ctx.services;
      const ledger = new LlmLedger();
      const llm = requestLlm(deps, p, ctx, ledger);
      const language = requestLanguage(raw);
      const profile = llm ? await loadMacroProfile(storage, payloadBucket, p.user_id, ctx.signal) : null;

      const { retrieval, expansion } = await retrieveWithExpansion(ctx, deps, {
        userId: p.user_id,
        groupId: p.group_id,
        text: p.query,
        k: p.top_k,
        hopDepth: p.hop_depth,
        noRag: p.no_rag,
        limit: expansionLimit(p.top_k),
      });
      const out = await answerQuestion({
        question: p.query,
        hits: retrieval.hits,
        expansion,
        llm,
        noRag: p.no_rag,
        language: language ?? null,
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
          hops: out.trace.length,
          profile: profile !== null,
          llm: ledger.toJSON(),
        },
        "microscope query answered",
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
