/** Rebuilds a local embedder from its saved state; new texts land in the same space as the fitted ones. */
import { terminal } from "../../../contract/errors.js";
import { centringFromState } from "./centring.js";
import { FeatureSpace } from "./features.js";
import { LocalEmbedder } from "./fit.js";
import { LocalModel } from "./model.js";
import {
  decodeFloat32,
  decodeInt8,
  dequantizeRows,
  LOCAL_MODEL_NAME,
  LOCAL_STATE_FORMAT,
  LOCAL_TOKENIZER_VERSION,
  type LocalEmbedderState,
} from "./state.js";

/** Accepts the state object or its JSON text. Throws a terminal TaskError for a foreign or damaged state. */
export function loadLocalEmbedder(input: LocalEmbedderState | string): LocalEmbedder {
  let state: LocalEmbedderState;
  try {
    state = typeof input === "string" ? (JSON.parse(input) as LocalEmbedderState) : input;
  } catch (e) {
    throw terminal("INVALID_INPUT", "the local embedding model state is not valid JSON", e);
  }
  if (state?.format !== LOCAL_STATE_FORMAT || state.version !== 1) {
    throw terminal(
      "EMBEDDING_MODEL_MISMATCH",
      "the stored embedding model state has an unknown format or version",
    );
  }
  if (state.model !== LOCAL_MODEL_NAME || state.tokenizer !== LOCAL_TOKENIZER_VERSION) {
    throw terminal(
      "EMBEDDING_MODEL_MISMATCH",
      `the stored embedding model (${state.model}, ${state.tokenizer}) was built by another version; regenerate the graph`,
    );
  }
  try {
    const dim = state.dimension;
    const wordIdf = decodeFloat32(state.wordIdf, state.words.length, "wordIdf");
    const gramIdf = decodeFloat32(state.gramIdf, state.grams.length, "gramIdf");
    const rows = state.words.length + state.grams.length;
    if (state.projection.encoding !== "int8-rowscale" || state.projection.rows !== rows) {
      throw new Error("projection does not match the vocabulary");
    }
    const scales = decodeFloat32(state.projection.scales, rows, "projection scales");
    const values = decodeInt8(state.projection.values, rows * dim, "projection values");
    const space = new FeatureSpace(state.features, state.words, wordIdf, state.grams, gramIdf);
    return new LocalEmbedder(
      new LocalModel(space, dequantizeRows(values, scales, dim), dim),
      state.fingerprint,
      state.centring ? centringFromState(state.centring, dim) : undefined,
    );
  } catch (e) {
    throw terminal("INVALID_INPUT", `the local embedding model state is damaged: ${(e as Error).message}`, e);
  }
}
