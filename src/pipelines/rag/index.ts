/** Microscope RAG over a workspace's ingested chunks (questions, topic overviews, related questions): pure computation. */
export { type AnswerQuestionInput, answerQuestion, DEFAULT_MAX_CONTEXT_CHUNKS } from "./answer.js";
export { type ContextEntry, formatContext, parseCitations, selectContext } from "./context.js";
export {
  buildChunkEntityGraph,
  type ChunkEntityGraph,
  DEFAULT_RESTART,
  type ExpandOptions,
  entitiesInQuestion,
  expandByGraph,
  type NeighbourEntity,
  neighbourEntities,
  normalizeEntityName,
  personalizedPageRank,
} from "./graph.js";
export { type RagLanguage, ragLanguage } from "./language.js";
export { buildMacroProfile } from "./profile.js";
export {
  cleanQuestions,
  DEFAULT_QUESTION_COUNT,
  type RelatedQuestionsInput,
  type RelatedQuestionsResult,
  relatedQuestions,
  templateQuestions,
} from "./relatedQuestions.js";
export { DEFAULT_SYNTHESIS_CHUNKS, type SynthesizeInput, synthesizeTopic } from "./synthesize.js";
export type {
  AnswerChunk,
  AnswerGenerator,
  ExpandedChunk,
  Expansion,
  HopStep,
  RagAnswer,
  RagChunk,
  ScoredChunk,
} from "./types.js";
