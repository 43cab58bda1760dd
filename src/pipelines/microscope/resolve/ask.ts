/**
 * Grey-band alias pairs confirmed by the LLM: one call per node type (the incumbent also resolved per type,
 * but sent every name of the type and asked for a full mapping), at most MAX_RESOLUTION_CALLS types and
 * MAX_PAIRS_PER_CALL pairs each, all in parallel. The model only answers yes/no per numbered pair, so it
 * cannot invent names. A failed call merges nothing for its type.
 */
import { z } from "zod";
import type { ObjectLlm } from "../extract/llm.js";
import { languageName } from "../language.js";
import { clip } from "../sentences.js";

export const MAX_RESOLUTION_CALLS = 4;
export const MAX_PAIRS_PER_CALL = 40;
export const RESOLVE_LABEL = "microscope-resolve";

export interface AskPair {
  a: number;
  b: number;
  nameA: string;
  nameB: string;
  descA: string;
  descB: string;
}

const decisionsSchema = z.object({
  decisions: z.array(z.object({ pair: z.number().int(), same: z.boolean() })),
});

export interface AskResult {
  /** Confirmed pairs. */
  same: [number, number][];
  calls: number;
  asked: number;
  failures: string[];
}

export async function askSamePairs(
  llm: ObjectLlm,
  byType: ReadonlyMap<string, AskPair[]>,
  opts: { signal?: AbortSignal; language?: string } = {},
): Promise<AskResult> {
  const types = [...byType].filter(([, pairs]) => pairs.length > 0).sort((x, y) => y[1].length - x[1].length);
  const chosen = types.slice(0, MAX_RESOLUTION_CALLS);
  const result: AskResult = { same: [], calls: 0, asked: 0, failures: [] };
  const lang = languageName(opts.language);
  await Promise.all(
    chosen.map(async ([type, all]) => {
      const pairs = all.slice(0, MAX_PAIRS_PER_CALL);
      result.calls++;
      result.asked += pairs.length;
      const lines = pairs.map(
        (p, i) =>
          `${i + 1}. "${p.nameA}"${p.descA ? ` (${clip(p.descA, 120)})` : ""} | "${p.nameB}"${p.descB ? ` (${clip(p.descB, 120)})` : ""}`,
      );
      try {
        const answer = await llm.generateObject(decisionsSchema, {
          system:
            "You resolve entity names extracted from one document. For each numbered pair decide whether both names refer to the same real-world entity (spelling variants, abbreviations, plural, translation) or to different ones (different versions, a part and its whole, related but distinct things). When unsure, answer false." +
            (lang ? ` The document is in ${lang}.` : ""),
          prompt: `Entity type: ${type}\nPairs:\n${lines.join("\n")}\n\nAnswer {"decisions":[{"pair":<number>,"same":<true|false>}]} with one decision per pair.`,
          label: RESOLVE_LABEL,
          // {"pair":N,"same":false} is ~10 tokens; room for every pair and the frame, nothing for a loop.
          maxOutputTokens: 32 + 16 * pairs.length,
          ...(opts.signal ? { signal: opts.signal } : {}),
        });
        for (const d of answer.decisions) {
          const p = pairs[d.pair - 1];
          if (p && d.same) result.same.push([p.a, p.b]);
        }
      } catch (err) {
        if (opts.signal?.aborted) throw err;
        result.failures.push(`${RESOLVE_LABEL} ${type}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }),
  );
  return result;
}
