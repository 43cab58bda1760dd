/**
 * MICROSCOPE_RELATED_QUESTIONS_REQUEST (incumbent only): follow-up questions grounded in the workspace.
 * Vector search (top_k) → the hits' entities → their neighbours in the chunk–entity graph (hop_depth) → an LLM
 * writes the questions as a list (pipelines/rag/relatedQuestions.ts); without one, template questions. The
 * result's `questions` is a string[] (the incumbent sent one raw string); `entities` are the ones used.
 */
import { LlmLedger } from "../ai/llm/index.js";
import type { MicroscopeRelatedQuestionsRequest } from "../contract/requests.js";
import { relatedQuestions } from "../pipelines/rag/relatedQuestions.js";
import { type MicroscopeRagDeps, requestLanguage, requestLlm, retrieve } from "./microscopeRetrieval.js";
import type { ResultPayload, TaskHandler } from "./types.js";

export function microscopeRelatedQuestionsHandler(deps: MicroscopeRagDeps = {}): TaskHandler {
  return {
    type: "MICROSCOPE_RELATED_QUESTIONS_REQUEST",
    async run(raw, ctx): Promise<ResultPayload> {
      const p = raw as MicroscopeRelatedQuestionsRequest;
      const ledger = new LlmLedger();
      const llm = requestLlm(deps, p, ctx, ledger);
      const retrieval = await retrieve(ctx, deps, {
        userId: p.user_id,
        groupId: p.group_id,
        text: p.query,
        k: p.top_k,
        withGroupChunks: p.hop_depth > 0,
      });
      const out = await relatedQuestions({
        question: p.query,
        hits: retrieval.hits,
        chunks: retrieval.chunks,
        hopDepth: p.hop_depth,
        llm,
        language: requestLanguage(raw) ?? null,
        signal: ctx.signal,
      });
      ctx.log.info(
        {
          generator: out.generator,
          hits: retrieval.hits.length,
          seeds: out.seedEntities.length,
          entities: out.entities.length,
          questions: out.questions.length,
          llm: ledger.toJSON(),
        },
        "microscope related questions written",
      );
      return {
        user_id: p.user_id,
        group_id: p.group_id,
        status: "COMPLETED",
        questions: out.questions,
        entities: out.entities,
      };
    },
  };
}
