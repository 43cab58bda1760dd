/**
 * A bilingual user's graph groups by topic, not by language (issue 11): debian-dev holds English and Korean
 * Debian package descriptions labelled by Debian section. The whole build (local embedder with its
 * per-script centring, k by silhouette as GRAPH_GENERATION does by default) is scored against the labels:
 * the mixed graph, each language's items inside that graph, and each language alone (a single-language user,
 * whose graph is not centred at all).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { before, describe, it } from "node:test";
import { buildMacroGraph, type MacroBuildOutput } from "../../../src/pipelines/graph/build.js";
import { vMeasure } from "../../../src/pipelines/macro/metrics.js";
import { loadBundle, type SourceItem } from "../../../src/pipelines/sources/index.js";
import { datasetDir } from "../../support/datasets.js";

const DEV = datasetDir("debian-dev");

function build(items: SourceItem[]): MacroBuildOutput {
  return buildMacroGraph({ items, minClusters: 3, maxClusters: 15, seed: 42 }, { progress() {} });
}

/** V-measure of the graph's clusters against the labels, over the items at `idx`. */
function scoreOf(labels: readonly string[], built: MacroBuildOutput, idx: readonly number[]): number {
  return vMeasure(
    idx.map((i) => labels[i]!),
    idx.map((i) => built.labels[i]!),
  );
}

describe("topics that cross languages (debian-dev)", () => {
  let items: SourceItem[];
  let truth: string[];
  let byLanguage: Map<string, number[]>;
  before(async () => {
    items = await loadBundle(DEV);
    const labels = JSON.parse(readFileSync(`${DEV}/labels.json`, "utf8")) as Record<
      string,
      { label: string }
    >;
    truth = items.map((it) => labels[it.origId]!.label);
    byLanguage = new Map();
    items.forEach((it, i) => {
      const l = it.language ?? "und";
      byLanguage.set(l, [...(byLanguage.get(l) ?? []), i]);
    });
    assert.deepEqual([...byLanguage.keys()].sort(), ["en", "ko"], "the data set is English and Korean");
  });

  it("the mixed graph scores V ≥ 0.70, and each language's items in it ≥ 0.60; clusters hold both", () => {
    const built = build(items);
    assert.deepEqual(Object.keys(built.embedderState?.centring?.groups ?? {}).sort(), ["hangul", "latin"]);
    const all = items.map((_, i) => i);
    const mixed = scoreOf(truth, built, all);
    assert.ok(mixed >= 0.7, `mixed V-measure ${mixed.toFixed(3)}`);
    for (const [language, idx] of byLanguage) {
      const v = scoreOf(truth, built, idx);
      assert.ok(v >= 0.6, `${language} inside the mixed graph: V-measure ${v.toFixed(3)}`);
    }
    // Crossing, counted directly: clusters with at least 3 items of each language.
    const perCluster = new Map<number, Map<string, number>>();
    built.labels.forEach((c, i) => {
      const m = perCluster.get(c) ?? new Map<string, number>();
      const l = items[i]!.language ?? "und";
      m.set(l, (m.get(l) ?? 0) + 1);
      perCluster.set(c, m);
    });
    const crossing = [...perCluster.values()].filter(
      (m) => [...m.values()].every((x) => x >= 3) && m.size > 1,
    );
    assert.ok(crossing.length >= 4, `${crossing.length} of ${perCluster.size} clusters hold both languages`);
  });

  it("a single-language graph is not centred and keeps its score", () => {
    // Today's scores on their own (bench:cross-language, k by silhouette): en 0.765, ko 0.717.
    const floors: Record<string, number> = { en: 0.72, ko: 0.68 };
    for (const [language, idx] of byLanguage) {
      const own = build(idx.map((i) => items[i]!));
      assert.equal(own.embedderState?.centring, undefined, `${language} alone is not centred`);
      const v = scoreOf(
        idx.map((i) => truth[i]!),
        own,
        idx.map((_, p) => p),
      );
      assert.ok(v >= floors[language]!, `${language} alone: V-measure ${v.toFixed(3)}`);
    }
  });
});
