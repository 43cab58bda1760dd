/**
 * bench:cross-language — does a bilingual user's graph group by topic or by language? On debian-dev (English
 * and Korean Debian package descriptions labelled by Debian section), each candidate topic space is clustered
 * by the macro algorithms (k by silhouette in [3, 15], as GRAPH_GENERATION does by default, and k = the
 * number of labels), and scored with V-measure: over all items of the mixed graph, over each language's items
 * inside that one graph, and for each language clustered on its own (a single-language user).
 *
 * Topic spaces tried (the issue's list):
 *  - local:           the local TF-IDF/LSA embedder fitted on the items, not centred (before centring);
 *  - local-centred:   the same, each language's mean vector subtracted (then re-normalised);
 *  - local-by-script: the product default, the same centring done by the embedder itself on script groups of
 *                     the terms (src/ai/embeddings/local/centring.ts), so ADD_NODE embeds alike;
 *  - latin:           an embedder fitted on the Latin-script tokens only (package names, technical terms
 *                     shared by both languages' texts);
 *  - search:          the search model's vectors (SEARCH_EMBEDDING_MODEL=<dir>; skipped without it);
 *  - search-centred:  the same, centred per language;
 *  - concat(w):       the weighted concatenation of the normalised local and search spaces (centred);
 *  - merge:           each language clustered on its own in the local space, then clusters of the other
 *                     languages merged into the nearest cluster of the largest language when their centroids
 *                     (in the centred search space) are close enough.
 * Language = the item's script-detected language (what the pipeline knows), not the label file's.
 * Each line is the mean over `seeds` clustering seeds.
 * Usage: npm run bench:cross-language [-- seeds=3 prefix="passage: "]
 */
import { readFileSync } from "node:fs";
import { fitLocalEmbedderOnTokens } from "../src/ai/embeddings/local/index.js";
import { createTransformersEmbedder } from "../src/ai/embeddings/transformers/provider.js";
import { vMeasure } from "../src/pipelines/macro/metrics.js";
import { runMacroAlgorithms } from "../src/pipelines/macro/pipeline.js";
import { searchText } from "../src/pipelines/search/text.js";
import { loadBundle, type SourceItem } from "../src/pipelines/sources/index.js";
import { type Token, tokenize } from "../src/pipelines/text/index.js";
import { datasetDir } from "../test/support/datasets.js";

const DEV = datasetDir("debian-dev");

interface Space {
  data: Float32Array;
  d: number;
}

function arg(name: string): string | undefined {
  const a = process.argv.find((x) => x.startsWith(`${name}=`));
  return a?.slice(name.length + 1);
}

function itemText(item: SourceItem): string {
  return [item.title, ...item.texts.map((t) => t.text)].join("\n");
}

function normaliseRows(s: Space): Space {
  const { data, d } = s;
  for (let i = 0; i < data.length / d; i++) {
    let n = 0;
    for (let j = 0; j < d; j++) n += data[i * d + j]! ** 2;
    const inv = n > 0 ? 1 / Math.sqrt(n) : 0;
    for (let j = 0; j < d; j++) data[i * d + j]! *= inv;
  }
  return s;
}

/** Subtracts each language's mean vector from its items' vectors, then re-normalises. */
function centred(s: Space, langs: readonly string[]): Space {
  const { d } = s;
  const data = Float32Array.from(s.data);
  const means = new Map<string, { sum: Float64Array; n: number }>();
  langs.forEach((l, i) => {
    const m = means.get(l) ?? { sum: new Float64Array(d), n: 0 };
    for (let j = 0; j < d; j++) m.sum[j]! += data[i * d + j]!;
    m.n++;
    means.set(l, m);
  });
  langs.forEach((l, i) => {
    const m = means.get(l)!;
    for (let j = 0; j < d; j++) data[i * d + j]! -= m.sum[j]! / m.n;
  });
  return normaliseRows({ data, d });
}

function concat(a: Space, b: Space, wa: number): Space {
  const n = a.data.length / a.d;
  const d = a.d + b.d;
  const data = new Float32Array(n * d);
  const sa = Math.sqrt(wa);
  const sb = Math.sqrt(1 - wa);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < a.d; j++) data[i * d + j] = sa * a.data[i * a.d + j]!;
    for (let j = 0; j < b.d; j++) data[i * d + a.d + j] = sb * b.data[i * b.d + j]!;
  }
  return normaliseRows({ data, d });
}

function subset(s: Space, idx: readonly number[]): Space {
  const data = new Float32Array(idx.length * s.d);
  idx.forEach((i, p) => {
    data.set(s.data.subarray(i * s.d, (i + 1) * s.d), p * s.d);
  });
  return { data, d: s.d };
}

