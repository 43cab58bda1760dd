/**
 * The CPU-heavy part of graph generation, run on the worker-thread pool: embed the items (the local
 * embedder fitted on this user's corpus, or vectors computed beforehand by another provider), keywords,
 * topics (spherical k-means on the leading LSA dimensions, k given or chosen by silhouette), the kNN
 * similarity graph, refinement, subclusters and each cluster's distinctive terms and representatives.
 * LLM naming and output assembly happen afterwards on the main thread.
 */

import type { LocalEmbedderState } from "../../ai/embeddings/local/index.js";
import { fitLocalEmbedderOnCorpus, LOCAL_FIT_STEP_WEIGHTS } from "../../ai/embeddings/local/index.js";
import { clusterKeywords, extractKeywordsOf, type Keyword } from "../keywords/index.js";
import {
  type MacroStage,
  type Matrix,
  runMacroAlgorithms,
  type Subcluster,
  toMatrix,
} from "../macro/index.js";
import { type GraphStage, subStepProgress } from "../progress.js";
import type { SourceItem, SourceText } from "../sources/types.js";
import { tokenize } from "../text/tokenize.js";
import { collectGarbageNow } from "./threadMemory.js";
import { TokenCorpus } from "./tokenCorpus.js";

export interface MacroBuildInput {
  items: SourceItem[];
  numClusters?: number;
  minClusters: number;
  maxClusters: number;
  seed?: number;
  /** Vectors from a non-local provider (n × dimension, L2-normalised); absent → fit the local embedder. */
  precomputed?: { data: Float32Array; dimension: number; model: string };
  localDimension?: number;
  edgeFloor?: number;
  /**
   * The items are this job's own copy (a structured clone on a pool thread): each item's texts are let go
   * once tokenised, so the thread never holds every text and every token at once, and the thread's garbage
   * is collected once the build is done. Leave unset when the caller still needs the texts.
   */
  releaseItemTexts?: boolean;
}

export interface MacroEdge {
  source: number;
  target: number;
  weight: number;
  /** "high" → the backend's `hard` edge type; anything else → `insight`. */
  confidence: "high" | "medium" | "low";
  is_intra_cluster: boolean;
}

export interface MacroBuildOutput {
  model: string;
  dimension: number;
  fingerprint?: string;
  vectors: Float32Array;
  embedderState?: LocalEmbedderState;
  labels: Int32Array;
  clusterIds: string[];
  clusterSizes: number[];
  edges: MacroEdge[];
  subclusters: Subcluster[];
  keywords: Keyword[][];
  clusterTerms: string[][];
  representatives: number[][];
  kChoice: { chosenBy: "numClusters" | "silhouette"; k: number; scores: { k: number; silhouette: number }[] };
  refinedMoves: number;
  emptyTexts: number;
  timings: Record<string, number>;
}

export interface BuildIO {
  progress(stage: GraphStage, done: number, total: number): void;
}

/**
 * Most characters of one chat message that are read: a pasted 50 MB log counts as its first 100,000
 * characters, plenty for its topic, and its cost stays that of a long message. Other texts (a note's
 * sections, a file's pages) have only the item cap, as files always had.
 */
export const MAX_TEXT_CHARS = 100_000;
/** Most characters of one item's texts that are read, over all of them (a user file's text cap, too). */
export const MAX_ITEM_CHARS = 1_000_000;

/**
 * Cuts an item's texts to the caps (each chat message to maxTextChars, all texts together to maxItemChars,
 * the title not counted) and says whether anything was cut. Returns the same array when nothing was.
 */
