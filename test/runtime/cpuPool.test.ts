import assert from "node:assert/strict";
import { test } from "node:test";
import { threadId } from "node:worker_threads";
import { createCpuPool } from "../../src/runtime/cpuPool.js";

test("jobs run on worker threads and stream progress back", async () => {
  const pool = createCpuPool({ threads: 2 });
  try {
    const events: number[] = [];
    const out = await pool.run("spin", { ms: 300 }, { onProgress: (_s, done) => events.push(done) });
    assert.ok(out.iterations > 0);
    assert.ok(events.length > 0, "progress events arrive from the thread");
    assert.equal(threadId, 0, "the test itself runs on the main thread");
  } finally {
    await pool.close();
  }
});

test("aborting a job terminates it promptly instead of waiting for it to finish", async () => {
  const pool = createCpuPool({ threads: 1 });
  try {
    const ac = new AbortController();
    const started = Date.now();
    const running = pool.run("spin", { ms: 20_000 }, { signal: ac.signal });
    setTimeout(() => ac.abort(), 200);
    await assert.rejects(running);
    assert.ok(Date.now() - started < 10_000, "the 20 s job was cut short");
    // The pool still works after a thread was killed.
    const again = await pool.run("spin", { ms: 50 });
    assert.ok(again.iterations > 0);
  } finally {
    await pool.close();
  }
});