/** The local embedder's space; `centreByScript` is the product default (centring.ts), off for "today". */
function localSpace(tokens: readonly (readonly Token[])[], centreByScript = false): Space {
  const { vectors } = fitLocalEmbedderOnTokens(tokens, { dimension: 256, centreByScript });
  const d = vectors[0]!.length;
  const data = new Float32Array(vectors.length * d);
  vectors.forEach((v, i) => {
    data.set(v, i * d);
  });
  return { data, d };
}

function cluster(s: Space, seed: number, k?: number): Int32Array {
  const n = s.data.length / s.d;
  return runMacroAlgorithms(
    { data: s.data, n, d: s.d },
    { minClusters: 3, maxClusters: 15, seed, ...(k ? { numClusters: k } : {}) },
  ).labels;
}

/** Per-language clusters merged across languages by centroid cosine in `bridge` (see the header). */
function mergedClusters(
  local: (idx: number[]) => Space,
  bridge: Space,
  langs: readonly string[],
  seed: number,
  threshold: number,
): Int32Array {
  const n = langs.length;
  const labels = new Int32Array(n);
  const byLang = new Map<string, number[]>();
  langs.forEach((l, i) => {
    byLang.set(l, [...(byLang.get(l) ?? []), i]);
  });
  const order = [...byLang.entries()].sort((a, b) => b[1].length - a[1].length);
  let next = 0;
  const centroids: { id: number; c: Float64Array; lang: string }[] = [];
  for (const [lang, idx] of order) {
    const own = cluster(local(idx), seed);
    const groups = new Map<number, number[]>();
    own.forEach((c, p) => {
      groups.set(c, [...(groups.get(c) ?? []), idx[p]!]);
    });
    for (const members of groups.values()) {
      const c = new Float64Array(bridge.d);
      for (const i of members) for (let j = 0; j < bridge.d; j++) c[j]! += bridge.data[i * bridge.d + j]!;
      const norm = Math.sqrt(c.reduce((a, x) => a + x * x, 0)) || 1;
      for (let j = 0; j < bridge.d; j++) c[j]! /= norm;
      let best = -1;
      let bestSim = threshold;
      for (const other of centroids) {
        if (other.lang === lang) continue;
        let s = 0;
        for (let j = 0; j < bridge.d; j++) s += c[j]! * other.c[j]!;
        if (s > bestSim) {
          bestSim = s;
          best = other.id;
        }
      }
      const id = best >= 0 ? best : next++;
      for (const i of members) labels[i] = id;
      if (best < 0) centroids.push({ id, c, lang });
    }
  }
  return labels;
}

interface Row {
  all: number;
  perLang: Record<string, number>;
  k: number;
  /** Clusters holding at least 3 items of each of two or more languages. */
  crossing: number;
  /** V-measure of the clusters against the items' languages: 0 = clusters ignore language, 1 = split by it. */
  langV: number;
}

function score(truth: readonly string[], langs: readonly string[], pred: Int32Array): Row {
  const perLang: Record<string, number> = {};
  for (const l of new Set(langs)) {
    const idx = langs.map((x, i) => (x === l ? i : -1)).filter((i) => i >= 0);
    perLang[l] = vMeasure(
      idx.map((i) => truth[i]!),
      idx.map((i) => pred[i]!),
    );
  }
  const perCluster = new Map<number, Map<string, number>>();
  pred.forEach((c, i) => {
    const m = perCluster.get(c) ?? new Map<string, number>();
    m.set(langs[i]!, (m.get(langs[i]!) ?? 0) + 1);
    perCluster.set(c, m);
  });
  const crossing = [...perCluster.values()].filter(
    (m) => [...m.values()].filter((x) => x >= 3).length > 1,
  ).length;
  const langV = vMeasure(langs, [...pred]);
  return { all: vMeasure(truth, [...pred]), perLang, k: new Set(pred).size, crossing, langV };
}

function meanRows(rows: Row[]): Row {
  const m = (f: (r: Row) => number) => rows.reduce((a, r) => a + f(r), 0) / rows.length;
  const langs = Object.keys(rows[0]!.perLang);
  return {
    all: m((r) => r.all),
    perLang: Object.fromEntries(langs.map((l) => [l, m((r) => r.perLang[l] ?? 0)])),
    k: m((r) => r.k),
    crossing: m((r) => r.crossing),
    langV: m((r) => r.langV),
  };
}

async function searchSpace(items: SourceItem[], prefix: string): Promise<Space | undefined> {
  const dir = process.env.SEARCH_EMBEDDING_MODEL;
  if (!dir || dir === "none") return undefined;
  const embedder = await createTransformersEmbedder({
    localDir: dir,
    ...(process.env.SEARCH_EMBEDDING_DTYPE ? { dtype: process.env.SEARCH_EMBEDDING_DTYPE as "fp32" } : {}),
    longText: "truncate",
  });
  const rows = await embedder.embed(items.map((it) => prefix + searchText(it, embedder.maxTokens)));
  const d = embedder.dimension;
  const data = new Float32Array(rows.length * d);
  rows.forEach((r, i) => {
    data.set(r, i * d);
  });
  return { data, d };
}

