/**
 * `npm run models:fetch` (the Dockerfile runs it at image build time): puts the search model's files where the
 * worker looks for them at run time, so no task ever downloads anything.
 *
 * For a model id (SEARCH_EMBEDDING_MODEL, default Xenova/paraphrase-multilingual-MiniLM-L12-v2) the tokenizer,
 * config and ONNX weights (SEARCH_EMBEDDING_DTYPE, default q8, the quantized weights) are downloaded by
 * @huggingface/transformers with its file cache pointed at SEARCH_MODELS_DIR (default <package>/models): the
 * cache's layout, <dir>/<id>/<file>, is the local-directory layout the worker loads. sentence_bert_config.json
 * is fetched too when the repository has one (it carries max_seq_length). SEARCH_MODEL_HUB_URL points at
 * another host serving the hub's layout (a mirror). For a local directory nothing is downloaded. Either way
 * the model is then loaded from disk alone, offline, and one text embedded, so a broken download fails the
 * build instead of the first task.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createTransformersEmbedder } from "../transformers/provider.js";
import { modelsRoot, resolveSearchSettings } from "./settings.js";

const say = (line: string) => process.stderr.write(`[models:fetch] ${line}\n`);

export async function fetchSearchModel(env: Record<string, string | undefined> = process.env) {
  const settings = resolveSearchSettings(env);
  if (!settings.enabled) {
    say("SEARCH_EMBEDDING_MODEL=none: nothing to fetch");
    return null;
  }
  const raw = env.SEARCH_EMBEDDING_MODEL?.trim() || settings.model;
  const isId = settings.model === raw && !raw.startsWith(".") && !raw.startsWith("/");
  if (isId) {
    const hf = await import("@huggingface/transformers");
    const root = modelsRoot(env);
    mkdirSync(root, { recursive: true });
    hf.env.allowRemoteModels = true;
    hf.env.allowLocalModels = false; // never mistake a half-written folder for the model
    hf.env.useFSCache = true;
    hf.env.cacheDir = `${root}/`;
    const hub = env.SEARCH_MODEL_HUB_URL?.trim();
    if (hub) hf.env.remoteHost = hub.endsWith("/") ? hub : `${hub}/`;
    const dtype = settings.dtype === "auto" ? "q8" : settings.dtype;
    say(`downloading ${raw} (${dtype}) from ${hf.env.remoteHost} into ${settings.dir}`);
    await hf.AutoTokenizer.from_pretrained(raw);
    await hf.AutoModel.from_pretrained(raw, { dtype } as never);
    const url = `${hf.env.remoteHost}${hf.env.remotePathTemplate.replaceAll("{model}", raw).replaceAll("{revision}", "main")}sentence_bert_config.json`;
    const res = await fetch(url);
    if (res.ok)
      writeFileSync(join(settings.dir, "sentence_bert_config.json"), Buffer.from(await res.arrayBuffer()));
    else say(`no sentence_bert_config.json (${res.status}): the known max_seq_length of the model is used`);
  }
  // Offline check: the files alone must load and embed.
  const embedder = await createTransformersEmbedder({
    localDir: settings.dir,
    model: settings.model,
    dtype: settings.dtype,
    longText: "truncate",
  });
  const [v] = await embedder.embed(["graphnode search model check"]);
  if (!v || v.length !== embedder.dimension || !v.some((x) => x !== 0))
    throw new Error("the model embeds nothing");
  say(
    `${settings.model} ready in ${settings.dir}: ${embedder.dimension}-d, ${embedder.dtype}, max ${embedder.maxTokens} tokens`,
  );
  return {
    dir: settings.dir,
    dimension: embedder.dimension,
    dtype: embedder.dtype,
    maxTokens: embedder.maxTokens,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  fetchSearchModel().then(
    () => process.exit(0),
    (err: unknown) => {
      say(`failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
