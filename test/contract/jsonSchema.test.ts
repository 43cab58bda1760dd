import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import {
  INPUT_FILE_SCHEMAS,
  OUTPUT_FILE_SCHEMAS,
  REQUEST_TASK_TYPES,
  RESULT_TASK_TYPES,
  writeJsonSchemas,
} from "../../src/contract/index.js";

test("writeJsonSchemas writes one parseable JSON Schema per envelope, payload and file", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "contract-schemas-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const out = join(dir, "nested", "schemas");
  const names = await writeJsonSchemas(out);

  const expected =
    2 +
    REQUEST_TASK_TYPES.length +
    RESULT_TASK_TYPES.length +
    Object.keys(INPUT_FILE_SCHEMAS).length +
    Object.keys(OUTPUT_FILE_SCHEMAS).length;
  assert.equal(names.length, expected);
  assert.equal(new Set(names).size, names.length);
  assert.deepEqual((await readdir(out)).sort(), [...names].sort());

  for (const name of names) {
    assert.match(name, /\.schema\.json$/);
    const doc = JSON.parse(await readFile(join(out, name), "utf8")) as Record<string, unknown>;
    assert.equal(typeof doc.$schema, "string", name);
    assert.equal(typeof doc.title, "string", name);
  }

  // Requests are described as inputs: defaults visible, optional fields not required, nulls allowed.
  const gen = JSON.parse(await readFile(join(out, "request.GRAPH_GENERATION_REQUEST.schema.json"), "utf8"));
  assert.deepEqual([...gen.required].sort(), ["s3Key", "userId"]);
  assert.equal(gen.properties.minClusters.default, 3);
  assert.equal(gen.properties.includeSummary.default, true);
  // Results are described as outputs: closed objects with their required keys.
  const res = JSON.parse(await readFile(join(out, "result.GRAPH_GENERATION_RESULT.schema.json"), "utf8"));
  assert.equal(res.additionalProperties, false);
  assert.deepEqual([...res.required].sort(), ["status", "userId"]);
  const block = JSON.parse(await readFile(join(out, "output.block_graph.schema.json"), "utf8"));
  assert.ok(JSON.stringify(block).includes("PREREQUISITE_OF"));
});
