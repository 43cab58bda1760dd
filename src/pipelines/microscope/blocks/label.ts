/**
 * LLM titles, summaries and key concepts for locally segmented blocks: blocks are packed into at most
 * MAX_LABEL_CALLS calls (an excerpt of each block, under LABEL_BUDGET_TOKENS per call), in parallel. Only
 * known block ids are applied, and only non-empty values replace the local ones; a failed call (or blocks
 * past the call budget) keeps the local labels.
 */
import { z } from "zod";
import type { ObjectLlm } from "../extract/llm.js";
import { languageName } from "../language.js";
import { clip } from "../sentences.js";
import { truncateToTokens } from "../tokens.js";
import { type LabeledBlock, MAX_SUMMARY_CHARS, MAX_TITLE_CHARS } from "./describe.js";

export const MAX_LABEL_CALLS = 3;
export const LABEL_BUDGET_TOKENS = 8000;
export const EXCERPT_TOKENS = 300;
export const LABEL_LABEL = "microscope-block-labels";

const labelsSchema = z.object({
  blocks: z.array(
    z.object({
      block_id: z.string(),
      title: z.string().nullish(),
      summary: z.string().nullish(),
      key_concepts: z.array(z.string()).nullish(),
    }),
  ),
});

export interface LabelResult {
  /** Blocks whose labels came from the LLM. */
  labeled: number;
  calls: number;
  failures: string[];
}

function batches(blocks: readonly LabeledBlock[]): { block: LabeledBlock; excerpt: string }[][] {
  const out: { block: LabeledBlock; excerpt: string }[][] = [];
  let cur: { block: LabeledBlock; excerpt: string }[] = [];
  let used = 0;
  for (const block of blocks) {
    if (out.length >= MAX_LABEL_CALLS) break;
    const excerpt = truncateToTokens(block.raw_text, EXCERPT_TOKENS);
    const cost = Math.min(block.tokens, EXCERPT_TOKENS) + 20;
    if (cur.length && used + cost > LABEL_BUDGET_TOKENS) {
      out.push(cur);
      cur = [];
      used = 0;
      if (out.length >= MAX_LABEL_CALLS) break;
    }
    cur.push({ block, excerpt });
    used += cost;
  }
  if (cur.length && out.length < MAX_LABEL_CALLS) out.push(cur);
  return out;
}

export async function labelWithLlm(
  llm: ObjectLlm,
  blocks: LabeledBlock[],
  opts: { language?: string; signal?: AbortSignal; kind: "document" | "chat" },
): Promise<LabelResult> {
  const lang = languageName(opts.language);
  const result: LabelResult = { labeled: 0, calls: 0, failures: [] };
  const byId = new Map(blocks.map((b) => [b.block_id, b]));
  const labeled = new Set<string>();
  const system = [
    `You label the blocks of a ${opts.kind === "chat" ? "conversation" : "document"} for a visual map of its flow.`,
    "For every block give: title (at most 10 words), summary (one or two sentences on what the block says),",
    "key_concepts (3 to 6 short noun phrases, spelled as in the text). Keep block_id exactly as given.",
    lang ? `Write titles and summaries in ${lang}.` : "Write in the language of the text.",
    'Answer {"blocks":[{"block_id","title","summary","key_concepts"}]}.',
  ].join(" ");
  await Promise.all(
    batches(blocks).map(async (batch) => {
      result.calls++;
      try {
        const answer = await llm.generateObject(labelsSchema, {
          system,
          prompt: batch.map(({ block, excerpt }) => `[${block.block_id}]\n${excerpt}`).join("\n\n"),
          label: LABEL_LABEL,
          ...(opts.signal ? { signal: opts.signal } : {}),
        });
        const allowed = new Set(batch.map((b) => b.block.block_id));
        for (const a of answer.blocks) {
          const block = byId.get(a.block_id.trim());
          if (!block || !allowed.has(block.block_id)) continue;
          const title = clip(a.title ?? "", MAX_TITLE_CHARS);
          const summary = clip(a.summary ?? "", MAX_SUMMARY_CHARS);
          const concepts = [...new Set((a.key_concepts ?? []).map((c) => clip(c, 80)).filter(Boolean))].slice(
            0,
            8,
          );
          if (title) block.title = title;
          if (summary) block.summary = summary;
          if (concepts.length) block.key_concepts = concepts;
          if (title || summary || concepts.length) labeled.add(block.block_id);
        }
      } catch (err) {
        if (opts.signal?.aborted) throw err;
        result.failures.push(`${LABEL_LABEL}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }),
  );
  result.labeled = labeled.size;
  return result;
}
