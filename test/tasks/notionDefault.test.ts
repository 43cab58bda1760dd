/**
 * Issue 12, "Notion pages": the backend's develop branch resolves Notion page ids and expects them as nodes,
 * so they are emitted by default; INCLUDE_NOTION_NODES=false keeps older backends (main 6cee487) working.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { loadSourcesJob } from "../../src/pipelines/sources/job.js";
import type { SourceItem } from "../../src/pipelines/sources/types.js";
import { notionPagesWanted } from "../../src/tasks/graphGeneration/inputs.js";
import { backendNote, tempDir, writeFiles } from "../pipelines/sources/fixtures.js";

let tmp: Awaited<ReturnType<typeof tempDir>>;
before(async () => {
  tmp = await tempDir("notion-default-");
});
after(() => tmp.cleanup());

test("Notion pages are wanted unless INCLUDE_NOTION_NODES=false", () => {
  assert.equal(notionPagesWanted({}), true);
  assert.equal(notionPagesWanted({ INCLUDE_NOTION_NODES: "true" }), true);
  assert.equal(notionPagesWanted({ INCLUDE_NOTION_NODES: "false" }), false);
  assert.equal(notionPagesWanted({ INCLUDE_NOTION_NODES: " FALSE " }), false);
});

test("with the default environment a bundle's Notion page becomes an item; with false it is counted as skipped", async () => {
  const page = {
    ...backendNote("2076ca0e-0c92-8028-a83d-c50624d1c76f", "Roadmap", "Q3 plans"),
    source_type: "notion",
  };
  await writeFiles(tmp.dir, {
    "bundle/notes.json": { source_nodes: [backendNote("n1", "Note", "body")] },
    "bundle/notions.json": { source_nodes: [page] },
  });
  const load = async (env: Record<string, string>) => {
    const items: SourceItem[] = [];
    const outcome = await loadSourcesJob(
      { source: "bundle", dir: `${tmp.dir}/bundle`, includeNotion: notionPagesWanted(env) },
      {
        progress() {},
        async send(batch) {
          items.push(...(batch as SourceItem[]));
        },
      },
    );
    assert.ok(outcome.ok);
    return { items, skippedNotion: outcome.value.skippedNotion };
  };
  const byDefault = await load({});
  assert.deepEqual(
    byDefault.items.map((i) => [i.kind, i.origId]),
    [
      ["note", "n1"],
      ["notion", "2076ca0e-0c92-8028-a83d-c50624d1c76f"],
    ],
  );
  const older = await load({ INCLUDE_NOTION_NODES: "false" });
  assert.deepEqual(
    older.items.map((i) => i.kind),
    ["note"],
  );
  assert.equal(older.skippedNotion, 1);
});
