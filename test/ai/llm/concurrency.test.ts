import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { z } from "zod";
import { createLlmFromModel, LlmLedger } from "../../../src/ai/llm/index.js";
import { fastRuntime, reply, scripted } from "./support.js";

/** A model that counts requests in flight and answers after a short, varying delay. */
function countingModel() {
  const stats = { inFlight: 0, maxInFlight: 0, served: 0 };
  const model = scripted([
    async () => {
      stats.inFlight++;
      stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
      await delay(2 + (stats.served++ % 3));
      stats.inFlight--;
      return reply('{"n":1}');
    },
  ]);
  return { model, stats };
}

const N = z.object({ n: z.number() });

test("no more calls than the concurrency limit are in flight at once, and the limit is used", async () => {
  const { model, stats } = countingModel();
  const llm = createLlmFromModel(model, { ...fastRuntime(), concurrency: 3 });
  const results = await Promise.all(
    Array.from({ length: 12 }, (_, i) => llm.generateObject(N, { prompt: `batch ${i}`, label: "assign" })),
  );
  assert.equal(results.length, 12);
  assert.equal(stats.maxInFlight, 3);
  assert.equal(llm.ledger.toJSON().calls, 12);
});

test("the default limit is 4", async () => {
  const { model, stats } = countingModel();
  const llm = createLlmFromModel(model, fastRuntime());
  await Promise.all(Array.from({ length: 10 }, () => llm.generateText({ prompt: "x", label: "t" })));
  assert.equal(stats.maxInFlight, 4);
  assert.equal(llm.describe().concurrency, 4);
});

test("withLedger shares the limiter and records into the other ledger", async () => {
  const { model, stats } = countingModel();
  const base = createLlmFromModel(model, { ...fastRuntime(), concurrency: 2 });
  const taskA = new LlmLedger();
  const taskB = new LlmLedger();
  const a = base.withLedger(taskA);
  const b = base.withLedger(taskB);
  await Promise.all([
    ...Array.from({ length: 5 }, () => a.generateText({ prompt: "a", label: "a" })),
    ...Array.from({ length: 3 }, () => b.generateText({ prompt: "b", label: "b" })),
  ]);
  assert.equal(stats.maxInFlight, 2);
  assert.equal(taskA.toJSON().calls, 5);
  assert.equal(taskB.toJSON().calls, 3);
  assert.equal(base.ledger.toJSON().calls, 0);
  assert.equal(a.ledger, taskA);
});
