/**
 * Names topic clusters with an LLM: a 2–5 word name, one-sentence description and 3–5 key themes per cluster,
 * in the user's language, grounded in each cluster's distinctive terms and representative titles. Clusters
 * are sent in batches (a bounded number of calls, run in parallel under the Llm's concurrency limit). Every
 * answer is checked (its id belongs to the batch; name and description pass the text checks in the requested
 * language); any cluster the model leaves out or answers badly keeps the local, LLM-free label the caller
 * already computed, and the report says how many of each.
 */
import { z } from "zod";
import { budgetForText, checkText, type Llm } from "../../ai/llm/index.js";

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

/** What happened to each cluster's LLM label: the truth for metadata and logs (reasons, never texts). */
export interface NamingReport {
  /** Clusters named by the LLM. */
  llm: number;
  /** Clusters that kept the local label (left out, rejected, or their batch failed). */
  local: number;
  /** Answers whose id is not a cluster of their batch ("cluster_1,"), and repeated answers. */
  unknownIds: string[];
  /** Answers for real clusters that failed the text checks, by cluster id. */
  rejected: { id: string; reason: string }[];
  /** Batches whose call failed (after retries and the repair round). */
  failedBatches: number;
}

export interface NamingResult {
  labels: Map<string, ClusterLabel>;
  report: NamingReport;
}

/** Per-cluster output: a name, a description sentence, up to 8 themes, with JSON keys and the id. */
const CHARS_PER_LABEL = 60 + 300 + 5 * 40;

/** Words of the prompt and schema a lazy model copies into names. */
const ECHOES = [
  "id",
  "name",
  "description",
  "key_themes",
  "key themes",
  "clusters",
  "cluster",
  "size",
  "distinctive_terms",
  "member_titles",
  "string",
  "object",
  "array",
  "topic",
  "theme",
  "…",
];

function checkLabel(
  raw: z.output<typeof labelsSchema>["clusters"][number],
  digest: ClusterDigest,
  language: string | undefined,
  batchIds: Set<string>,
): { ok: true } | { ok: false; reason: string } {
  const echoes = [...ECHOES, digest.id, ...batchIds];
  const name = checkText(raw.name, { kind: "label", language, echoes, knownIds: new Set() });
  if (name) return { ok: false, reason: `name: ${name}` };
  const description = checkText(raw.description, {
    kind: "sentence",
    language,
    minChars: 12,
    echoes,
    instructions: [SYSTEM],
    knownIds: batchIds,
  });
  if (description) return { ok: false, reason: `description: ${description}` };
  return { ok: true };
}

/** Themes that pass the label checks; the rest are dropped (tidyLabel tops up with distinctive terms). */
function checkedThemes(themes: string[], language: string | undefined, batchIds: Set<string>): string[] {
  return themes.filter((t) => !checkText(t, { kind: "label", language, echoes: [...ECHOES, ...batchIds] }));
}

/**
 * LLM labels for the clusters, each checked before use, with a report of what happened per cluster. A
 * cluster whose answer is missing, names an id outside its batch, or fails the text checks keeps no LLM
 * label (the caller keeps its local one); a batch whose call fails leaves all its clusters local.
 */
export async function nameClustersWithReport(
  llm: Llm,
  clusters: ClusterDigest[],
  opts: { language?: string; signal?: AbortSignal; batchSize?: number },
): Promise<NamingResult> {
  const batchSize = opts.batchSize ?? 8;
  const batches: ClusterDigest[][] = [];
  for (let i = 0; i < clusters.length; i += batchSize) batches.push(clusters.slice(i, i + batchSize));
  const language = languageName(opts.language);
  const answers = await Promise.all(
    batches.map(async (batch, i) => {
      try {
        return await llm.generateObject(labelsSchema, {
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
          maxOutputTokens: budgetForText(CHARS_PER_LABEL * batch.length, opts.language),
          ...(opts.signal ? { signal: opts.signal } : {}),
        });
      } catch (err) {
        if (opts.signal?.aborted) throw err;
        // With more than one batch the others may still work; with one, the caller sees the failure.
        if (batches.length === 1) throw err;
        return null;
      }
    }),
  );
  const byId = new Map(clusters.map((c) => [c.id, c]));
  const taken = new Set<string>();
  const labels = new Map<string, ClusterLabel>();
  const report: NamingReport = { llm: 0, local: 0, unknownIds: [], rejected: [], failedBatches: 0 };
  answers.forEach((answer, i) => {
    if (!answer) {
      report.failedBatches++;
      return;
    }
    const batchIds = new Set(batches[i]!.map((c) => c.id));
    for (const raw of answer.clusters) {
      const digest = batchIds.has(raw.id) ? byId.get(raw.id) : undefined;
      if (!digest || labels.has(raw.id)) {
        report.unknownIds.push(raw.id.slice(0, 40));
        continue;
      }
      const verdict = checkLabel(raw, digest, opts.language, batchIds);
      if (!verdict.ok) {
        report.rejected.push({ id: raw.id, reason: verdict.reason });
        continue;
      }
      const themes = checkedThemes(raw.key_themes, opts.language, batchIds);
      labels.set(raw.id, tidyLabel({ ...raw, key_themes: themes }, digest, taken));
    }
  });
  report.llm = labels.size;
  report.local = clusters.length - labels.size;
  return { labels, report };
}

/** The checked LLM labels only (see nameClustersWithReport for what happened to the others). */
export async function nameClustersWithLlm(
  llm: Llm,
  clusters: ClusterDigest[],
  opts: { language?: string; signal?: AbortSignal; batchSize?: number },
): Promise<Map<string, ClusterLabel>> {
  return (await nameClustersWithReport(llm, clusters, opts)).labels;
}
