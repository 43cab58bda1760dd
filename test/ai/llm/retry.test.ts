import assert from "node:assert/strict";
import { test } from "node:test";
import { z } from "zod";
import {
  createLlmFromModel,
  DEFAULT_BACKOFF,
  parseRetryAfterMs,
  retryDelayMs,
} from "../../../src/ai/llm/index.js";
import { TaskError } from "../../../src/contract/errors.js";
import { apiError, fastRuntime, hangUntilAborted, reply, scripted } from "./support.js";

const Answer = z.object({ answer: z.string() });
const ok = () => reply('{"answer":"yes"}');

test("a 429 is retried after a jittered backoff and then succeeds", async () => {
  const model = scripted([apiError(429), ok()]);
  const rt = fastRuntime({ backoff: { baseDelayMs: 1000 } });
  const events: unknown[] = [];
  const llm = createLlmFromModel(model, { ...rt, onEvent: (e) => events.push(e) });
  assert.deepEqual(await llm.generateObject(Answer, { prompt: "q", label: "qa" }), { answer: "yes" });
  assert.equal(model.doGenerateCalls.length, 2);
  assert.equal(rt.delays.length, 1);
  // equal jitter: between half the base delay and the full base delay
  assert.ok(rt.delays[0]! >= 500 && rt.delays[0]! <= 1000, `delay ${rt.delays[0]}`);
  const ledger = llm.ledger.toJSON();
  assert.equal(ledger.retries, 1);
  assert.equal(ledger.requests, 2);
  assert.equal(ledger.failures, 0);
  assert.equal(ledger.failureKinds.rate_limited, 1);
  assert.deepEqual(events, [
    {
      type: "retry",
      label: "qa",
      model: "gpt-4o-mini",
      failure: "rate_limited",
      status: 429,
      attempt: 1,
      delayMs: rt.delays[0],
    },
  ]);
});

test("Retry-After from the provider sets the wait", async () => {
  const model = scripted([apiError(429, { headers: { "retry-after": "2" } }), ok()]);
  const rt = fastRuntime();
  const llm = createLlmFromModel(model, rt);
  await llm.generateObject(Answer, { prompt: "q", label: "qa" });
  assert.ok(rt.delays[0]! >= 2000 && rt.delays[0]! <= 2200, `delay ${rt.delays[0]}`);

  assert.equal(parseRetryAfterMs({ "retry-after-ms": "150" }), 150);
  assert.equal(parseRetryAfterMs({ "Retry-After": "3" }), 3000);
  const now = Date.parse("2030-01-01T00:00:00Z");
  assert.equal(parseRetryAfterMs({ "retry-after": "Tue, 01 Jan 2030 00:00:05 GMT" }, now), 5000);
  assert.equal(parseRetryAfterMs({}), undefined);
});

test("a Retry-After longer than we hold a call for fails transient at once", async () => {
  const model = scripted([apiError(429, { headers: { "retry-after": "3600" } }), ok()]);
  const rt = fastRuntime();
  const llm = createLlmFromModel(model, rt);
  await assert.rejects(llm.generateObject(Answer, { prompt: "q", label: "qa" }), (err: unknown) => {
    assert.ok(err instanceof TaskError);
    assert.equal(err.kind, "transient");
    assert.equal(err.code, "LLM_ERROR");
    return true;
  });
  assert.equal(model.doGenerateCalls.length, 1);
  assert.deepEqual(rt.delays, []);
});

test("5xx errors are retried maxRetries times with growing delays, then a transient LLM_ERROR", async () => {
  const model = scripted([apiError(503)]);
  const rt = fastRuntime({ random: () => 1 });
  const llm = createLlmFromModel(model, { ...rt, maxRetries: 3 });
  await assert.rejects(llm.generateText({ prompt: "q", label: "summary" }), (err: unknown) => {
    assert.ok(err instanceof TaskError);
    assert.equal(err.kind, "transient");
    assert.equal(err.code, "LLM_ERROR");
    assert.equal(err.message, "LLM provider unavailable for summary after 4 attempts (server error 503)");
    return true;
  });
  assert.equal(model.doGenerateCalls.length, 4);
  assert.equal(rt.delays.length, 3);
  assert.ok(rt.delays[0]! < rt.delays[1]! && rt.delays[1]! < rt.delays[2]!, `delays ${rt.delays}`);
  const ledger = llm.ledger.toJSON();
  assert.equal(ledger.failures, 1);
  assert.equal(ledger.failureKinds.server_error, 4);
});

