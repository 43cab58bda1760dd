/** The local, model-free embedder: TF-IDF (words, bigrams, character n-grams) → randomized SVD (LSA). */
export {
  fitLocalEmbedder,
  fitLocalEmbedderOnTokens,
  LOCAL_FIT_STEP_WEIGHTS,
  LocalEmbedder,
  type LocalFitOptions,
  type LocalFitResult,
  type LocalFitStage,
} from "./fit.js";
export { loadLocalEmbedder } from "./load.js";
export { LOCAL_MODEL_NAME, type LocalEmbedderState } from "./state.js";
