/**
 * Issue 12, "one bad item must never sink the whole graph" and "text that is lost or garbled": real export
 * layouts (title-only ChatGPT elements, voice chats, Claude attachments, export zips, split exports),
 * elements without ids, and notes in the encodings users really have.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { strToU8, zipSync } from "fflate";
import { decodeText } from "../../../src/pipelines/sources/files/text.js";
import { loadAnySource, loadBundle, type SourceItem } from "../../../src/pipelines/sources/index.js";
import { loadSourcesJob } from "../../../src/pipelines/sources/job.js";
import { backendConversation, makeZeroBomb, tempDir, writeFiles } from "./fixtures.js";

const allText = (item: SourceItem) => item.texts.map((t) => t.text).join("\n");

/** A one-message ChatGPT export conversation. */
function chatGpt(id: string, title: string, text: string, content?: Record<string, unknown>) {
  return {
    id,
    conversation_id: id,
    title,
    create_time: 1712345678,
    update_time: 1712345999,
    current_node: "m1",
    mapping: {
      root: { id: "root", parent: null, children: ["m1"], message: null },
      m1: {
        id: "m1",
        parent: "root",
        children: [],
        message: {
          id: "m1",
          author: { role: "user" },
          content: content ?? { content_type: "text", parts: [text] },
        },
      },
    },
  };
}

/** A Claude export conversation. */
function claude(uuid: string, name: string, messages: Record<string, unknown>[]) {
  return {
    uuid,
    name,
    created_at: "2025-01-02T03:04:05.000Z",
    updated_at: "2025-01-02T03:05:05.000Z",
    chat_messages: messages,
  };
}

async function runJob(path: string) {
  const items: SourceItem[] = [];
  const outcome = await loadSourcesJob(
    { source: "any", path },
    {
      progress() {},
      async send(batch) {
        items.push(...(batch as SourceItem[]));
      },
    },
  );
  assert.ok(outcome.ok, JSON.stringify(outcome));
  return { ...outcome.value, items };
}

