/** Embedding providers behind one interface: local TF-IDF/LSA (default), feature hashing, ONNX sentence-transformers, OpenAI-compatible HTTP. */
export { createEmbedder, type EmbedderConfig } from "./factory.js";
export {
  createHashingEmbedder,
  DEFAULT_HASHING_DIMENSION,
  HASHING_MODEL_NAME,
  HashingEmbedder,
  type HashingEmbedderOptions,
} from "./hashing.js";
export {
  fitLocalEmbedder,
  fitLocalEmbedderOnTokens,
  LOCAL_MODEL_NAME,
  LocalEmbedder,
  type LocalEmbedderState,
  type LocalFitOptions,
  type LocalFitResult,
  type LocalFitStage,
  loadLocalEmbedder,
} from "./local/index.js";
export { createOpenAIEmbedder, type OpenAIEmbedderOptions, splitByChars } from "./openai.js";
export {
  createTransformersEmbedder,
  DEFAULT_TRANSFORMERS_MODEL,
  type TransformersEmbedderOptions,
  type WindowModel,
  windowedEmbedder,
} from "./transformers/provider.js";
export {
  embedInWindows,
  meanPool,
  splitIntoWindows,
  type WindowEncoder,
  type WindowTokenizer,
} from "./transformers/windows.js";
export type { Embedder, EmbedOptions } from "./types.js";
export { dot, l2NormalizeInPlace, weightedMeanUnit } from "./vectors.js";
