import assert from "node:assert/strict";
import { utimes } from "node:fs/promises";
import { after, before, describe, test } from "node:test";
import { TaskError } from "../../../src/contract/errors.js";
import { detectSource, loadAnySource, type SourceItem } from "../../../src/pipelines/sources/index.js";
import { backendConversation, backendNote, makeDocx, tempDir, writeFiles } from "./fixtures.js";

const allText = (item: SourceItem) => item.texts.map((t) => t.text).join("\n");

/** A ChatGPT export conversation with a regenerated answer, a tool call and an image. */
function chatGptConversation() {
  const node = (
    id: string,
    parent: string | null,
    children: string[],
    message: Record<string, unknown> | null,
  ) => ({
    id,
    parent,
    children,
    message: message === null ? null : { id, ...message },
  });
  const text = (role: string, t: string, extra: Record<string, unknown> = {}) => ({
    author: { role },
    content: { content_type: "text", parts: [t] },
    ...extra,
  });
  const mapping = {
    root: node("root", null, ["sys"], null),
    sys: node("sys", "root", ["u1"], {
      ...text("system", ""),
      metadata: { is_visually_hidden_from_conversation: true },
    }),
    u1: node("u1", "sys", ["a-old", "a-new"], text("user", "How do volcanoes form?")),
    "a-old": node("a-old", "u1", [], text("assistant", "STALE regenerated answer about glaciers")),
    "a-new": node(
      "a-new",
      "u1",
      ["u2"],
      text("assistant", "Volcanoes form where magma reaches the surface."),
    ),
    u2: node("u2", "a-new", ["call"], {
      author: { role: "user" },
      content: {
        content_type: "multimodal_text",
        parts: [
          { content_type: "image_asset_pointer", asset_pointer: "file-service://x" },
          "What is in this photo of lava?",
        ],
      },
    }),
    call: node("call", "u2", ["out"], {
      author: { role: "assistant" },
      recipient: "python",
      content: { content_type: "code", text: "print(SECRET_CODE_TEXT)" },
    }),
    out: node("out", "call", ["final"], {
      author: { role: "tool", name: "python" },
      content: { content_type: "execution_output", text: "TOOL_OUTPUT_TEXT" },
    }),
    final: node(
      "final",
      "out",
      [],
      text("assistant", "The photo shows pahoehoe lava.", { recipient: "all" }),
    ),
  };
  return {
    title: "Volcano chat",
    create_time: 1712345678.9876,
    update_time: 1712349999.5,
    mapping,
    current_node: "final",
    conversation_id: "6616f1e2-aaaa-bbbb-cccc-1234567890ab",
    id: "6616f1e2-aaaa-bbbb-cccc-1234567890ab",
    moderation_results: [],
  };
}

