/**
 * One entry point for the providers. `local` needs a fitted state (fit it with fitLocalEmbedder on
 * the user's corpus during graph generation, store the state, load it for add_node); `hashing` (unfitted
 * feature hashing, for microscope chunks), `transformers` and `openai` are fixed models.
 */
import { createHashingEmbedder, type HashingEmbedderOptions } from "./hashing.js";
import { loadLocalEmbedder } from "./local/load.js";
import type { LocalEmbedderState } from "./local/state.js";
import { createOpenAIEmbedder, type OpenAIEmbedderOptions } from "./openai.js";
import { createTransformersEmbedder, type TransformersEmbedderOptions } from "./transformers/provider.js";
import type { Embedder } from "./types.js";

export type EmbedderConfig =
  | { provider: "local"; state: LocalEmbedderState | string }
  | ({ provider: "hashing" } & HashingEmbedderOptions)
  | ({ provider: "transformers" } & TransformersEmbedderOptions)
  | ({ provider: "openai" } & OpenAIEmbedderOptions);

/** Creates (and for transformers, loads once per process) an embedder; errors are terminal TaskErrors. */
export async function createEmbedder(config: EmbedderConfig): Promise<Embedder> {
  switch (config.provider) {
    case "local":
      return loadLocalEmbedder(config.state);
    case "hashing": {
      const { provider: _p, ...opts } = config;
      return createHashingEmbedder(opts);
    }
    case "transformers": {
      const { provider: _p, ...opts } = config;
      return createTransformersEmbedder(opts);
    }
    case "openai": {
      const { provider: _p, ...opts } = config;
      return createOpenAIEmbedder(opts);
    }
  }
}
