import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import { loadBundle } from "../../../src/pipelines/sources/index.js";
import { datasetDir } from "../../support/datasets.js";

const DATASET = datasetDir("debian-dev");

test("the debian-dev data set loads as a bundle: one item per labelled conversation and note", async () => {
  const labels = JSON.parse(await readFile(`${DATASET}/labels.json`, "utf8")) as Record<
    string,
    { label: string; lang: string; kind: "conversation" | "note" }
  >;
  const items = await loadBundle(DATASET);
  const expected = Object.keys(labels);
  assert.equal(items.length, expected.length);
  assert.deepEqual(new Set(items.map((i) => i.origId)), new Set(expected));

  const counts = { conversation: 0, note: 0 };
  for (const item of items) {
    const label = labels[item.origId]!;
    assert.equal(item.kind, label.kind, item.origId);
    counts[label.kind]++;
    assert.ok(item.texts.length > 0, `${item.origId} has text`);
    assert.ok(item.createTime !== null && item.createTime > 1.7e9, `${item.origId} has a 2025 timestamp`);
    if (item.kind === "conversation") {
      assert.equal(item.sourceType, "chat");
      assert.equal(item.numSections, item.texts.length, "every message here is user/assistant text");
    } else {
      assert.equal(item.sourceType, "markdown");
      assert.equal(item.numSections, 1);
    }
    // The script-based hint agrees with the data set's language label.
    assert.equal(item.language, label.lang, `${item.origId} language`);
  }
  const inputCount = (JSON.parse(await readFile(`${DATASET}/input.json`, "utf8")) as unknown[]).length;
  const notesCount = (
    JSON.parse(await readFile(`${DATASET}/notes.json`, "utf8")) as { source_nodes: unknown[] }
  ).source_nodes.length;
  assert.deepEqual(counts, { conversation: inputCount, note: notesCount });
});
