/**
 * The microscope chunk index: one Chroma collection per embedding model, `microscope_chunks_{model slug}`
 * (the incumbent's naming, ORIGINAL-PIPELINES §9), cosine space. One record per document chunk:
 *   id        `${sourceId}_${index}`
 *   document  the chunk text
 *   metadata  { user_id, group_id, source_id, source_name, chunk_index, entity_names }
 * Chroma metadata values are scalars, so `entity_names` is stored as a JSON array string; reading also accepts
 * the incumbent's forms (a list flattened to "a, b" or a comma-separated string) and its `text` metadata key.
 *
 * Every read filters on user AND group (a workspace never sees another's chunks). Re-ingesting a source
 * replaces its records: the new chunks are upserted first, then the source's records that are no longer part
 * of it are deleted, so a reader never sees the source with no chunks at all.
 */
import { terminal } from "../contract/errors.js";
import type {
  EmbeddingSpace,
  VectorCollection,
  VectorHit,
  VectorMetadata,
  VectorRecord,
  VectorStore,
} from "./vectorStore.js";
import { modelSlug } from "./vectorStore.js";

/** Records read at most by groupChunks when no limit is given. */
export const DEFAULT_GROUP_CHUNK_LIMIT = 2000;

export function microscopeCollectionName(model: string, override?: string): string {
  if (override) return override;
  return `microscope_chunks_${modelSlug(model)}`;
}

export interface MicroscopeChunkInput {
  /** Position of the chunk in its document (0-based); part of the record id. */
  index: number;
  text: string;
  /** Names of the entities extracted from this chunk (after standardisation). */
  entityNames: string[];
}

/** One stored chunk as read back. The same shape as the RAG pipeline's `RagChunk`. */
export interface MicroscopeChunk {
  id: string;
  sourceId: string;
  sourceName: string;
  chunkIndex: number;
  text: string;
  entityNames: string[];
}

export interface MicroscopeChunkHit extends MicroscopeChunk {
  /** Cosine similarity to the query vector (1 - distance). */
  score: number;
}

export interface ReplaceDocumentChunksInput {
  userId: string;
  groupId: string;
  sourceId: string;
  sourceName: string;
  chunks: MicroscopeChunkInput[];
  /** One vector per chunk, in the same order, of the index's model and dimension. */
  vectors: ArrayLike<number>[];
}

export interface ReplaceDocumentChunksResult {
  /** Records written. */
  stored: number;
  /** Records of an earlier ingest of this source that were removed. */
  removed: number;
  /** Chunks not stored because their vector is all zeros (no content terms; cosine is undefined for them). */
  skippedEmpty: number;
}

export interface MicroscopeIndex {
  readonly collectionName: string;
  readonly space: EmbeddingSpace;
  replaceDocumentChunks(input: ReplaceDocumentChunksInput): Promise<ReplaceDocumentChunksResult>;
  /** Nearest chunks of the workspace, best first. An all-zero query vector finds nothing. */
  search(opts: {
    userId: string;
    groupId: string;
    vector: ArrayLike<number>;
    k: number;
  }): Promise<MicroscopeChunkHit[]>;
  /** The workspace's chunks with their entity names (for graph expansion), ordered by source and index. */
  groupChunks(opts: { userId: string; groupId: string; limit?: number }): Promise<MicroscopeChunk[]>;
  /** Removes one source's chunks from the workspace; returns how many there were. */
  deleteDocument(opts: { userId: string; groupId: string; sourceId: string }): Promise<number>;
}

export function chunkRecordId(sourceId: string, index: number): string {
  return `${sourceId}_${index}`;
}

/** entity_names as stored: a JSON array (names may contain commas or pipes). */
export function encodeEntityNames(names: readonly string[]): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const n of names) {
    const t = typeof n === "string" ? n.trim() : "";
    if (t && !seen.has(t)) {
      seen.add(t);
      out.push(t);
    }
  }
  return JSON.stringify(out);
}

/** Reads entity_names in our JSON form, or the incumbent's list-flattened / comma-separated string. */
export function decodeEntityNames(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string" && v.trim() !== "");
  if (typeof value !== "string" || value.trim() === "") return [];
  const s = value.trim();
  if (s.startsWith("[")) {
    try {
      const parsed: unknown = JSON.parse(s);
      if (Array.isArray(parsed)) {
        return parsed
          .filter((v): v is string => typeof v === "string" && v.trim() !== "")
          .map((v) => v.trim());
      }
    } catch {
      // not JSON after all: fall through to the comma form
    }
  }
  return s
    .split(",")
    .map((v) => v.trim())
    .filter((v) => v !== "");
}

function str(v: unknown): string {
  return typeof v === "string" ? v : v === undefined || v === null ? "" : String(v);
}

function toChunk(h: VectorHit): MicroscopeChunk {
  const m = h.metadata;
  const index = Number(m.chunk_index);
  return {
    id: h.id,
    sourceId: str(m.source_id),
    sourceName: str(m.source_name),
    chunkIndex: Number.isFinite(index) ? index : 0,
    text: h.document ?? str(m.text),
    entityNames: decodeEntityNames(m.entity_names),
  };
}

function isZero(v: ArrayLike<number>): boolean {
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) return false;
  return true;
}

class ChromaMicroscopeIndex implements MicroscopeIndex {
  constructor(private readonly col: VectorCollection) {}

