import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { createEmbedder, createOpenAIEmbedder, dot, splitByChars } from "../../../src/ai/embeddings/index.js";
import { TaskError } from "../../../src/contract/errors.js";

const DIM = 8;

/** A deterministic, unnormalised vector per input text, as the fake endpoint returns it. */
function fakeVector(text: string, dim = DIM): number[] {
  const h = createHash("sha256").update(text).digest();
  return Array.from({ length: dim }, (_, i) => (h[i]! - 128) / 16);
}

interface Seen {
  path: string;
  auth: string | undefined;
  model: string;
  input: string[];
  dimensions?: number;
}

let server: Server;
let baseURL: string;
const seen: Seen[] = [];
let mode: "ok" | "unauthorized" | "overloaded" | "wrong-dim" = "ok";

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

before(async () => {
  server = createServer(async (req, res) => {
    const json = JSON.parse(await body(req)) as { model: string; input: string[]; dimensions?: number };
    seen.push({
      path: req.url ?? "",
      auth: req.headers.authorization,
      model: json.model,
      input: json.input,
      dimensions: json.dimensions,
    });
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(payload));
    };
    if (req.method !== "POST" || req.url !== "/v1/embeddings")
      return send(404, { error: { message: "not found" } });
    if (mode === "unauthorized")
      return send(401, { error: { message: "bad key", type: "invalid_request_error" } });
    if (mode === "overloaded") return send(503, { error: { message: "try later", type: "server_error" } });
    const dim = mode === "wrong-dim" ? DIM + 1 : DIM;
    send(200, {
      object: "list",
      model: json.model,
      data: json.input.map((t, index) => ({ object: "embedding", index, embedding: fakeVector(t, dim) })),
      usage: { prompt_tokens: json.input.length, total_tokens: json.input.length },
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

after(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

function unit(v: number[]): number[] {
  const n = Math.sqrt(v.reduce((a, b) => a + b * b, 0));
  return v.map((x) => x / n);
}

test("openai provider: batches requests, keeps order, normalises, zero vector for empty text", async () => {
  mode = "ok";
  seen.length = 0;
  const embedder = createOpenAIEmbedder({
    baseURL,
    apiKey: "sk-test",
    model: "fake-embed",
    dimension: DIM,
    batchSize: 4,
  });
  assert.equal(embedder.dimension, DIM);
  assert.equal(embedder.model, "fake-embed");
  const texts = Array.from({ length: 10 }, (_, i) => `text number ${i}`);
  texts.splice(3, 0, "");
  const vectors = await embedder.embed(texts);
  assert.equal(vectors.length, texts.length);
  assert.deepEqual(
    seen.map((s) => s.input.length).sort(),
    [2, 4, 4],
    "10 non-empty texts in batches of at most 4",
  );
  assert.ok(seen.every((s) => s.auth === "Bearer sk-test" && s.model === "fake-embed"));
  assert.ok(
    seen.every((s) => !s.input.includes("")),
    "empty texts are not sent",
  );
  for (const [i, t] of texts.entries()) {
    const v = vectors[i]!;
    assert.equal(v.length, DIM);
    if (t === "") {
      assert.equal(dot(v, v), 0);
      continue;
    }
    assert.deepEqual(
      Array.from(v, (x) => Number(x.toFixed(5))),
      unit(fakeVector(t)).map((x) => Number(x.toFixed(5))),
    );
  }
});

test("openai provider: long texts are split below maxInputChars and pooled, not truncated", async () => {
  mode = "ok";
  seen.length = 0;
  const embedder = createOpenAIEmbedder({
    baseURL,
    apiKey: "k",
    model: "fake-embed",
    dimension: DIM,
    maxInputChars: 200,
  });
  const long = Array.from({ length: 30 }, (_, i) => `Sentence ${i} talks about chess engines.`).join(" ");
  const [v] = await embedder.embed([long]);
  const sent = seen.flatMap((s) => s.input);
  assert.ok(sent.length > 1);
  assert.ok(sent.every((s) => s.length <= 200));
  assert.equal(sent.join(" "), long, "the chunks cover the whole text");
  assert.ok(Math.abs(dot(v!, v!) - 1) < 1e-5);
  assert.deepEqual(splitByChars("a b c", 200), ["a b c"]);
});

test("openai provider: the dimensions option is forwarded when requested", async () => {
  mode = "ok";
  seen.length = 0;
  const embedder = await createEmbedder({
    provider: "openai",
    baseURL,
    apiKey: "k",
    model: "text-embedding-3-small",
    dimension: DIM,
    requestDimensions: true,
  });
  await embedder.embed(["hello"]);
  assert.equal(seen[0]!.dimensions, DIM);
});

test("openai provider: 401 is terminal, 503 is transient, a wrong dimension is a model mismatch", async () => {
  const embedder = createOpenAIEmbedder({
    baseURL,
    apiKey: "k",
    model: "fake-embed",
    dimension: DIM,
    maxRetries: 0,
  });
  mode = "unauthorized";
  await assert.rejects(
    embedder.embed(["x"]),
    (e: unknown) => e instanceof TaskError && e.kind === "terminal" && /HTTP 401/.test(e.message),
  );
  mode = "overloaded";
  await assert.rejects(
    embedder.embed(["x"]),
    (e: unknown) => e instanceof TaskError && e.kind === "transient" && /HTTP 503/.test(e.message),
  );
  mode = "wrong-dim";
  await assert.rejects(
    embedder.embed(["x"]),
    (e: unknown) => e instanceof TaskError && e.kind === "terminal" && e.code === "EMBEDDING_MODEL_MISMATCH",
  );
  mode = "ok";
});

test("openai provider: an unreachable endpoint is transient; an unknown model without a dimension is refused", async () => {
  const dead = createOpenAIEmbedder({
    baseURL: "http://127.0.0.1:9/v1",
    apiKey: "k",
    model: "fake-embed",
    dimension: DIM,
    maxRetries: 0,
  });
  await assert.rejects(dead.embed(["x"]), (e: unknown) => e instanceof TaskError && e.kind === "transient");
  assert.throws(() => createOpenAIEmbedder({ baseURL, apiKey: "k", model: "mystery-model" }), TaskError);
});
