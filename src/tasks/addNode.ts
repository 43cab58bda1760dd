/**
 * ADD_NODE_REQUEST (and its alias ADD_CONVERSATION_REQUEST): the changed items of `add-node/{taskId}/` (the
 * bundle prefix, or batch.json / test-batch.json alone, contract §2.2) → result.json at
 * `results/add_node/{userId}/{taskId}/result.json` (§3.4), and the new/changed nodes upserted into the user's
 * macro Chroma collection. The items are embedded with the graph's own fitted embedder (results/macro/{userId}/
 * latest.json), so they land in the same space as the graph's nodes. The input objects are only read.
 *
 * Vector-store failures: every Chroma call is retried inside the task (reads, and upserts by id, are safe to
 * repeat), then the transient error is left to the runner, which has the request redelivered while receives
 * remain and answers FAILED VECTOR_STORE_ERROR on the last one. There is deliberately no COMPLETED without
 * the store here, unlike GRAPH_GENERATION: the result's edges come from the neighbour search, so without it
 * they would be a different, poorer answer passed off as the real one; and a result whose nodes never
 * reached the collection would leave them invisible to the next add and to the backend's search, with no
 * way to tell (ADD_NODE_RESULT ignores `error` on COMPLETED). FAILED lets the backend roll back the credit
 * and the user try again.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadLocalEmbedder } from "../ai/embeddings/local/index.js";
import { createLlm, LlmLedger, resolveLlmConfig } from "../ai/llm/index.js";
import { terminal } from "../contract/errors.js";
import { validateOutput } from "../contract/files/validate.js";
import type { AddNodeRequest } from "../contract/requests.js";
import { unsafeKeyReason } from "../infra/safeKey.js";
import type { ObjectStorage } from "../infra/storage.js";
import type { VectorCollection } from "../infra/vectorStore.js";
import {
  type AddNodeResult,
  type ClusterProfile,
  fromProfilesFile,
  runAddNodePipeline,
  toProfilesFile,
} from "../pipelines/addNode/index.js";
import { macroCollectionName } from "./graphGeneration/indexNodes.js";
import { loadSourcesOnPool } from "./graphGeneration/inputs.js";
import { assertKeySegments } from "./keyIds.js";
import { indexAddedNodes } from "./searchIndex.js";
import type { ResultPayload, TaskHandler } from "./types.js";
import { retryVectorWork } from "./vectorWork.js";

const MAX_OBJECT_BYTES = 1024 * 1024 * 1024;
const NO_GRAPH = "no graph exists for this user yet; run graph generation first";

export interface LatestGraph {
  taskId: string;
  graphS3Key: string;
  embedderS3Key: string;
  model: string;
  dimension: number;
  fingerprint: string | null;
  generatedAt?: string;
  /** The cluster profiles of the graph as of the last generation or add (absent for older graphs). */
  clustersS3Key?: string;
}

export function latestKey(userId: string): string {
  return `results/macro/${userId}/latest.json`;
}

export function addNodeResultKey(userId: string, taskId: string): string {
  return `results/add_node/${userId}/${taskId}/result.json`;
}

export async function readLatestGraph(
  storage: ObjectStorage,
  bucket: string,
  userId: string,
  signal?: AbortSignal,
): Promise<LatestGraph> {
  const key = latestKey(userId);
  if (!(await storage.exists(bucket, key, signal ? { signal } : {})))
    throw terminal("INPUT_NOT_FOUND", NO_GRAPH);
  const latest = (await storage.getJson(
    bucket,
    key,
    signal ? { signal } : {},
  )) as Partial<LatestGraph> | null;
  if (!latest || typeof latest.embedderS3Key !== "string" || typeof latest.model !== "string") {
    throw terminal("INVALID_INPUT", `${key} does not name the graph's embedding model; regenerate the graph`);
  }
  return latest as LatestGraph;
}

