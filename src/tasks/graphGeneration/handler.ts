/**
 * GRAPH_GENERATION_REQUEST: the user's bundle → graph.json, features.json, timing.json (and the fitted local
 * embedder, kept for ADD_NODE) under results/macro/{userId}/{taskId}/, nodes indexed in Chroma, and the
 * COMPLETED result. Naming by LLM when one is configured (MACRO_LLM_PROVIDER), else local names. Naming and
 * summary failures are not fatal (the graph is still delivered, the note goes into `error`); an indexing
 * failure is retried in the task, then through redelivery, and only the last allowed receive delivers the
 * graph without its index (with a note in `error`).
 */

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLlm, resolveLlmConfig } from "../../ai/llm/index.js";
import { errorDetail } from "../../contract/errorDetail.js";
import { EmbeddingRow } from "../../contract/files/features.js";
import { validateFeaturesOutput, validateOutput } from "../../contract/files/validate.js";
import type { GraphGenerationRequest } from "../../contract/requests.js";
import { profilesFromGraph, toProfilesFile } from "../../pipelines/addNode/profiles.js";
import { summarizeGraph } from "../../pipelines/summary/index.js";
import { classifyError } from "../../runtime/classify.js";
import { assertKeySegments } from "../keyIds.js";
import { graphNodeRefs } from "../nodeRecords.js";
import {
  graphSearchVectors,
  searchRecords,
  searchTextCharsWanted,
  writeSearchRecords,
} from "../searchIndex.js";
import type { ResultPayload, TaskHandler } from "../types.js";
import { isLastReceive, retryVectorWork } from "../vectorWork.js";
import { generateGraph } from "./generate.js";
import { type IndexOutcome, indexingFailureNote, startGraphIndexing } from "./indexNodes.js";
import { loadGraphInputs, notionPagesWanted } from "./inputs.js";

export function resultPrefix(userId: string, taskId: string): string {
  return `results/macro/${userId}/${taskId}`;
}