test("maxRetries 0 means one attempt", async () => {
  const model = scripted([apiError(500)]);
  const llm = createLlmFromModel(model, { ...fastRuntime(), maxRetries: 0 });
  await assert.rejects(llm.generateText({ prompt: "q", label: "x" }), { kind: "transient" });
  assert.equal(model.doGenerateCalls.length, 1);
});

test("a 401 is terminal at once, without retries, and says only the status", async () => {
  const model = scripted([
    apiError(401, { body: '{"error":"Incorrect API key provided: sk-proj-abc"}' }),
    ok(),
  ]);
  const rt = fastRuntime();
  const llm = createLlmFromModel(model, rt);
  await assert.rejects(llm.generateObject(Answer, { prompt: "q", label: "qa" }), (err: unknown) => {
    assert.ok(err instanceof TaskError);
    assert.equal(err.kind, "terminal");
    assert.equal(err.code, "LLM_ERROR");
    assert.equal(err.message, "LLM provider rejected the request (401)");
    return true;
  });
  assert.equal(model.doGenerateCalls.length, 1);
  assert.deepEqual(rt.delays, []);
  assert.equal(llm.ledger.toJSON().failureKinds.rejected, 1);
});

test("a 400 is terminal too; network errors are retried", async () => {
  const bad = createLlmFromModel(scripted([apiError(400)]), fastRuntime());
  await assert.rejects(bad.generateText({ prompt: "q", label: "x" }), {
    kind: "terminal",
    message: "LLM provider rejected the request (400)",
  });

  const net = scripted([apiError(undefined), ok()]);
  const llm = createLlmFromModel(net, fastRuntime());
  assert.equal((await llm.generateObject(Answer, { prompt: "q", label: "x" })).answer, "yes");
  assert.equal(llm.ledger.toJSON().failureKinds.network, 1);
});

test("a request that outlives timeoutMs is aborted and retried; a timeout on every attempt is transient", async () => {
  const model = scripted([hangUntilAborted]);
  const llm = createLlmFromModel(model, { ...fastRuntime(), timeoutMs: 20, maxRetries: 1 });
  await assert.rejects(llm.generateText({ prompt: "q", label: "slow" }), (err: unknown) => {
    assert.ok(err instanceof TaskError);
    assert.equal(err.kind, "transient");
    assert.match(err.message, /timed out/);
    return true;
  });
  assert.equal(model.doGenerateCalls.length, 2);
  assert.equal(llm.ledger.toJSON().failureKinds.timeout, 2);
});

test("aborting the task signal rejects with its reason, without retries", async () => {
  const model = scripted([hangUntilAborted]);
  const rt = fastRuntime();
  const llm = createLlmFromModel(model, rt);
  const controller = new AbortController();
  const reason = new Error("task aborted");
  const pending = llm.generateText({ prompt: "q", label: "x", signal: controller.signal });
  setImmediate(() => controller.abort(reason));
  await assert.rejects(pending, (err: unknown) => err === reason);
  assert.equal(model.doGenerateCalls.length, 1);
  assert.deepEqual(rt.delays, []);
  const ledger = llm.ledger.toJSON();
  assert.equal(ledger.failures, 1);
  assert.equal(ledger.failureKinds.aborted, 1);

  const already = new AbortController();
  already.abort(reason);
  await assert.rejects(
    llm.generateText({ prompt: "q", label: "x", signal: already.signal }),
    (e) => e === reason,
  );
  assert.equal(model.doGenerateCalls.length, 1, "an aborted signal sends nothing");
});

