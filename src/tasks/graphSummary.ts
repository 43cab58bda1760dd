/**
 * GRAPH_SUMMARY_REQUEST: the backend's `graph-summary/{taskId}/graph.json` → summary.json under
 * results/graph_summary/{userId}/{taskId}/ and the COMPLETED result. Prose by the MACRO LLM when one is
 * configured (MACRO_LLM_PROVIDER), else local templates; a missing graph is a terminal INPUT_NOT_FOUND.
 */
import { createLlm, LlmLedger, resolveLlmConfig } from "../ai/llm/index.js";
import { terminal } from "../contract/errors.js";
import { validateOutput } from "../contract/files/validate.js";
import type { GraphSummaryRequest } from "../contract/requests.js";
import { parseSummaryGraph, summarizeGraph } from "../pipelines/summary/index.js";
import { assertKeySegments } from "./keyIds.js";
import type { ResultPayload, TaskHandler } from "./types.js";

export function summaryKey(userId: string, taskId: string): string {
  return `results/graph_summary/${userId}/${taskId}/summary.json`;
}

export function graphSummaryHandler(): TaskHandler {
  return {
    type: "GRAPH_SUMMARY_REQUEST",
    async run(raw, ctx): Promise<ResultPayload> {
      const payload = raw as GraphSummaryRequest;
      // Before any work: these ids are segments of the summary's key.
      assertKeySegments({ userId: payload.userId, taskId: ctx.taskId });
      const { storage, payloadBucket, config } = ctx.services;
      const graph = parseSummaryGraph(
        await storage.getJson(payload.bucket ?? payloadBucket, payload.graphS3Key, { signal: ctx.signal }),
      );
      if (graph.nodes.length === 0) throw terminal("INVALID_INPUT", "graph.json has no nodes");
      const llm = createLlm(resolveLlmConfig(config.env, "MACRO"), { ledger: new LlmLedger() });
      const { summary } = await summarizeGraph(graph, {
        language: payload.language ?? null,
        llm,
        signal: ctx.signal,
      });
      validateOutput("summary.json", summary);
      const key = summaryKey(payload.userId, ctx.taskId);
      await storage.putJson(payloadBucket, key, summary);
      return { userId: payload.userId, status: "COMPLETED", summaryS3Key: key };
    },
  };
}
