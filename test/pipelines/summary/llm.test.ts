/** The LLM path with AI SDK mock models: grounded prompts, bounded parallel calls, per-part fallback. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createLlmFromModel } from "../../../src/ai/llm/index.js";
import { validateOutput } from "../../../src/contract/files/validate.js";
import {
  CLUSTERS_PER_CALL,
  MAX_CLUSTER_CALLS,
  type SummaryGraphInput,
  summarizeGraph,
} from "../../../src/pipelines/summary/index.js";
import { type CallOptions, fastRuntime, promptText, reply, scripted } from "../../ai/llm/support.js";
import { backendShaped, citedIds, handmadeGraph, ORIG_IDS } from "./fixtures.js";

type Kind = "overview" | "clusters" | "narrative";

function kindOf(options: CallOptions): Kind {
  const text = promptText(options);
  if (text.includes("Facts about the graph")) return "overview";
  if (text.includes("Clusters of the graph")) return "clusters";
  return "narrative";
}

function clusterIdsIn(options: CallOptions): string[] {
  return [...promptText(options).matchAll(/"cluster_id":"([^"]+)"/g)].map((m) => m[1]!);
}

/** What the helpful model writes, in the language the prompt asks for (the checks reject other scripts). */
const TEXTS = {
  en: {
    overview: "LLM overview: you mostly explore graph learning and baking.",
    style: "LLM style: you ask short, focused questions.",
    insight: (id: string) => `LLM insight for ${id}: a steady topic.`,
    pattern: (i: number) => `LLM pattern ${i}: you return to this often.`,
    connection: (i: number) => `LLM connection ${i}: these topics meet.`,
    rec: "Do it this week, step by step.",
  },
  ko: {
    overview: "LLM 개요: 주로 그래프 학습과 빵 굽기를 탐구합니다.",
    style: "LLM 스타일: 짧고 집중된 질문을 합니다.",
    insight: (id: string) => `LLM 인사이트 ${id}: 꾸준히 이어지는 주제입니다.`,
    pattern: (i: number) => `LLM 패턴 ${i}: 이 주제로 자주 돌아옵니다.`,
    connection: (i: number) => `LLM 연결 ${i}: 두 주제가 서로 만납니다.`,
    rec: "이번 주에 단계별로 해 보세요.",
  },
};

function languageOf(options: CallOptions): keyof typeof TEXTS {
  return promptText(options).includes("Korean") ? "ko" : "en";
}

/** A model that answers each kind of call sensibly, records prompts, and measures calls in flight. */
function helpfulModel(
  opts: { broken?: Kind[]; edit?: (kind: Kind, answer: Record<string, unknown>) => void } = {},
) {
  const prompts: { kind: Kind; text: string }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const model = scripted([
    async (options) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 20));
      inFlight--;
      const kind = kindOf(options);
      const T = TEXTS[languageOf(options)];
      prompts.push({ kind, text: promptText(options) });
      if (opts.broken?.includes(kind)) return reply("this is not JSON at all");
      const answer = (value: Record<string, unknown>) => {
        opts.edit?.(kind, value);
        return reply(JSON.stringify(value));
      };
      if (kind === "overview")
        return answer({
          summary_text: T.overview,
          conversation_style: T.style,
          primary_interests: ["graph learning", "baking"],
        });
      if (kind === "clusters")
        return answer({
          clusters: [
            ...clusterIdsIn(options).map((id) => ({
              cluster_id: id,
              name: `LLM name ${id}`,
              insight_text: T.insight(id),
              common_question_types: ["how-to"],
            })),
            { cluster_id: "cluster_999", insight_text: "invented", common_question_types: [] },
          ],
        });
      const findings = JSON.parse(
        promptText(options)
          .split("\n")
          .find((l) => l.startsWith("{"))!,
      ) as {
        patterns: unknown[];
        connections: unknown[];
        recommendations: unknown[];
      };
      return answer({
        patterns: findings.patterns.map((_, index) => ({ index, description: T.pattern(index) })),
        connections: findings.connections.map((_, index) => ({
          index,
          description: T.connection(index),
        })),
        recommendations: [
          ...findings.recommendations.map((_, index) => ({
            index,
            title: `LLM rec ${index}`,
            description: T.rec,
          })),
          { index: 99, title: "invented", description: "invented" },
        ],
      });
    },
  ]);
  return { model, prompts, maxInFlight: () => maxInFlight };
}

