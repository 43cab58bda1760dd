/**
 * Our search vectors against sentence-transformers' for the same strings: all-MiniLM-L6-v2 loaded by the
 * transformers provider from the directory assembled from PyPI (int8 ONNX), compared with
 * test/fixtures/minilm-reference.json (the fp32 model's sentence-transformers computation, see
 * scripts/models/minilm_reference.py): English, Korean, mixed, empty, and one text beyond the model's
 * 256-token limit, which must be truncated as sentence-transformers truncates it (not windowed).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { createTransformersEmbedder } from "../../../src/ai/embeddings/transformers/provider.js";
import { NO_MODEL, searchModelDir } from "../../support/searchModel.js";

interface Reference {
  maxSeqLength: number;
  dimension: number;
  items: { text: string; tokens: number; untruncatedTokens: number; vector: number[] }[];
}

const reference = JSON.parse(
  readFileSync(
    fileURLToPath(new URL("../../../../test/fixtures/minilm-reference.json", import.meta.url)),
    "utf8",
  ),
) as Reference;

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb);
}

const dir = searchModelDir();

test("all-MiniLM-L6-v2 int8 through our provider equals sentence-transformers (cosine ≥ 0.99 each)", {
  skip: dir ? false : NO_MODEL,
}, async () => {
  const embedder = await createTransformersEmbedder({ localDir: dir!, dtype: "auto", longText: "truncate" });
  assert.equal(embedder.dtype, "int8", "the directory holds int8 weights only");
  assert.equal(
    embedder.maxTokens,
    reference.maxSeqLength,
    "max_seq_length read from sentence_bert_config.json",
  );
  assert.equal(embedder.dimension, reference.dimension);
  const vectors = await embedder.embed(reference.items.map((i) => i.text));
  const long = reference.items.find((i) => i.untruncatedTokens > reference.maxSeqLength);
  assert.ok(long, "the fixture has a text past the limit");
  const report = reference.items.map((item, k) => ({
    text: item.text.slice(0, 30),
    cos: cosine(vectors[k]!, item.vector),
  }));
  for (const { text, cos } of report) assert.ok(cos >= 0.99, `"${text}": cosine ${cos.toFixed(4)} < 0.99`);
  for (const v of vectors) assert.ok(Math.abs(Math.hypot(...v) - 1) < 1e-4, "L2-normalised");
});

test("a text past the limit is truncated like sentence-transformers, not windowed", {
  skip: dir ? false : NO_MODEL,
}, async () => {
  const long = reference.items.find((i) => i.untruncatedTokens > reference.maxSeqLength)!;
  const truncating = await createTransformersEmbedder({
    localDir: dir!,
    dtype: "auto",
    longText: "truncate",
  });
  const windowing = await createTransformersEmbedder({ localDir: dir!, dtype: "auto" });
  const [cut] = await truncating.embed([long.text]);
  const [pooled] = await windowing.embed([long.text]);
  const cutCos = cosine(cut!, long.vector);
  const pooledCos = cosine(pooled!, long.vector);
  assert.ok(cutCos >= 0.99, `truncated: ${cutCos}`);
  assert.ok(
    pooledCos < cutCos,
    `windows over the whole text are further from the reference (${pooledCos} vs ${cutCos})`,
  );
});
