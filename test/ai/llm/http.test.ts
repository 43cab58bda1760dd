/**
 * createLlm end to end over real HTTP: a node:http server on 127.0.0.1 that speaks the OpenAI
 * /chat/completions protocol stands in for the provider (no internet, no mocks inside the SDK).
 */
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, beforeEach, test } from "node:test";
import { inspect } from "node:util";
import { z } from "zod";
import { createLlm, LlmLedger, resolveLlmConfig } from "../../../src/ai/llm/index.js";
import { TaskError } from "../../../src/contract/errors.js";

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
}

interface Scripted {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

let server: Server;
let baseURL: string;
const seen: Seen[] = [];
let script: Scripted[] = [];

function completion(content: string, model: string) {
  return {
    id: "chatcmpl-local",
    object: "chat.completion",
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
    usage: { prompt_tokens: 50, completion_tokens: 12, total_tokens: 62 },
  };
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
}

before(async () => {
  server = createServer(async (req, res) => {
    const body = await readJson(req);
    seen.push({
      method: req.method ?? "",
      url: req.url ?? "",
      authorization: req.headers.authorization,
      body,
    });
    const next = script.shift() ?? {
      status: 200,
      body: completion('{"topic":"default"}', String(body.model)),
    };
    res.writeHead(next.status, { "content-type": "application/json", ...next.headers });
    res.end(JSON.stringify(next.body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  seen.length = 0;
  script = [];
});

const Topic = z.object({ topic: z.string() });
const KEY = "sk-local-test-key-0123456789";

test("openai-compatible: a structured call sends json_schema (no length limits) and an output budget", async () => {
  script = [{ status: 200, body: completion('{"topic":"gardening"}', "local-model") }];
  const llm = createLlm({ provider: "openai-compatible", model: "local-model", baseURL })!;
  const Long = z.object({ topic: z.string().max(2000), notes: z.array(z.string().max(600)).max(4) });
  const out = await llm.generateObject(Long.partial(), { prompt: "tomatoes", label: "topic" });
  assert.deepEqual(out, { topic: "gardening" });
  const body = seen[0]!.body;
  const format = body.response_format as { type: string; json_schema: { schema: unknown; strict: boolean } };
  assert.equal(format.type, "json_schema");
  assert.equal(format.json_schema.strict, false);
  assert.ok(!JSON.stringify(format.json_schema.schema).includes("maxLength"), "no length limits sent");
  assert.ok(JSON.stringify(format.json_schema.schema).includes('"maxItems":4'));
  assert.equal(typeof body.max_tokens, "number", "every call has an output budget");
  assert.ok((body.max_tokens as number) > 0 && (body.max_tokens as number) <= 4096);
  assert.equal(llm.ledger.toJSON().outputBudgetTokens, body.max_tokens);
});

test("a 400 to json_schema names the setting that switches to prompt-only JSON mode", async () => {
  script = [{ status: 400, body: { error: { message: "response_format json_schema not supported" } } }];
  const llm = createLlm(
    resolveLlmConfig(
      { MACRO_LLM_PROVIDER: "openai-compatible", MACRO_LLM_MODEL: "m", MACRO_LLM_BASE_URL: baseURL },
      "MACRO",
    ),
  )!;
  await assert.rejects(llm.generateObject(Topic, { prompt: "x", label: "topic" }), (err: Error) => {
    assert.match(err.message, /rejected the request \(400\).*MACRO_LLM_STRUCTURED_OUTPUTS=false/);
    return true;
  });
});

test("openai-compatible forced to prompt-only JSON mode: the schema in the prompt and json_object", async () => {
  script = [{ status: 200, body: completion('{"topic":"gardening"}', "local-model") }];
  const ledger = new LlmLedger();
  const llm = createLlm(
    resolveLlmConfig(
      {
        MACRO_LLM_PROVIDER: "openai-compatible",
        MACRO_LLM_MODEL: "local-model",
        MACRO_LLM_BASE_URL: baseURL,
        MACRO_LLM_STRUCTURED_OUTPUTS: "false",
        OPENAI_COMPATIBLE_API_KEY: KEY,
      },
      "MACRO",
    ),
    { ledger },
  )!;
  const out = await llm.generateObject(Topic, {
    system: "Name the topic.",
    prompt: "tomatoes, soil",
    label: "topic",
  });
  assert.deepEqual(out, { topic: "gardening" });

  assert.equal(seen.length, 1);
  const req = seen[0]!;
  assert.equal(req.method, "POST");
  assert.equal(req.url, "/v1/chat/completions");
  assert.equal(req.authorization, `Bearer ${KEY}`);
  assert.equal(req.body.model, "local-model");
  assert.deepEqual(req.body.response_format, { type: "json_object" });
  const messages = req.body.messages as { role: string; content: string }[];
  assert.equal(messages[0]?.role, "system");
  assert.match(messages[0]!.content, /Name the topic\.[\s\S]*JSON Schema: .*"topic"/);
  assert.equal(messages[1]?.content, "tomatoes, soil");

  const json = ledger.toJSON();
  assert.equal(json.inputTokens, 50);
  assert.equal(json.outputTokens, 12);
  assert.equal(json.estimatedCostUsd, null, "a self-hosted model has no list price");
});

test("openai-compatible: plain text, and a 429 with Retry-After is waited out", async () => {
  script = [
    { status: 429, headers: { "retry-after": "0" }, body: { error: { message: "slow down" } } },
    { status: 200, body: completion("A summary.", "local-model") },
  ];
  const llm = createLlm({ provider: "openai-compatible", model: "local-model", baseURL })!;
  assert.equal(await llm.generateText({ prompt: "summarise", label: "summary" }), "A summary.");
  assert.equal(seen.length, 2);
  assert.equal(seen[0]!.authorization, undefined, "no key configured, none sent");
  assert.equal(llm.ledger.toJSON().retries, 1);
});

test("a 401 whose body echoes the key is terminal, and the key appears nowhere", async () => {
  script = [{ status: 401, body: { error: { message: `Incorrect API key provided: ${KEY}` } } }];
  const events: unknown[] = [];
  const llm = createLlm(
    { provider: "openai-compatible", model: "local-model", baseURL, apiKey: KEY },
    { onEvent: (e) => events.push(e) },
  )!;
  let caught: unknown;
  await assert.rejects(
    llm.generateObject(Topic, { prompt: "x", label: "topic" }).catch((e: unknown) => {
      caught = e;
      throw e;
    }),
    {
      name: "TaskError",
      code: "LLM_ERROR",
      kind: "terminal",
      message: "LLM provider rejected the request (401)",
    },
  );
  assert.equal(seen.length, 1, "no retry on 401");
  assert.ok(caught instanceof TaskError);
  for (const text of [
    String(caught),
    caught.stack ?? "",
    JSON.stringify(caught),
    JSON.stringify(caught.cause),
    inspect(caught, { depth: null, showHidden: true }),
    JSON.stringify(llm),
    inspect(llm, { depth: null, showHidden: true }),
    JSON.stringify(llm.ledger),
    JSON.stringify(events),
  ]) {
    assert.ok(!text.includes(KEY), `key leaked into: ${text.slice(0, 200)}`);
  }
});

test("openai provider pointed at the local server: chat completions, non-strict JSON schema, reasoning settings", async () => {
  script = [
    { status: 200, body: completion('{"topic":"music"}', "gpt-5-mini") },
    { status: 200, body: completion('{"topic":"art"}', "gpt-4o-mini") },
  ];
  const reasoning = createLlm({
    provider: "openai",
    model: "gpt-5-mini",
    baseURL,
    apiKey: KEY,
    temperature: 0.4,
    reasoningEffort: "low",
  })!;
  assert.deepEqual(
    await reasoning.generateObject(Topic, { prompt: "jazz", label: "topic", maxOutputTokens: 300 }),
    { topic: "music" },
  );
  const r = seen[0]!;
  assert.equal(r.url, "/v1/chat/completions");
  assert.equal(r.body.temperature, undefined);
  assert.equal(r.body.max_completion_tokens, 300);
  assert.equal(r.body.reasoning_effort, "low");
  const format = r.body.response_format as { type: string; json_schema?: { strict?: boolean } };
  assert.equal(format.type, "json_schema");
  assert.equal(format.json_schema?.strict, false);

  const plain = createLlm({ provider: "openai", model: "gpt-4o-mini", baseURL, apiKey: KEY })!;
  await plain.generateObject(Topic, { prompt: "paint", label: "topic" });
  assert.equal(seen[1]!.body.temperature, 0);
});

test("a refused connection is retried as a network error, then reported transient", async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const llm = createLlm(
    { provider: "openai-compatible", model: "m", baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 1 },
    { backoff: { baseDelayMs: 1 } },
  )!;
  await assert.rejects(llm.generateText({ prompt: "x", label: "probe" }), {
    name: "TaskError",
    kind: "transient",
    message: "LLM provider unavailable for probe after 2 attempts (network error)",
  });
  assert.equal(llm.ledger.toJSON().failureKinds.network, 2);
});