describe("CLI sources: exports, notes folders, sniffing", () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  before(async () => {
    tmp = await tempDir();
  });
  after(() => tmp.cleanup());

  test("a ChatGPT export follows current_node back to the root, skipping tool/system text but counting every message", async () => {
    const dir = `${tmp.dir}/chatgpt`;
    await writeFiles(dir, { "conversations.json": [chatGptConversation()] });
    const { format, items } = await loadAnySource(`${dir}/conversations.json`);
    assert.equal(format, "conversations");
    assert.equal(items.length, 1);
    const [item] = items as [SourceItem];
    assert.equal(item.origId, "6616f1e2-aaaa-bbbb-cccc-1234567890ab");
    assert.equal(item.title, "Volcano chat");
    assert.equal(item.createTime, 1712345678);
    assert.equal(item.updateTime, 1712349999);
    // sys, u1, a-new, u2, call, out, final: the root has no message and a-old is off the branch.
    assert.equal(item.numSections, 7);
    assert.deepEqual(item.texts, [
      { role: "user", text: "How do volcanoes form?" },
      { role: "assistant", text: "Volcanoes form where magma reaches the surface." },
      { role: "user", text: "What is in this photo of lava?" },
      { role: "assistant", text: "The photo shows pahoehoe lava." },
    ]);
    const text = allText(item);
    for (const absent of ["STALE", "SECRET_CODE_TEXT", "TOOL_OUTPUT_TEXT", "asset_pointer"]) {
      assert.ok(!text.includes(absent), absent);
    }
    // An unzipped export folder is recognised by its conversations.json.
    assert.equal((await detectSource(dir)).format, "conversations");
  });

  test("without current_node a branching tree follows the most recent leaf", async () => {
    const dir = `${tmp.dir}/chatgpt-nocurrent`;
    const { current_node: _omit, ...conversation } = chatGptConversation();
    await writeFiles(dir, { "one.json": conversation });
    const { format, items } = await loadAnySource(`${dir}/one.json`);
    assert.equal(format, "chatgpt-conversation");
    assert.ok(!allText(items[0]!).includes("STALE"));
    assert.match(allText(items[0]!), /pahoehoe/);
  });

  test("a Claude export: human/assistant messages, tool blocks skipped, ISO timestamps", async () => {
    const dir = `${tmp.dir}/claude`;
    await writeFiles(dir, {
      "conversations.json": [
        {
          uuid: "c0ffee00-0000-4000-8000-000000000001",
          name: "Rust lifetimes",
          created_at: "2025-03-01T10:00:00.000000Z",
          updated_at: "2025-03-01T10:05:30.500000+00:00",
          account: { uuid: "acc" },
          chat_messages: [
            {
              uuid: "m1",
              sender: "human",
              text: "Explain borrow checking",
              content: [{ type: "text", text: "Explain borrow checking" }],
              created_at: "2025-03-01T10:00:00Z",
            },
            {
              uuid: "m2",
              sender: "assistant",
              text: "",
              content: [
                { type: "thinking", thinking: "HIDDEN_THOUGHTS" },
                { type: "tool_use", name: "search", input: { q: "TOOL_QUERY" } },
                { type: "tool_result", content: [{ type: "text", text: "TOOL_RESULT" }] },
                { type: "text", text: "The borrow checker enforces lifetimes." },
              ],
              created_at: "2025-03-01T10:00:05Z",
            },
          ],
        },
        {
          uuid: "c0ffee00-0000-4000-8000-000000000002",
          name: "",
          created_at: "2025-03-02T00:00:00Z",
          chat_messages: [],
        },
      ],
    });
    const { format, items } = await loadAnySource(dir);
    assert.equal(format, "claude-export");
    assert.deepEqual(
      items.map((i) => [i.origId, i.numSections]),
      [
        ["c0ffee00-0000-4000-8000-000000000001", 2],
        ["c0ffee00-0000-4000-8000-000000000002", 0],
      ],
    );
    const first = items[0]!;
    assert.equal(first.title, "Rust lifetimes");
    assert.equal(first.createTime, Date.parse("2025-03-01T10:00:00Z") / 1000);
    assert.equal(first.updateTime, Math.floor(Date.parse("2025-03-01T10:05:30.5Z") / 1000));
    assert.deepEqual(first.texts, [
      { role: "user", text: "Explain borrow checking" },
      { role: "assistant", text: "The borrow checker enforces lifetimes." },
    ]);
    assert.equal(first.sourceType, "chat");
  });

  test("a folder of markdown notes: recursive, relative-path ids, H1 / front-matter / file-name titles", async () => {
    const dir = `${tmp.dir}/notes`;
    await writeFiles(dir, {
      "garden.md": "Intro line\n\n# Growing tomatoes\nWater daily.",
      "sub/deep/recipes.markdown":
        '---\ntitle: "Soup recipes"\ntags: [food]\n---\n# Ignored H1\nLentil soup.',
      "sub/todo.txt": "buy seeds\nfix fence",
      "sub/code.md": "```\n# not a heading\n```\nPlain body",
      ".hidden/secret.md": "# Hidden",
      "image.png": new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]),
    });
    await utimes(`${dir}/garden.md`, 1700000000, 1700000500);
    const { format, items } = await loadAnySource(dir);
    assert.equal(format, "markdown-folder");
    assert.deepEqual(
      items.map((i) => [i.origId, i.title, i.kind, i.sourceType, i.numSections]),
      [
        ["garden.md", "Growing tomatoes", "note", "markdown", 1],
        ["sub/code.md", "code", "note", "markdown", 1],
        ["sub/deep/recipes.markdown", "Soup recipes", "note", "markdown", 1],
        ["sub/todo.txt", "todo", "note", "markdown", 1],
      ],
    );
    const recipes = items.find((i) => i.origId === "sub/deep/recipes.markdown")!;
    assert.ok(!allText(recipes).includes("tags:"));
    assert.match(allText(recipes), /Lentil soup/);
    assert.equal(items[0]!.updateTime, 1700000500);
  });

  test("single files: a markdown file is a note, a document is a file item named by its file name", async () => {
    const dir = `${tmp.dir}/single`;
    await writeFiles(dir, {
      "idea.md": "# Big idea\ntext",
      "links.md": "[GraphNode](https://example.org) is a note that starts like a JSON array",
      "01KSINGLE000000000000000000_brief.docx": await makeDocx(["Brief text"]),
      "export.zip": new Uint8Array([0x50, 0x4b, 0x05, 0x06]),
    });
    const note = await loadAnySource(`${dir}/idea.md`);
    assert.equal(note.format, "markdown-file");
    assert.deepEqual(
      note.items.map((i) => [i.kind, i.origId, i.title]),
      [["note", "idea.md", "Big idea"]],
    );
    const links = await loadAnySource(`${dir}/links.md`);
    assert.deepEqual(
      links.items.map((i) => [i.kind, i.origId, i.title]),
      [["note", "links.md", "links"]],
    );
    // A zip is read as an export (issue 12); this one is not a readable zip.
    await assert.rejects(loadAnySource(`${dir}/export.zip`), /export\.zip: invalid zip archive/);
    const doc = await loadAnySource(`${dir}/01KSINGLE000000000000000000_brief.docx`);
    assert.equal(doc.format, "document");
    assert.deepEqual(
      doc.items.map((i) => [i.kind, i.origId, i.sourceType, i.title]),
      [["file", "01KSINGLE000000000000000000_brief.docx", "docx", "01KSINGLE000000000000000000_brief.docx"]],
    );
  });

  test("the sniffer recognises bundle folders and JSON shapes, and says what it expected otherwise", async () => {
    const dir = `${tmp.dir}/sniff`;
    await writeFiles(dir, {
      "bundle/input.json": [backendConversation("b1", "x", [{ role: "user", text: "hi" }])],
      "bundle/notes.json": { source_nodes: [backendNote("bn1", "n", "body")] },
      "nodes.json": { schema_version: "1.0", source_nodes: [backendNote("sn1", "n", "body")] },
      "legacy.json": [{ id: "l1", title: "t", content: "c" }],
      "empty.json": "[]",
      "numbers.json": "[1, 2, 3]",
      "object.json": { hello: "world" },
      "empty-folder/readme.pdf": "%PDF-",
    });
    const bundle = await loadAnySource(`${dir}/bundle`);
    assert.equal(bundle.format, "bundle");
    assert.deepEqual(
      bundle.items.map((i) => i.origId),
      ["b1", "bn1"],
    );
    assert.equal((await loadAnySource(`${dir}/nodes.json`)).items[0]!.origId, "sn1");
    assert.equal((await detectSource(`${dir}/legacy.json`)).format, "legacy-notes");
    assert.deepEqual(await loadAnySource(`${dir}/empty.json`), { format: "empty-array", items: [] });

    const invalid = (re: RegExp) => (err: unknown) =>
      err instanceof TaskError && err.code === "INVALID_INPUT" && re.test(err.message);
    await assert.rejects(
      loadAnySource(`${dir}/numbers.json`),
      invalid(/numbers\.json: .*expected ChatGPT.*Claude/),
    );
    await assert.rejects(loadAnySource(`${dir}/object.json`), invalid(/object\.json: .*source_nodes/));
    await assert.rejects(
      loadAnySource(`${dir}/empty-folder`),
      invalid(/empty-folder: .*expected a backend bundle folder/),
    );
    await assert.rejects(
      loadAnySource(`${dir}/nothing-here`),
      (err: unknown) => err instanceof TaskError && err.code === "INPUT_NOT_FOUND",
    );
  });
});
