/**
 * bench:quality — topic quality of graph generation on ../shared/datasets/debian-dev against its labels
 * (Debian sections): V-measure, NMI and ARI, English and Korean items separately, with the default local
 * embeddings; k = number of labels, then k chosen automatically in [3, 15].
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { buildMacroGraph } from "../src/pipelines/graph/build.js";
import { clusteringScores } from "../src/pipelines/graph/metrics.js";
import { loadBundle } from "../src/pipelines/sources/index.js";
import type { SourceItem } from "../src/pipelines/sources/types.js";

const dir = resolve(process.env.DATASET_DIR ?? join(process.cwd(), "../shared/datasets/debian-dev"));
const labels = JSON.parse(readFileSync(join(dir, "labels.json"), "utf8")) as Record<
  string,
  { label: string; lang: string }
>;
const quiet = { progress() {} };

function score(items: SourceItem[], assigned: Int32Array, lang: string) {
  const truth: string[] = [];
  const pred: number[] = [];
  items.forEach((it, i) => {
    const l = labels[it.origId];
    if (l && l.lang === lang) {
      truth.push(l.label);
      pred.push(assigned[i]!);
    }
  });
  const s = clusteringScores(truth, pred);
  return `${lang}: n=${truth.length} V=${s.vMeasure.toFixed(3)} NMI=${s.nmi.toFixed(3)} ARI=${s.ari.toFixed(3)}`;
}

const all = await loadBundle(dir);
const byLang = (lang: string) => all.filter((it) => labels[it.origId]?.lang === lang);
const numLabels = (items: SourceItem[]) => new Set(items.map((it) => labels[it.origId]?.label)).size;

console.log(`bench:quality on ${dir}: ${all.length} items, ${numLabels(all)} labels`);
for (const [name, items] of [
  ["English items, clustered alone", byLang("en")],
  ["Korean items, clustered alone", byLang("ko")],
] as const) {
  const k = numLabels(items);
  const t0 = performance.now();
  const out = buildMacroGraph({ items, numClusters: k, minClusters: 3, maxClusters: 15 }, quiet);
  const lang = name.startsWith("English") ? "en" : "ko";
  console.log(
    `${name}, k=${k}: ${score(items, out.labels, lang)}  (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
  );
  const auto = buildMacroGraph({ items, minClusters: 3, maxClusters: 15 }, quiet);
  console.log(`${name}, k auto=${auto.clusterIds.length} (silhouette): ${score(items, auto.labels, lang)}`);
}
{
  const k = numLabels(all);
  const out = buildMacroGraph({ items: all, numClusters: k, minClusters: 3, maxClusters: 15 }, quiet);
  console.log(
    `All items together, k=${k}: ${score(all, out.labels, "en")} | ${score(all, out.labels, "ko")}`,
  );
  const auto = buildMacroGraph({ items: all, minClusters: 3, maxClusters: 15 }, quiet);
  console.log(
    `All items together, k auto=${auto.clusterIds.length}: ${score(all, auto.labels, "en")} | ${score(all, auto.labels, "ko")}`,
  );
  console.log(
    `edges ${out.edges.length} (high ${out.edges.filter((e) => e.confidence === "high").length}), subclusters ${out.subclusters.length}, refinement moved ${out.refinedMoves}`,
  );
}