export function graphGenerationHandler(): TaskHandler {
  return {
    type: "GRAPH_GENERATION_REQUEST",
    async run(raw, ctx): Promise<ResultPayload> {
      const payload = raw as GraphGenerationRequest;
      // Before any work: these ids are segments of every result key.
      assertKeySegments({ userId: payload.userId, taskId: ctx.taskId });
      const { storage, payloadBucket, config } = ctx.services;
      const t0 = performance.now();
      const timing: Record<string, unknown> = {};
      const dir = await mkdtemp(join(tmpdir(), "graphnode-graph-"));
      // Started once graph.json is checked; never rejects. Awaited on every way out, so no indexing outlives
      // the task (a failed write or summary still waits for it before the task's outcome is settled).
      let indexing: Promise<IndexOutcome> | undefined;
      try {
        const inputs = await loadGraphInputs({
          payload,
          storage,
          defaultBucket: payloadBucket,
          dir,
          signal: ctx.signal,
          includeNotion: notionPagesWanted(config.env),
          cpu: ctx.services.cpu,
        });
        const { items } = inputs;
        timing.load_seconds = Math.round(performance.now() - t0) / 1000;
        const generated = await generateGraph({
          items,
          // Nothing after the build reads more of an item's texts than the search index does.
          keepTextChars: searchTextCharsWanted(ctx),
          language: payload.language ?? payload.summaryLanguage,
          ...(payload.numClusters ? { numClusters: payload.numClusters } : {}),
          minClusters: payload.minClusters,
          maxClusters: payload.maxClusters,
          cpu: ctx.services.cpu,
          env: config.env,
          signal: ctx.signal,
          log: ctx.log,
          onProgress: (stage, done, total) => ctx.progress.report(stage, done, total),
          extraMetadata: {
            ...(inputs.skippedNotion ? { skipped_notion_pages: inputs.skippedNotion } : {}),
            ...(inputs.skipped ? { skipped_input_items: inputs.skipped } : {}),
            ...(inputs.warnings.length ? { input_warnings: inputs.warnings.length } : {}),
          },
        });
        const { built, graph, features, naming, ledger } = generated;
        timing.stages = built.timings;
        Object.assign(timing, generated.timings);
        const tValidate = performance.now();
        const checkedGraph = validateOutput("graph.json", graph);
        timing.validate_seconds = Math.round(performance.now() - tValidate) / 1000;

        const prefix = resultPrefix(payload.userId, ctx.taskId);
        const notes: string[] = [];
        if (naming.note) notes.push(naming.note);

        // Chroma indexing goes on while the files are written and the summary is computed: the server does
        // its index work on a core of its own while this thread would only wait (for 150,000 nodes that wait
        // was a third of the task). Its outcome is taken before the result is built (indexingFailureNote).
        indexing = startGraphIndexing(ctx, payload.userId, built, graph, items);

        // The backend's search index (searchIndex.ts): the search model's vectors, in node order, are what
        // features.json carries (the backend writes them into its collection) and what the search collection
        // gets below. Without them (index off, model missing) features.json keeps the topic vectors and is
        // not offered to the backend.
        const tSearch = performance.now();
        const searchNodes = graphNodeRefs(items, graph);
        const search = await graphSearchVectors(ctx, payload.userId, searchNodes, isLastReceive(ctx));
        if (search.status === "skipped") notes.unshift(search.note);
        const featuresOut =
          search.status === "ready"
            ? {
                ...features,
                // Views, rounded to six decimals when written, as the topic vectors are (EmbeddingRow).
                embeddings: search.computed.vectors.map((v) => new EmbeddingRow(v)),
                metadata: {
                  ...features.metadata,
                  // What `embeddings` are; the topic space's vectors (graph.json's) are described beside it.
                  embedding: {
                    provider: "transformers",
                    model: search.prepared.info.model,
                    dimension: search.prepared.info.dimension,
                    dtype: search.prepared.info.dtype,
                    max_seq_length: search.prepared.info.maxTokens,
                  },
                  topic_embedding: features.metadata?.embedding,
                  embedding_model: search.prepared.info.model,
                },
              }
            : features;
        validateFeaturesOutput(featuresOut);
        timing.search_embed_seconds = Math.round(performance.now() - tSearch) / 1000;
        const tWrite = performance.now();
        await storage.putJson(payloadBucket, `${prefix}/graph.json`, graph);
        await storage.putJson(payloadBucket, `${prefix}/features.json`, featuresOut);
        if (built.embedderState) {
          // ADD_NODE embeds new items in this same space: the fitted state is kept with the graph.
          await storage.putJson(payloadBucket, `${prefix}/embedder.json`, built.embedderState);
          // ADD_NODE assigns against these profiles instead of reading every stored vector of the user.
          const profiles = profilesFromGraph(
            built.vectors,
            built.dimension,
            graph.nodes.map((n) => n.cluster_id),
          );
          await storage.putJson(
            payloadBucket,
            `${prefix}/clusters.json`,
            toProfilesFile(profiles, {
              model: built.model,
              dimension: built.dimension,
              fingerprint: built.fingerprint ?? null,
            }),
          );
          await storage.putJson(payloadBucket, `results/macro/${payload.userId}/latest.json`, {
            clustersS3Key: `${prefix}/clusters.json`,
            taskId: ctx.taskId,
            graphS3Key: `${prefix}/graph.json`,
            embedderS3Key: `${prefix}/embedder.json`,
            model: built.model,
            dimension: built.dimension,
            fingerprint: built.fingerprint ?? null,
            generatedAt: graph.metadata.generated_at,
          });
          // Written: the fitted state (a ~20 MB string for 150,000 items) is not held for the rest of the task.
          delete built.embedderState;
        }

        timing.write_seconds = Math.round(performance.now() - tWrite) / 1000;

        if (search.status === "ready") {
          const { computed, prepared } = search;
          try {
            const records = searchRecords(payload.userId, searchNodes, computed, prepared.info.model);
            const written = await retryVectorWork(ctx, "indexing the graph for search", () =>
              writeSearchRecords(computed.collection, payload.userId, records, {
                replaceUser: true,
                storedIds: computed.storedIds,
              }),
            );
            timing.search = {
              model: prepared.info.model,
              collection: prepared.settings.collection,
              embedded: computed.embedded,
              reused: computed.reused,
              ...written,
            };
          } catch (err) {
            if (ctx.signal.aborted) throw err;
            const c = classifyError(err);
            if (c.kind === "transient" && !isLastReceive(ctx)) throw err;
            ctx.log.warn({ code: c.code, kind: c.kind }, "search indexing failed; features.json still sent");
            notes.unshift(`Graph succeeded, but search indexing failed: ${c.message}`);
          }
        }

        // The summary runs on the graph in memory; its failure does not lose the graph.
        let summaryS3Key: string | undefined;
        if (payload.includeSummary) {
          ctx.progress.report("summary", 0, 1);
          const tSummary = performance.now();
          try {
            const llm = createLlm(resolveLlmConfig(config.env, "MACRO"), { ledger });
            const { summary } = await summarizeGraph(checkedGraph, {
              language: payload.summaryLanguage ?? payload.language ?? generated.language,
              llm,
              signal: ctx.signal,
            });
            validateOutput("summary.json", summary);
            summaryS3Key = `${prefix}/summary.json`;
            await storage.putJson(payloadBucket, summaryS3Key, summary);
          } catch (err) {
            if (ctx.signal.aborted) throw err;
            const c = classifyError(err);
            ctx.log.warn({ code: c.code, err: errorDetail(err) }, "graph summary failed");
            notes.push(`Graph succeeded, but summary failed: ${c.message}`);
          }
          timing.summary_seconds = Math.round(performance.now() - tSummary) / 1000;
        }
        const indexed = await indexing;
        timing.index_seconds = indexed.seconds;
        if (indexed.ok) timing.index = indexed.value;
        // First among the notes, so the 300-character cut of `error` never drops it (or rethrown for a retry).
        else notes.unshift(indexingFailureNote(ctx, indexed.error));
        // The last stage is complete once the index is in too.
        if (payload.includeSummary) ctx.progress.report("summary", 1, 1);
        timing.llm = ledger.toJSON();
        timing.total_seconds = Math.round(performance.now() - t0) / 1000;
        await storage.putJson(payloadBucket, `${prefix}/timing.json`, timing);

        return {
          userId: payload.userId,
          status: "COMPLETED",
          resultS3Key: `${prefix}/graph.json`,
          // features.json feeds the backend's own vector writes into its search collection; the topic vectors
          // would corrupt it, so the key is only sent when features.json holds the search model's vectors.
          ...(search.status === "ready" ? { featuresS3Key: `${prefix}/features.json` } : {}),
          summaryIncluded: summaryS3Key !== undefined,
          ...(summaryS3Key ? { summaryS3Key } : {}),
          ...(notes.length ? { error: notes.join("; ").slice(0, 300) } : {}),
        };
      } finally {
        if (indexing) await indexing;
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