describe("real exports: one bad element never sinks the whole input", () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  before(async () => {
    tmp = await tempDir("real-exports-");
  });
  after(() => tmp.cleanup());

  test("item 1: a title-only ChatGPT element, first or in the middle, becomes a node with its title; a stray value is skipped and counted", async () => {
    const titleOnly = { id: "t-only", title: "Just a title", create_time: 1712340000, mapping: null };
    const chats = Array.from({ length: 8 }, (_, i) =>
      chatGpt(`c${i}`, `chat ${i}`, `message number ${i} about volcanoes`),
    );
    await writeFiles(tmp.dir, {
      "first/conversations.json": [titleOnly, ...chats],
      "middle/conversations.json": [...chats.slice(0, 7), titleOnly, 42, ...chats.slice(7)],
    });
    const first = await loadAnySource(`${tmp.dir}/first/conversations.json`);
    assert.equal(first.format, "conversations");
    assert.deepEqual(
      first.items.slice(0, 2).map((i) => [i.origId, i.title, i.texts.length]),
      [
        ["t-only", "Just a title", 0],
        ["c0", "chat 0", 1],
      ],
    );
    assert.equal(first.items.length, 9);

    const middle = await runJob(`${tmp.dir}/middle/conversations.json`);
    assert.equal(middle.count, 9);
    assert.equal(middle.items[7]!.title, "Just a title");
    assert.equal(middle.skipped, 1);
    assert.ok(middle.warnings.some((w) => /element 8 is not recognised/.test(w)));
  });

  test("item 3: a conversation with an empty-string (or no) id is skipped with a warning, the rest load", async () => {
    const good = backendConversation("good-1", "Good chat", [{ role: "user", text: "hello there" }]);
    const emptyId = { ...backendConversation("x", "Empty id", [{ role: "user", text: "lost" }]) };
    emptyId.id = "";
    emptyId.conversation_id = "";
    emptyId.conversationId = "";
    await writeFiles(tmp.dir, { "bundle3/input.json": [emptyId, good, { title: "no id", mapping: {} }] });
    const warnings: string[] = [];
    const skips: string[] = [];
    const items = await loadBundle(`${tmp.dir}/bundle3`, {
      onWarning: (w) => warnings.push(w),
      onSkip: (s) => skips.push(s),
    });
    assert.deepEqual(
      items.map((i) => i.origId),
      ["good-1"],
    );
    assert.equal(skips.length, 2);
    assert.match(skips[0]!, /input\.json: conversation at index 0 has no id/);
  });

  test("item 5: a voice chat's audio_transcription parts are embedded", async () => {
    const voice = chatGpt("v1", "Voice chat", "", {
      content_type: "multimodal_text",
      parts: [
        { content_type: "audio_transcription", text: "Tell me about sourdough starters.", direction: "in" },
        { content_type: "audio_asset_pointer", asset_pointer: "sediment://file_x", format: "wav" },
        { content_type: "real_time_user_audio_video_asset_pointer", frames_asset_pointers: [] },
      ],
    });
    await writeFiles(tmp.dir, { "voice/conversations.json": [voice] });
    const { items } = await loadAnySource(`${tmp.dir}/voice/conversations.json`);
    assert.equal(allText(items[0]!), "Tell me about sourdough starters.");
    assert.equal(items[0]!.texts[0]!.role, "user");
  });

  test("item 7: Claude attachments' extracted text is embedded, an untitled chat is named by its first user turn, invalid UTF-8 is warned about", async () => {
    const chat = claude("cl-1", "", [
      {
        uuid: "m1",
        sender: "human",
        text: "Please review my packing list for the Alps trip\nand tell me what is missing.",
        content: [
          {
            type: "text",
            text: "Please review my packing list for the Alps trip\nand tell me what is missing.",
          },
        ],
        attachments: [
          { file_name: "list.txt", file_type: "txt", extracted_content: "crampons, ice axe, harness" },
        ],
      },
      { uuid: "m2", sender: "assistant", text: "You are missing a helmet.", content: [] },
    ]);
    await writeFiles(tmp.dir, { "claude/conversations.json": [chat] });
    const { format, items } = await loadAnySource(`${tmp.dir}/claude/conversations.json`);
    assert.equal(format, "claude-export");
    assert.equal(items[0]!.title, "Please review my packing list for the Alps trip");
    assert.match(allText(items[0]!), /crampons, ice axe, harness/);

    // "Grüße" in Latin-1 inside an otherwise UTF-8 JSON file.
    const json = JSON.stringify([
      claude("cl-2", "Greetings", [{ uuid: "a", sender: "human", text: "GRUESSE" }]),
    ]);
    const bytes = Buffer.concat([
      Buffer.from(json.slice(0, json.indexOf("GRUESSE"))),
      Buffer.from("Gr\xfc\xdfe", "latin1"),
      Buffer.from(json.slice(json.indexOf("GRUESSE") + "GRUESSE".length)),
    ]);
    await writeFiles(tmp.dir, { "claude-bad/conversations.json": bytes });
    const warnings: string[] = [];
    const bad = await loadAnySource(`${tmp.dir}/claude-bad/conversations.json`, {
      onWarning: (w) => warnings.push(w),
    });
    assert.equal(bad.items.length, 1);
    assert.ok(
      warnings.some((w) => /conversations\.json: invalid UTF-8/.test(w)),
      warnings.join("; "),
    );
    // A clean file gets no such warning.
    const cleanWarnings: string[] = [];
    await loadAnySource(`${tmp.dir}/claude/conversations.json`, { onWarning: (w) => cleanWarnings.push(w) });
    assert.deepEqual(cleanWarnings, []);
  });

  test("item 8: ChatGPT and Claude export zips are read directly; split conversations-000/-001 parts too; zip limits hold", async () => {
    const chats = [chatGpt("z1", "Zip one", "first zipped chat"), chatGpt("z2", "Zip two", "second")];
    const claudeChats = [claude("cz1", "Claude zipped", [{ uuid: "a", sender: "human", text: "hi claude" }])];
    await writeFiles(tmp.dir, {
      "chatgpt-export.zip": zipSync({
        "conversations.json": strToU8(JSON.stringify(chats)),
        "user.json": strToU8("{}"),
        "file-abc.png": new Uint8Array([1, 2, 3]),
      }),
      "claude-export.zip": zipSync({
        "data-2025/conversations.json": strToU8(JSON.stringify(claudeChats)),
        "data-2025/users.json": strToU8("[]"),
      }),
      "split-export.zip": zipSync({
        "conversations-001.json": strToU8(JSON.stringify([chats[1]])),
        "conversations-000.json": strToU8(JSON.stringify([chats[0]])),
      }),
      "split/conversations-000.json": [chats[0]],
      "split/conversations-001.json": [chats[1]],
      "split/conversations-010.json": [chatGpt("z3", "Zip three", "third")],
      "bomb.zip": makeZeroBomb("conversations.json", 20),
      "photos.zip": zipSync({ "a.png": new Uint8Array([1]) }),
    });
    const gpt = await loadAnySource(`${tmp.dir}/chatgpt-export.zip`);
    assert.equal(gpt.format, "export-zip");
    assert.deepEqual(
      gpt.items.map((i) => [i.origId, i.title]),
      [
        ["z1", "Zip one"],
        ["z2", "Zip two"],
      ],
    );
    const cl = await loadAnySource(`${tmp.dir}/claude-export.zip`);
    assert.deepEqual(
      cl.items.map((i) => [i.origId, i.title, allText(i)]),
      [["cz1", "Claude zipped", "hi claude"]],
    );
    const splitZip = await loadAnySource(`${tmp.dir}/split-export.zip`);
    assert.deepEqual(
      splitZip.items.map((i) => i.origId),
      ["z1", "z2"],
    );
    const splitFolder = await loadAnySource(`${tmp.dir}/split`);
    assert.equal(splitFolder.format, "conversations");
    assert.deepEqual(
      splitFolder.items.map((i) => i.origId),
      ["z1", "z2", "z3"],
    );
    await assert.rejects(loadAnySource(`${tmp.dir}/bomb.zip`), /zip limits exceeded/);
    await assert.rejects(loadAnySource(`${tmp.dir}/photos.zip`), /without conversations\.json/);
  });
});

