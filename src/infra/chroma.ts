/**
 * VectorStore over ChromaDB with the official `chromadb` client (3.x, HTTP API v2). The worker always
 * computes embeddings itself, so no embedding function is configured on collections.
 *
 * Collections this store creates: cosine space (set both as configuration and as the legacy
 * `hnsw:space` metadata that pre-1.0 servers and clients read) and metadata
 * `{embedding_model, embedding_dimension}`. Opening a collection checks them:
 * - recorded model or dimension differ from the caller's → terminal EMBEDDING_MODEL_MISMATCH naming both;
 * - neither recorded (a collection created by someone else, e.g. the backend's `macro_node_all_minilm_l6_v2`):
 *   accepted when it is empty or one sampled record has the caller's dimension. The model cannot be checked
 *   then; the dimension is the only evidence, and refusing would make such a collection unusable. The
 *   metadata is not added afterwards: the collection is not ours to relabel.
 * - a space other than cosine → terminal VECTOR_STORE_ERROR (distances would not mean what callers assume).
 *
 * Errors: connection failures, responses cut or unreadable, 5xx and 429 → transient VECTOR_STORE_ERROR;
 * everything else terminal (see chromaError).
 */
import {
  AdminClient,
  ChromaClient,
  ChromaClientError,
  ChromaConnectionError,
  ChromaForbiddenError,
  ChromaNotFoundError,
  ChromaQuotaExceededError,
  ChromaRateLimitError,
  ChromaServerError,
  ChromaUnauthorizedError,
  ChromaUniqueError,
  type Collection,
  type EmbeddingFunction,
  type Metadata,
  type Where,
} from "chromadb";
import pLimit from "p-limit";
import { hasNetworkCause, TaskError, terminal, transient } from "../contract/errors.js";
import type {
  EmbeddingSpace,
  MetadataValue,
  VectorCollection,
  VectorHit,
  VectorMetadata,
  VectorRecord,
  VectorStore,
  VectorWhere,
} from "./vectorStore.js";

export interface ChromaVectorStoreOptions {
  /** e.g. http://chroma:8000 (no path prefix: the client addresses the server root). */
  url: string;
  /** Default `default_tenant`. */
  tenant?: string;
  /** Default `default_database`; created when missing (see createDatabase). */
  database?: string;
  /** Sent as `x-chroma-token` (Chroma's token auth and Chroma Cloud). */
  apiKey?: string;
  headers?: Record<string, string>;
  /** Records per upsert/get/delete request (default 250). */
  batchSize?: number;
  /** Create the database when it does not exist (default true). Needs admin rights on secured servers. */
  createDatabase?: boolean;
}

export const MODEL_KEY = "embedding_model";
/** Upsert requests in flight at once (one collection). */
const UPSERT_CONCURRENCY = 4;
/** Ids per page when listing a user's records. */
const ID_PAGE = 5_000;
export const DIMENSION_KEY = "embedding_dimension";
const DEFAULT_TENANT = "default_tenant";
const DEFAULT_DATABASE = "default_database";

/** Handed to the client so it never looks for (or warns about) an embedder: vectors always come with records. */
const PRECOMPUTED_ONLY: EmbeddingFunction = {
  name: "graphnode-precomputed",
  async generate() {
    throw terminal("INTERNAL_ERROR", "embeddings must be computed before they reach the vector store");
  },
};

// ---------------------------------------------------------------------------------------------------------
// Errors

function serverText(err: Error): string {
  // ChromaClientError reads "Bad request to <url> with status: <server message>": keep only the message.
  const m = /with status: ([\s\S]*)$/.exec(err.message);
  return (m?.[1] ?? err.message).split("\n")[0]?.slice(0, 300) ?? "";
}

/**
 * Whether the request may succeed if sent again. The client turns a failed connect and a 5xx into
 * ChromaConnectionError, but a response that breaks after its headers reaches us unwrapped, from the body
 * read: Node's fetch says `TypeError: terminated` with the socket error (UND_ERR_SOCKET, UND_ERR_BODY_TIMEOUT,
 * …) as its cause; a body that ended early without a length to tell (connection-delimited) fails
 * `response.json()` with a SyntaxError. Chroma always answers JSON, so an unparsable body is a damaged
 * response, not a refusal.
 */
