/**
 * The vector index the worker writes (macro nodes, microscope chunks) and reads (AddNode neighbours,
 * RAG retrieval). Implemented over ChromaDB by `chroma.ts`; one code path for the SQS worker and
 * the local `run` mode (which starts its own Chroma server on a folder).
 *
 * Every collection uses cosine space and records the embedding model and dimension in its metadata;
 * writing vectors of another model or dimension into it is refused (terminal EMBEDDING_MODEL_MISMATCH).
 */

export type MetadataValue = string | number | boolean;
export type VectorMetadata = Record<string, MetadataValue>;

export interface EmbeddingSpace {
  /** e.g. "local-tfidf-lsa-v1" or "Xenova/paraphrase-multilingual-MiniLM-L12-v2" */
  model: string;
  dimension: number;
}

export interface VectorRecord {
  id: string;
  embedding: number[] | Float32Array;
  metadata: VectorMetadata;
  document?: string;
}

export interface VectorHit {
  id: string;
  /** cosine distance (0 = identical); similarity = 1 - distance */
  distance: number;
  metadata: VectorMetadata;
  document?: string;
  embedding?: number[];
}

/** Equality filters joined with AND, e.g. { user_id: "u1" }. */
export type VectorWhere = Record<string, MetadataValue>;

export interface VectorCollection {
  readonly name: string;
  readonly space: EmbeddingSpace;
  upsert(records: VectorRecord[]): Promise<void>;
  query(
    embedding: number[] | Float32Array,
    opts: { k: number; where?: VectorWhere; includeEmbeddings?: boolean },
  ): Promise<VectorHit[]>;
  /** One round trip for several query vectors; one hit list per vector, in order. */
  queryMany(
    embeddings: (number[] | Float32Array)[],
    opts: { k: number; where?: VectorWhere; includeEmbeddings?: boolean },
  ): Promise<VectorHit[][]>;
  get(opts: {
    ids?: string[];
    where?: VectorWhere;
    includeEmbeddings?: boolean;
    limit?: number;
  }): Promise<VectorHit[]>;
  /** The ids of every record matching `where` (no metadata, documents or vectors), read page by page. */
  ids(where: VectorWhere): Promise<string[]>;
  delete(opts: { ids?: string[]; where?: VectorWhere }): Promise<void>;
  count(): Promise<number>;
}

export interface VectorStore {
  /**
   * Open or create a collection. If it exists with a different model or dimension in its metadata,
   * throw terminal EMBEDDING_MODEL_MISMATCH naming both models.
   */
  collection(name: string, space: EmbeddingSpace): Promise<VectorCollection>;
  /** Open only if it exists (no model check); null when absent. */
  existing(name: string): Promise<VectorCollection | null>;
  heartbeat(): Promise<boolean>;
}

/** A Chroma-safe collection name part from an embedding model id ("Xenova/all-MiniLM-L6-v2" → "all_minilm_l6_v2"). */
export function modelSlug(model: string): string {
  return (model.split("/").pop() ?? model)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
}
