/**
 * bench:addnode — quality of the incremental add on debian-dev. The graph is built from 80% of the items
 * (the pure buildMacroGraph, k by silhouette in [3, 15]); the other 20% are added in batches of 20 through
 * runAddNodePipeline, each batch seeing the clusters and vectors the earlier batches left (new clusters
 * included, as the backend would send them). Prints the V-measure against labels.json of
 *  - the final incremental assignment,
 *  - a full regeneration on all items,
 * the V-measure between the two, the added items' own V-measure, how many added items went to new clusters,
 * and the time per batch. A second run holds one whole label out of the base graph and adds it with the random
 * 20%: how many of its items form new clusters. Neighbour search runs over an in-memory list (BENCH ONLY: it stands in for the
 * Chroma query, with the same cosine ranking).
 * Usage: npm run bench:addnode [-- seed=7]
 */
import { readFileSync } from "node:fs";
import { loadLocalEmbedder } from "../src/ai/embeddings/local/index.js";
import {
  dot,
  type Neighbour,
  runAddNodePipeline,
  type StoredMember,
} from "../src/pipelines/addNode/index.js";
import { buildMacroGraph } from "../src/pipelines/graph/build.js";
import { localClusterLabel } from "../src/pipelines/graph/localNames.js";
import { clusteringScores } from "../src/pipelines/macro/metrics.js";
import type { ExistingCluster } from "../src/pipelines/sources/addNodeBatch.js";
import { loadBundle } from "../src/pipelines/sources/index.js";
import { datasetDir } from "../test/support/datasets.js";

const DEV = datasetDir("debian-dev");
const arg = (name: string, d: number) =>
  Number(process.argv.find((a) => a.startsWith(`${name}=`))?.split("=")[1] ?? d);
const seed = arg("seed", 7);
const userId = "bench-user";

function shuffled(n: number, s: number): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  let x = s >>> 0 || 1;
  for (let i = n - 1; i > 0; i--) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const j = (x >>> 0) % (i + 1);
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return idx;
}

const items = await loadBundle(DEV);
const labelMap = JSON.parse(readFileSync(`${DEV}/labels.json`, "utf8")) as Record<string, { label: string }>;
const truth = items.map((it) => labelMap[it.origId]?.label ?? "?");
const order = shuffled(items.length, seed);
const cut = Math.round(items.length * 0.8);
const noProgress = { progress() {} };

const v = (a: readonly string[], b: readonly string[]) => clusteringScores(a, b).vMeasure.toFixed(3);
const fmt = (ms: number[]) => (ms.reduce((s, x) => s + x, 0) / Math.max(1, ms.length)).toFixed(0);

