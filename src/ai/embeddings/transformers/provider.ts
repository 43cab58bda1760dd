/**
 * ONNX sentence-transformers through @huggingface/transformers (default: the Python worker's model,
 * Xenova/paraphrase-multilingual-MiniLM-L12-v2, 384-d, mean pooling + L2), so stored vectors stay
 * comparable (ORIGINAL-PIPELINES §11.7).
 *
 * - Loaded once per process: a module-level cache keyed by model, directory and dtype, shared by every
 *   task (the Python worker reloaded the model per task, and per conversation in add_node).
 * - From a model id (hub cache) or a LOCAL DIRECTORY; with a directory, remote loading is switched off.
 * - A model that cannot be loaded is a terminal error. There is no random-vector fallback: the Python
 *   worker's silent "DummySentenceTransformer" put garbage into the vector store (§12).
 * - Long texts are chunked by tokens and pooled (windows.ts), or, with `longText: "truncate"`, cut at the
 *   model's maximum sequence length exactly as sentence-transformers does (the search index: its vectors must
 *   equal the backend's query model's).
 * - Nothing is downloaded unless `allowRemote` is set (only `npm run models:fetch` sets it): a task never
 *   waits on, or depends on, the hub.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { TaskError, terminal } from "../../../contract/errors.js";
import type { Embedder, EmbedOptions } from "../types.js";
import { maxSequenceLength, type OnnxDtype, pickDtype } from "./modelDir.js";
import {
  embedInWindows,
  embedTruncated,
  meanPool,
  type WindowEncoder,
  type WindowTokenizer,
} from "./windows.js";

export const DEFAULT_TRANSFORMERS_MODEL = "Xenova/paraphrase-multilingual-MiniLM-L12-v2";

export interface TransformersEmbedderOptions {
  /** Hub model id. Default Xenova/paraphrase-multilingual-MiniLM-L12-v2. Ignored for loading when `localDir` is set. */
  model?: string;
  /** A directory holding config.json, tokenizer.json (+ tokenizer_config.json) and onnx/model*.onnx. */
  localDir?: string;
  /**
   * ONNX weights variant. Default "fp32" (what the stored vectors were made with); "auto" takes the preferred
   * one the local directory holds (quantized first, see modelDir.ts).
   */
  dtype?: OnnxDtype | "auto";
  /**
   * Maximum sequence length including special tokens. Default: with a local directory, what it says
   * (sentence_bert_config.json max_seq_length, see modelDir.ts), else 128.
   */
  maxTokens?: number;
  /** "windows" (default): long texts pooled over token windows; "truncate": cut as sentence-transformers does. */
  longText?: "windows" | "truncate";
  /** Let @huggingface/transformers download from the hub (default false: local files and its cache only). */
  allowRemote?: boolean;
  /** Token windows per ONNX run. Default DEFAULT_BATCH_SIZE (8). */
  batchSize?: number;
}

/** A tokenizer plus a model that embeds token windows: what the windowed embedder needs. */
export interface WindowModel {
  tokenizer: WindowTokenizer;
  encode: WindowEncoder;
  dimension: number;
  /** The directory's own maximum sequence length, when loaded from one. */
  maxTokens?: number;
  /** The weights actually loaded. */
  dtype?: OnnxDtype;
}

const cache = new Map<string, Promise<WindowModel>>();

/**
 * Sequences per inference call. Small batches of length-sorted texts pad little and keep the activations (and
 * so onnxruntime's arena, which keeps its high-water mark) small: all-MiniLM-L6-v2 int8 over 3,072 debian
 * texts peaked at 1,892 MB RSS with 32 per batch (49 texts/s), 723 MB with 8 (56 texts/s), 604 MB with 8 and
 * no memory pattern.
 */
const DEFAULT_BATCH_SIZE = 8;

/** The files a usable local model directory has; checked up front so the error says what is missing. */
function checkLocalDir(dir: string): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw terminal(
      "INTERNAL_ERROR",
      `embedding model directory not found: ${dir} (expected config.json, tokenizer.json and onnx/model.onnx)`,
    );
  }
  const missing = ["config.json", "tokenizer.json"].filter((f) => !existsSync(join(dir, f)));
  const onnxDir = join(dir, "onnx");
  const hasOnnx = existsSync(onnxDir) && readdirSync(onnxDir).some((f) => f.endsWith(".onnx"));
  if (!hasOnnx) missing.push("onnx/*.onnx");
  if (missing.length > 0) {
    throw terminal(
      "INTERNAL_ERROR",
      `embedding model directory ${dir} is incomplete: missing ${missing.join(", ")}`,
    );
  }
}

