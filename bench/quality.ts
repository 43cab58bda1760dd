/**
 * bench:quality — clustering quality of the macro pipeline on debian-dev against the Debian section labels
 * (V-measure, NMI, ARI), for English and Korean items.
 *
 * Items are embedded with the default local embedder (TF-IDF + char n-grams → LSA, 256-d) fitted on the
 * items being clustered, then clustered by the macro algorithms (neighbour lists → smoothing → spherical
 * k-means on 64 principal directions → refinement). Two set-ups:
 *  - separate: each language's items embedded and clustered on their own (a single-language user);
 *  - together: all items in one embedding and one clustering, scored per language.
 * k = the number of distinct labels, and k chosen by silhouette in [3, 15]. Each line is the mean over five
 * clustering seeds (min in brackets); "k-means only" is the same clustering without smoothing and
 * refinement, for reference. Text = all messages of a conversation (user + assistant) or a note's sections;
 * the assistant-only variant is printed too.
 *
 * Reference (datasets/README.md): plain TF-IDF → LSA(50) → spherical k-means on the assistant text scores
 * V 0.73 (en) / 0.48 (ko). Targets: ≥ 0.70 en, ≥ 0.48 ko.
 * Usage: npm run bench:quality [-- seeds=5]
 */
import { readFileSync } from "node:fs";
import { fitLocalEmbedderOnTokens } from "../src/ai/embeddings/local/index.js";
import { clusterVectors } from "../src/pipelines/macro/cluster.js";
import { type ClusteringScores, clusteringScores } from "../src/pipelines/macro/metrics.js";
import { runMacroAlgorithms } from "../src/pipelines/macro/pipeline.js";
import { loadBundle, type SourceItem } from "../src/pipelines/sources/index.js";
import { tokenize } from "../src/pipelines/text/index.js";
import { datasetDir } from "../test/support/datasets.js";

const DEV = datasetDir("debian-dev");

interface Label {
  label: string;
  lang: string;
}

type TextMode = "all" | "assistant";

function itemText(item: SourceItem, mode: TextMode): string {
  return item.texts
    .filter((t) => mode === "all" || t.role !== "user")
    .map((t) => t.text)
    .join("\n");
}

interface Scored {
  mean: ClusteringScores;
  minV: number;
  k: number;
}

function mean(rows: ClusteringScores[]): ClusteringScores {
  const out = { homogeneity: 0, completeness: 0, vMeasure: 0, nmi: 0, nmiGeometric: 0, ari: 0 };
  for (const r of rows)
    for (const key of Object.keys(out) as (keyof ClusteringScores)[]) out[key] += r[key] / rows.length;
  return out;
}

/**
 * Clusters `subset` (indices into items) `seeds` times; returns per-language scores.
 * `smooth` = the full macro algorithms; otherwise plain k-means on the same space.
 */
function run(
  items: SourceItem[],
  labels: Label[],
  subset: number[],
  mode: TextMode,
  k: number | undefined,
  smooth: boolean,
  seeds: number,
): Record<string, Scored> {
  const tokens = subset.map((i) => tokenize(itemText(items[i]!, mode)));
  const { vectors } = fitLocalEmbedderOnTokens(tokens, { dimension: 256 });
  const byLang: Record<string, { rows: ClusteringScores[]; ks: number[] }> = {};
  for (let seed = 1; seed <= seeds; seed++) {
    const options = { minClusters: 3, maxClusters: 15, seed, ...(k !== undefined ? { numClusters: k } : {}) };
    const result = smooth
      ? runMacroAlgorithms(vectors, options)
      : clusterVectors(vectors, { ...options, minClusters: 3, maxClusters: 15 });
    for (const lang of ["en", "ko"]) {
      const pos = subset.map((i, p) => (labels[i]!.lang === lang ? p : -1)).filter((p) => p >= 0);
      if (pos.length === 0) continue;
      const truth = pos.map((p) => labels[subset[p]!]!.label);
      const pred = pos.map((p) => result.labels[p]!);
      byLang[lang] ??= { rows: [], ks: [] };
      byLang[lang].rows.push(clusteringScores(truth, pred));
      byLang[lang].ks.push(result.k);
    }
  }
  const out: Record<string, Scored> = {};
  for (const [lang, { rows, ks }] of Object.entries(byLang)) {
    out[lang] = {
      mean: mean(rows),
      minV: Math.min(...rows.map((r) => r.vMeasure)),
      k: ks.reduce((a, b) => a + b, 0) / ks.length,
    };
  }
  return out;
}

function fmt(s: Scored | undefined): string {
  if (!s) return "".padEnd(38);
  const f = (x: number) => x.toFixed(3);
  return `V ${f(s.mean.vMeasure)} (${f(s.minV)}) NMI ${f(s.mean.nmiGeometric)} ARI ${f(s.mean.ari)} k ${s.k.toFixed(1).padStart(4)}`;
}

async function main(): Promise<void> {
  const args = new Map(process.argv.slice(2).map((a) => a.split("=") as [string, string]));
  const seeds = Number(args.get("seeds") ?? 5);
  const items = await loadBundle(DEV);
  const labelMap = JSON.parse(readFileSync(`${DEV}/labels.json`, "utf8")) as Record<string, Label>;
  const labels = items.map((it) => {
    const l = labelMap[it.origId];
    if (!l) throw new Error(`no label for ${it.origId}`);
    return l;
  });
  const all = items.map((_, i) => i);
  const en = all.filter((i) => labels[i]!.lang === "en");
  const ko = all.filter((i) => labels[i]!.lang === "ko");
  const distinct = (idx: number[]) => new Set(idx.map((i) => labels[i]!.label)).size;
  console.log(
    `debian-dev: ${items.length} items (${en.length} en, ${ko.length} ko), ${distinct(all)} labels ` +
      `(en ${distinct(en)}, ko ${distinct(ko)}); mean of ${seeds} seeds, (min V)`,
  );
  console.log(`${"set-up".padEnd(64)}${"English".padEnd(52)}Korean`);
  const line = (name: string, r: Record<string, Scored>) =>
    console.log(`${name.padEnd(64)}${fmt(r.en).padEnd(52)}${fmt(r.ko)}`);
  const t0 = performance.now();
  for (const mode of ["all", "assistant"] as TextMode[]) {
    for (const smooth of [false, true]) {
      const stage = smooth ? "macro (smoothed, refined)" : "k-means only";
      const sep = {
        en: run(items, labels, en, mode, distinct(en), smooth, seeds).en!,
        ko: run(items, labels, ko, mode, distinct(ko), smooth, seeds).ko!,
      };
      line(`separate, k = labels, ${mode} text, ${stage}`, sep);
      line(
        `together, k = ${distinct(all)}, ${mode} text, ${stage}`,
        run(items, labels, all, mode, distinct(all), smooth, seeds),
      );
    }
  }
  const autoSep = {
    en: run(items, labels, en, "all", undefined, true, seeds).en!,
    ko: run(items, labels, ko, "all", undefined, true, seeds).ko!,
  };
  line("separate, k by silhouette in [3, 15], all text", autoSep);
  line(
    "together, k by silhouette in [3, 15], all text",
    run(items, labels, all, "all", undefined, true, seeds),
  );
  console.log(`(${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

await main();
