/** MICROSCOPE_INGEST as pure computation: document text in, standardized.json / block_graph.json out. */

export type { ChatTurn } from "./blocks/chat.js";
export { parseChatText } from "./blocks/chat.js";
export { assertDocumentSize, type Chunk, chunkText, DEFAULT_LIMITS, type SizeLimits } from "./chunking.js";
export type { ObjectLlm } from "./extract/llm.js";
export { ingestDocument } from "./ingest.js";
export { GENERAL_ONTOLOGY, NAMED_ONTOLOGIES } from "./ontologies.js";
export {
  canonicalSchemaName,
  indexOntology,
  type Ontology,
  type OntologySource,
  type ResolvedOntology,
  resolveOntology,
} from "./ontology.js";
export type { EmbedFn } from "./resolve.js";
export type {
  IngestChunk,
  IngestInput,
  IngestMetadata,
  IngestResult,
  IngestStage,
  IngestStats,
} from "./types.js";