describe("item 6: plain-text notes in the encodings users have", () => {
  // Written with Python's codecs (cp1252, cp949, shift_jis, gbk), so the bytes are what those encoders make.
  const samples: { name: string; base64: string; text: string }[] = [
    {
      name: "Latin-1 / Windows-1252 German",
      base64: "R3L832UgYXVzIE38bmNoZW4uIFNjaPZuZSBHcvzfZSB1bmQgYmlzIGJhbGQsIEr8cmdlbi4=",
      text: "Grüße aus München. Schöne Grüße und bis bald, Jürgen.",
    },
    {
      name: "CP949 Korean",
      base64: "vsiz58fPvLy/5C4gv8C0wyDIuMDHtMIgvLwgvcO/oSC9w8Dbx9W0z7TZLiDA2rfhuKYgucy4riDA0L7uIMHWvLy/5C4=",
      text: "안녕하세요. 오늘 회의는 세 시에 시작합니다. 자료를 미리 읽어 주세요.",
    },
    {
      name: "Shift_JIS Japanese",
      base64:
        "grGC8YLJgr+CzYFCjaGT+oLMie+LY4LNjk+OnoLJjm6C3ILogtyCt4FCjpGXv4LwjpaRT4LJk8eC8YLFgq2CvoKzgqKBQg==",
      text: "こんにちは。今日の会議は三時に始まります。資料を事前に読んでください。",
    },
    {
      name: "GBK Chinese",
      base64: "xOO6w6OsvfHM7LXEu+HS6cj9teO/qsq8oaPH68zhx7DUxLbB18rBz6OsztLDx8zWwtvP7sS/vMa7rqGj",
      text: "你好，今天的会议三点开始。请提前阅读资料，我们讨论项目计划。",
    },
  ];
  for (const sample of samples) {
    test(sample.name, () => {
      assert.equal(decodeText(Buffer.from(sample.base64, "base64")), sample.text);
    });
  }
  test("the short Latin-1 line of the report", () => {
    assert.equal(decodeText(Buffer.from("Grüße aus München", "latin1")), "Grüße aus München");
  });
  test("a few words, too few for the detector's statistics", () => {
    const short: [string, string][] = [
      ["vsiz5w==", "안녕"], // CP949
      ["grGC8YLJgr+CzQ==", "こんにちは"], // Shift_JIS
      ["UmVhY3SCzGhvb2tzgsWKx5ed", "Reactのhooksで管理"], // Shift_JIS
      ["xOO6w8rAvec=", "你好世界"], // GBK
    ];
    for (const [base64, text] of short) assert.equal(decodeText(Buffer.from(base64, "base64")), text);
    for (const text of ["Grüße", "Müller", "Ça va très bien, merci. À bientôt!", "Crème brûlée"])
      assert.equal(decodeText(Buffer.from(text, "latin1")), text);
  });
  test("UTF-8 without and with a BOM", () => {
    const text = "Grüße aus München, 안녕하세요, こんにちは";
    assert.equal(decodeText(Buffer.from(text)), text);
    assert.equal(decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])), text);
  });
  test("UTF-16 little and big endian, by their BOM", () => {
    const text = "Grüße aus München, 안녕하세요";
    const le = Buffer.from(`\ufeff${text}`, "utf16le");
    assert.equal(decodeText(le), text);
    const be = Buffer.from(le);
    be.swap16();
    assert.equal(decodeText(be), text);
  });
});
