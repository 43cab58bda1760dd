import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { languageHint, loadAddNodeBatch, loadAnySource } from "../../../src/pipelines/sources/index.js";
import { backendConversation, makeDocx, tempDir, writeFiles } from "./fixtures.js";

describe("AddNode batch (contract §2.2)", () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  before(async () => {
    tmp = await tempDir();
  });
  after(() => tmp.cleanup());

  test("batch.json + changed files: header, conversations, notes and files, one item each", async () => {
    const dir = `${tmp.dir}/batch`;
    const fileId = "01KT1AKKD3VPE7YGN7QXT46T2E";
    await writeFiles(dir, {
      "batch.json": {
        userId: "u1",
        existingClusters: [
          { id: "cluster_1", name: "Graph ML", description: "", size: 3, themes: ["GNN"] },
          { id: "cluster_2", name: "Misc" },
        ],
        conversations: [
          backendConversation("conv-e2e-123", "Existing chat", [
            { role: "user", text: "first question" },
            { role: "assistant", text: "first answer" },
            { role: "user", text: "follow-up about knowledge graphs" },
          ]),
          { ...backendConversation("c2", "New chat", []), mapping: {} },
          {
            conversationId: "c3",
            title: "Flat form",
            messages: [
              { role: "user", content: "flat question" },
              { role: "system", content: "hidden" },
              { role: "assistant", content: "flat answer" },
            ],
          },
        ],
        notes: [{ noteId: "n2", title: "New note", content: "# KG\ntext about triples" }],
        files: [
          {
            fileId,
            title: "spec.docx",
            s3Key: `user-files/u1/${fileId}.docx`,
            mimeType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          },
        ],
      },
      [`files/${fileId}_spec.docx`]: await makeDocx(["Specification of the ontology"]),
    });
    const batch = await loadAddNodeBatch(dir);
    assert.equal(batch.userId, "u1");
    assert.deepEqual(batch.existingClusters, [
      { id: "cluster_1", name: "Graph ML", description: "", size: 3, themes: ["GNN"] },
      { id: "cluster_2", name: "Misc", description: "", size: 0, themes: [] },
    ]);
    assert.deepEqual(
      batch.items.map((i) => [i.kind, i.origId, i.sourceType, i.numSections]),
      [
        ["conversation", "conv-e2e-123", "chat", 3],
        ["conversation", "c2", "chat", 0],
        ["conversation", "c3", "chat", 3],
        ["note", "n2", "markdown", 1],
        ["file", fileId, "docx", 1],
      ],
    );
    assert.deepEqual(batch.items[2]!.texts, [
      { role: "user", text: "flat question" },
      { role: "assistant", text: "flat answer" },
    ]);
    const file = batch.items[4]!;
    assert.equal(file.title, "spec.docx");
    assert.match(file.texts[0]!.text, /Specification of the ontology/);
    assert.match(batch.items[3]!.texts[0]!.text, /triples/);
    // The sniffer recognises the folder too.
    assert.equal((await loadAnySource(dir)).format, "add-node-batch");
  });

  test("the test-endpoint variant (test-batch.json, no notes, no conversationId) and a listed file without bytes", async () => {
    const dir = `${tmp.dir}/test-batch`;
    const { conversationId: _drop, ...conversation } = backendConversation("conv-t", "Test", [
      { role: "user", text: "hello" },
    ]);
    await writeFiles(dir, {
      "test-batch.json": {
        userId: "u2",
        existingClusters: [],
        conversations: [conversation],
        files: [
          {
            fileId: "01KMISSING00000000000000000",
            title: "gone.pdf",
            s3Key: "x",
            mimeType: "application/pdf",
          },
        ],
      },
    });
    const batch = await loadAddNodeBatch(dir);
    assert.equal(batch.userId, "u2");
    assert.deepEqual(
      batch.items.map((i) => [i.kind, i.origId, i.sourceType, i.meta.parseError]),
      [
        ["conversation", "conv-t", "chat", undefined],
        ["file", "01KMISSING00000000000000000", "pdf", "file missing"],
      ],
    );
  });
});

test("the language hint follows the dominant script, letting Latin names inside CJK text pass", () => {
  const hint = (text: string) => languageHint([{ text }]);
  assert.equal(hint("A graph neural network learns on graphs."), "en");
  assert.equal(hint("vim-syntax-gtk는 GTK+, GLib, GObject, Pango, Cairo 구문 파일 모음입니다."), "ko");
  assert.equal(hint("グラフニューラルネットワークはGraphを学習します。"), "ja");
  assert.equal(hint("图神经网络在图结构数据上学习表示。"), "zh");
  assert.equal(hint("12345 !!! ---"), undefined);
  assert.equal(languageHint([]), undefined);
});
