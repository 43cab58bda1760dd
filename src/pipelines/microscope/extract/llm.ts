/**
 * LLM entity/relation extraction guided by the ontology. Chunks are packed into batches under a token
 * budget and the batches run in parallel (the incumbent ran them one after another; the Llm's own limiter
 * bounds how many are in flight). Each answer is schema-checked by the Llm (one repair round), then
 * filtered (filter.ts).
 *
 * Failures: a batch whose call ends in a terminal error (invalid output after the repair, a rejected
 * request) goes to `fallback` when one is given (ingest uses the local extractor for those chunks) and
 * rejects the whole extraction otherwise. A transient error (provider unavailable after retries) or an abort
 * always rejects, and cancels the batches still running: SQS redelivers the task later, which beats
 * finishing it with a degraded graph.
 */
import type { Llm } from "../../../ai/llm/index.js";
import { TaskError } from "../../../contract/errors.js";
import {
  addFilterCounts,
  type ChunkRef,
  type ExtractedGraph,
  emptyFilterCounts,
  type FilterCounts,
} from "../graph.js";
import type { OntologyIndex } from "../ontology.js";
import { extractionAnswerSchema } from "./answer.js";
import { packBatches } from "./batches.js";
import { ChunkTexts } from "./evidence.js";
import { filterAnswer } from "./filter.js";
import { extractionSystemPrompt, extractionUserPrompt, promptOverheadTokens } from "./prompt.js";

/** What the pipeline needs of an Llm (tests and wrappers can supply just this). */
export type ObjectLlm = Pick<Llm, "generateObject">;

export const EXTRACT_LABEL = "microscope-extract";

export interface LlmExtractOptions {
  index: OntologyIndex;
  llm: ObjectLlm;
  language?: string;
  signal?: AbortSignal;
  /** Input tokens per batch, prompts included. Default DEFAULT_BATCH_TOKENS. */
  batchTokens?: number;
  /** Graph for the chunks of a batch whose call failed terminally; without it such a failure rejects. */
  fallback?: (batch: ChunkRef[]) => ExtractedGraph;
  /** After each batch: batches done, batches in all. */
  onBatch?: (done: number, total: number) => void;
}

export interface LlmExtraction {
  /** Mentions, in chunk order. */
  graph: ExtractedGraph;
  batches: number;
  /** Batches answered by `fallback`. */
  fallbackBatches: number;
  /** Short reasons of the failed batches (no prompt or output text). */
  failures: string[];
  counts: FilterCounts;
}

export function isFallbackWorthy(err: unknown, signal?: AbortSignal): boolean {
  return err instanceof TaskError && err.kind === "terminal" && !signal?.aborted;
}

/**
 * Output budget of one extraction batch: entities, relations and short evidence quotes restate at most
 * about what the chunks say, so the budget follows the input (a small chunk no longer runs to the server's
 * cap, twice, when the model loops), between a floor for the JSON frame and a ceiling.
 */
export function extractionBudget(batch: readonly { tokens: number }[]): number {
  const input = batch.reduce((sum, c) => sum + c.tokens, 0);
  return Math.min(4096, Math.max(384, Math.ceil(input * 1.5) + 256));
}

export async function extractWithLlm(
  chunks: readonly ChunkRef[],
  opts: LlmExtractOptions,
): Promise<LlmExtraction> {
  const { ontology } = opts.index;
  const system = extractionSystemPrompt(ontology, opts.language);
  const batches = packBatches(chunks, {
    ...(opts.batchTokens ? { budgetTokens: opts.batchTokens } : {}),
    fixedTokens: promptOverheadTokens(ontology, opts.language),
  });
  const texts = new ChunkTexts(chunks);
  const counts = emptyFilterCounts();
  const failures: string[] = [];
  let fallbackBatches = 0;
  let done = 0;
  // One failure that ends the extraction stops the batches still running or queued.
  const stop = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal;

  const run = async (batch: ChunkRef[]): Promise<ExtractedGraph> => {
    try {
      const answer = await opts.llm.generateObject(extractionAnswerSchema, {
        system,
        prompt: extractionUserPrompt(batch),
        label: EXTRACT_LABEL,
        maxOutputTokens: extractionBudget(batch),
        signal,
      });
      const filtered = filterAnswer(answer, {
        index: opts.index,
        chunkIds: batch.map((c) => c.index),
        texts,
      });
      addFilterCounts(counts, filtered.counts);
      return filtered.graph;
    } catch (err) {
      if (opts.fallback && isFallbackWorthy(err, signal)) {
        fallbackBatches++;
        failures.push(
          `chunks ${batch[0]!.index}-${batch[batch.length - 1]!.index}: ${(err as TaskError).message}`,
        );
        return opts.fallback(batch);
      }
      if (!stop.signal.aborted) stop.abort(err);
      throw err;
    } finally {
      opts.onBatch?.(++done, batches.length);
    }
  };

  const graphs = await Promise.all(batches.map(run));
  return {
    graph: { nodes: graphs.flatMap((g) => g.nodes), edges: graphs.flatMap((g) => g.edges) },
    batches: batches.length,
    fallbackBatches,
    failures,
    counts,
  };
}