async function load(opts: TransformersEmbedderOptions): Promise<WindowModel> {
  const hf = await import("@huggingface/transformers");
  let modelId = opts.model ?? DEFAULT_TRANSFORMERS_MODEL;
  const pretrained: { local_files_only?: boolean; dtype?: string } = {};
  hf.env.allowRemoteModels = opts.allowRemote === true;
  let dtype: OnnxDtype = opts.dtype === "auto" || opts.dtype === undefined ? "fp32" : opts.dtype;
  let dirMaxTokens: number | undefined;
  if (opts.localDir) {
    const dir = resolve(opts.localDir);
    checkLocalDir(dir);
    // Load from disk only: never reach for the hub when a directory was configured. The absolute path is
    // the model id (transformers.js reads a non-hub id as a path), which works for any directory name;
    // localModelPath is set too for library code that resolves relative to it.
    hf.env.allowRemoteModels = false;
    hf.env.allowLocalModels = true;
    hf.env.localModelPath = `${dirname(dir)}/`;
    modelId = dir;
    pretrained.local_files_only = true;
    if (opts.dtype === "auto") {
      const found = pickDtype(dir);
      if (!found) throw new Error(`${dir}/onnx holds none of the known model*.onnx weight files`);
      dtype = found;
    }
    dirMaxTokens = maxSequenceLength(dir, opts.model ?? basename(dir));
  }
  const tokenizer = await hf.AutoTokenizer.from_pretrained(modelId, pretrained);
  const model = await hf.AutoModel.from_pretrained(modelId, {
    ...pretrained,
    dtype,
    // Inputs come in many shapes (batches sorted by length); a memory pattern is planned and kept per shape,
    // which grew the process by ~1 GB over a few thousand texts. Without it: same speed (bench numbers below).
    session_options: { enableMemPattern: false },
  } as never);
  const config = (model as unknown as { config?: { hidden_size?: number } }).config;
  const dimension = config?.hidden_size;
  if (!dimension) throw new Error("the model config has no hidden_size");

  const plain = tokenizer.encode("a", { add_special_tokens: false });
  const full = tokenizer.encode("a", { add_special_tokens: true });
  const at = full.findIndex((_, i) => plain.every((id, k) => full[i + k] === id));
  if (at < 0) throw new Error("cannot locate the special tokens of this tokenizer");
  const windowTokenizer: WindowTokenizer = {
    encode: (text) => tokenizer.encode(text, { add_special_tokens: false }),
    prefix: full.slice(0, at),
    suffix: full.slice(at + plain.length),
  };
  const pad = tokenizer.pad_token_id ?? 0;

  const encode: WindowEncoder = async (sequences) => {
    const len = Math.max(...sequences.map((s) => s.length));
    const ids = new BigInt64Array(sequences.length * len);
    const mask = new BigInt64Array(sequences.length * len);
    sequences.forEach((s, b) => {
      for (let t = 0; t < len; t++) {
        ids[b * len + t] = BigInt(t < s.length ? s[t]! : pad);
        mask[b * len + t] = t < s.length ? 1n : 0n;
      }
    });
    const dims = [sequences.length, len];
    const out = (await (
      model as unknown as (x: unknown) => Promise<Record<string, { data: ArrayLike<number> }>>
    )({
      input_ids: new hf.Tensor("int64", ids, dims),
      attention_mask: new hf.Tensor("int64", mask, dims),
    })) as Record<string, { data: ArrayLike<number> } | undefined>;
    const hidden = out.last_hidden_state ?? out.token_embeddings ?? out.logits;
    if (!hidden) throw new Error("the model returned no token embeddings");
    return meanPool(
      hidden.data,
      sequences.map((s) => s.length),
      len,
      dimension,
    );
  };
  return {
    tokenizer: windowTokenizer,
    encode,
    dimension,
    dtype,
    ...(dirMaxTokens ? { maxTokens: dirMaxTokens } : {}),
  };
}

/** Loads (once per process) and returns the model's embedder; rejects with a terminal TaskError if it cannot load. */
export async function createTransformersEmbedder(
  opts: TransformersEmbedderOptions = {},
): Promise<Embedder & { maxTokens: number; dtype?: OnnxDtype }> {
  const key = JSON.stringify([
    opts.localDir ? resolve(opts.localDir) : null,
    opts.model ?? DEFAULT_TRANSFORMERS_MODEL,
    opts.dtype ?? "fp32",
  ]);
  let pending = cache.get(key);
  if (!pending) {
    pending = load(opts).catch((e: unknown) => {
      cache.delete(key); // a later task may succeed once the model is in place
      if (e instanceof TaskError) throw e;
      const where = opts.localDir
        ? `directory ${resolve(opts.localDir)}`
        : `model ${opts.model ?? DEFAULT_TRANSFORMERS_MODEL}`;
      const hint = opts.localDir
        ? ""
        : " (from the hub cache; configure a local model directory where the hub is unreachable)";
      throw terminal(
        "INTERNAL_ERROR",
        `could not load the embedding ${where}${hint}: ${(e as Error)?.message ?? e}`,
        e,
      );
    });
    cache.set(key, pending);
  }
  const loaded = await pending;
  const name = opts.localDir
    ? (opts.model ?? basename(resolve(opts.localDir)))
    : (opts.model ?? DEFAULT_TRANSFORMERS_MODEL);
  return windowedEmbedder(name, loaded, opts);
}

/** An Embedder over any tokenizer + window encoder (the real model above, or a fake one in tests). */
export function windowedEmbedder(
  model: string,
  loaded: WindowModel,
  opts: Pick<TransformersEmbedderOptions, "maxTokens" | "batchSize" | "longText"> = {},
): Embedder & { maxTokens: number; dtype?: OnnxDtype } {
  const maxTokens = opts.maxTokens ?? loaded.maxTokens ?? 128;
  const batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  const run = opts.longText === "truncate" ? embedTruncated : embedInWindows;
  return {
    model,
    dimension: loaded.dimension,
    maxTokens,
    ...(loaded.dtype ? { dtype: loaded.dtype } : {}),
    embed(texts: string[], eo: EmbedOptions = {}) {
      return run(texts, loaded.tokenizer, loaded.encode, {
        maxTokens,
        batchSize,
        dimension: loaded.dimension,
        ...(eo.signal ? { signal: eo.signal } : {}),
      });
    },
  };
}