async function main(): Promise<void> {
  const seeds = Number(arg("seeds") ?? 3);
  const prefix = arg("prefix") ?? "";
  const items = await loadBundle(DEV);
  const labelMap = JSON.parse(readFileSync(`${DEV}/labels.json`, "utf8")) as Record<
    string,
    { label: string }
  >;
  const truth = items.map((it) => labelMap[it.origId]!.label);
  const langs = items.map((it) => it.language ?? "und");
  const counts = [...new Set(langs)].map((l) => `${l} ${langs.filter((x) => x === l).length}`).join(", ");
  console.log(
    `debian-dev: ${items.length} items (${counts}), ${new Set(truth).size} labels; V-measure, mean of ${seeds} seeds`,
  );

  const tokens = items.map((it) => tokenize(itemText(it)));
  const latinTokens = tokens.map((ts) => ts.filter((t) => t.script === "latin"));
  const local = localSpace(tokens);
  const search = await searchSpace(items, prefix);
  if (!search) console.log("(no SEARCH_EMBEDDING_MODEL directory: the search-model spaces are skipped)");

  const spaces: [string, () => Space][] = [
    ["local", () => local],
    ["local-centred", () => centred(local, langs)],
    ["local-by-script (default)", () => localSpace(tokens, true)],
    ["latin", () => localSpace(latinTokens)],
  ];
  if (search) {
    const sc = centred(search, langs);
    spaces.push(["search", () => search], ["search-centred", () => sc]);
    for (const w of [0.3, 0.5, 0.7])
      spaces.push([`concat(local ${w}, search-centred)`, () => concat(local, sc, w)]);
    for (const w of [0.5])
      spaces.push([`concat(local-centred ${w}, search-centred)`, () => concat(centred(local, langs), sc, w)]);
  }
  const langList = [...new Set(langs)];
  const header = `${"topic space".padEnd(44)}${"k".padEnd(8)}${"crossing".padEnd(10)}${"lang V".padEnd(8)}${"mixed".padEnd(8)}${langList.map((l) => `${l} in mixed`.padEnd(13)).join("")}${langList.map((l) => `${l} alone`.padEnd(10)).join("")}`;
  const t0 = performance.now();
  for (const kMode of ["silhouette", "labels"] as const) {
    console.log(
      `\nk ${kMode === "labels" ? `= ${new Set(truth).size} (labels)` : "by silhouette in [3, 15]"}`,
    );
    console.log(header);
    const k = kMode === "labels" ? new Set(truth).size : undefined;
    const line = (name: string, rows: Row[], alone: Record<string, number>) => {
      const r = meanRows(rows);
      console.log(
        `${name.padEnd(44)}${r.k.toFixed(1).padEnd(8)}${r.crossing.toFixed(1).padEnd(10)}${r.langV.toFixed(3).padEnd(8)}${r.all.toFixed(3).padEnd(8)}` +
          langList.map((l) => (r.perLang[l] ?? 0).toFixed(3).padEnd(13)).join("") +
          langList.map((l) => (alone[l] ?? Number.NaN).toFixed(3).padEnd(10)).join(""),
      );
    };
    for (const [name, make] of spaces) {
      const space = make();
      const rows: Row[] = [];
      const alone: Record<string, number> = {};
      for (let seed = 1; seed <= seeds; seed++) rows.push(score(truth, langs, cluster(space, seed, k)));
      // Alone: each language's items with a space of their own (the local space is refitted on them).
      for (const l of langList) {
        const idx = langs.map((x, i) => (x === l ? i : -1)).filter((i) => i >= 0);
        const own =
          name === "local" || name === "local-centred"
            ? localSpace(idx.map((i) => tokens[i]!))
            : name.startsWith("local-by-script")
              ? localSpace(
                  idx.map((i) => tokens[i]!),
                  true,
                )
              : name === "latin"
                ? localSpace(idx.map((i) => latinTokens[i]!))
                : subset(space, idx);
        let v = 0;
        for (let seed = 1; seed <= seeds; seed++) {
          const kl = k ? new Set(idx.map((i) => truth[i])).size : undefined;
          v += vMeasure(
            idx.map((i) => truth[i]!),
            [...cluster(own, seed, kl)],
          );
        }
        alone[l] = v / seeds;
      }
      line(name, rows, alone);
    }
    if (search && kMode === "silhouette") {
      const sc = centred(search, langs);
      for (const threshold of [0.3, 0.4, 0.5, 0.6]) {
        const rows: Row[] = [];
        for (let seed = 1; seed <= seeds; seed++)
          rows.push(
            score(
              truth,
              langs,
              mergedClusters((idx) => localSpace(idx.map((i) => tokens[i]!)), sc, langs, seed, threshold),
            ),
          );
        line(`merge (local per language, search-centred ≥ ${threshold})`, rows, {});
      }
    }
  }
  console.log(`\n(${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

await main();
