/**
 * The incremental add (contract §2.2/§3.4, ORIGINAL-PIPELINES §6 and §12): embeds the changed items in the
 * graph's own vector space, assigns each to an existing cluster (or a real new one), links it to its nearest
 * existing nodes and to the batch's other nodes, and produces result.json plus the vector records to upsert.
 * Pure: the caller supplies the embedder, the user's stored cluster members and a neighbour search.
 * Every item comes back as exactly one node (items without text too); nothing existing is re-clustered.
 */
import { z } from "zod";
import type { Llm } from "../../ai/llm/index.js";
import { itemText } from "../graph/build.js";
import { dropSharedTerms, localClusterLabel } from "../graph/localNames.js";
import { clusterKeywords, extractKeywords } from "../keywords/index.js";
import { type ClusterLabel, nameClustersWithLlm } from "../naming/clusterNames.js";
import type { ExistingCluster } from "../sources/addNodeBatch.js";
import type { SourceItem } from "../sources/types.js";
import { tokenize } from "../text/tokenize.js";
import {
  type Assignment,
  assignToClusters,
  type ClusterProfile,
  dot,
  isZero,
  profileClusters,
} from "./assign.js";
import { updateProfiles } from "./profiles.js";

export interface StoredMember {
  id: string;
  clusterId: string;
  vector: ArrayLike<number>;
}

export interface Neighbour {
  /** The stored record id, `${userId}_${origId}`. */
  id: string;
  similarity: number;
  clusterId?: string;
}

export interface AddNodeEdge {
  source: string;
  target: string;
  weight: number;
  type: "hard" | "insight";
  intraCluster: boolean;
}

export interface AddNodeNode {
  id: string;
  userId: string;
  origId: string;
  clusterId: string;
  clusterName: string;
  numMessages?: number;
  numSections?: number;
  timestamp: string | null;
  createdAt: string | null;
  updatedAt: string | null;
}

export interface AssignedCluster {
  clusterId: string;
  isNewCluster: boolean;
  confidence: number;
  reasoning: string;
  name: string;
  themes: string[];
  description?: string;
}

export interface AddNodeItemResult {
  conversationId?: string;
  noteId?: string;
  fileId?: string;
  nodes: AddNodeNode[];
  edges: AddNodeEdge[];
  assignedCluster: AssignedCluster;
  skipped: false;
  outputDev?: Record<string, unknown>;
}

export interface AddNodeResult {
  userId: string;
  processedCount: number;
  results: AddNodeItemResult[];
}

export interface UpsertRecord {
  id: string;
  vector: Float32Array;
  metadata: Record<string, string | number | boolean>;
}

export interface AddNodeInput {
  userId: string;
  items: SourceItem[];
  existingClusters: ExistingCluster[];
  /** Embeds texts in the graph's space (L2-normalised; all-zero for a text with no known terms). */
  embed: (texts: string[]) => Promise<Float32Array[]>;
  /**
   * The user's stored cluster profiles (clusters.json, kept with the graph); when given, `members` is not
   * read. Profiles of clusters not in existingClusters are ignored.
   */
  profiles?: ClusterProfile[];
  /** Fallback without profiles: the user's stored vectors with their cluster ids. */
  members?: StoredMember[];
  /** The user's nearest stored records to each vector (one list per vector, most similar first). */
  neighbours: (vectors: Float32Array[], k: number) => Promise<Neighbour[][]>;
  llm?: Llm | null;
  language?: string;
  signal?: AbortSignal;
  edgeFloor?: number;
  hardThreshold?: number;
  edgeTopK?: number;
  /** Close calls (best and runner-up within this cosine margin) go to the LLM when one is configured. */
  arbitrationMargin?: number;
}

export interface AddNodeOutput {
  result: AddNodeResult;
  records: UpsertRecord[];
  /** The cluster profiles after this add (to store for the next one). */
  profiles: ClusterProfile[];
  stats: {
    assigned: number;
    newClusters: number;
    lone: number;
    empty: number;
    arbitrated: number;
    linkage: number;
  };
}

