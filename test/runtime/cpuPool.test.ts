import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { threadId } from "node:worker_threads";
import { TaskError } from "../../src/contract/errors.js";
import { unwrapOutcome } from "../../src/pipelines/sources/job.js";
import type { SourceItem } from "../../src/pipelines/sources/types.js";
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

/** A bundle whose notes.json holds `notes` notes of `chars` characters each. */
async function notesBundle(
  notes: number,
  chars: number,
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "cpupool-"));
  const nodes = Array.from({ length: notes }, (_, i) => ({
    id: `note-${i}`,
    title: `Note ${i}`,
    sections: [{ id: `note-${i}-s0`, content: `${i} `.padEnd(chars, "x") }],
  }));
  await writeFile(join(dir, "notes.json"), JSON.stringify({ source_nodes: nodes }));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

test("a job's streamed data arrives in order, in several messages, before run resolves", async () => {
  const pool = createCpuPool({ threads: 1 });
  const bundle = await notesBundle(7, 400_000);
  try {
    const batches: string[][] = [];
    const outcome = await pool.run(
      "loadSources",
      { source: "bundle", dir: bundle.dir },
      { onData: (batch) => batches.push((batch as SourceItem[]).map((item) => item.origId)) },
    );
    const summary = unwrapOutcome(outcome);
    assert.equal(summary.count, 7);
    assert.ok(batches.length >= 3, `the 2.8M characters came in ${batches.length} messages`);
    assert.deepEqual(
      batches.flat(),
      Array.from({ length: 7 }, (_, i) => `note-${i}`),
    );
  } finally {
    await bundle.cleanup();
    await pool.close();
  }
});

test("a consumer that throws fails that run, not the process, and the pool goes on", async () => {
  const pool = createCpuPool({ threads: 1 });
  const bundle = await notesBundle(7, 400_000);
  try {
    await assert.rejects(
      pool.run(
        "loadSources",
        { source: "bundle", dir: bundle.dir },
        {
          onData: () => {
            throw new Error("consumer broke");
          },
        },
      ),
      /consumer broke|stopped taking/,
    );
    const again = await pool.run("spin", { ms: 20 });
    assert.ok(again.iterations > 0);
  } finally {
    await bundle.cleanup();
    await pool.close();
  }
});

test("a job's TaskError comes back with its code and kind", async () => {
  const pool = createCpuPool({ threads: 1 });
  const bundle = await notesBundle(0, 0);
  try {
    const outcome = await pool.run(
      "loadSources",
      { source: "bundle", dir: join(bundle.dir, "missing") },
      { onData: () => {} },
    );
    assert.throws(
      () => unwrapOutcome(outcome),
      (e: unknown) => e instanceof TaskError && e.code === "INPUT_NOT_FOUND" && e.kind === "terminal",
    );
  } finally {
    await bundle.cleanup();
    await pool.close();
  }
});

test("a thread ends once idle for the idle time, giving its heap back, and the next job starts a fresh one", async () => {
  const idleTimeoutMs = 200;
  const pool = createCpuPool({ threads: 1, idleTimeoutMs });
  try {
    assert.equal(pool.liveThreads, 0, "no thread before the first job");
    await pool.run("spin", { ms: 20 });
    // Waits for the thread to go, with a deadline far beyond the idle time (a busy machine is slow to end one).
    const deadline = Date.now() + idleTimeoutMs * 150;
    while (pool.liveThreads > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, idleTimeoutMs / 4));
    assert.equal(pool.liveThreads, 0, "the idle thread ended");
    const again = await pool.run("spin", { ms: 20 });
    assert.ok(again.iterations > 0, "a job after that runs on a new thread");
  } finally {
    await pool.close();
  }
});
