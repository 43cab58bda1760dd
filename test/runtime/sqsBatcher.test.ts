import assert from "node:assert/strict";
import { test } from "node:test";
import { MicroBatcher } from "../../src/infra/sqsBatcher.js";

test("calls within the window share one batch of at most maxBatch entries; each caller gets its own outcome", async () => {
  const batches: string[][] = [];
  const b = new MicroBatcher<string>(
    async (entries) => {
      batches.push(entries.map((e) => e.item));
      return entries.map((e) =>
        e.item === "bad" ? { id: e.id, error: new Error("rejected entry") } : { id: e.id },
      );
    },
    { windowMs: 20, maxBatch: 3 },
  );
  const outcomes = await Promise.allSettled(["a", "b", "bad", "c", "d"].map((x) => b.add(x)));
  assert.deepEqual(batches, [
    ["a", "b", "bad"],
    ["c", "d"],
  ]);
  assert.deepEqual(
    outcomes.map((o) => o.status),
    ["fulfilled", "fulfilled", "rejected", "fulfilled", "fulfilled"],
  );
});

test("a failed batch call rejects every entry in it", async () => {
  const b = new MicroBatcher<number>(
    async () => {
      throw new Error("network down");
    },
    { windowMs: 1, maxBatch: 10 },
  );
  const outcomes = await Promise.allSettled([b.add(1), b.add(2)]);
  assert.ok(outcomes.every((o) => o.status === "rejected"));
});

test("adaptive: a lone call goes out at once; calls made while a batch call runs go together when it returns", async () => {
  const batches: string[][] = [];
  const returns: (() => void)[] = [];
  const b = new MicroBatcher<string>(
    (entries) => {
      batches.push(entries.map((e) => e.item));
      return new Promise((resolve) => returns.push(() => resolve(entries.map((e) => ({ id: e.id })))));
    },
    // The window would hold every call for a minute if adaptive mode used it.
    { windowMs: 60_000, maxBatch: 10, maxInFlight: 1 },
  );
  const first = b.add("a");
  while (batches.length === 0) await new Promise((r) => setImmediate(r));
  assert.deepEqual(batches, [["a"]]);
  const rest = ["b", "c", "d"].map((x) => b.add(x));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(batches, [["a"]], "nothing more goes out while the one allowed batch call runs");
  returns.shift()?.();
  await first;
  while (batches.length === 1) await new Promise((r) => setImmediate(r));
  assert.deepEqual(batches, [["a"], ["b", "c", "d"]]);
  returns.shift()?.();
  await Promise.all(rest);
});
