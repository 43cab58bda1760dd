/** The local, model-free embedder: TF-IDF (words, bigrams, character n-grams) → randomized SVD (LSA). */
export {
  fitLocalEmbedder,
  fitLocalEmbedderOnCorpus,
  fitLocalEmbedderOnTokens,
  LOCAL_FIT_STEP_WEIGHTS,
  type LocalCorpusFitResult,
  LocalEmbedder,
  type LocalFitOptions,
  type LocalFitResult,
  type LocalFitStage,
} from "./fit.js";
export { loadLocalEmbedder } from "./load.js";
export type { TermSequence } from "./model.js";
export { LOCAL_MODEL_NAME, type LocalEmbedderState } from "./state.js";
export { arrayCorpus, type TermCorpus } from "./vocabulary.js";
