/**
 * The search index's settings (README "Search index"): which sentence-transformer embeds nodes for the
 * backend's graph search, where its files are, and which Chroma collection holds the vectors.
 *
 *   SEARCH_EMBEDDING_MODEL    a model id (default Xenova/paraphrase-multilingual-MiniLM-L12-v2, the backend's
 *                             query model), looked up as models/<id>/ under the package (where
 *                             `npm run models:fetch` puts it at image build time); or a local directory holding
 *                             config.json, tokenizer.json and onnx/model*.onnx; `none` turns the index off
 *   SEARCH_EMBEDDING_DTYPE    fp32 | fp16 | q8 | int8 | uint8 | q4; unset: the preferred weights the directory
 *                             holds (quantized first)
 *   SEARCH_CHROMA_COLLECTION  default macro_node_all_minilm_l6_v2 (the backend's hard-coded name)
 *   SEARCH_MODELS_DIR         where model ids are looked up (default <package root>/models)
 *
 * Nothing here touches the network: an id never means a download at run time.
 */
import { existsSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { terminal } from "../../../contract/errors.js";
import type { OnnxDtype } from "../transformers/modelDir.js";

export const DEFAULT_SEARCH_MODEL = "Xenova/paraphrase-multilingual-MiniLM-L12-v2";
export const DEFAULT_SEARCH_COLLECTION = "macro_node_all_minilm_l6_v2";
const DTYPES: readonly OnnxDtype[] = ["fp32", "fp16", "q8", "int8", "uint8", "q4"];

export interface SearchModelSettings {
  /** The name recorded with the collection and in features.json: the id, or the directory's name. */
  model: string;
  /** Where the model's files are (they may be missing: loading then fails, and the index is skipped). */
  dir: string;
  dtype: OnnxDtype | "auto";
}

export type SearchSettings =
  | { enabled: false }
  | ({ enabled: true; collection: string } & SearchModelSettings);

/** The package root (the folder of package.json), whether running from src/ (tsx) or dist/src/. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, "package.json"))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

/** Where model ids are looked up, and where `npm run models:fetch` writes: SEARCH_MODELS_DIR, else <package root>/models. */
export function modelsRoot(env: Record<string, string | undefined> = process.env): string {
  const configured = env.SEARCH_MODELS_DIR?.trim();
  return configured ? resolve(configured) : join(packageRoot(), "models");
}

function looksLikePath(value: string): boolean {
  return isAbsolute(value) || value.startsWith(".") || (existsSync(value) && statSync(value).isDirectory());
}

/** Reads the settings; a bad SEARCH_EMBEDDING_DTYPE is a terminal configuration error naming the variable. */
export function resolveSearchSettings(env: Record<string, string | undefined>): SearchSettings {
  const raw = env.SEARCH_EMBEDDING_MODEL?.trim() || DEFAULT_SEARCH_MODEL;
  if (raw.toLowerCase() === "none") return { enabled: false };
  const dtypeRaw = env.SEARCH_EMBEDDING_DTYPE?.trim().toLowerCase();
  if (dtypeRaw && !DTYPES.includes(dtypeRaw as OnnxDtype)) {
    throw terminal(
      "INTERNAL_ERROR",
      `SEARCH_EMBEDDING_DTYPE must be one of ${DTYPES.join(", ")} (got "${env.SEARCH_EMBEDDING_DTYPE}")`,
    );
  }
  const path = looksLikePath(raw);
  const dir = path ? resolve(raw) : join(modelsRoot(env), ...raw.split("/"));
  return {
    enabled: true,
    model: path ? (dir.split(/[\\/]/).pop() ?? raw) : raw,
    dir,
    dtype: (dtypeRaw as OnnxDtype | undefined) ?? "auto",
    collection: env.SEARCH_CHROMA_COLLECTION?.trim() || DEFAULT_SEARCH_COLLECTION,
  };
}
