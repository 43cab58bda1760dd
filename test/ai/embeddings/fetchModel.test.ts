/**
 * `npm run models:fetch` downloads a model id into SEARCH_MODELS_DIR in the layout the worker then loads
 * offline. No hub is reachable here, so a local HTTP server serves the real all-MiniLM-L6-v2 files in the
 * hub's URL layout (<id>/resolve/main/<file>) through SEARCH_MODEL_HUB_URL: the same download code as at
 * image build time, against a mirror.
 */
import assert from "node:assert/strict";
import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fetchSearchModel } from "../../../src/ai/embeddings/search/fetchModel.js";
import { resolveSearchSettings } from "../../../src/ai/embeddings/search/settings.js";
import { createTransformersEmbedder } from "../../../src/ai/embeddings/transformers/provider.js";
import { loadConfig } from "../../../src/config.js";
import { NO_MODEL, searchModelDir } from "../../support/searchModel.js";

const modelDir = searchModelDir();

test("models:fetch puts a model id where the worker finds it, and it then loads with the hub switched off", {
  skip: modelDir ? false : NO_MODEL,
}, async () => {
  const requested: string[] = [];
  const server = createServer((req, res) => {
    const m = /^\/mirror-org\/minilm\/resolve\/main\/(.+)$/.exec((req.url ?? "").split("?")[0]!);
    const file = m ? join(modelDir!, decodeURIComponent(m[1]!)) : "";
    requested.push(m?.[1] ?? String(req.url));
    if (!file || !existsSync(file) || !statSync(file).isFile()) {
      res.statusCode = 404;
      res.end("not found");
      return;
    }
    res.setHeader("content-length", statSync(file).size);
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const root = mkdtempSync(join(tmpdir(), "graphnode-models-"));
  try {
    const env = {
      SEARCH_EMBEDDING_MODEL: "mirror-org/minilm",
      SEARCH_EMBEDDING_DTYPE: "int8",
      SEARCH_MODELS_DIR: root,
      SEARCH_MODEL_HUB_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    };
    const fetched = await fetchSearchModel(env);
    assert.equal(fetched?.dir, join(root, "mirror-org", "minilm"));
    assert.equal(fetched?.maxTokens, 256, "sentence_bert_config.json came along");
    for (const f of ["config.json", "tokenizer.json", "onnx/model_int8.onnx", "sentence_bert_config.json"]) {
      assert.ok(existsSync(join(root, "mirror-org", "minilm", f)), f);
      assert.ok(requested.includes(f), `${f} was downloaded`);
    }
    // At run time: the id resolves to that folder, the mirror is gone, and it loads from disk alone.
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const settings = resolveSearchSettings({
      SEARCH_EMBEDDING_MODEL: "mirror-org/minilm",
      SEARCH_MODELS_DIR: root,
    });
    assert.ok(settings.enabled);
    assert.equal(settings.dir, join(root, "mirror-org", "minilm"));
    const embedder = await createTransformersEmbedder({
      localDir: settings.dir,
      dtype: settings.dtype,
      longText: "truncate",
    });
    assert.equal(embedder.dtype, "int8", "the weights the folder holds");
    const [v] = await embedder.embed(["offline"]);
    assert.equal(v?.length, 384);
  } finally {
    server.close();
    rmSync(root, { recursive: true, force: true });
  }
});

test("search settings: none turns the index off; a directory is used as is; a bad dtype names its variable", () => {
  assert.deepEqual(resolveSearchSettings({ SEARCH_EMBEDDING_MODEL: "none" }), { enabled: false });
  const dir = resolveSearchSettings({ SEARCH_EMBEDDING_MODEL: "/opt/models/my-model" });
  assert.ok(dir.enabled);
  assert.equal(dir.dir, "/opt/models/my-model");
  assert.equal(dir.model, "my-model");
  assert.equal(dir.collection, "macro_node_all_minilm_l6_v2");
  assert.equal(dir.dtype, "auto");
  const byDefault = resolveSearchSettings({ SEARCH_MODELS_DIR: "/m" });
  assert.ok(byDefault.enabled);
  assert.equal(byDefault.model, "Xenova/paraphrase-multilingual-MiniLM-L12-v2");
  assert.equal(byDefault.dir, "/m/Xenova/paraphrase-multilingual-MiniLM-L12-v2");
  assert.throws(() => resolveSearchSettings({ SEARCH_EMBEDDING_DTYPE: "int3" }), /SEARCH_EMBEDDING_DTYPE/);
});

test("the worker refuses to start with an unknown SEARCH_EMBEDDING_DTYPE, naming the variable", () => {
  assert.throws(
    () => loadConfig({ SEARCH_EMBEDDING_DTYPE: "int3" }),
    /SEARCH_EMBEDDING_DTYPE must be one of/,
  );
  assert.doesNotThrow(() => loadConfig({ SEARCH_EMBEDDING_DTYPE: "Q8" }));
});