export function cappedTexts(
  texts: readonly SourceText[],
  maxTextChars = MAX_TEXT_CHARS,
  maxItemChars = MAX_ITEM_CHARS,
): { texts: SourceText[]; truncated: boolean } {
  const capOf = (t: SourceText) => (t.role === undefined ? maxItemChars : maxTextChars);
  let total = 0;
  let cut = false;
  for (const t of texts) {
    if (t.text.length > capOf(t) || total + t.text.length > maxItemChars) {
      cut = true;
      break;
    }
    total += t.text.length;
  }
  if (!cut) return { texts: texts as SourceText[], truncated: false };
  const out: SourceText[] = [];
  total = 0;
  for (const t of texts) {
    let room = Math.min(capOf(t), maxItemChars - total);
    if (room <= 0) break;
    // Never keep half of a surrogate pair.
    if (room < t.text.length && /[\ud800-\udbff]/.test(t.text[room - 1]!)) room--;
    // A fresh copy of the kept start, so the full text it came from can be freed.
    const text =
      t.text.length > room ? Buffer.from(t.text.slice(0, room), "utf16le").toString("utf16le") : t.text;
    out.push({ ...t, text });
    total += text.length;
  }
  return { texts: out, truncated: true };
}

/**
 * What is embedded for an item: its title and its texts (system/tool messages were already dropped), within
 * the caps above (cappedTexts).
 */
export function itemText(item: Pick<SourceItem, "title" | "texts">): string {
  const parts = [item.title, ...cappedTexts(item.texts).texts.map((t) => t.text)];
  return parts.filter((p) => p && p.trim() !== "").join("\n");
}

export function buildMacroGraph(input: MacroBuildInput, io: BuildIO): MacroBuildOutput {
  const out = buildGraphParts(input, io);
  if (input.releaseItemTexts) {
    // This thread's own copy of the input (see releaseItemTexts): its garbage is let go before the main
    // thread's part begins (threadMemory.ts).
    collectGarbageNow();
  }
  return out;
}

