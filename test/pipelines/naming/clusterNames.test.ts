/** Cluster naming with AI SDK mock models: every answer checked, the report says what really happened. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createLlmFromModel } from "../../../src/ai/llm/index.js";
import { type ClusterDigest, nameClustersWithReport } from "../../../src/pipelines/naming/clusterNames.js";
import { type CallOptions, fastRuntime, promptText, reply, scripted } from "../../ai/llm/support.js";

const CLUSTERS: ClusterDigest[] = [1, 2, 3].map((n) => ({
  id: `cluster_${n}`,
  size: 4,
  terms: [`term${n}a`, `term${n}b`, `term${n}c`],
  titles: [`Title ${n}`],
}));

function label(id: string, name: string, description = "Questions about this topic and how it develops.") {
  return { id, name, description, key_themes: ["graphs", "training", "datasets"] };
}

test("the 'cluster_1,' id of a real run is rejected and counted: no cluster claims an LLM name", async () => {
  const model = scripted([reply(JSON.stringify({ clusters: [label("cluster_1,", "Graph Learning")] }))]);
  const llm = createLlmFromModel(model, fastRuntime());
  const { labels, report } = await nameClustersWithReport(llm, CLUSTERS, { language: "en" });
  assert.equal(labels.size, 0);
  assert.deepEqual(report, { llm: 0, local: 3, unknownIds: ["cluster_1,"], rejected: [], failedBatches: 0 });
});

test("good answers are used, bad ones rejected per cluster with the reason, and the call has a budget", async () => {
  const seen: CallOptions[] = [];
  const model = scripted([
    async (o) => {
      seen.push(o);
      return reply(
        JSON.stringify({
          clusters: [
            label("cluster_1", "Graph Learning"),
            label("cluster_2", "새롭에 있어운방"),
            label("cluster_3", "key_themes"),
            label("cluster_3", "Second Answer"),
          ],
        }),
      );
    },
  ]);
  const llm = createLlmFromModel(model, fastRuntime());
  const { labels, report } = await nameClustersWithReport(llm, CLUSTERS, { language: "en" });
  assert.deepEqual([...labels.keys()], ["cluster_1", "cluster_3"]);
  assert.equal(labels.get("cluster_1")?.name, "Graph Learning");
  assert.equal(labels.get("cluster_3")?.name, "Second Answer", "a later good answer for the id is used");
  assert.equal(report.llm, 2);
  assert.equal(report.local, 1);
  assert.deepEqual(report.rejected, [
    { id: "cluster_2", reason: "name: wrong_script" },
    { id: "cluster_3", reason: "name: copied_from_prompt" },
  ]);
  assert.ok(promptText(seen[0]!).includes("English"));
  assert.ok((seen[0]!.maxOutputTokens ?? 0) > 0, "an output budget is sent");
  assert.equal(llm.ledger.toJSON().labels["cluster-names-1"]?.maxOutputTokens, seen[0]!.maxOutputTokens);
});

test("a cut-off description keeps the local label; a Korean request accepts a Korean name", async () => {
  const model = scripted([
    reply(
      JSON.stringify({
        clusters: [
          label("cluster_1", "그래프 학습", "그래프 신경망 학습에 관한 질문들입니다."),
          label("cluster_2", "Sourdough", "Questions about feeding a starter and "),
        ],
      }),
    ),
  ]);
  const llm = createLlmFromModel(model, fastRuntime());
  const { labels, report } = await nameClustersWithReport(llm, CLUSTERS.slice(0, 2), { language: "ko" });
  assert.equal(labels.get("cluster_1")?.name, "그래프 학습");
  assert.equal(labels.has("cluster_2"), false);
  assert.deepEqual(report.rejected, [{ id: "cluster_2", reason: "description: wrong_script" }]);
});

test("one failed batch leaves its clusters local while the other batch is used", async () => {
  let call = 0;
  const model = scripted([
    async (o) => {
      call++;
      if (promptText(o).includes("cluster_3")) return reply("not json");
      return reply(
        JSON.stringify({
          clusters: [label("cluster_1", "Graph Learning"), label("cluster_2", "Bread Baking")],
        }),
      );
    },
  ]);
  const llm = createLlmFromModel(model, fastRuntime());
  const { labels, report } = await nameClustersWithReport(llm, CLUSTERS, { language: "en", batchSize: 2 });
  assert.equal(labels.size, 2);
  assert.equal(report.failedBatches, 1);
  assert.equal(report.local, 1);
  assert.equal(call, 3, "two batches, one repair");
});