  get collectionName(): string {
    return this.col.name;
  }

  get space(): EmbeddingSpace {
    return this.col.space;
  }

  async replaceDocumentChunks(input: ReplaceDocumentChunksInput): Promise<ReplaceDocumentChunksResult> {
    const { userId, groupId, sourceId, sourceName, chunks, vectors } = input;
    if (!userId) throw terminal("INVALID_INPUT", "a microscope chunk needs a user id");
    if (!sourceId) throw terminal("INVALID_INPUT", "a microscope chunk needs a source id");
    if (chunks.length !== vectors.length) {
      throw terminal(
        "INTERNAL_ERROR",
        `${chunks.length} chunks but ${vectors.length} vectors for source ${sourceId}`,
      );
    }
    const records: VectorRecord[] = [];
    let skippedEmpty = 0;
    for (const [i, chunk] of chunks.entries()) {
      if (!Number.isInteger(chunk.index) || chunk.index < 0) {
        throw terminal("INTERNAL_ERROR", `chunk ${i} of source ${sourceId} has an invalid index`);
      }
      const vector = vectors[i]!;
      if (isZero(vector)) {
        skippedEmpty++;
        continue;
      }
      const metadata: VectorMetadata = {
        user_id: userId,
        group_id: groupId,
        source_id: sourceId,
        source_name: sourceName,
        chunk_index: chunk.index,
        entity_names: encodeEntityNames(chunk.entityNames),
      };
      records.push({
        id: chunkRecordId(sourceId, chunk.index),
        embedding: Array.from(vector),
        metadata,
        document: chunk.text,
      });
    }

    // Ids are global in the collection: never let one workspace's ingest overwrite another's records.
    const ids = records.map((r) => r.id);
    if (ids.length > 0) {
      const clash = (await this.col.get({ ids })).find(
        (h) => str(h.metadata.user_id) !== userId || str(h.metadata.group_id) !== groupId,
      );
      if (clash) {
        throw terminal(
          "INVALID_INPUT",
          `source id ${sourceId} is already indexed in another workspace; use a source id unique to this workspace`,
        );
      }
    }

    const where = { user_id: userId, group_id: groupId, source_id: sourceId };
    const before = await this.col.get({ where });
    await this.col.upsert(records);
    const keep = new Set(ids);
    const stale = before.map((h) => h.id).filter((id) => !keep.has(id));
    if (stale.length > 0) await this.col.delete({ ids: stale, where });
    return { stored: records.length, removed: stale.length, skippedEmpty };
  }

  async search(opts: {
    userId: string;
    groupId: string;
    vector: ArrayLike<number>;
    k: number;
  }): Promise<MicroscopeChunkHit[]> {
    if (opts.k < 1 || isZero(opts.vector)) return [];
    const hits = await this.col.query(Array.from(opts.vector), {
      k: opts.k,
      where: { user_id: opts.userId, group_id: opts.groupId },
    });
    return hits
      .filter((h) => Number.isFinite(h.distance))
      .map((h) => ({ ...toChunk(h), score: 1 - h.distance }));
  }

  async groupChunks(opts: { userId: string; groupId: string; limit?: number }): Promise<MicroscopeChunk[]> {
    const limit = Math.max(0, Math.floor(opts.limit ?? DEFAULT_GROUP_CHUNK_LIMIT));
    if (limit === 0) return [];
    const hits = await this.col.get({ where: { user_id: opts.userId, group_id: opts.groupId }, limit });
    return hits
      .map(toChunk)
      .sort(
        (a, b) =>
          a.sourceId.localeCompare(b.sourceId) || a.chunkIndex - b.chunkIndex || a.id.localeCompare(b.id),
      );
  }

  async deleteDocument(opts: { userId: string; groupId: string; sourceId: string }): Promise<number> {
    const where = { user_id: opts.userId, group_id: opts.groupId, source_id: opts.sourceId };
    const existing = await this.col.get({ where });
    if (existing.length > 0) await this.col.delete({ ids: existing.map((h) => h.id), where });
    return existing.length;
  }
}

export interface OpenMicroscopeIndexOptions {
  /** Collection name override (e.g. MICROSCOPE_CHROMA_COLLECTION); default microscope_chunks_{slug}. */
  collection?: string;
}

/**
 * Opens (creating when missing) the chunk collection of `space`'s model. A collection holding another
 * model's vectors is refused (terminal EMBEDDING_MODEL_MISMATCH, from the store).
 */
export async function openMicroscopeIndex(
  store: VectorStore,
  space: EmbeddingSpace,
  opts: OpenMicroscopeIndexOptions = {},
): Promise<MicroscopeIndex> {
  const name = microscopeCollectionName(space.model, opts.collection);
  return new ChromaMicroscopeIndex(await store.collection(name, space));
}

/**
 * Opens the chunk collection only when it exists (readers: a workspace nobody ingested into has nothing to
 * find, and a query should not create collections); null when absent. Model checks as openMicroscopeIndex.
 */
export async function openExistingMicroscopeIndex(
  store: VectorStore,
  space: EmbeddingSpace,
  opts: OpenMicroscopeIndexOptions = {},
): Promise<MicroscopeIndex | null> {
  const name = microscopeCollectionName(space.model, opts.collection);
  if (!(await store.existing(name))) return null;
  return new ChromaMicroscopeIndex(await store.collection(name, space));
}