/** Downloads the batch (the prefix's objects, or the one key) into `dir` and returns the batch's local path. */
async function downloadBatch(
  storage: ObjectStorage,
  bucket: string,
  s3Key: string,
  dir: string,
  signal: AbortSignal,
): Promise<string> {
  if (s3Key.endsWith("/")) {
    const objects = (await storage.list(bucket, s3Key, { signal })).filter(
      (o) => !o.key.endsWith("/") && unsafeKeyReason(o.key) === null,
    );
    if (objects.length === 0) throw terminal("INPUT_NOT_FOUND", `no input objects under ${s3Key}`);
    // Full keys become paths under dir, so the bundle sits at dir/<prefix>.
    await storage.downloadToDir(bucket, { keys: objects.map((o) => o.key) }, dir, {
      signal,
      maxBytes: MAX_OBJECT_BYTES,
    });
    return join(dir, s3Key);
  }
  const [got] = await storage.downloadToDir(bucket, { keys: [s3Key] }, dir, {
    signal,
    maxBytes: MAX_OBJECT_BYTES,
  });
  if (!got) throw terminal("INPUT_NOT_FOUND", `${s3Key} not found`);
  return got.path;
}

/** Graphs generated before clusters.json existed fall back to the stored vectors (cost grows with the graph). */
async function storedProfiles(
  storage: ObjectStorage,
  bucket: string,
  latest: LatestGraph,
  signal: AbortSignal,
): Promise<ClusterProfile[] | null> {
  if (!latest.clustersS3Key) return null;
  if (!(await storage.exists(bucket, latest.clustersS3Key, { signal }))) return null;
  return fromProfilesFile(await storage.getJson(bucket, latest.clustersS3Key, { signal }), latest);
}

async function userMembers(col: VectorCollection, userId: string) {
  const hits = await col.get({ where: { user_id: userId }, includeEmbeddings: true });
  return hits
    .filter((h) => h.embedding && typeof h.metadata.cluster_id === "string")
    .map((h) => ({ id: h.id, clusterId: h.metadata.cluster_id as string, vector: h.embedding! }));
}