function buildGraphParts(input: MacroBuildInput, io: BuildIO): MacroBuildOutput {
  const timings: Record<string, number> = {};
  const time = <T>(name: string, f: () => T): T => {
    const t0 = performance.now();
    const r = f();
    timings[name] = Math.round(performance.now() - t0) / 1000;
    return r;
  };
  const n = input.items.length;
  const seed = input.seed ?? 42;

  // 1. Embeddings. Tokenising and the embedder's fit steps each count from 0: they share the stage's 0–100 %
  // in slices (LOCAL_FIT_STEP_WEIGHTS), so the user's progress bar never jumps back. Below n of n, since
  // n of n is the stage's "완료", sent once the vectors exist.
  io.progress("embedding", 0, n);
  const embeddingStep = subStepProgress(LOCAL_FIT_STEP_WEIGHTS, (fraction) =>
    io.progress("embedding", Math.max(0, Math.min(n - 1, Math.floor(fraction * n))), n),
  );
  // Tokens in a compact corpus (tokenCorpus.ts), which the fit, keywords and cluster terms read document by
  // document; a released item's texts are gone once its tokens are in.
  const tokens = time("tokenize", () => {
    const corpus = new TokenCorpus();
    input.items.forEach((it, i) => {
      if (i % 1000 === 0) embeddingStep("tokenize", i, n);
      corpus.add(tokenize(itemText(it)));
      if (input.releaseItemTexts) it.texts = [];
    });
    corpus.seal();
    return corpus;
  });
  embeddingStep("tokenize", n, n);
  let emptyTexts = 0;
  for (let i = 0; i < n; i++) if (tokens.length(i) === 0) emptyTexts++;
  let full: Matrix;
  let model: string;
  let fingerprint: string | undefined;
  let embedderState: LocalEmbedderState | undefined;
  if (input.precomputed) {
    full = { data: input.precomputed.data, n, d: input.precomputed.dimension };
    model = input.precomputed.model;
  } else {
    const fitted = time("embedding", () =>
      fitLocalEmbedderOnCorpus(tokens, {
        seed,
        ...(input.localDimension ? { dimension: input.localDimension } : {}),
        onProgress: embeddingStep,
      }),
    );
    full = toMatrix(fitted.matrix, fitted.state.dimension);
    model = fitted.state.model;
    fingerprint = fitted.state.fingerprint;
    embedderState = fitted.state;
  }
  io.progress("embedding", n, n);

  // 2. Keywords.
  io.progress("keywords", 0, n);
  const keywords = time("keywords", () => extractKeywordsOf(tokens, { topN: 8 }));
  io.progress("keywords", n, n);

  // 3–5. Topics, edges, refinement and subclusters (src/pipelines/macro): neighbour lists, k-means on the leading
  // principal directions smoothed over neighbours (k given or chosen by silhouette), kNN edges, label
  // propagation, Louvain subclusters.
  const stageOf: Record<MacroStage, [GraphStage, number]> = {
    neighbours: ["clustering", 0],
    cluster: ["clustering", 1],
    edges: ["edges", 0],
    refine: ["merging", 0],
    subclusters: ["merging", 1],
  };
  let previous: GraphStage | undefined;
  const algo = time("graph", () =>
    runMacroAlgorithms(full, {
      ...(input.numClusters ? { numClusters: Math.min(input.numClusters, n) } : {}),
      minClusters: input.minClusters,
      maxClusters: input.maxClusters,
      seed,
      keywords,
      ...(input.edgeFloor !== undefined ? { edges: { floor: input.edgeFloor } } : {}),
      onStage: (st) => {
        const [stage, done] = stageOf[st];
        if (previous && previous !== stage) io.progress(previous, 2, 2);
        previous = stage;
        io.progress(stage, done, 2);
      },
    }),
  );
  if (previous) io.progress(previous, 2, 2);
  for (const [name, ms] of Object.entries(algo.timings)) timings[name] = ms / 1000;
  const labels = algo.labels;
  const clusterIds = algo.sizes.map((_, i) => `cluster_${i + 1}`);
  const clusterSizes = algo.sizes;
  const edges: MacroEdge[] = algo.edges.map((e) => ({
    source: e.source,
    target: e.target,
    weight: e.weight,
    confidence: e.confidence,
    is_intra_cluster: e.is_intra_cluster,
  }));
  const subclusters = algo.subclusters;
  const kChoice = algo.clustering.selection
    ? { chosenBy: "silhouette" as const, k: algo.k, scores: algo.clustering.selection.scores }
    : { chosenBy: "numClusters" as const, k: algo.k, scores: [] };

  // Distinctive terms from at most 400 members per cluster (evenly spread): enough to name a topic, and
  // the c-TF-IDF cost stays flat for very large clusters.
  const terms = time("clusterTerms", () => {
    const counts = new Int32Array(clusterIds.length);
    for (const l of labels) counts[l]!++;
    const seen = new Int32Array(clusterIds.length);
    const docs: ReturnType<TokenCorpus["doc"]>[] = [];
    const groups: number[] = [];
    for (let i = 0; i < n; i++) {
      const c = labels[i]!;
      const step = Math.max(1, Math.floor(counts[c]! / 400));
      if (seen[c]!++ % step === 0) {
        docs.push(tokens.doc(i));
        groups.push(c);
      }
    }
    return clusterKeywords(docs, groups, { topN: 12 });
  });
  const clusterTerms = clusterIds.map((_, c) => (terms.get(c) ?? []).map((k) => k.term));
  // Representatives: members closest to their cluster's mean direction.
  const k = clusterIds.length;
  const d = full.d;
  const centroid = new Float32Array(k * d);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) centroid[labels[i]! * d + j]! += full.data[i * d + j]!;
  const best: { i: number; s: number }[][] = Array.from({ length: k }, () => []);
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    let s = 0;
    for (let j = 0; j < d; j++) s += full.data[i * d + j]! * centroid[c * d + j]!;
    const list = best[c]!;
    list.push({ i, s });
    if (list.length > 24) {
      list.sort((a, b) => b.s - a.s);
      list.length = 8;
    }
  }
  const representatives = best.map((l) =>
    l
      .sort((a, b) => b.s - a.s)
      .slice(0, 8)
      .map((x) => x.i),
  );
  const refined = { moved: algo.moved };

  return {
    model,
    dimension: full.d,
    ...(fingerprint ? { fingerprint } : {}),
    vectors: full.data,
    ...(embedderState ? { embedderState } : {}),
    labels,
    clusterIds,
    clusterSizes,
    edges,
    subclusters,
    keywords,
    clusterTerms,
    representatives,
    kChoice,
    refinedMoves: refined.moved,
    emptyTexts,
    timings,
  };
}
