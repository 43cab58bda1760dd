import assert from "node:assert/strict";
import { test } from "node:test";
import { z } from "zod";
import { createLlmFromModel, DEFAULT_PRICES, findPrice, LlmLedger } from "../../../src/ai/llm/index.js";
import { timingFileSchema } from "../../../src/contract/files/timing.js";
import { fastRuntime, reply, scripted } from "./support.js";

const Label = z.object({ label: z.string() });

test("tokens from every request, including repairs, are summed per model and label, and priced", async () => {
  const model = scripted([
    reply("oops", { input: 1200, output: 40 }),
    reply('{"label":"Food"}', { input: 1300, output: 20 }),
    reply('{"label":"Travel"}', { input: 900, output: 30, reasoning: 10 }),
  ]);
  const ledger = new LlmLedger();
  const llm = createLlmFromModel(model, { ...fastRuntime(), ledger });
  await llm.generateObject(Label, { prompt: "a", label: "naming" });
  await llm.generateObject(Label, { prompt: "b", label: "naming" });

  const json = ledger.toJSON();
  assert.equal(json.calls, 2);
  assert.equal(json.requests, 3);
  assert.equal(json.repairs, 1);
  assert.equal(json.inputTokens, 1200 + 1300 + 900);
  assert.equal(json.outputTokens, 40 + 20 + 30);
  assert.equal(json.reasoningTokens, 10);
  assert.equal(json.labels.naming?.inputTokens, 3400);

  const price = DEFAULT_PRICES["gpt-4o-mini"]!;
  const expected = (3400 * price.input + 90 * price.output) / 1_000_000;
  assert.ok(json.estimatedCostUsd !== null && Math.abs(json.estimatedCostUsd - expected) < 1e-9);
  assert.equal(json.models["mock-provider:gpt-4o-mini"]?.requests, 3);
  assert.match(json.costNote, /estimate/);
  timingFileSchema.parse({ llm: json });
});

test("an unknown model has a null cost, and makes the total null", async () => {
  const ledger = new LlmLedger();
  const known = createLlmFromModel(scripted([reply("fine")]), { ...fastRuntime(), ledger });
  const unknown = createLlmFromModel(scripted([reply("fine")], "my-local-llama"), {
    ...fastRuntime(),
    ledger,
  });
  await known.generateText({ prompt: "x", label: "a" });
  assert.notEqual(ledger.toJSON().estimatedCostUsd, null);
  await unknown.generateText({ prompt: "x", label: "b" });
  const json = ledger.toJSON();
  assert.equal(json.estimatedCostUsd, null);
  assert.equal(json.models["mock-provider:my-local-llama"]?.estimatedCostUsd, null);
  assert.notEqual(json.models["mock-provider:gpt-4o-mini"]?.estimatedCostUsd, null);
});

test("custom prices extend the table", () => {
  const ledger = new LlmLedger({ prices: { "openai-compatible:my-model": { input: 1, output: 2 } } });
  ledger.recordRequest("openai-compatible", "my-model", "x", {
    inputTokens: 1_000_000,
    outputTokens: 500_000,
  });
  assert.equal(ledger.toJSON().estimatedCostUsd, 2);
});

test("price lookup accepts dated snapshots but not other products or openai-compatible hosts", () => {
  assert.deepEqual(findPrice("openai", "gpt-4o-mini-2024-07-18"), DEFAULT_PRICES["gpt-4o-mini"]);
  assert.deepEqual(findPrice("openai.chat", "gpt-5-mini"), DEFAULT_PRICES["gpt-5-mini"]);
  assert.deepEqual(
    findPrice("anthropic.messages", "claude-sonnet-4-5-20250929"),
    DEFAULT_PRICES["claude-sonnet-4-5"],
  );
  assert.deepEqual(
    findPrice("google.generative-ai", "gemini-2.5-flash-preview-05-20"),
    DEFAULT_PRICES["gemini-2.5-flash"],
  );
  assert.equal(findPrice("openai", "o3-pro"), undefined);
  assert.equal(findPrice("openai-compatible", "gpt-4o-mini"), undefined);
  assert.equal(findPrice("openrouter", "openai/gpt-4o-mini"), undefined);
});

test("wall time counts overlapping calls once; call time sums them", () => {
  let t = 0;
  const ledger = new LlmLedger({ now: () => t });
  const endA = ledger.startCall("a");
  t = 500;
  const endB = ledger.startCall("b");
  t = 1000;
  endA({ failed: null });
  t = 1500;
  endB({ failed: "rate_limited" });
  t = 3000;
  const endC = ledger.startCall("a");
  t = 3500;
  endC({ failed: null });
  const json = ledger.toJSON();
  assert.equal(json.wallSeconds, 2);
  assert.equal(json.callSeconds, 2.5);
  assert.equal(json.failures, 1);
  assert.equal(json.labels.a?.seconds, 1.5);
  assert.equal(json.labels.b?.failures, 1);
});

test("requests without provider usage are counted apart instead of as zero-cost requests", () => {
  const ledger = new LlmLedger();
  ledger.recordRequest("openai", "gpt-4o-mini", "x", undefined);
  ledger.recordRequest("openai", "gpt-4o-mini", "x", { inputTokens: 10, outputTokens: 1 });
  const json = ledger.toJSON();
  assert.equal(json.requests, 2);
  assert.equal(json.requestsWithoutUsage, 1);
  assert.equal(json.inputTokens, 10);
});