function unavailable(err: unknown): boolean {
  return (
    err instanceof ChromaConnectionError ||
    err instanceof ChromaRateLimitError ||
    err instanceof ChromaServerError ||
    err instanceof SyntaxError ||
    (err as { name?: unknown } | null)?.name === "TimeoutError" ||
    hasNetworkCause(err)
  );
}

/** Exported for tests of the classification alone. */
export function chromaError(err: unknown, op: string): unknown {
  if (err instanceof TaskError) return err;
  if (unavailable(err)) {
    return transient("VECTOR_STORE_ERROR", `vector store unavailable during ${op}`, err);
  }
  if (err instanceof ChromaUnauthorizedError || err instanceof ChromaForbiddenError) {
    return terminal(
      "VECTOR_STORE_ERROR",
      `vector store refused access during ${op} (check the API key, tenant and database)`,
      err,
    );
  }
  if (err instanceof ChromaQuotaExceededError) {
    return terminal("VECTOR_STORE_ERROR", `vector store quota exceeded during ${op}`, err);
  }
  if (err instanceof ChromaNotFoundError) {
    return terminal("VECTOR_STORE_ERROR", `vector store resource not found during ${op}`, err);
  }
  if (err instanceof Error && (err instanceof ChromaClientError || /^Chroma|Invalid/.test(err.name))) {
    return terminal("VECTOR_STORE_ERROR", `vector store rejected ${op}: ${serverText(err)}`, err);
  }
  return terminal("VECTOR_STORE_ERROR", `vector store request failed during ${op}`, err);
}

async function call<T>(op: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw chromaError(err, op);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Records

/**
 * Chroma metadata values are scalars. Callers sometimes hand over richer values (a keyword list, a nested
 * object), so they are flattened rather than refused: arrays joined with ", ", objects as JSON, dates as
 * ISO strings; null, undefined and non-finite numbers (which Chroma would store as a null metadata) dropped.
 * Returns null when nothing is left (Chroma refuses an empty metadata object).
 */
export function sanitizeMetadata(input: Record<string, unknown> | undefined): VectorMetadata | null {
  const out: VectorMetadata = {};
  for (const [key, value] of Object.entries(input ?? {})) {
    const v = scalar(value, true);
    if (v !== undefined) out[key] = v;
  }
  return Object.keys(out).length > 0 ? out : null;
}

function scalar(value: unknown, allowArray: boolean): MetadataValue | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  if (Array.isArray(value) && allowArray) {
    return value
      .map((item) => scalar(item, false))
      .filter((item) => item !== undefined)
      .map(String)
      .join(", ");
  }
  if (typeof value === "object") return JSON.stringify(value);
  return undefined;
}

/** Throws unless `embedding` is a non-empty vector of finite numbers of the collection's dimension. */
function checkVector(embedding: ArrayLike<number>, dimension: number, what: string, model: string): void {
  if (dimension > 0 && embedding.length !== dimension) {
    throw terminal(
      "EMBEDDING_MODEL_MISMATCH",
      `${what} has ${embedding.length} dimensions; the collection holds ${model} vectors of ${dimension}`,
    );
  }
  if (embedding.length === 0) throw terminal("INVALID_INPUT", `${what} is empty`);
  for (let i = 0; i < embedding.length; i++) {
    if (!Number.isFinite(embedding[i])) throw terminal("INVALID_INPUT", `${what} has a non-finite value`);
  }
}

/** The vector as the client sends it (a plain array), checked first. */
function toVector(
  embedding: number[] | Float32Array,
  dimension: number,
  what: string,
  model: string,
): number[] {
  checkVector(embedding, dimension, what, model);
  return Array.from(embedding);
}