async function incremental(name: string, baseIdx: number[], addIdx: number[], fullPred: string[]) {
  const t0 = performance.now();
  const base = buildMacroGraph(
    { items: baseIdx.map((i) => items[i]!), minClusters: 3, maxClusters: 15 },
    noProgress,
  );
  const baseSeconds = (performance.now() - t0) / 1000;
  const embedder = loadLocalEmbedder(base.embedderState!);
  const d = base.dimension;
  const final = new Map<number, string>();
  const members: StoredMember[] = [];
  baseIdx.forEach((i, p) => {
    const clusterId = base.clusterIds[base.labels[p]!]!;
    final.set(i, clusterId);
    members.push({
      id: `${userId}_${items[i]!.origId}`,
      clusterId,
      vector: base.vectors.subarray(p * d, (p + 1) * d),
    });
  });
  const existing: ExistingCluster[] = base.clusterIds.map((id, c) => {
    const label = localClusterLabel(base.clusterTerms[c] ?? [], base.clusterSizes[c] ?? 0, "en", id);
    return {
      id,
      name: label.name,
      description: label.description,
      size: base.clusterSizes[c] ?? 0,
      themes: label.key_themes.slice(0, 3),
    };
  });

  // In-memory stand-in for the Chroma query (bench only).
  const inMemoryNeighbours = async (vs: Float32Array[], k: number): Promise<Neighbour[][]> =>
    vs.map((v) =>
      members
        .map((m) => ({ id: m.id, similarity: dot(v, m.vector), clusterId: m.clusterId }))
        .sort((a, b) => b.similarity - a.similarity)
        .slice(0, k),
    );

  let toNew = 0;
  let lone = 0;
  let newClusters = 0;
  const batchMs: number[] = [];
  for (let b = 0; b < addIdx.length; b += 20) {
    const idx = addIdx.slice(b, b + 20);
    const tb = performance.now();
    const out = await runAddNodePipeline({
      userId,
      items: idx.map((i) => items[i]!),
      existingClusters: existing,
      embed: (t) => embedder.embed(t),
      members,
      neighbours: inMemoryNeighbours,
    });
    batchMs.push(performance.now() - tb);
    lone += out.stats.lone;
    newClusters += out.stats.newClusters;
    out.result.results.forEach((r, k) => {
      const ac = r.assignedCluster;
      final.set(idx[k]!, ac.clusterId);
      if (ac.isNewCluster) {
        toNew++;
        if (!existing.some((c) => c.id === ac.clusterId)) {
          existing.push({
            id: ac.clusterId,
            name: ac.name,
            description: ac.reasoning,
            size: 0,
            themes: ac.themes,
          });
        }
      }
    });
    // What the handler's upsert does: the new vectors join the user's collection.
    const byId = new Map(members.map((m, p) => [m.id, p]));
    for (const rec of out.records) {
      const m = { id: rec.id, clusterId: String(rec.metadata.cluster_id), vector: rec.vector };
      const at = byId.get(rec.id);
      if (at === undefined) members.push(m);
      else members[at] = m;
    }
  }

  const incPred = items.map((_, i) => final.get(i)!);
  const addTruth = addIdx.map((i) => truth[i]!);
  console.log(
    `\n[${name}] base ${baseIdx.length} items (k=${base.clusterIds.length}, ${baseSeconds.toFixed(1)} s), added ${addIdx.length} in ${batchMs.length} batches of 20`,
  );
  console.log(
    `V-measure vs labels.json: incremental ${v(truth, incPred)} | full regeneration ${v(truth, fullPred)}`,
  );
  console.log(
    `V-measure incremental vs full: ${v(fullPred, incPred)}; added items only vs labels: ${v(
      addTruth,
      addIdx.map((i) => final.get(i)!),
    )}`,
  );
  console.log(
    `added items: ${toNew} to ${newClusters} new clusters, ${lone} lone outliers placed nearest, ${addIdx.length - toNew} to existing clusters`,
  );
  console.log(`per batch: mean ${fmt(batchMs)} ms, max ${Math.max(...batchMs).toFixed(0)} ms`);
  return { final, existing };
}

const t1 = performance.now();
const full = buildMacroGraph({ items, minClusters: 3, maxClusters: 15 }, noProgress);
const fullSeconds = (performance.now() - t1) / 1000;
const fullPred = items.map((_, i) => full.clusterIds[full.labels[i]!]!);
console.log(
  `debian-dev: ${items.length} items; full regeneration k=${full.clusterIds.length} in ${fullSeconds.toFixed(1)} s, V vs labels.json ${v(truth, fullPred)}`,
);

await incremental("random 80/20", order.slice(0, cut), order.slice(cut), fullPred);

// A topic the graph has never seen: one whole label is held out of the base and added with the random 20%.
const sizes = new Map<string, number>();
for (const t of truth) sizes.set(t, (sizes.get(t) ?? 0) + 1);
const held = [...sizes.entries()].sort((a, b) => a[1] - b[1])[Math.floor(sizes.size / 2)]![0];
const heldIdx = order.filter((i) => truth[i] === held);
const rest = order.filter((i) => truth[i] !== held);
const restCut = Math.round(rest.length * 0.8);
const addHeld = [...rest.slice(restCut), ...heldIdx].sort((a, b) => order.indexOf(a) - order.indexOf(b));
const out = await incremental(
  `held-out topic "${held}" (${heldIdx.length} items)`,
  rest.slice(0, restCut),
  addHeld,
  fullPred,
);
const heldNew = heldIdx.filter((i) => /^cluster_new_/.test(out.final.get(i)!)).length;
const heldClusters = new Set(heldIdx.map((i) => out.final.get(i)!));
console.log(
  `held-out topic items: ${heldNew}/${heldIdx.length} in new clusters; spread over ${heldClusters.size} clusters`,
);
