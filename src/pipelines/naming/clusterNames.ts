/**
 * Names topic clusters with an LLM: a 2–5 word name, one-sentence description and 3–5 key themes per cluster,
 * in the user's language, grounded in each cluster's distinctive terms and representative titles. Clusters
 * are sent in batches (a bounded number of calls, run in parallel under the Llm's concurrency limit). Any
 * cluster the model leaves out keeps the local, LLM-free label the caller already computed.
 */
import { z } from "zod";
import type { Llm } from "../../ai/llm/index.js";

export interface ClusterDigest {
  id: string;
  size: number;
  /** Distinctive terms (class-based TF-IDF), most distinctive first. */
  terms: string[];
  /** Titles of representative members (closest to the centroid). */
  titles: string[];
}

export interface ClusterLabel {
  name: string;
  description: string;
  key_themes: string[];
}

const LANGUAGE_NAMES: Record<string, string> = {
  ko: "Korean",
  en: "English",
  zh: "Chinese",
  ja: "Japanese",
  de: "German",
  fr: "French",
  es: "Spanish",
};

export function languageName(code: string | undefined): string {
  if (!code) return "English";
  const base = code.toLowerCase().split(/[-_]/)[0] ?? "";
  return LANGUAGE_NAMES[base] ?? code;
}

const labelsSchema = z.object({
  clusters: z.array(
    z.object({
      id: z.string(),
      name: z.string().min(1).max(120),
      description: z.string().max(600),
      key_themes: z.array(z.string().min(1).max(80)).min(1).max(8),
    }),
  ),
});

const SYSTEM = [
  "You name topic clusters of a person's knowledge graph (their chats, notes and files).",
  "For every cluster give: a short name of 2 to 5 words, a one-sentence description, and 3 to 5 key themes.",
  "Base them only on the cluster's distinctive terms and member titles. Names must differ from each other.",
  "Answer with JSON only.",
].join(" ");

function clampWords(text: string, max: number): string {
  const words = text.trim().split(/\s+/);
  return words.slice(0, max).join(" ");
}

/** Tidies the model's labels: word limits, distinct names, 3–5 themes (topped up with distinctive terms). */
export function tidyLabel(raw: ClusterLabel, digest: ClusterDigest, taken: Set<string>): ClusterLabel {
  let name = clampWords(raw.name.replace(/["“”]/g, ""), 5);
  if (taken.has(name.toLowerCase())) {
    const extra = digest.terms.find((t) => !name.toLowerCase().includes(t.toLowerCase()));
    name = clampWords(`${name} ${extra ?? digest.id}`, 6);
  }
  taken.add(name.toLowerCase());
  const themes: string[] = [];
  for (const t of [...raw.key_themes, ...digest.terms]) {
    const clean = t.trim();
    if (clean && !themes.some((x) => x.toLowerCase() === clean.toLowerCase())) themes.push(clean);
    if (themes.length === 5) break;
  }
  return {
    name,
    description: raw.description.trim(),
    key_themes: themes.slice(0, Math.max(3, Math.min(5, themes.length))),
  };
}

export async function nameClustersWithLlm(
  llm: Llm,
  clusters: ClusterDigest[],
  opts: { language?: string; signal?: AbortSignal; batchSize?: number },
): Promise<Map<string, ClusterLabel>> {
  const batchSize = opts.batchSize ?? 8;
  const batches: ClusterDigest[][] = [];
  for (let i = 0; i < clusters.length; i += batchSize) batches.push(clusters.slice(i, i + batchSize));
  const language = languageName(opts.language);
  const answers = await Promise.all(
    batches.map((batch, i) =>
      llm.generateObject(labelsSchema, {
        system: SYSTEM,
        prompt: [
          `Write every name, description and theme in ${language}.`,
          "Clusters:",
          JSON.stringify(
            batch.map((c) => ({
              id: c.id,
              size: c.size,
              distinctive_terms: c.terms.slice(0, 12),
              member_titles: c.titles.slice(0, 8).map((t) => t.slice(0, 120)),
            })),
          ),
          'Reply as {"clusters":[{"id":…,"name":…,"description":…,"key_themes":[…]}]} with one entry per cluster id.',
        ].join("\n"),
        label: `cluster-names-${i + 1}`,
        ...(opts.signal ? { signal: opts.signal } : {}),
      }),
    ),
  );
  const byId = new Map(clusters.map((c) => [c.id, c]));
  const taken = new Set<string>();
  const out = new Map<string, ClusterLabel>();
  for (const answer of answers) {
    for (const raw of answer.clusters) {
      const digest = byId.get(raw.id);
      if (!digest || out.has(raw.id)) continue;
      out.set(raw.id, tidyLabel(raw, digest, taken));
    }
  }
  return out;
}