/** Equality filters as Chroma wants them: one condition bare, several under $and. */
export function toWhere(where: VectorWhere | undefined): Where | undefined {
  const conditions = Object.entries(where ?? {})
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => ({ [k]: v }) as Where);
  if (conditions.length === 0) return undefined;
  if (conditions.length === 1) return conditions[0];
  return { $and: conditions } as Where;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function hit(
  id: string,
  distance: number | null | undefined,
  metadata: Metadata | null | undefined,
  document: string | null | undefined,
  embedding: number[] | null | undefined,
): VectorHit {
  const meta: VectorMetadata = {};
  for (const [k, v] of Object.entries(metadata ?? {})) if (v !== null && v !== undefined) meta[k] = v;
  return {
    id,
    distance: distance ?? Number.NaN,
    metadata: meta,
    ...(document !== null && document !== undefined ? { document } : {}),
    ...(embedding ? { embedding: Array.from(embedding) } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Collections

function spaceOf(col: Collection): string {
  return (
    col.configuration?.hnsw?.space ??
    col.configuration?.spann?.space ??
    (typeof col.metadata?.["hnsw:space"] === "string" ? (col.metadata["hnsw:space"] as string) : undefined) ??
    "l2"
  );
}

function recordedSpace(col: Collection): { model?: string; dimension?: number } {
  const model = col.metadata?.[MODEL_KEY];
  const dimension = col.metadata?.[DIMENSION_KEY];
  return {
    ...(model !== undefined && model !== null ? { model: String(model) } : {}),
    ...(dimension !== undefined && dimension !== null && Number.isFinite(Number(dimension))
      ? { dimension: Number(dimension) }
      : {}),
  };
}

async function sampleDimension(col: Collection): Promise<number | undefined> {
  const sample = await call(`get from ${col.name}`, () => col.get({ limit: 1, include: ["embeddings"] }));
  return sample.embeddings[0]?.length;
}

class ChromaCollection implements VectorCollection {
  constructor(
    private readonly col: Collection,
    readonly space: EmbeddingSpace,
    private readonly batchSize: number,
  ) {}

  get name(): string {
    return this.col.name;
  }

  async upsert(records: VectorRecord[]): Promise<void> {
    // Validate everything before the first write, and keep the last of duplicate ids (Chroma refuses
    // duplicates within one request; across requests the last write would win anyway). The vectors become
    // plain arrays batch by batch: 150,000 of them at once would be hundreds of MB of boxed numbers.
    const byId = new Map<string, VectorRecord>();
    for (const r of records) {
      if (typeof r.id !== "string" || r.id.length === 0)
        throw terminal("INVALID_INPUT", "vector record without an id");
      checkVector(r.embedding, this.space.dimension, `vector ${r.id}`, this.space.model);
      byId.delete(r.id);
      byId.set(r.id, r);
    }
    const send = async (batch: VectorRecord[]) => {
      // The client refuses a documents array with holes, so records with and without text go separately.
      const withDoc = batch.filter((r) => typeof r.document === "string");
      const withoutDoc = batch.filter((r) => typeof r.document !== "string");
      for (const group of [withDoc, withoutDoc]) {
        if (group.length === 0) continue;
        await call(`upsert into ${this.name}`, () =>
          this.col.upsert({
            ids: group.map((r) => r.id),
            embeddings: group.map((r) =>
              toVector(r.embedding, this.space.dimension, `vector ${r.id}`, this.space.model),
            ),
            // Chroma accepts null for "no metadata" although the client's type does not say so.
            metadatas: group.map((r) => sanitizeMetadata(r.metadata)) as Metadata[],
            ...(group === withDoc ? { documents: group.map((r) => r.document as string) } : {}),
          }),
        );
      }
    };
    // A few batches in flight: the server indexes one while the next is on the wire (it has threads of its
    // own), and the bound keeps the requests' memory small. A failed batch fails the upsert (the records
    // are upserts by id, so the caller's retry repeats the others harmlessly).
    const limit = pLimit(UPSERT_CONCURRENCY);
    await Promise.all(chunks([...byId.values()], this.batchSize).map((batch) => limit(() => send(batch))));
  }

  async query(
    embedding: number[] | Float32Array,
    opts: { k: number; where?: VectorWhere; includeEmbeddings?: boolean },
  ): Promise<VectorHit[]> {
    return (await this.queryMany([embedding], opts))[0] ?? [];
  }

  async queryMany(
    embeddings: (number[] | Float32Array)[],
    opts: { k: number; where?: VectorWhere; includeEmbeddings?: boolean },
  ): Promise<VectorHit[][]> {
    const vectors = embeddings.map((e) =>
      toVector(e, this.space.dimension, "query vector", this.space.model),
    );
    const k = Math.floor(opts.k);
    if (!(k > 0) || vectors.length === 0) return vectors.map(() => []);
    const where = toWhere(opts.where);
    const res = await call(`query ${this.name}`, () =>
      this.col.query({
        queryEmbeddings: vectors,
        nResults: k,
        ...(where ? { where } : {}),
        include: [
          "metadatas",
          "documents",
          "distances",
          ...(opts.includeEmbeddings ? (["embeddings"] as const) : []),
        ],
      }),
    );
    return vectors.map((_, q) =>
      (res.ids[q] ?? []).map((id, i) =>
        hit(id, res.distances[q]?.[i], res.metadatas[q]?.[i], res.documents[q]?.[i], res.embeddings[q]?.[i]),
      ),
    );
  }

  async get(opts: { ids?: string[]; where?: VectorWhere; includeEmbeddings?: boolean; limit?: number }) {
    const where = toWhere(opts.where);
    const include = [
      "metadatas",
      "documents",
      ...(opts.includeEmbeddings ? (["embeddings"] as const) : []),
    ] as ("metadatas" | "documents" | "embeddings")[];
    const fetchPage = async (ids: string[] | undefined, limit: number | undefined) => {
      const res = await call(`get from ${this.name}`, () =>
        this.col.get({
          ...(ids ? { ids } : {}),
          ...(where ? { where } : {}),
          ...(limit !== undefined ? { limit } : {}),
          include,
        }),
      );
      return res.ids.map((id, i) =>
        hit(id, undefined, res.metadatas[i], res.documents[i], res.embeddings[i]),
      );
    };
    const limit = opts.limit === undefined ? undefined : Math.max(0, Math.floor(opts.limit));
    if (limit === 0) return [];
    if (!opts.ids) return fetchPage(undefined, limit);
    const hits: VectorHit[] = [];
    for (const ids of chunks([...new Set(opts.ids)], this.batchSize)) {
      hits.push(...(await fetchPage(ids, undefined)));
      if (limit !== undefined && hits.length >= limit) break;
    }
    return limit === undefined ? hits : hits.slice(0, limit);
  }

  async ids(where: VectorWhere): Promise<string[]> {
    const filter = toWhere(where);
    const out: string[] = [];
    // Pages, not one response: a heavy user has 150,000 records. Offsets assume nothing adds this user's
    // records meanwhile; two tasks of one user may run at once (WORKER_MAX_TASKS_PER_USER), and then a page
    // boundary can skip or repeat an id. For the stale sweep that costs at most a stale record left behind.
    for (let offset = 0; ; offset += ID_PAGE) {
      const res = await call(`get from ${this.name}`, () =>
        this.col.get({ ...(filter ? { where: filter } : {}), limit: ID_PAGE, offset, include: [] }),
      );
      out.push(...res.ids);
      if (res.ids.length < ID_PAGE) return out;
    }
  }

  async delete(opts: { ids?: string[]; where?: VectorWhere }): Promise<void> {
    const where = toWhere(opts.where);
    // Chroma deletes every record when given neither: never let an empty filter do that.
    if (!opts.ids && !where)
      throw terminal("INTERNAL_ERROR", `refusing to delete from ${this.name} without ids or a filter`);
    if (!opts.ids) {
      await call(`delete from ${this.name}`, () => this.col.delete({ where }));
      return;
    }
    for (const ids of chunks([...new Set(opts.ids)], this.batchSize)) {
      await call(`delete from ${this.name}`, () => this.col.delete({ ids, ...(where ? { where } : {}) }));
    }
  }

  count(): Promise<number> {
    return call(`count ${this.name}`, () => this.col.count());
  }
}

// ---------------------------------------------------------------------------------------------------------
// Store

function connection(url: string): { host: string; port: number; ssl: boolean } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw terminal("VECTOR_STORE_ERROR", "the Chroma URL is not a valid URL");
  }
  if (u.pathname !== "/" && u.pathname !== "") {
    throw terminal(
      "VECTOR_STORE_ERROR",
      "the Chroma URL must not have a path: the client addresses the server root",
    );
  }
  const ssl = u.protocol === "https:";
  return { host: u.hostname, port: u.port ? Number(u.port) : ssl ? 443 : 80, ssl };
}

export function createChromaVectorStore(opts: ChromaVectorStoreOptions): VectorStore {
  const { host, port, ssl } = connection(opts.url);
  const tenant = opts.tenant || DEFAULT_TENANT;
  const database = opts.database || DEFAULT_DATABASE;
  const headers = { ...(opts.headers ?? {}), ...(opts.apiKey ? { "x-chroma-token": opts.apiKey } : {}) };
  const batchSize = Math.max(1, Math.floor(opts.batchSize ?? 250));
  const client = new ChromaClient({ host, port, ssl, tenant, database, headers });

  // The database is checked (and created when allowed) once; a failed attempt is retried on the next call.
  let ready: Promise<void> | undefined;
  const ensureDatabase = () => {
    ready ??= (async () => {
      if (opts.createDatabase === false || (tenant === DEFAULT_TENANT && database === DEFAULT_DATABASE))
        return;
      const admin = new AdminClient({ host, port, ssl, headers });
      try {
        await admin.getDatabase({ name: database, tenant });
        return;
      } catch (err) {
        // Without admin rights the database may still be usable: let the first real request tell.
        if (err instanceof ChromaUnauthorizedError || err instanceof ChromaForbiddenError) return;
        if (!(err instanceof ChromaNotFoundError)) throw chromaError(err, `open database ${database}`);
      }
      try {
        await admin.createDatabase({ name: database, tenant });
      } catch (err) {
        if (err instanceof ChromaUniqueError) return; // created meanwhile by another worker
        throw chromaError(err, `create database ${database} in tenant ${tenant}`);
      }
    })().catch((err) => {
      ready = undefined;
      throw err;
    });
    return ready;
  };

  const getCollection = async (name: string): Promise<Collection | null> => {
    try {
      return await client.getCollection({ name, embeddingFunction: PRECOMPUTED_ONLY });
    } catch (err) {
      if (err instanceof ChromaNotFoundError) return null;
      throw chromaError(err, `open collection ${name}`);
    }
  };

  const create = async (name: string, space: EmbeddingSpace): Promise<Collection> => {
    try {
      return await client.createCollection({
        name,
        embeddingFunction: null,
        configuration: { hnsw: { space: "cosine" } },
        metadata: { "hnsw:space": "cosine", [MODEL_KEY]: space.model, [DIMENSION_KEY]: space.dimension },
      });
    } catch (err) {
      if (err instanceof ChromaUniqueError) {
        const other = await getCollection(name); // another worker created it first
        if (other) return other;
      }
      throw chromaError(err, `create collection ${name}`);
    }
  };

  const check = async (col: Collection, space: EmbeddingSpace): Promise<void> => {
    const distance = spaceOf(col);
    if (distance !== "cosine") {
      throw terminal(
        "VECTOR_STORE_ERROR",
        `collection ${col.name} uses ${distance} distance; the worker needs cosine`,
      );
    }
    const recorded = recordedSpace(col);
    if (recorded.model !== undefined || recorded.dimension !== undefined) {
      if (
        (recorded.model !== undefined && recorded.model !== space.model) ||
        (recorded.dimension !== undefined && recorded.dimension !== space.dimension)
      ) {
        throw terminal(
          "EMBEDDING_MODEL_MISMATCH",
          `collection ${col.name} holds vectors of ${recorded.model ?? "an unrecorded model"} ` +
            `(${recorded.dimension ?? "unrecorded"} dimensions); this task uses ${space.model} (${space.dimension} dimensions)`,
        );
      }
      return;
    }
    const sampled = await sampleDimension(col);
    if (sampled !== undefined && sampled !== space.dimension) {
      throw terminal(
        "EMBEDDING_MODEL_MISMATCH",
        `collection ${col.name} (no recorded model) holds ${sampled}-dimension vectors; ` +
          `this task uses ${space.model} (${space.dimension} dimensions)`,
      );
    }
  };

  return {
    async collection(name, space) {
      if (!space.model || !Number.isInteger(space.dimension) || space.dimension <= 0) {
        throw terminal("INTERNAL_ERROR", `invalid embedding space for collection ${name}`);
      }
      await ensureDatabase();
      const col = (await getCollection(name)) ?? (await create(name, space));
      await check(col, space);
      return new ChromaCollection(col, { model: space.model, dimension: space.dimension }, batchSize);
    },

    async existing(name) {
      await ensureDatabase();
      const col = await getCollection(name);
      if (!col) return null;
      const recorded = recordedSpace(col);
      const dimension = recorded.dimension ?? (await sampleDimension(col)) ?? 0;
      // dimension 0: unknown (an empty foreign collection); vectors are then checked by the server only.
      return new ChromaCollection(col, { model: recorded.model ?? "unknown", dimension }, batchSize);
    },

    async heartbeat() {
      try {
        await client.heartbeat();
        return true;
      } catch {
        return false;
      }
    },
  };
}
