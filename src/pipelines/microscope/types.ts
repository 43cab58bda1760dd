/** The microscope ingest pipeline's input and output shapes. */
import type { BlockGraphFile } from "../../contract/files/blockGraph.js";
import type { StandardizedFile } from "../../contract/files/standardized.js";
import type { ChatTurn } from "./blocks/chat.js";
import type { ObjectLlm } from "./extract/llm.js";
import type { ExtractionMode } from "./extract/run.js";
import type { FilterCounts } from "./graph.js";
import type { OntologySource } from "./ontology.js";
import type { EmbedFn } from "./resolve.js";

export type IngestStage =
  | "chunking"
  | "segmenting"
  | "extracting"
  | "resolving"
  | "labeling"
  | "ordering"
  | "assembling";

export interface IngestInput {
  text: string;
  title?: string;
  /** "note" and "document" segment at markdown headings; "chat" at Q/A turns. */
  sourceType: "document" | "note" | "chat";
  /** Chat messages (user/assistant only); when absent, a chat's turns are parsed from `Q:`/`A:` lines. */
  turns?: ChatTurn[];
  blockMode: boolean;
  /** Block mode: extract a micro graph per block. */
  generateMicroGraphs: boolean;
  schemaName?: string;
  /** A custom ontology object; wins over schemaName. Invalid → terminal VALIDATION_ERROR. */
  schema?: unknown;
  /** Output language of descriptions/titles (request's preferredLanguage); else the text's. */
  language?: string;
  /** Absent: everything is computed locally (metadata.extraction = "local"). */
  llm?: ObjectLlm;
  /** Optional name embeddings for entity resolution. */
  embed?: EmbedFn;
  signal?: AbortSignal;
  onProgress?: (fraction: number, stage: IngestStage) => void;
  /** DOCUMENT_TOO_LARGE above this many chunks. Default 750. */
  maxChunks?: number;
  /** DOCUMENT_TOO_LARGE above this many characters. Default 3 000 000. */
  maxChars?: number;
  /** Chunk size and overlap in tokens. Defaults 400 / 80. */
  chunkTokens?: number;
  overlapTokens?: number;
  /** Extraction batch budget in tokens. Default 8000. */
  batchTokens?: number;
  /** Block mode: at most this many blocks. Default 60. */
  maxBlocks?: number;
}

export interface IngestChunk {
  index: number;
  text: string;
  tokens: number;
  /** Offsets in the document (standard mode) or in the block's raw_text (block mode). */
  start: number;
  end: number;
  /** Canonical names of the entities the chunk mentions (Chroma's `entity_names`). */
  entityNames: string[];
  /** Block mode: the block the chunk belongs to. */
  block_id?: string;
}

export interface IngestMetadata {
  mode: "standard" | "block";
  /** Who extracted entities: "none" in block mode without micro graphs. */
  extraction: ExtractionMode | "none";
  /** Set when the local fallback produced any part: "no_llm" (no LLM configured) or "llm_failed". */
  localFallback: "no_llm" | "llm_failed" | null;
  blockLabels?: "llm" | "local" | "mixed";
  blockOrdering?: "llm" | "local";
  ontology: string;
  ontologySource: OntologySource;
  requestedSchema?: string;
  language: string | null;
  /** Calls this ingest made to the LLM (each may include a retry or repair request). */
  llmCalls: number;
  /** Short, secret-free reasons of LLM calls that failed and were replaced locally. */
  llmFailures: string[];
  tokenizer: "o200k_base";
}

export interface IngestStats {
  chars: number;
  chunks: number;
  tokens: number;
  extractionBatches: number;
  fallbackBatches: number;
  mentions: number;
  entities: number;
  edges: number;
  /** Spellings merged into another entity. */
  mergedNames: number;
  greyPairs: number;
  llmMerges: number;
  filter: FilterCounts;
  blocks?: number;
  blockEdges?: number;
  durationMs: number;
}

export interface IngestResult {
  chunks: IngestChunk[];
  standardized?: StandardizedFile;
  blockGraph?: BlockGraphFile;
  metadata: IngestMetadata;
  stats: IngestStats;
}
