import assert from "node:assert/strict";
import { test } from "node:test";
import { terminal, transient } from "../../src/contract/errors.js";
import { vectorRetryDelayMs, withVectorRetry } from "../../src/infra/vectorRetry.js";

const fast = { baseDelayMs: 1, random: () => 0.5 };

test("transient failures are retried until the work succeeds", async () => {
  let calls = 0;
  const retries: number[] = [];
  const out = await withVectorRetry(
    async () => {
      calls++;
      if (calls < 3) throw transient("VECTOR_STORE_ERROR", "down");
      return "done";
    },
    { ...fast, retries: 4, signal: new AbortController().signal, onRetry: (_e, n) => retries.push(n) },
  );
  assert.equal(out, "done");
  assert.equal(calls, 3);
  assert.deepEqual(retries, [1, 2]);
});

test("the retries are bounded and the last transient error is rethrown as is", async () => {
  let calls = 0;
  const last = transient("VECTOR_STORE_ERROR", "still down");
  await assert.rejects(
    withVectorRetry(
      async () => {
        calls++;
        throw last;
      },
      { ...fast, retries: 2, signal: new AbortController().signal },
    ),
    (err) => err === last,
  );
  assert.equal(calls, 3, "the first attempt and two retries");
});

test("terminal failures and foreign errors are not retried", async () => {
  for (const failure of [terminal("EMBEDDING_MODEL_MISMATCH", "other model"), new Error("bug")]) {
    let calls = 0;
    await assert.rejects(
      withVectorRetry(
        async () => {
          calls++;
          throw failure;
        },
        { ...fast, retries: 5, signal: new AbortController().signal },
      ),
      (err) => err === failure,
    );
    assert.equal(calls, 1);
  }
});

test("an abort ends the backoff wait at once", async () => {
  const controller = new AbortController();
  let calls = 0;
  const run = withVectorRetry(
    async () => {
      calls++;
      throw transient("VECTOR_STORE_ERROR", "down");
    },
    {
      retries: 3,
      // A wait far longer than any test deadline: only the abort can end it.
      baseDelayMs: 3_600_000,
      random: () => 1,
      signal: controller.signal,
      onRetry: () => controller.abort(),
    },
  );
  await assert.rejects(run, (err: Error) => err.name === "AbortError");
  assert.equal(calls, 1);
});

test("delays double from the base, are capped, and keep at least half of their value", () => {
  assert.equal(
    vectorRetryDelayMs(1, 100, 10_000, () => 1),
    100,
  );
  assert.equal(
    vectorRetryDelayMs(2, 100, 10_000, () => 1),
    200,
  );
  assert.equal(
    vectorRetryDelayMs(3, 100, 10_000, () => 0),
    200,
  );
  assert.equal(
    vectorRetryDelayMs(30, 100, 10_000, () => 1),
    10_000,
  );
});