test("the LLM writes the prose from grounded prompts, in parallel, and never the ids", async () => {
  const { model, prompts, maxInFlight } = helpfulModel();
  const llm = createLlmFromModel(model, fastRuntime());
  const { summary, ledgerUsed } = await summarizeGraph(handmadeGraph(), { language: "ko", llm });
  validateOutput("summary.json", summary);
  assert.equal(summary.overview.summary_text, TEXTS.ko.overview);
  assert.deepEqual(summary.overview.primary_interests, ["graph learning", "baking"]);
  for (const c of summary.clusters) {
    assert.equal(c.insight_text, TEXTS.ko.insight(c.cluster_id));
    assert.equal(c.name.startsWith("LLM name"), false, "the graph's own names are kept");
  }
  assert.ok(summary.patterns.every((p) => p.description.startsWith("LLM 패턴")));
  assert.ok(summary.recommendations.every((r) => r.title.startsWith("LLM rec")));
  assert.ok(!summary.recommendations.some((r) => r.title === "invented"));
  for (const id of citedIds(summary)) assert.ok(ORIG_IDS.has(String(id)));
  // Grounded: the prompts carry the computed facts and the requested language.
  const overview = prompts.find((p) => p.kind === "overview")!.text;
  assert.ok(overview.includes("2025-01-06 ~ 2025-06-30") && overview.includes("Korean"));
  const clusters = prompts.find((p) => p.kind === "clusters")!.text;
  assert.ok(clusters.includes('"recency":"dormant"') && clusters.includes("Sourdough"));
  assert.equal(prompts.length, 3, "overview + one cluster batch + narrative");
  assert.ok(maxInFlight() > 1, "calls run in parallel");
  const meta = (summary as Record<string, unknown>).metadata as Record<string, unknown>;
  assert.equal(meta.generator, "llm");
  assert.equal(meta.llm_calls, 3);
  assert.equal(meta.llm_provider, "mock-provider");
  assert.equal(meta.llm_model, "gpt-4o-mini");
  assert.deepEqual(meta.llm_rejections, [
    { item: "clusters.cluster_999", reason: "unknown_id_in_answer" },
    { item: "recommendations.99", reason: "unknown_id_in_answer" },
  ]);
  assert.equal(ledgerUsed?.calls, 3);
});

test("derived names (backend graph) are replaced by the LLM's names", async () => {
  const { model } = helpfulModel();
  const llm = createLlmFromModel(model, fastRuntime());
  const { summary } = await summarizeGraph(backendShaped({ themes: false }), { language: "en", llm });
  validateOutput("summary.json", summary);
  for (const c of summary.clusters) assert.equal(c.name, `LLM name ${c.cluster_id}`);
});

test("invalid output for one part falls back to the local text for that part only", async () => {
  const { model } = helpfulModel({ broken: ["clusters"] });
  const llm = createLlmFromModel(model, fastRuntime());
  const { summary } = await summarizeGraph(handmadeGraph(), { language: "en", llm });
  validateOutput("summary.json", summary);
  assert.equal(summary.overview.summary_text, TEXTS.en.overview);
  for (const c of summary.clusters) {
    assert.ok(c.insight_text.includes(c.name), "local insight kept");
    assert.ok(!c.insight_text.startsWith("LLM"));
  }
  const meta = (summary as Record<string, unknown>).metadata as Record<string, unknown>;
  assert.equal(meta.generator, "mixed");
  assert.deepEqual(meta.llm_failures, ["summary-clusters-1"]);
});

test("a model that fails every call gives the full local summary, not a crash", async () => {
  const llm = createLlmFromModel(scripted([new Error("boom")]), fastRuntime({}));
  const { summary } = await summarizeGraph(handmadeGraph(), { language: "en", llm });
  validateOutput("summary.json", summary);
  assert.ok(summary.overview.summary_text.includes("12"));
  const meta = (summary as Record<string, unknown>).metadata as Record<string, unknown>;
  assert.equal(meta.generator, "local");
  assert.equal((meta.llm_failures as string[]).length, 3);
});

