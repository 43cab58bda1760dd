/**
 * Issue 12, item 11: one pasted 50 MB message. Texts are capped per message and per item before anything is
 * tokenised or crosses to the pool, and the capped node says so in its metadata (text_truncated, as a capped
 * file does) while graph.json counts such nodes. The conversation is read by the real chat loader from an
 * input.json on the real CPU pool, as the GRAPH_GENERATION handler reads it. Time is not asserted.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { cappedTexts, itemText, MAX_ITEM_CHARS, MAX_TEXT_CHARS } from "../../../src/pipelines/graph/build.js";
import { createCpuPool } from "../../../src/runtime/cpuPool.js";
import { createLogger } from "../../../src/runtime/logger.js";
import { generateGraph, KEPT_TEXT_CHARS } from "../../../src/tasks/graphGeneration/generate.js";
import { loadSourcesOnPool } from "../../../src/tasks/graphGeneration/inputs.js";

const LOG_LINE =
  "2026-03-01T10:00:00Z ERROR kubelet: failed to pull image registry.local/api:1.4 (timeout)\n";
const FIFTY_MB = 50 * 1024 * 1024;

function conversation(id: string, title: string, messages: string[]) {
  const mapping: Record<string, unknown> = {};
  messages.forEach((text, i) => {
    mapping[`${id}_m${i}`] = {
      id: `${id}_m${i}`,
      message: {
        id: `${id}_m${i}`,
        author: { role: i % 2 === 0 ? "user" : "assistant" },
        content: { content_type: "text", parts: [text] },
      },
      parent: i === 0 ? null : `${id}_m${i - 1}`,
      children: i + 1 < messages.length ? [`${id}_m${i + 1}`] : [],
    };
  });
  return { id, title, create_time: 1_760_000_000, update_time: 1_760_000_100, mapping };
}

const TOPICS = [
  "sourdough starter hydration and oven crust",
  "kubernetes pod scheduling and helm charts",
  "chess opening theory and endgame technique",
];

describe("text caps (one 50 MB message)", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "textcap-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("cuts each text and the whole item, and keeps what fits untouched", () => {
    const huge = LOG_LINE.repeat(Math.ceil(FIFTY_MB / LOG_LINE.length));
    const one = cappedTexts([{ role: "user", text: huge }]);
    assert.equal(one.truncated, true);
    assert.equal(one.texts[0]!.text.length, MAX_TEXT_CHARS);
    assert.equal(one.texts[0]!.text, huge.slice(0, MAX_TEXT_CHARS));
    assert.equal(one.texts[0]!.role, "user");

    const many = Array.from({ length: 30 }, () => ({ text: "y".repeat(MAX_TEXT_CHARS - 1) }));
    const item = cappedTexts(many);
    assert.equal(item.truncated, true);
    assert.equal(
      item.texts.reduce((s, t) => s + t.text.length, 0),
      MAX_ITEM_CHARS,
    );
    assert.ok(itemText({ title: "t", texts: many }).length <= MAX_ITEM_CHARS + 100);

    // A note section or a file page is not a message: only the item cap applies to it.
    const page = cappedTexts([{ text: "p".repeat(5 * MAX_TEXT_CHARS) }]);
    assert.equal(page.truncated, false);
    assert.equal(page.texts[0]!.text.length, 5 * MAX_TEXT_CHARS);

    const small = [{ text: "a short message" }, { text: "and its answer" }];
    const kept = cappedTexts(small);
    assert.equal(kept.truncated, false);
    assert.equal(kept.texts, small);
    // A surrogate pair at the cut is not split.
    const emoji = cappedTexts([{ role: "assistant", text: `${"z".repeat(MAX_TEXT_CHARS - 1)}😀tail` }]);
    assert.equal(emoji.texts[0]!.text.length, MAX_TEXT_CHARS - 1);
  });

  it("a conversation with a 50 MB message becomes a capped node that says so", async () => {
    const convs = [];
    for (let i = 0; i < 18; i++) {
      const topic = TOPICS[i % 3]!;
      convs.push(
        conversation(`c${i}`, `${topic} ${i}`, [`Tell me about ${topic}.`, `Notes on ${topic}, part ${i}.`]),
      );
    }
    const pasted = LOG_LINE.repeat(Math.ceil(FIFTY_MB / LOG_LINE.length));
    convs.push(
      conversation("pasted-log", "why does my pod not start", [
        "Here is the log:",
        pasted,
        "It is the image pull.",
      ]),
    );
    const path = join(dir, "input.json");
    await writeFile(path, JSON.stringify(convs));

    const cpu = createCpuPool({ threads: 1 });
    try {
      const loaded = await loadSourcesOnPool(cpu, { source: "legacy", paths: [path] });
      assert.equal(loaded.items.length, 19);
      const lines: string[] = [];
      const { graph } = await generateGraph({
        items: loaded.items,
        minClusters: 2,
        maxClusters: 4,
        cpu,
        env: {},
        signal: new AbortController().signal,
        log: createLogger({ level: "warn" }, { write: (l: string) => lines.push(l) }),
      });
      const node = graph.nodes.find((n) => n.orig_id === "pasted-log");
      assert.ok(node, "the pasted-log conversation is a node");
      assert.deepEqual(node.metadata, { text_truncated: true });
      assert.equal(node.num_sections, 3);
      assert.ok(node.keywords.length > 0, "the capped text still gives keywords");
      for (const other of graph.nodes.filter((n) => n.orig_id !== "pasted-log")) {
        assert.equal(other.metadata, undefined, `${other.orig_id} is not capped`);
      }
      assert.equal((graph.metadata as Record<string, unknown>).nodes_with_capped_text, 1);
      assert.ok(
        lines.some((l) => l.includes("capped")),
        "the cap is logged",
      );
      // What stays on this thread afterwards is a bounded sample of every item's text.
      const item = loaded.items.find((it) => it.origId === "pasted-log")!;
      assert.equal(item.meta.truncated, true);
      assert.ok(item.texts.reduce((s, t) => s + t.text.length, 0) <= KEPT_TEXT_CHARS);
      assert.equal(item.texts[0]!.text, "Here is the log:");
    } finally {
      await cpu.close();
    }
  });
});
