/**
 * What a local sentence-transformers model directory says about itself: which ONNX weights it holds (so the
 * dtype need not be configured) and its maximum sequence length (so truncation matches sentence-transformers).
 *
 * The ONNX file names are transformers.js's: onnx/model.onnx (fp32), model_quantized.onnx (q8),
 * model_int8.onnx, model_uint8.onnx, model_fp16.onnx, model_q4.onnx.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export type OnnxDtype = "fp32" | "fp16" | "q8" | "int8" | "uint8" | "q4";

const FILE_OF: Record<OnnxDtype, string> = {
  fp32: "model.onnx",
  fp16: "model_fp16.onnx",
  q8: "model_quantized.onnx",
  int8: "model_int8.onnx",
  uint8: "model_uint8.onnx",
  q4: "model_q4.onnx",
};

/** Quantized first: on CPU they run faster and load smaller, and all-MiniLM's int8 keeps cosine ≥ 0.99. */
const PREFERENCE: OnnxDtype[] = ["q8", "int8", "uint8", "fp32", "fp16", "q4"];

/** The dtypes whose weights the directory holds, in order of preference. */
export function availableDtypes(dir: string): OnnxDtype[] {
  const onnx = join(dir, "onnx");
  if (!existsSync(onnx)) return [];
  const files = new Set(readdirSync(onnx));
  return PREFERENCE.filter((d) => files.has(FILE_OF[d]));
}

export function onnxFileOf(dtype: OnnxDtype): string {
  return `onnx/${FILE_OF[dtype]}`;
}

/** The preferred dtype present in the directory, or undefined when it holds none of the known files. */
export function pickDtype(dir: string): OnnxDtype | undefined {
  return availableDtypes(dir)[0];
}

/**
 * Sequence lengths of models whose published ONNX directories lack sentence_bert_config.json (the Xenova
 * conversions): sentence-transformers' max_seq_length for them, from the original model cards.
 */
const KNOWN_MAX_SEQ_LENGTH: Record<string, number> = {
  "paraphrase-multilingual-minilm-l12-v2": 128,
  "all-minilm-l6-v2": 256,
  "all-minilm-l12-v2": 256,
  "multilingual-e5-small": 512,
};

function readJson(path: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/**
 * The number of tokens (special tokens included) sentence-transformers feeds this model: max_seq_length of
 * sentence_bert_config.json; else the known value for the model's name; else the tokenizer's
 * model_max_length when it is a real limit (tokenizers without one say 1e30); else 128.
 */
export function maxSequenceLength(dir: string, modelName: string): number {
  const st = readJson(join(dir, "sentence_bert_config.json"))?.max_seq_length;
  if (typeof st === "number" && st > 2) return st;
  const known = KNOWN_MAX_SEQ_LENGTH[(modelName.split("/").pop() ?? modelName).toLowerCase()];
  if (known) return known;
  const tok = readJson(join(dir, "tokenizer_config.json"))?.model_max_length;
  if (typeof tok === "number" && tok > 2 && tok <= 8192) return tok;
  return 128;
}