test("the number of calls is bounded however many clusters there are", async () => {
  const nodes: SummaryGraphInput["nodes"] = [];
  const clusters: Record<string, { name: string; description: string; size: number; key_themes: string[] }> =
    {};
  for (let c = 0; c < 40; c++) {
    clusters[`cluster_${c + 1}`] = { name: `Topic ${c + 1}`, description: "", size: 2, key_themes: [] };
    for (let k = 0; k < 2; k++)
      nodes.push({ id: c * 2 + k, orig_id: `n${c}-${k}`, cluster_id: `cluster_${c + 1}`, timestamp: null });
  }
  const { model, prompts } = helpfulModel();
  const llm = createLlmFromModel(model, fastRuntime());
  const { summary } = await summarizeGraph(
    { nodes, edges: [], metadata: { clusters } },
    { language: "en", llm },
  );
  validateOutput("summary.json", summary);
  const clusterCalls = prompts.filter((p) => p.kind === "clusters").length;
  assert.equal(clusterCalls, MAX_CLUSTER_CALLS);
  assert.ok(prompts.length <= 2 + MAX_CLUSTER_CALLS);
  const llmWritten = summary.clusters.filter((c) => c.insight_text.startsWith("LLM")).length;
  assert.equal(llmWritten, CLUSTERS_PER_CALL * MAX_CLUSTER_CALLS, "the rest keep local text");
});

test("when the LLM names derived clusters, the local sentences that stay use the new names", async () => {
  const { model } = helpfulModel({ broken: ["narrative"] });
  const llm = createLlmFromModel(model, fastRuntime());
  const { summary } = await summarizeGraph(backendShaped({ themes: false }), { language: "en", llm });
  const text = JSON.stringify([summary.patterns, summary.connections, summary.recommendations]);
  assert.ok(!/“Topic \d+”/.test(text), text);
  assert.ok(text.includes("“LLM name cluster_"), text);
});

test("the real run's defects: Korean gibberish overview and a cut-off pattern are replaced per item", async () => {
  const { model } = helpfulModel({
    edit: (kind, answer) => {
      if (kind === "overview") answer.summary_text = "새롭에 있어운방에 있어운방은";
      if (kind === "narrative") {
        const patterns = answer.patterns as { index: number; description: string }[];
        patterns[0]!.description = "Consolidate repeated questions about ";
      }
    },
  });
  const llm = createLlmFromModel(model, fastRuntime());
  const local = await summarizeGraph(handmadeGraph(), { language: "en", llm: null, now: new Date(0) });
  const { summary } = await summarizeGraph(handmadeGraph(), { language: "en", llm, now: new Date(0) });
  validateOutput("summary.json", summary);
  assert.equal(summary.overview.summary_text, local.summary.overview.summary_text, "local overview kept");
  assert.equal(
    summary.overview.conversation_style,
    TEXTS.en.style,
    "the good field of the same answer is used",
  );
  assert.equal(summary.patterns[0]!.description, local.summary.patterns[0]!.description);
  assert.ok(summary.patterns.slice(1).every((p) => p.description.startsWith("LLM pattern")));
  const meta = (summary as Record<string, unknown>).metadata as Record<string, unknown>;
  assert.equal(meta.generator, "mixed");
  assert.deepEqual(meta.llm_parts, { overview: "partial", clusters: "llm", narrative: "partial" });
  const rejections = meta.llm_rejections as { item: string; reason: string }[];
  assert.deepEqual(
    rejections.filter((r) => !r.reason.startsWith("unknown_id")),
    [
      { item: "overview.summary_text", reason: "wrong_script" },
      { item: "patterns.0.description", reason: "incomplete_sentence" },
    ],
  );
  const texts = meta.llm_texts as { accepted: number; rejected: number };
  assert.equal(texts.rejected, rejections.length);
  assert.ok(texts.accepted > 5);
});

test("an English answer to a Korean request is rejected item by item: no sentence is taken", async () => {
  const { model } = helpfulModel();
  // The model ignores the language: every prompt says Korean, every answer is English.
  const english = scripted([
    async (o) => {
      const text = promptText(o).replace(/Korean/g, "English");
      return model.doGenerate({ ...o, prompt: [{ role: "user", content: [{ type: "text", text }] }] });
    },
  ]);
  const llm = createLlmFromModel(english, fastRuntime());
  const { summary } = await summarizeGraph(handmadeGraph(), { language: "ko", llm });
  const meta = (summary as Record<string, unknown>).metadata as Record<string, unknown>;
  // Only labels in Latin script (interests, question types) pass: technical terms are fine in Korean.
  assert.deepEqual(meta.llm_parts, { overview: "partial", clusters: "local", narrative: "local" });
  assert.ok(!summary.recommendations.some((r) => r.title.startsWith("LLM")), "no title without its text");
  assert.ok(!summary.overview.summary_text.startsWith("LLM"));
  for (const c of summary.clusters) assert.ok(!c.insight_text.startsWith("LLM"));
});
