import assert from "node:assert/strict";
import { test } from "node:test";
import { z } from "zod";
import { createLlmFromModel } from "../../../src/ai/llm/index.js";
import { TaskError } from "../../../src/contract/errors.js";
import { fastRuntime, promptText, reply, scripted } from "./support.js";

const Topic = z.object({
  name: z.string().min(1),
  keywords: z.array(z.string()).min(1),
});

test("a valid structured response is returned as the parsed object, with the schema sent natively", async () => {
  const model = scripted([reply(JSON.stringify({ name: "Cooking", keywords: ["pasta", "sauce"] }))]);
  const llm = createLlmFromModel(model, fastRuntime());
  const out = await llm.generateObject(Topic, {
    system: "You name topics.",
    prompt: "pasta, sauce",
    label: "topic",
  });
  assert.deepEqual(out, { name: "Cooking", keywords: ["pasta", "sauce"] });
  const call = model.doGenerateCalls[0]!;
  assert.equal(call.responseFormat?.type, "json");
  assert.ok(
    call.responseFormat?.type === "json" && call.responseFormat.schema,
    "the JSON schema goes to the provider",
  );
  const ledger = llm.ledger.toJSON();
  assert.equal(ledger.calls, 1);
  assert.equal(ledger.requests, 1);
  assert.equal(ledger.repairs, 0);
  assert.equal(ledger.failures, 0);
});

test("malformed JSON gets one repair request showing the model its reply and the problem", async () => {
  const bad = '{"name": "Cooking", "keywords": ["pasta",';
  const model = scripted([reply(bad), reply(JSON.stringify({ name: "Cooking", keywords: ["pasta"] }))]);
  const events: string[] = [];
  const llm = createLlmFromModel(model, fastRuntime({ onEvent: (e) => events.push(e.type) }));
  const out = await llm.generateObject(Topic, { prompt: "pasta", label: "topic" });
  assert.deepEqual(out, { name: "Cooking", keywords: ["pasta"] });
  assert.equal(model.doGenerateCalls.length, 2);
  const repair = model.doGenerateCalls[1]!;
  const roles = repair.prompt.map((m) => m.role);
  assert.deepEqual(roles, ["user", "assistant", "user"]);
  assert.ok(promptText(repair).includes(bad), "the model sees its own output");
  assert.match(promptText(repair), /corrected JSON/);
  const ledger = llm.ledger.toJSON();
  assert.equal(ledger.repairs, 1);
  assert.equal(ledger.requests, 2);
  assert.equal(ledger.failures, 0);
  assert.equal(ledger.failureKinds.invalid_output, 1);
  assert.equal(ledger.labels.topic?.repairs, 1);
  assert.deepEqual(events, ["repair"]);
});

test("valid JSON that breaks the schema is repaired with the validation errors named", async () => {
  const model = scripted([
    reply(JSON.stringify({ name: "", keywords: [] })),
    reply(JSON.stringify({ name: "Travel", keywords: ["train"] })),
  ]);
  const llm = createLlmFromModel(model, fastRuntime());
  const out = await llm.generateObject(Topic, { prompt: "train", label: "topic" });
  assert.equal(out.name, "Travel");
  const repairText = promptText(model.doGenerateCalls[1]!);
  assert.match(repairText, /name:/);
  assert.match(repairText, /keywords:/);
});

test("JSON wrapped in a code fence or prose is read without spending a repair", async () => {
  const model = scripted([
    reply('Sure! Here it is:\n```json\n{"name":"Music","keywords":["jazz"]}\n```\nEnjoy.'),
  ]);
  const llm = createLlmFromModel(model, fastRuntime());
  const out = await llm.generateObject(Topic, { prompt: "jazz", label: "topic" });
  assert.deepEqual(out, { name: "Music", keywords: ["jazz"] });
  assert.equal(model.doGenerateCalls.length, 1);
  assert.equal(llm.ledger.toJSON().repairs, 0);
});