export function addNodeHandler(): TaskHandler {
  return {
    type: "ADD_NODE_REQUEST",
    async run(raw, ctx): Promise<ResultPayload> {
      const payload = raw as AddNodeRequest;
      // Before any work: these ids are segments of the result keys.
      assertKeySegments({ userId: payload.userId, taskId: ctx.taskId });
      const { storage, payloadBucket, config } = ctx.services;
      const inputBucket = payload.bucket ?? payloadBucket;
      const { userId } = payload;
      const signal = ctx.signal;

      // The graph this add extends: its embedder and its collection. Checked before any download.
      const latest = await readLatestGraph(storage, payloadBucket, userId, signal);
      const store = await ctx.services.vectors();
      const collectionName = macroCollectionName(latest.model, config.env.MACRO_CHROMA_COLLECTION);
      const existing = await retryVectorWork(ctx, "opening the graph's collection", () =>
        store.existing(collectionName),
      );
      if (!existing)
        throw terminal("INPUT_NOT_FOUND", `${NO_GRAPH} (vector collection ${collectionName} is missing)`);
      if (existing.space.model !== latest.model || existing.space.dimension !== latest.dimension) {
        throw terminal(
          "EMBEDDING_MODEL_MISMATCH",
          `collection ${collectionName} was built with ${existing.space.model} (${existing.space.dimension}-d) but the graph uses ${latest.model} (${latest.dimension}-d); regenerate the graph`,
        );
      }
      const embedder = loadLocalEmbedder(
        (await storage.getJson(payloadBucket, latest.embedderS3Key, { signal })) as never,
      );
      if (latest.fingerprint && embedder.fingerprint !== latest.fingerprint) {
        throw terminal(
          "EMBEDDING_MODEL_MISMATCH",
          "the stored embedder does not match the user's graph; regenerate the graph",
        );
      }
      // Opening with the space also refuses a collection of another model (terminal EMBEDDING_MODEL_MISMATCH).
      const col = await retryVectorWork(ctx, "opening the graph's collection", () =>
        store.collection(collectionName, { model: latest.model, dimension: latest.dimension }),
      );

      const dir = await mkdtemp(join(tmpdir(), "graphnode-addnode-"));
      try {
        const batchPath = await downloadBatch(storage, inputBucket, payload.s3Key, dir, signal);
        // batch.json and its files' text are parsed on the CPU pool, as graph generation's inputs are.
        const loaded = await loadSourcesOnPool(
          ctx.services.cpu,
          { source: "addNodeBatch", path: batchPath, maxWarnings: 50 },
          signal,
        );
        const { warnings } = loaded;
        const batch = { userId: undefined, existingClusters: [], ...loaded.batch, items: loaded.items };
        if (batch.userId && batch.userId !== userId) {
          throw terminal("INVALID_INPUT", "batch.json belongs to another user than the request");
        }
        const ledger = new LlmLedger();
        const llm = createLlm(resolveLlmConfig(config.env, "MACRO"), { ledger });
        const fingerprint = latest.fingerprint ?? embedder.fingerprint;
        const t0 = performance.now();
        const profiles = await storedProfiles(storage, payloadBucket, latest, signal);
        const out = await runAddNodePipeline({
          userId,
          items: batch.items,
          existingClusters: batch.existingClusters,
          embed: (texts) => embedder.embed(texts, { signal }),
          ...(profiles
            ? { profiles }
            : {
                members: await retryVectorWork(ctx, "reading the graph's vectors", () =>
                  userMembers(col, userId),
                ),
              }),
          neighbours: async (vectors, k) =>
            (
              await retryVectorWork(ctx, "searching neighbours", () =>
                col.queryMany(vectors, { k, where: { user_id: userId } }),
              )
            ).map((hits) =>
              hits.map((h) => ({
                id: h.id,
                similarity: 1 - h.distance,
                ...(typeof h.metadata.cluster_id === "string" ? { clusterId: h.metadata.cluster_id } : {}),
              })),
            ),
          llm,
          ...(payload.language ? { language: payload.language } : {}),
          signal,
        });
        const tPipeline = performance.now();
        checkEndpoints(out.result);
        validateOutput("result.json", out.result);
        const key = addNodeResultKey(userId, ctx.taskId);
        const clustersKey = `results/add_node/${userId}/${ctx.taskId}/clusters.json`;
        // The backend's search index gets the same nodes (searchIndex.ts): the backend itself writes nothing
        // for ADD_NODE, so without this the added nodes would never be found by its search.
        const itemById = new Map(batch.items.map((item) => [`${userId}_${item.origId}`, item]));
        const searchEntries = out.records.flatMap((r) => {
          const item = itemById.get(r.id);
          return item ? [{ item, metadata: r.metadata }] : [];
        });
        const [, , , search] = await Promise.all([
          storage.putJson(payloadBucket, key, out.result),
          storage.putJson(
            payloadBucket,
            clustersKey,
            toProfilesFile(out.profiles, { model: latest.model, dimension: latest.dimension, fingerprint }),
          ),
          out.records.length > 0
            ? retryVectorWork(ctx, "storing the new nodes", () =>
                col.upsert(
                  out.records.map((r) => ({
                    id: r.id,
                    embedding: r.vector,
                    metadata: { ...r.metadata, embedding_fingerprint: fingerprint },
                  })),
                ),
              )
            : Promise.resolve(),
          indexAddedNodes(ctx, userId, searchEntries),
        ]);
        // The next add starts from these profiles (written after the vectors, so both describe this add).
        await storage.putJson(payloadBucket, latestKey(userId), { ...latest, clustersS3Key: clustersKey });
        ctx.log.info(
          {
            ...out.stats,
            items: batch.items.length,
            warnings: warnings.length,
            profiles: profiles ? "stored" : "from vectors",
            search: search.status === "skipped" ? search.note : search,
            pipelineMs: Math.round(tPipeline - t0),
            storeMs: Math.round(performance.now() - tPipeline),
          },
          "add node finished",
        );
        return { userId, status: "COMPLETED", resultS3Key: key };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * The backend resolves an endpoint by node id, then by origId after stripping `${userId}_`, then by parseInt:
 * every endpoint here must be a node of this result or a stored record id of this user, and never a self-loop.
 */
export function checkEndpoints(result: AddNodeResult): void {
  const prefix = `${result.userId}_`;
  for (const item of result.results) {
    for (const e of item.edges) {
      if (!e.source.startsWith(prefix) || !e.target.startsWith(prefix) || e.source === e.target) {
        throw terminal("INTERNAL_ERROR", "an AddNode edge has an endpoint the backend cannot resolve");
      }
    }
  }
}
