/**
 * The shapes the microscope RAG pipeline works on. The pipeline is pure: the task handler reads chunks from the
 * vector index and hands them over in these shapes (the index's `MicroscopeChunk` has the same fields).
 */

/** One stored document chunk of a workspace. */
export interface RagChunk {
  /** Record id, `${sourceId}_${chunkIndex}`. */
  id: string;
  sourceId: string;
  sourceName: string;
  chunkIndex: number;
  text: string;
  /** Entities extracted from this chunk at ingest. */
  entityNames: string[];
}

/** A chunk found by vector search. */
export interface ScoredChunk extends RagChunk {
  /** Cosine similarity to the question. */
  score: number;
}

/** One step of graph expansion: `entity` led from `fromChunkId` (or from the question) to `chunkId`. */
export interface HopStep {
  hop: number;
  entity: string;
  chunkId: string;
  /** The chunk the walk came from; null when the entity was named in the question itself. */
  fromChunkId: string | null;
}

/** A chunk added by graph expansion. */
export interface ExpandedChunk extends RagChunk {
  /** Personalised PageRank score (a probability; comparable only within one expansion). */
  score: number;
  /** Chunk–entity–chunk steps from the nearest seed (1 = shares an entity with a retrieved chunk). */
  hop: number;
  /** The entity through which the chunk was first reached. */
  via: string;
  fromChunkId: string | null;
}

export interface Expansion {
  chunks: ExpandedChunk[];
  /** The path to every returned chunk, hop by hop (shared prefixes listed once). */
  trace: HopStep[];
  /** Entities named in the question (display names), which seeded the walk besides the retrieved chunks. */
  questionEntities: string[];
}

/** A chunk as reported in a result payload (`chunks` of MICROSCOPE_QUERY/SYNTHESIZE_RESULT). */
export interface AnswerChunk {
  /** Number used in the context and in the answer's [n] citations (1-based). */
  n: number;
  id: string;
  source_id: string;
  source_name: string;
  chunk_index: number;
  text: string;
  /** Retrieval: cosine similarity; expansion: personalised PageRank score. */
  score: number;
  /** 0 = found by vector search; h ≥ 1 = reached by graph expansion in h hops. */
  hop: number;
  /** Expansion only: the entity that led to this chunk, and the chunk it was reached from. */
  via?: string;
  from_chunk_id?: string | null;
  entity_names: string[];
  /** Whether the answer cites this chunk. */
  cited: boolean;
}

/** How the answer text was produced. */
export type AnswerGenerator = "llm" | "llm-no-rag" | "extractive" | "no-llm" | "empty";

export interface RagAnswer {
  answer: string;
  /** The numbered context the answer was written from ("" when none). */
  context: string;
  chunks: AnswerChunk[];
  /** Ids of the chunks the answer cites, in order of first citation; only ids present in `chunks`. */
  citations: string[];
  trace: HopStep[];
  generator: AnswerGenerator;
  /** The language the fixed phrases were written in. */
  language: string;
}