test("malformed output twice ends in a terminal LLM_ERROR naming the label, and the Llm keeps working", async () => {
  const model = scripted([
    reply("not json at all"),
    reply("{still not json"),
    reply('{"name":"Ok","keywords":["k"]}'),
  ]);
  const llm = createLlmFromModel(model, fastRuntime());
  await assert.rejects(
    llm.generateObject(Topic, { prompt: "x", label: "cluster naming" }),
    (err: unknown) => {
      assert.ok(err instanceof TaskError);
      assert.equal(err.code, "LLM_ERROR");
      assert.equal(err.kind, "terminal");
      assert.equal(err.message, "the language model returned invalid output for cluster naming");
      return true;
    },
  );
  assert.equal(model.doGenerateCalls.length, 2, "exactly one repair");
  const out = await llm.generateObject(Topic, { prompt: "y", label: "cluster naming" });
  assert.equal(out.name, "Ok");
  const ledger = llm.ledger.toJSON();
  assert.equal(ledger.calls, 2);
  assert.equal(ledger.failures, 1);
  assert.equal(ledger.repairs, 1);
  assert.equal(ledger.failureKinds.invalid_output, 2);
});

test("an empty reply counts as invalid output and is repaired", async () => {
  const model = scripted([reply(""), reply('{"name":"A","keywords":["b"]}')]);
  const llm = createLlmFromModel(model, fastRuntime());
  assert.equal((await llm.generateObject(Topic, { prompt: "x", label: "topic" })).name, "A");
  assert.match(promptText(model.doGenerateCalls[1]!), /empty/);
});

test("without native structured outputs the schema is written into the system prompt and JSON mode is used", async () => {
  const model = scripted([reply('{"name":"Sport","keywords":["golf"]}')]);
  const llm = createLlmFromModel(model, fastRuntime());
  const promptMode = createLlmFromModel(model, { ...fastRuntime(), structuredOutputs: false });
  await promptMode.generateObject(Topic, { system: "Name the topic.", prompt: "golf", label: "topic" });
  const call = model.doGenerateCalls[0]!;
  assert.equal(call.responseFormat?.type, "json");
  assert.ok(call.responseFormat?.type === "json" && call.responseFormat.schema === undefined);
  const system = call.prompt.find((m) => m.role === "system");
  assert.ok(system && typeof system.content === "string");
  assert.match(system.content, /^Name the topic\./);
  assert.match(system.content, /JSON Schema: \{.*"keywords"/);
  assert.equal(llm.describe().structuredOutputs, true);
  assert.equal(promptMode.describe().structuredOutputs, false);
});

test("prompt-mode output that breaks the schema is validated here and repaired", async () => {
  const model = scripted([reply('{"name":"Sport"}'), reply('{"name":"Sport","keywords":["golf"]}')]);
  const llm = createLlmFromModel(model, { ...fastRuntime(), structuredOutputs: false });
  const out = await llm.generateObject(Topic, { prompt: "golf", label: "topic" });
  assert.deepEqual(out.keywords, ["golf"]);
  assert.equal(llm.ledger.toJSON().repairs, 1);
});

test("schema transforms are applied exactly once", async () => {
  const Counted = z.object({ words: z.string().transform((s) => s.split(" ").length) });
  for (const structuredOutputs of [true, false]) {
    const llm = createLlmFromModel(scripted([reply('{"words":"a b c"}')]), {
      ...fastRuntime(),
      structuredOutputs,
    });
    assert.deepEqual(await llm.generateObject(Counted, { prompt: "x", label: "count" }), { words: 3 });
  }
});

test("generateText returns the text; an empty answer is asked once more, twice empty is terminal", async () => {
  const ok = createLlmFromModel(scripted([reply("A short summary.")]), fastRuntime());
  assert.equal(
    await ok.generateText({ system: "Summarise.", prompt: "long text", label: "summary" }),
    "A short summary.",
  );

  const model = scripted([reply(""), reply("Second try.")]);
  const retried = createLlmFromModel(model, fastRuntime());
  assert.equal(await retried.generateText({ prompt: "x", label: "summary" }), "Second try.");
  assert.equal(retried.ledger.toJSON().repairs, 1);

  const empty = createLlmFromModel(scripted([reply("")]), fastRuntime());
  await assert.rejects(empty.generateText({ prompt: "x", label: "summary" }), {
    name: "TaskError",
    code: "LLM_ERROR",
    kind: "terminal",
    message: "the language model returned invalid output for summary",
  });
});