test("aborting during a backoff wait ends the call at once", async () => {
  const model = scripted([apiError(503)]);
  // The real sleep with a minute-long backoff: only the abort can end this test quickly.
  const llm = createLlmFromModel(model, { backoff: { baseDelayMs: 60_000, maxDelayMs: 60_000 } });
  const controller = new AbortController();
  const reason = new Error("shutdown");
  const pending = llm.generateText({ prompt: "q", label: "x", signal: controller.signal });
  while (model.doGenerateCalls.length === 0) await new Promise((r) => setImmediate(r));
  setImmediate(() => controller.abort(reason));
  await assert.rejects(pending, (err: unknown) => err === reason);
  assert.equal(model.doGenerateCalls.length, 1);
});

test("a call waiting for a concurrency slot is rejected as soon as its signal aborts", async () => {
  const model = scripted([hangUntilAborted]);
  const llm = createLlmFromModel(model, { ...fastRuntime(), concurrency: 1 });
  const first = new AbortController();
  const second = new AbortController();
  const running = llm.generateText({ prompt: "1", label: "x", signal: first.signal });
  const queued = llm.generateText({ prompt: "2", label: "x", signal: second.signal });
  second.abort(new Error("second"));
  await assert.rejects(queued, { message: "second" });
  first.abort(new Error("first"));
  await assert.rejects(running, { message: "first" });
  assert.equal(model.doGenerateCalls.length, 1, "the queued call never reached the model");
});

test("reasoning models get no temperature; others get the configured or per-call one", async () => {
  const reasoning = scripted([ok()], "gpt-5-mini");
  await createLlmFromModel(reasoning, {
    ...fastRuntime(),
    temperature: 0.3,
    reasoningEffort: "low",
  }).generateObject(Answer, { prompt: "q", label: "x", temperature: 0.9, maxOutputTokens: 500 });
  const rc = reasoning.doGenerateCalls[0]!;
  assert.equal(rc.temperature, undefined);
  assert.equal(rc.maxOutputTokens, 500);
  assert.deepEqual(rc.providerOptions?.openai, { reasoningEffort: "low" });

  for (const id of ["o3-mini", "o1", "o4-mini-2025-04-16", "gpt-5", "gpt-5.1"]) {
    const m = scripted([ok()], id);
    await createLlmFromModel(m, { ...fastRuntime(), temperature: 0.3 }).generateText({
      prompt: "q",
      label: "x",
    });
    assert.equal(m.doGenerateCalls[0]!.temperature, undefined, id);
  }

  const plain = scripted([ok()], "gpt-4o-mini");
  const llm = createLlmFromModel(plain, { ...fastRuntime(), temperature: 0.3 });
  await llm.generateText({ prompt: "q", label: "x" });
  await llm.generateText({ prompt: "q", label: "x", temperature: 0.7 });
  assert.equal(plain.doGenerateCalls[0]!.temperature, 0.3);
  assert.equal(plain.doGenerateCalls[1]!.temperature, 0.7);
  assert.equal(plain.doGenerateCalls[0]!.providerOptions, undefined);
});

test("backoff delays grow exponentially, are capped, and stay within the jitter band", () => {
  const opts = { ...DEFAULT_BACKOFF, baseDelayMs: 100, maxDelayMs: 1000 };
  assert.equal(
    retryDelayMs(1, undefined, opts, () => 0),
    50,
  );
  assert.equal(
    retryDelayMs(1, undefined, opts, () => 1),
    100,
  );
  assert.equal(
    retryDelayMs(3, undefined, opts, () => 1),
    400,
  );
  assert.equal(
    retryDelayMs(10, undefined, opts, () => 1),
    1000,
  );
  assert.equal(
    retryDelayMs(1, 5000, opts, () => 0),
    5000,
  );
  assert.equal(
    retryDelayMs(1, 120_000, opts, () => 0),
    null,
  );
});
