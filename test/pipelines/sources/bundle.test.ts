import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { TaskError } from "../../../src/contract/errors.js";
import {
  iterateBundle,
  iterateLegacyInputs,
  loadBundle,
  type SourceItem,
} from "../../../src/pipelines/sources/index.js";
import {
  backendConversation,
  backendNote,
  makeDocx,
  makePdf,
  makePptx,
  NEAR_EMPTY_ZIP,
  STUB_PDF,
  tempDir,
  writeFiles,
} from "./fixtures.js";

const allText = (item: SourceItem) => item.texts.map((t) => t.text).join("\n");
const byId = (items: SourceItem[], id: string) => {
  const item = items.find((i) => i.origId === id);
  assert.ok(item, `no item ${id}`);
  return item;
};

describe("backend graph-generation bundle", () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  before(async () => {
    tmp = await tempDir();
  });
  after(() => tmp.cleanup());

  test("the contract's minimal bundle example gives one item per source with exact ids", async () => {
    const dir = `${tmp.dir}/minimal`;
    await writeFiles(dir, {
      "input.json": `[{"id":"c1","conversation_id":"c1","conversationId":"c1","title":"GNN chat","create_time":1760000000,"update_time":1760000060,
  "mapping":{"m1":{"id":"m1","message":{"id":"m1","author":{"role":"user"},"content":{"content_type":"text","parts":["What is a GNN?"]}},"parent":null,"children":["m2"]},
             "m2":{"id":"m2","message":{"id":"m2","author":{"role":"assistant"},"content":{"content_type":"text","parts":["A graph neural network..."]}},"parent":"m1","children":[]}}}]`,
      "notes.json": `{"source_nodes":[{"id":"n1","title":"LLM note","sections":[{"id":"n1","content":"# LLMs\\nGraphs help."}],"source_type":"markdown","create_time":1760000000,"update_time":1760000000}]}`,
      "files/01KT1AJS0YPC4C3805641TKH5E_report.pdf": await makePdf(["Quarterly graph report"]),
    });
    const items = await loadBundle(dir);
    assert.deepEqual(
      items.map((i) => [i.kind, i.origId, i.sourceType]),
      [
        ["conversation", "c1", "chat"],
        ["note", "n1", "markdown"],
        ["file", "01KT1AJS0YPC4C3805641TKH5E", "pdf"],
      ],
    );
    const chat = byId(items, "c1");
    assert.equal(chat.title, "GNN chat");
    assert.equal(chat.numSections, 2);
    assert.equal(chat.createTime, 1760000000);
    assert.equal(chat.updateTime, 1760000060);
    assert.deepEqual(chat.texts, [
      { role: "user", text: "What is a GNN?" },
      { role: "assistant", text: "A graph neural network..." },
    ]);
    const note = byId(items, "n1");
    assert.equal(note.numSections, 1);
    assert.match(allText(note), /Graphs help\./);
    const file = byId(items, "01KT1AJS0YPC4C3805641TKH5E");
    assert.equal(file.title, "report.pdf");
    assert.equal(file.meta.mimeType, "application/pdf");
    assert.equal(file.meta.parseError, undefined);
    assert.match(allText(file), /Quarterly graph report/);
  });

  test("an e2e-like bundle: empty conversation, five notes, real and broken files → exactly one item each", async () => {
    const dir = `${tmp.dir}/e2e`;
    const notes = ["alpha", "bravo", "charlie", "delta", "echo"].map((w, i) =>
      backendNote(`01NOTE${i}`, `Note ${w}`, `# ${w}\nThe ${w} note text.`),
    );
    await writeFiles(dir, {
      "input.json": [{ ...backendConversation("conv-e2e-123", "Empty chat", []), mapping: {} }],
      "notes.json": { source_nodes: notes },
      "files/01KPDF0000000000000000000A_paper.pdf": await makePdf([
        "Photosynthesis converts light",
        "Chlorophyll pigments",
      ]),
      "files/01KDOCX000000000000000000A_spec.docx": await makeDocx([
        "Mitochondria are organelles",
        "ATP synthesis",
      ]),
      "files/01KPPTX000000000000000000A_deck.pptx": await makePptx([
        { title: "Volcano basics", body: "Magma rises" },
        { title: "Tectonic plates", body: "Subduction zones" },
      ]),
      "files/01KXYZ0000000000000000000A_notes.xyz": "Plain words in an unknown extension",
      "files/01KBROKENPDF00000000000000_stub.pdf": STUB_PDF,
      "files/01KEMPTYZIP000000000000000_empty.docx": NEAR_EMPTY_ZIP,
    });
    const items = await loadBundle(dir, { mimeTypes: { "01KXYZ0000000000000000000A": "text/plain" } });
    assert.equal(items.length, 1 + 5 + 6);
    assert.equal(new Set(items.map((i) => i.origId)).size, items.length);

    const empty = byId(items, "conv-e2e-123");
    assert.equal(empty.kind, "conversation");
    assert.equal(empty.numSections, 0);
    assert.deepEqual(empty.texts, []);

    assert.deepEqual(
      items.filter((i) => i.kind === "note").map((i) => i.origId),
      notes.map((n) => n.id),
    );

    const files = items.filter((i) => i.kind === "file");
    const buckets: Record<string, number> = {};
    for (const f of files) buckets[f.sourceType] = (buckets[f.sourceType] ?? 0) + 1;
    assert.deepEqual(buckets, { pdf: 2, docx: 2, pptx: 1, other: 1 });
    for (const f of files) assert.ok(!["word", "powerpoint", "xyz"].includes(f.sourceType));

    const pdf = byId(items, "01KPDF0000000000000000000A");
    assert.equal(pdf.numSections, 2);
    assert.match(allText(pdf), /Photosynthesis converts light/);
    assert.match(allText(pdf), /Chlorophyll pigments/);
    const docx = byId(items, "01KDOCX000000000000000000A");
    assert.match(allText(docx), /Mitochondria are organelles/);
    assert.match(allText(docx), /cell one/);
    const pptx = byId(items, "01KPPTX000000000000000000A");
    assert.equal(pptx.numSections, 2);
    assert.match(pptx.texts[0]!.text, /Volcano basics/);
    assert.match(pptx.texts[1]!.text, /Subduction zones/);
    const xyz = byId(items, "01KXYZ0000000000000000000A");
    assert.equal(xyz.sourceType, "other");
    assert.equal(xyz.meta.mimeType, "text/plain");
    assert.match(allText(xyz), /unknown extension/);
    for (const id of [
      "01KPDF0000000000000000000A",
      "01KDOCX000000000000000000A",
      "01KPPTX000000000000000000A",
    ]) {
      assert.equal(byId(items, id).meta.parseError, undefined, id);
    }

    const stub = byId(items, "01KBROKENPDF00000000000000");
    assert.equal(stub.sourceType, "pdf");
    assert.match(stub.meta.parseError ?? "", /PDF/);
    assert.equal(stub.numSections, 1);
    const nearEmpty = byId(items, "01KEMPTYZIP000000000000000");
    assert.equal(nearEmpty.sourceType, "docx");
    assert.match(nearEmpty.meta.parseError ?? "", /word\/document\.xml/);
  });

  test("the fileId is the text before the FIRST underscore; the rest is the display name", async () => {
    const dir = `${tmp.dir}/names`;
    await writeFiles(dir, {
      "input.json": "[]",
      "notes.json": { source_nodes: [] },
      "files/uf-e2e-txt_my_notes_v2.md": "# Title\nbody",
    });
    const [item] = await loadBundle(dir);
    assert.equal(item!.origId, "uf-e2e-txt");
    assert.equal(item!.title, "my_notes_v2.md");
    assert.equal(item!.sourceType, "txt");
  });

  test("notions.json and notion.json (with or without tree) give Notion items; title-only pages are kept", async () => {
    const dir = `${tmp.dir}/notion`;
    await writeFiles(dir, {
      "input.json": "[]",
      "notes.json": { source_nodes: [] },
      "notions.json": {
        source_nodes: [
          {
            id: "page-1",
            title: "Roadmap",
            sections: [{ id: "page-1-body", content: "Ship the graph" }],
            source_type: "notion",
            create_time: 1760000000,
            update_time: 0,
          },
          {
            id: "page-2",
            title: "Empty page",
            sections: [{ id: "page-2-body", content: "" }],
            source_type: "notion",
          },
        ],
      },
      "notion.json": {
        schema_version: "1.0",
        workspace_id: "w",
        tree: { nodes: [{ id: "page-3", parent_id: null }] },
        source_nodes: [{ id: "page-3", title: "Tree page", sections: [{ id: "s", content: "Nested text" }] }],
      },
    });
    const items = await loadBundle(dir);
    assert.deepEqual(
      items.map((i) => [i.kind, i.origId, i.sourceType]),
      [
        ["notion", "page-1", "notion"],
        ["notion", "page-2", "notion"],
        ["notion", "page-3", "notion"],
      ],
    );
    assert.equal(byId(items, "page-1").updateTime, null);
    assert.deepEqual(byId(items, "page-2").texts, []);
    assert.equal(byId(items, "page-2").title, "Empty page");
    assert.equal((await loadBundle(dir, { includeNotion: false })).length, 0);
  });

  test("the legacy notes array and the legacy single key + extraS3Keys inputs are sniffed per file", async () => {
    const dir = `${tmp.dir}/legacy`;
    await writeFiles(dir, {
      "bundle/input.json": "[]",
      "bundle/notes.json": [{ id: "ln1", title: "Legacy", content: "# Old\nlegacy note body" }],
      "keys/main.json": [backendConversation("lc1", "Legacy chat", [{ role: "user", text: "hello legacy" }])],
      "keys/extra-notes.json": [{ id: "ln2", title: "Extra", content: "extra body" }],
      "keys/extra-nodes.json": { source_nodes: [backendNote("ln3", "Node", "node body")] },
      "keys/01KLEGACYPDF0000000000000A_scan.pdf": await makePdf(["legacy scanned words"]),
    });
    const bundleItems = await loadBundle(`${dir}/bundle`);
    assert.deepEqual(
      bundleItems.map((i) => [i.kind, i.origId, i.texts[0]?.text]),
      [["note", "ln1", "# Old\nlegacy note body"]],
    );
    const legacy: SourceItem[] = [];
    const keys = ["main.json", "extra-notes.json", "extra-nodes.json", "01KLEGACYPDF0000000000000A_scan.pdf"];
    for await (const item of iterateLegacyInputs(keys.map((k) => `${dir}/keys/${k}`))) legacy.push(item);
    assert.deepEqual(
      legacy.map((i) => [i.kind, i.origId, i.sourceType]),
      [
        ["conversation", "lc1", "chat"],
        ["note", "ln2", "markdown"],
        ["note", "ln3", "markdown"],
        ["file", "01KLEGACYPDF0000000000000A", "pdf"],
      ],
    );
    assert.match(allText(legacy[3]!), /legacy scanned words/);
  });

  test("timestamps: 0 means unknown (null); system messages are counted but not embedded", async () => {
    const dir = `${tmp.dir}/times`;
    await writeFiles(dir, {
      "input.json": [
        backendConversation(
          "t1",
          "Timed",
          [
            { role: "system", text: "You are helpful" },
            { role: "user", text: "Question?" },
            { role: "assistant", text: "Answer." },
          ],
          { create: 0, update: 1760000123 },
        ),
      ],
      "notes.json": { source_nodes: [] },
    });
    const [item] = await loadBundle(dir);
    assert.equal(item!.createTime, null);
    assert.equal(item!.updateTime, 1760000123);
    assert.equal(item!.numSections, 3);
    assert.deepEqual(
      item!.texts.map((t) => t.role),
      ["user", "assistant"],
    );
  });

  test("repeated ids of one kind and elements without ids are skipped with a warning; bad input fails naming the file", async () => {
    const dir = `${tmp.dir}/bad`;
    await writeFiles(dir, {
      "dupe/input.json": [backendConversation("d1", "a", []), backendConversation("d1", "b", [])],
      "dupe/notes.json": { source_nodes: [backendNote("d1", "same id, other kind", "x")] },
      "broken/input.json": '[{"id":"x1","mapping":{}}, {"id": ',
      "noid/input.json": [{ title: "no id", mapping: {} }],
      "notarray/input.json": { id: "x" },
    });
    const warnings: string[] = [];
    const items = await loadBundle(`${dir}/dupe`, { onWarning: (w) => warnings.push(w) });
    assert.deepEqual(
      items.map((i) => [i.kind, i.origId, i.title]),
      [
        ["conversation", "d1", "a"],
        ["note", "d1", "same id, other kind"],
      ],
    );
    assert.equal(warnings.filter((w) => w.includes("duplicate")).length, 1);

    const failure = (code: string, re: RegExp) => (err: unknown) =>
      err instanceof TaskError && err.code === code && err.kind === "terminal" && re.test(err.message);
    await assert.rejects(loadBundle(`${dir}/broken`), failure("INVALID_INPUT", /^input\.json: invalid JSON/));
    // An element without an id is skipped with a warning (issue 12), never the whole input.
    const noIdWarnings: string[] = [];
    assert.deepEqual(await loadBundle(`${dir}/noid`, { onWarning: (w) => noIdWarnings.push(w) }), []);
    assert.match(noIdWarnings.join("\n"), /input\.json: conversation at index 0 has no id/);
    await assert.rejects(loadBundle(`${dir}/notarray`), failure("INVALID_INPUT", /input\.json/));
    await assert.rejects(loadBundle(`${dir}/missing`), failure("INPUT_NOT_FOUND", /folder not found/));
    await assert.rejects(loadBundle(`${dir}`), failure("INVALID_INPUT", /not a graph-generation bundle/));
  });

  test("the async iterator yields items before the input is fully read and can stop early", async () => {
    const dir = `${tmp.dir}/iter`;
    const conversations = Array.from({ length: 50 }, (_, i) =>
      backendConversation(`it${i}`, `chat ${i}`, [{ role: "user", text: `message ${i}` }]),
    );
    await writeFiles(dir, { "input.json": conversations, "notes.json": { source_nodes: [] } });
    const seen: string[] = [];
    for await (const item of iterateBundle(dir)) {
      seen.push(item.origId);
      if (seen.length === 3) break;
    }
    assert.deepEqual(seen, ["it0", "it1", "it2"]);
  });

  test("an aborted signal stops loading with the signal's reason", async () => {
    const dir = `${tmp.dir}/abort`;
    await writeFiles(dir, {
      "input.json": [backendConversation("a1", "a", [])],
      "notes.json": { source_nodes: [] },
    });
    const controller = new AbortController();
    controller.abort(new Error("shutting down"));
    await assert.rejects(loadBundle(dir, { signal: controller.signal }), /shutting down/);
  });
});
