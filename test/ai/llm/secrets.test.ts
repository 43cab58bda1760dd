/** The API key must never appear in anything this layer serialises, logs or throws. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { inspect } from "node:util";
import { z } from "zod";
import { createLlm, createLlmFromModel, LlmLedger, resolveLlmConfig } from "../../../src/ai/llm/index.js";
import { apiError, fastRuntime, reply, scripted } from "./support.js";

const USER_KEY = "sk-user-override-9f8e7d6c5b4a";
const SERVER_KEY = "sk-server-env-1a2b3c4d5e6f";

function assertNoKey(label: string, ...texts: string[]) {
  for (const text of texts) {
    assert.ok(
      !text.includes(USER_KEY) && !text.includes(SERVER_KEY),
      `${label} leaked a key: ${text.slice(0, 300)}`,
    );
  }
}

const views = (value: unknown) => [
  JSON.stringify(value) ?? "",
  inspect(value, { depth: null }),
  String(value),
];

test("a resolved config (and copies of it) serialises without the key, yet still carries it", () => {
  const env = { MICROSCOPE_LLM_PROVIDER: "openai", OPENAI_API_KEY: SERVER_KEY };
  const override = resolveLlmConfig(env, "MICROSCOPE", {
    provider: "openai",
    model: "gpt-4o-mini",
    api_key: USER_KEY,
  });
  assert.equal(override.apiKey, USER_KEY);
  const copy = { ...override, temperature: 0.5 };
  assert.equal(copy.apiKey, USER_KEY, "a spread keeps the key (so the user's key is not silently swapped)");
  assertNoKey("config", ...views(override), ...views(copy), JSON.stringify({ nested: { config: override } }));
  assert.match(JSON.stringify(override), /"apiKey":"\[redacted\]"/);

  const fromEnv = resolveLlmConfig(env, "MICROSCOPE");
  assert.equal(fromEnv.apiKey, SERVER_KEY);
  assertNoKey("env config", ...views(fromEnv));
});

test("an Llm built with a key describes itself without it", () => {
  const llm = createLlm({ provider: "openai", model: "gpt-4o-mini", apiKey: USER_KEY })!;
  assertNoKey(
    "llm",
    ...views(llm),
    inspect(llm, { showHidden: true, depth: null }),
    JSON.stringify(llm.describe()),
  );
  const viaEnv = createLlm(
    { provider: "groq", model: "llama-3.1-8b-instant" },
    { env: { GROQ_API_KEY: SERVER_KEY } },
  )!;
  assertNoKey("llm from env", ...views(viaEnv));
});

test("errors, events and the ledger hold no key even when the provider's error text does", async () => {
  const echo = `Incorrect API key provided: ${USER_KEY}`;
  const failures = [
    apiError(401, { body: echo }),
    apiError(400, { body: echo }),
    apiError(503, { body: echo, headers: { "x-echo": USER_KEY } }),
    apiError(undefined, { body: echo }),
    new Error(echo),
  ];
  const events: unknown[] = [];
  const ledger = new LlmLedger();
  for (const failure of failures) {
    const llm = createLlmFromModel(scripted([failure]), {
      ...fastRuntime({ onEvent: (e) => events.push(e) }),
      maxRetries: 1,
      ledger,
    });
    const err = await llm.generateObject(z.object({ a: z.string() }), { prompt: "p", label: "probe" }).then(
      () => assert.fail("should have failed"),
      (e: unknown) => e as Error,
    );
    assertNoKey(
      `error for ${failure.message}`,
      ...views(err),
      err.stack ?? "",
      inspect(err, { showHidden: true, depth: null }),
    );
  }
  assertNoKey("events", JSON.stringify(events));
  assertNoKey("ledger", JSON.stringify(ledger), inspect(ledger, { depth: null }));
});

test("invalid-output errors do not quote the model's output", async () => {
  const secretish = `here is ${USER_KEY}`;
  const llm = createLlmFromModel(scripted([reply(secretish)]), fastRuntime());
  const err = await llm.generateObject(z.object({ a: z.string() }), { prompt: "p", label: "probe" }).then(
    () => assert.fail("should have failed"),
    (e: unknown) => e as Error,
  );
  assertNoKey("invalid output error", ...views(err), inspect(err, { showHidden: true, depth: null }));
});