function iso(seconds: number | null): string | null {
  return seconds && Number.isFinite(seconds) ? new Date(seconds * 1000).toISOString() : null;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

function itemKey(item: SourceItem): Pick<AddNodeItemResult, "conversationId" | "noteId" | "fileId"> {
  if (item.kind === "conversation") return { conversationId: item.origId };
  if (item.kind === "file") return { fileId: item.origId };
  return { noteId: item.origId };
}

/** New cluster ids that no existing cluster uses: cluster_new_1, cluster_new_2, … (skipping taken ones). */
function freshIds(count: number, taken: Set<string>): string[] {
  const out: string[] = [];
  for (let n = 1; out.length < count; n++) {
    const id = `cluster_new_${n}`;
    if (!taken.has(id)) out.push(id);
  }
  return out;
}

const arbitrationSchema = z.object({
  clusterId: z.string(),
  confidence: z.number().min(0).max(1),
  reasoning: z.string(),
});

async function arbitrate(
  llm: Llm,
  item: SourceItem,
  keywords: string[],
  candidates: ExistingCluster[],
  signal: AbortSignal | undefined,
): Promise<z.output<typeof arbitrationSchema> | null> {
  const answer = await llm.generateObject(arbitrationSchema, {
    label: "add-node cluster arbitration",
    system:
      "You assign a document to the best-fitting topic cluster of a personal knowledge graph. Answer with one of the given cluster ids.",
    prompt: [
      `Document title: ${item.title.slice(0, 200)}`,
      `Document keywords: ${keywords.join(", ")}`,
      "Candidate clusters:",
      ...candidates.map(
        (c) =>
          `- id=${c.id} | name=${c.name} | themes=${c.themes.join(", ")} | ${c.description.slice(0, 200)}`,
      ),
    ].join("\n"),
    temperature: 0,
    ...(signal ? { signal } : {}),
  });
  return candidates.some((c) => c.id === answer.clusterId) ? answer : null;
}

export async function runAddNodePipeline(input: AddNodeInput): Promise<AddNodeOutput> {
  const { userId, items } = input;
  const floor = input.edgeFloor ?? 0.35;
  const hard = input.hardThreshold ?? 0.6;
  const topK = input.edgeTopK ?? 5;
  const margin = input.arbitrationMargin ?? 0.03;
  const known = new Map(input.existingClusters.map((c) => [c.id, c]));
  const nodeId = (item: SourceItem) => `${userId}_${item.origId}`;

  const tokens = items.map((it) => tokenize(itemText(it)));
  const vectors = items.length ? await input.embed(items.map(itemText)) : [];
  const keywords = extractKeywords(tokens, { topN: 8 }).map((ks) => ks.map((k) => k.term));

  // Existing clusters: stored profiles, else centroids from the stored members; only clusters the backend
  // still has count.
  let profiles: ClusterProfile[];
  if (input.profiles) {
    profiles = input.profiles.filter((p) => known.has(p.id));
  } else {
    const byCluster = new Map<string, ArrayLike<number>[]>();
    for (const m of input.members ?? []) {
      if (!known.has(m.clusterId)) continue;
      const list = byCluster.get(m.clusterId) ?? [];
      list.push(m.vector);
      byCluster.set(m.clusterId, list);
    }
    profiles = profileClusters([...byCluster.entries()].map(([id, members]) => ({ id, members })));
  }
  const measured = [...profiles];
  const profiled = new Set(profiles.map((p) => p.id));
  // A cluster without stored vectors (e.g. its nodes were never indexed) is profiled by its name, description
  // and themes, embedded in the same space, with the typical threshold of the other clusters.
  const unprofiled = input.existingClusters.filter((c) => !profiled.has(c.id));
  if (unprofiled.length > 0) {
    const texts = unprofiled.map((c) => [c.name, c.description, ...c.themes].filter(Boolean).join("\n"));
    const centroids = await input.embed(texts);
    const thresholds = profiles.map((p) => p.threshold).sort((a, b) => a - b);
    const threshold = thresholds.length ? thresholds[Math.floor(thresholds.length / 2)]! : 0.2;
    unprofiled.forEach((c, k) => {
      const centroid = centroids[k]!;
      if (!isZero(centroid))
        profiles.push({ id: c.id, centroid, size: c.size, threshold, tightness: Number.NaN });
    });
  }
  const { assignments, linkage, newGroups } = assignToClusters(vectors, profiles);

  // Items without text: the largest existing cluster, else a new cluster of their own.
  const largest = [...input.existingClusters].sort((a, b) => b.size - a.size)[0];
  let groups = newGroups;
  const finalAssignments: Assignment[] = assignments.map((a) => {
    if (a.kind !== "empty") return a;
    return largest ? a : { kind: "lone-new", group: groups++ };
  });

  // New clusters: ids, distinctive terms among the batch, names (LLM when configured, else local).
  const ids = freshIds(groups, new Set(input.existingClusters.map((c) => c.id)));
  const groupOf = finalAssignments.map((a) => (a.kind === "new" || a.kind === "lone-new" ? a.group : null));
  const terms = clusterKeywords(tokens, groupOf, { topN: 8 });
  const termLists = dropSharedTerms(ids.map((_, g) => (terms.get(g) ?? []).map((k) => k.term)));
  const sizes = ids.map((_, g) => groupOf.filter((x) => x === g).length);
  const labels = new Map<string, ClusterLabel>(
    ids.map((id, g) => [id, localClusterLabel(termLists[g] ?? [], sizes[g] ?? 0, input.language, id)]),
  );
  const notes: string[] = [];
  if (input.llm && ids.length > 0) {
    try {
      const named = await nameClustersWithLlm(
        input.llm,
        ids.map((id, g) => ({
          id,
          size: sizes[g] ?? 0,
          terms: termLists[g] ?? [],
          titles: items
            .filter((_, i) => groupOf[i] === g)
            .map((it) => it.title)
            .filter(Boolean)
            .slice(0, 5),
        })),
        {
          ...(input.language ? { language: input.language } : {}),
          ...(input.signal ? { signal: input.signal } : {}),
        },
      );
      for (const [id, label] of named) labels.set(id, label);
    } catch (err) {
      if (input.signal?.aborted) throw err;
      notes.push(`new cluster naming fell back to local names (${(err as Error).message})`);
    }
  }

  // Assigned clusters per item, with LLM arbitration of close calls between existing clusters.
  let arbitrated = 0;
  const assigned: AssignedCluster[] = [];
  for (let i = 0; i < items.length; i++) {
    const a = finalAssignments[i]!;
    const item = items[i]!;
    if (a.kind === "new" || a.kind === "lone-new") {
      const id = ids[a.group]!;
      const label = labels.get(id)!;
      assigned.push({
        clusterId: id,
        isNewCluster: true,
        confidence: round(a.kind === "new" ? clamp01(0.5 + a.similarity / 2) : 0.5),
        reasoning:
          label.description ||
          (a.kind === "new"
            ? `fits no existing cluster; forms a new topic with ${sizes[a.group]! - 1} other new item(s)`
            : "no existing cluster to join"),
        name: label.name,
        themes: label.key_themes,
        description: label.description,
      });
      continue;
    }
    let clusterId: string;
    let confidence: number;
    let reasoning: string;
    if (a.kind === "existing") {
      clusterId = a.clusterId;
      confidence = clamp01(0.6 + (0.4 * (a.similarity - a.threshold)) / Math.max(1e-6, 1 - a.threshold));
      reasoning = `closest cluster by embedding similarity (cosine ${round(a.similarity)} ≥ the cluster's threshold ${round(a.threshold)})`;
      if (input.llm && a.runnerUp && a.similarity - a.runnerUp.similarity < margin) {
        try {
          const cands = [a.clusterId, a.runnerUp.clusterId].map((id) => known.get(id)!);
          const answer = await arbitrate(input.llm, item, keywords[i] ?? [], cands, input.signal);
          if (answer) {
            arbitrated++;
            clusterId = answer.clusterId;
            confidence = clamp01(answer.confidence);
            reasoning = `close call between ${cands.map((c) => c.id).join(" and ")} decided by the LLM: ${answer.reasoning}`;
          }
        } catch (err) {
          if (input.signal?.aborted) throw err;
          notes.push(`arbitration failed for one item (${(err as Error).message}); similarity kept`);
        }
      }
    } else if (a.kind === "lone") {
      clusterId = a.clusterId;
      confidence = clamp01(0.3 * (a.similarity / Math.max(1e-6, a.threshold)));
      reasoning = `low confidence: fits no existing cluster (best cosine ${round(a.similarity)} < ${round(a.threshold)}) and no other new item shares its topic; placed in the nearest cluster`;
    } else {
      clusterId = largest!.id;
      confidence = 0;
      reasoning = "the item has no text to compare; placed in the largest cluster";
    }
    const c = known.get(clusterId)!;
    assigned.push({
      clusterId,
      isNewCluster: false,
      confidence: round(confidence),
      reasoning,
      name: c.name,
      themes: c.themes,
    });
  }

  // Edges: nearest stored nodes (not the item itself nor other batch items) and pairs inside the batch.
  const batchIds = new Set(items.map(nodeId));
  const clusterOf = new Map(items.map((it, i) => [nodeId(it), assigned[i]!.clusterId]));
  const edgesOf: AddNodeEdge[][] = items.map(() => []);
  const dev: Record<string, unknown>[] = items.map(() => ({}));
  // One neighbour search for the whole batch (a single Chroma round trip), not one per item.
  if (input.signal?.aborted) throw input.signal.reason;
  const searchable = items.map((_, i) => i).filter((i) => !isZero(vectors[i]!));
  const hitLists = searchable.length
    ? await input.neighbours(
        searchable.map((i) => vectors[i]!),
        topK + 1 + Math.min(items.length, 20),
      )
    : [];
  searchable.forEach((i, q) => {
    const self = nodeId(items[i]!);
    const hits = hitLists[q] ?? [];
    const kept = hits
      .filter(
        (h) => h.id !== self && !batchIds.has(h.id) && h.id.startsWith(`${userId}_`) && h.similarity >= floor,
      )
      .slice(0, topK);
    dev[i] = { retrievedCandidates: hits.length, edgeThreshold: floor, edgeTopK: topK };
    for (const h of kept) {
      edgesOf[i]!.push({
        source: self,
        target: h.id,
        weight: round(clamp01(h.similarity)) || 0.001,
        type: h.similarity >= hard ? "hard" : "insight",
        intraCluster: h.clusterId === clusterOf.get(self),
      });
    }
  });
  for (let i = 0; i < items.length; i++) {
    if (isZero(vectors[i]!)) continue;
    const pairs: { j: number; s: number }[] = [];
    for (let j = i + 1; j < items.length; j++) {
      if (isZero(vectors[j]!)) continue;
      const s = dot(vectors[i]!, vectors[j]!);
      if (s >= floor) pairs.push({ j, s });
    }
    pairs.sort((a, b) => b.s - a.s);
    for (const { j, s } of pairs.slice(0, topK)) {
      const a = nodeId(items[i]!);
      const b = nodeId(items[j]!);
      if (a === b) continue;
      edgesOf[i]!.push({
        source: a,
        target: b,
        weight: round(clamp01(s)) || 0.001,
        type: s >= hard ? "hard" : "insight",
        intraCluster: clusterOf.get(a) === clusterOf.get(b),
      });
    }
  }

  const results: AddNodeItemResult[] = items.map((item, i) => {
    const ac = assigned[i]!;
    const counts =
      item.kind === "conversation" ? { numMessages: item.numSections } : { numSections: item.numSections };
    return {
      ...itemKey(item),
      nodes: [
        {
          id: nodeId(item),
          userId,
          origId: item.origId,
          clusterId: ac.clusterId,
          clusterName: ac.name,
          ...counts,
          timestamp: iso(item.updateTime ?? item.createTime),
          createdAt: null,
          updatedAt: null,
        },
      ],
      edges: edgesOf[i]!,
      assignedCluster: ac,
      skipped: false,
      outputDev: {
        ...dev[i],
        keywords: keywords[i] ?? [],
        ...(item.meta.parseError ? { parseError: item.meta.parseError } : {}),
      },
    };
  });

  const records: UpsertRecord[] = [];
  items.forEach((item, i) => {
    if (isZero(vectors[i]!)) return;
    records.push({
      id: nodeId(item),
      vector: vectors[i]!,
      metadata: {
        user_id: userId,
        conversation_id: item.origId,
        orig_id: item.origId,
        cluster_id: assigned[i]!.clusterId,
        cluster_name: assigned[i]!.name,
        keywords: (keywords[i] ?? []).join(", "),
        create_time: item.createTime ?? 0,
        update_time: item.updateTime ?? 0,
        num_messages: item.numSections,
        source_type: item.sourceType,
        title: item.title.slice(0, 300),
      },
    });
  });

  const count = (k: Assignment["kind"]) => finalAssignments.filter((a) => a.kind === k).length;
  if (notes.length) {
    for (const r of results) r.outputDev = { ...r.outputDev, notes };
  }
  // Text-profiled clusters (no stored vectors) are left out: their next profile comes from real members.
  const nextProfiles = updateProfiles(
    measured,
    records.map((r) => ({ clusterId: String(r.metadata.cluster_id), vector: r.vector })),
    new Set([...known.keys(), ...ids]),
  );
  return {
    result: { userId, processedCount: items.length, results },
    records,
    profiles: nextProfiles,
    stats: {
      assigned: count("existing"),
      newClusters: ids.length,
      lone: count("lone"),
      empty: count("empty"),
      arbitrated,
      linkage,
    },
  };
}
