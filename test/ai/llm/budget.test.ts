/** Output budgets on every call, schemas sent without length limits, and lengths enforced after decoding. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { z } from "zod";
import { budgetForSchema, tokensForChars } from "../../../src/ai/llm/budget.js";
import { createLlmFromModel } from "../../../src/ai/llm/index.js";
import { isLooping } from "../../../src/ai/llm/llm.js";
import { truncateAtSentence, withoutLengthLimits } from "../../../src/ai/llm/structured.js";
import { type CallOptions, fastRuntime, promptText, reply, scripted } from "./support.js";

const Words = z.object({ words: z.array(z.string().max(40)) });

function cutOff(text: string, output: number) {
  return { ...reply(text, { output }), finishReason: { unified: "length" as const, raw: "length" } };
}

test("a looping reply is stopped by the call's budget, counted, and not asked again", async () => {
  const seen: CallOptions[] = [];
  const loop = `{"words":[${Array.from({ length: 200 }, () => '"play"').join(",")}`;
  const model = scripted([
    async (o) => {
      seen.push(o);
      return cutOff(loop.slice(0, (o.maxOutputTokens ?? 0) * 3), o.maxOutputTokens ?? 0);
    },
  ]);
  const llm = createLlmFromModel(model, fastRuntime());
  await assert.rejects(
    llm.generateObject(Words, { prompt: "list", label: "words", maxOutputTokens: 50 }),
    /invalid output for words/,
  );
  assert.equal(seen.length, 1, "a second budget is not spent on the same loop");
  assert.equal(seen[0]!.maxOutputTokens, 50);
  const json = llm.ledger.toJSON();
  assert.equal(json.budgetStops, 1);
  assert.equal(json.repairs, 0);
  assert.equal(json.outputBudgetTokens, 50);
  assert.equal(json.labels.words?.maxOutputTokens, 50);
  assert.equal(json.labels.words?.budgetStops, 1);
});

test("an answer cut off without looping is repaired once, told it was cut off", async () => {
  const seen: CallOptions[] = [];
  const long = `{"words":[${Array.from({ length: 60 }, (_, i) => `"word${i}"`).join(",")}`;
  const model = scripted([
    async (o) => {
      seen.push(o);
      return cutOff(long, o.maxOutputTokens ?? 0);
    },
    async (o) => {
      seen.push(o);
      return reply('{"words":["play"]}');
    },
  ]);
  const llm = createLlmFromModel(model, fastRuntime());
  const out = await llm.generateObject(Words, { prompt: "list", label: "words", maxOutputTokens: 50 });
  assert.deepEqual(out, { words: ["play"] });
  assert.equal(seen[1]!.maxOutputTokens, 50, "the repair has the same budget");
  assert.match(promptText(seen[1]!), /cut off at the output limit of 50 tokens/);
  assert.equal(llm.ledger.toJSON().outputBudgetTokens, 100);
});

test("loops are told from long answers", () => {
  assert.equal(isLooping('{"words":["play","play","play","play","play"'), true);
  assert.equal(
    isLooping(
      "The same sentence again. The same sentence again. The same sentence again. The same sentence again. ",
    ),
    true,
  );
  assert.equal(isLooping('{"words":["word1","word2","word3","word4","word5"'), false);
  assert.equal(isLooping(undefined), false);
  // What SmolLM2 wrote into a cluster name until its budget ran out (bench:llm).
  assert.equal(isLooping(`{"clusters":[{"id":"cluster_1","name":"all-${"install-".repeat(120)}ins`), true);
  // Entries that differ by a counter only.
  const counted = Array.from({ length: 40 }, (_, i) => `{"id":"cluster_1","name":"Topic ${i}"}`).join(",");
  assert.equal(isLooping(counted), true);
  const prose = Array.from(
    { length: 12 },
    (_, i) =>
      `Sentence ${i} talks about ${["apt", "dpkg", "systemd", "journald"][i % 4]} pinning, boot order and logs of unit ${i * 7}.`,
  ).join(" ");
  assert.equal(isLooping(prose), false);
  const entries = [
    "apt pinning",
    "systemd units",
    "kernel modules",
    "network bridges",
    "disk quotas",
    "cron jobs",
  ]
    .map(
      (n, i) =>
        `{"id":"cluster_${i}","name":"${n}","description":"Questions about ${n} and how to configure them on a server.","key_themes":["${n}","configuration","troubleshooting"]}`,
    )
    .join(",");
  assert.equal(isLooping(entries), false, "a long legitimate answer");
});

test("a call without its own budget gets one sized to its schema; a text call gets the text default", async () => {
  const seen: CallOptions[] = [];
  const model = scripted([
    async (o) => {
      seen.push(o);
      return o.responseFormat?.type === "json" ? reply('{"words":["a"]}') : reply("text");
    },
  ]);
  const llm = createLlmFromModel(model, fastRuntime());
  await llm.generateObject(Words, { prompt: "x", label: "w" });
  await llm.generateText({ prompt: "x", label: "t" });
  const objectBudget = seen[0]!.maxOutputTokens!;
  assert.equal(objectBudget, budgetForSchema(Words));
  assert.ok(objectBudget >= tokensForChars(8 * 40, "en"), "room for 8 items of 40 characters");
  assert.ok(objectBudget < 1000);
  assert.equal(seen[1]!.maxOutputTokens, 1024);
});

test("budgets grow with the expected items and with the language's characters per token", () => {
  const one = budgetForSchema(Words, { items: 1 });
  const eight = budgetForSchema(Words, { items: 8 });
  assert.ok(eight > one);
  assert.ok(budgetForSchema(Words, { items: 8, language: "ko" }) > eight);
  assert.equal(budgetForSchema(Words, { items: 10_000 }), 4096, "capped");
});

test("the schema sent to the model has no large maxLength, but lengths are enforced after decoding", async () => {
  const Overview = z.object({ summary_text: z.string().max(300), tags: z.array(z.string().max(10)).max(3) });
  const long = `${"This sentence is fine. ".repeat(20)}And this one runs past the limit without end`;
  const seen: CallOptions[] = [];
  const model = scripted([
    async (o) => {
      seen.push(o);
      return reply(JSON.stringify({ summary_text: long, tags: ["short", "much too long a tag"] }));
    },
  ]);
  const llm = createLlmFromModel(model, fastRuntime());
  const out = await llm.generateObject(Overview, { prompt: "x", label: "o" });
  const sent = JSON.stringify(seen[0]!.responseFormat);
  assert.ok(!sent.includes('"maxLength":300'), sent);
  assert.ok(sent.includes('"maxLength":10'), "small limits compile and stay");
  assert.ok(sent.includes('"maxItems":3'));
  assert.ok(out.summary_text.length <= 300);
  assert.ok(out.summary_text.endsWith("fine."), "cut at a sentence end");
  assert.deepEqual(out.tags, ["short", "much too"], "a label is cut at a word boundary");
  assert.equal(llm.ledger.toJSON().repairs, 0, "shortening is not a repair");
});

test("prompt-only mode writes the schema without length limits too", async () => {
  const seen: CallOptions[] = [];
  const model = scripted([
    async (o) => {
      seen.push(o);
      return reply('{"summary_text":"ok"}');
    },
  ]);
  const llm = createLlmFromModel(model, { ...fastRuntime(), structuredOutputs: false });
  await llm.generateObject(z.object({ summary_text: z.string().max(2000) }), { prompt: "x", label: "o" });
  const text = promptText(seen[0]!);
  assert.match(text, /JSON Schema: .*summary_text/);
  assert.ok(!text.includes("maxLength"));
});

test("truncation prefers sentence ends, then word boundaries; properties named maxLength survive", () => {
  assert.equal(truncateAtSentence("One. Two three four.", 12), "One.");
  assert.equal(truncateAtSentence("하나입니다. 둘입니다 그리고", 12), "하나입니다.");
  assert.equal(truncateAtSentence("alpha beta gamma delta", 13), "alpha beta");
  assert.equal(truncateAtSentence("short", 10), "short");
  const stripped = withoutLengthLimits({
    type: "object",
    properties: { maxLength: { type: "string", maxLength: 500 } },
  }) as { properties: Record<string, Record<string, unknown>> };
  assert.deepEqual(stripped.properties.maxLength, { type: "string" });
});

test("microscope extraction: the budget follows the batch's input, so a small chunk cannot run to 1,024 twice", async () => {
  const { extractionBudget } = await import("../../../src/pipelines/microscope/extract/llm.js");
  const small = extractionBudget([{ tokens: 120 }]);
  assert.ok(small >= 384 && small < 1024, String(small));
  assert.ok(extractionBudget([{ tokens: 1000 }, { tokens: 1000 }]) > small);
  assert.equal(extractionBudget([{ tokens: 8000 }]), 4096);
});
