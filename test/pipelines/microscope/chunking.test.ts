/** Token-aware chunking (400/80 on sentence boundaries) and the document size guard. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ERROR_CODES, TaskError } from "../../../src/contract/errors.js";
import { assertDocumentSize, chunkText, ingestDocument } from "../../../src/pipelines/microscope/index.js";
import { sentenceSpans } from "../../../src/pipelines/microscope/sentences.js";
import { countTokens } from "../../../src/pipelines/microscope/tokens.js";
import { debianDocument } from "./fixtures.js";

const fold = (s: string) => s.replace(/\s+/g, " ").trim();

function checkChunks(text: string, maxTokens: number, overlapTokens: number) {
  const chunks = chunkText(text, { maxTokens, overlapTokens });
  assert.ok(chunks.length > 1);
  const starts = new Set(sentenceSpans(text).map((s) => s.start));
  chunks.forEach((c, i) => {
    assert.equal(c.index, i);
    assert.equal(c.text, text.slice(c.start, c.end), "a chunk is a slice of the source");
    assert.equal(c.tokens, countTokens(c.text));
    assert.ok(c.tokens <= maxTokens * 1.05, `chunk ${i}: ${c.tokens} tokens`);
    assert.ok(starts.has(c.start), `chunk ${i} starts at a sentence start`);
  });
  // Every sentence of the text is inside some chunk, in order, and consecutive chunks overlap a little.
  for (const s of sentenceSpans(text))
    assert.ok(
      chunks.some((c) => c.start <= s.start && s.end <= c.end),
      `sentence at ${s.start} is in a chunk`,
    );
  let overlapping = 0;
  for (let i = 1; i < chunks.length; i++) {
    const prev = chunks[i - 1]!;
    const cur = chunks[i]!;
    assert.ok(cur.start > prev.start && cur.end > prev.end, "chunks advance");
    if (cur.start < prev.end) {
      overlapping++;
      assert.ok(countTokens(text.slice(cur.start, prev.end)) <= overlapTokens + 2, "overlap within budget");
    }
  }
  assert.ok(overlapping >= (chunks.length - 1) / 3, `chunks overlap (${overlapping}/${chunks.length - 1})`);
  return chunks;
}

test("English: ≤400-token chunks on sentence boundaries, 80-token overlap, nothing lost", () => {
  const text = debianDocument("en", 40);
  const chunks = checkChunks(text, 400, 80);
  const total = countTokens(text);
  assert.ok(chunks.length >= Math.ceil(total / 400), `${chunks.length} chunks for ${total} tokens`);
});

test("Korean: the same guarantees, and hard-wrapped lines are not sentence breaks", () => {
  const text = debianDocument("ko", 30);
  checkChunks(text, 200, 40);
  const wrapped = "그래프 신경망은 노드와 엣지로 이루어진\n데이터를 처리한다. 두 번째 문장이다.";
  assert.deepEqual(
    sentenceSpans(wrapped).map((s) => fold(s.text)),
    ["그래프 신경망은 노드와 엣지로 이루어진 데이터를 처리한다.", "두 번째 문장이다."],
  );
});

test("text without spaces or punctuation (CJK) is cut between words, under the limit, losing nothing", () => {
  const ko = "띄어쓰기없이아주길게이어지는한국어문장".repeat(120);
  const zh = "图神经网络通过消息传递聚合邻居节点的信息".repeat(120);
  for (const text of [ko, zh]) {
    const chunks = chunkText(text, { maxTokens: 100, overlapTokens: 0 });
    assert.ok(chunks.length > 3);
    for (const c of chunks) assert.ok(c.tokens <= 110, `${c.tokens} tokens`);
    assert.equal(chunks.map((c) => c.text).join(""), text, "no character lost or repeated");
  }
});

test("a chunk three quarters full ends before a heading; the new section starts without overlap", () => {
  const sentence = "This sentence talks about what the section contains. ";
  const perSection = Math.ceil(320 / countTokens(sentence));
  const section = (n: number) => `## Section ${n}\n\n${sentence.repeat(perSection).trim()}`;
  const text = [1, 2, 3, 4].map(section).join("\n\n");
  const chunks = chunkText(text, { maxTokens: 400, overlapTokens: 80 });
  assert.deepEqual(
    chunks.map((c) => c.text.slice(0, 12)),
    [1, 2, 3, 4].map((n) => `## Section ${n}`),
  );
});

test("size guard: DOCUMENT_TOO_LARGE (terminal) above the chunk or character limit", async () => {
  assert.ok(ERROR_CODES.includes("DOCUMENT_TOO_LARGE"));
  const text = debianDocument("en", 40);
  const tooLarge = (err: unknown) =>
    err instanceof TaskError && err.code === "DOCUMENT_TOO_LARGE" && err.kind === "terminal";
  assert.throws(() => chunkText(text, { maxChunks: 3 }), tooLarge);
  assert.throws(() => assertDocumentSize({ chars: 5_000_000 }), tooLarge);
  assert.throws(() => assertDocumentSize({ chunks: 751 }), tooLarge);
  assertDocumentSize({ chars: 10_000, chunks: 750 });
  await assert.rejects(
    ingestDocument({
      text,
      sourceType: "document",
      blockMode: false,
      generateMicroGraphs: false,
      maxChunks: 3,
    }),
    tooLarge,
  );
  await assert.rejects(
    ingestDocument({ text, sourceType: "note", blockMode: true, generateMicroGraphs: true, maxChunks: 3 }),
    tooLarge,
  );
  await assert.rejects(
    ingestDocument({
      text,
      sourceType: "document",
      blockMode: false,
      generateMicroGraphs: false,
      maxChars: 1000,
    }),
    tooLarge,
  );
});

test("an empty or blank document is a terminal INVALID_INPUT with a clear message", async () => {
  for (const text of ["", "   \n\n\t "]) {
    for (const blockMode of [false, true]) {
      await assert.rejects(
        ingestDocument({ text, sourceType: "note", blockMode, generateMicroGraphs: blockMode }),
        (err: unknown) =>
          err instanceof TaskError &&
          err.code === "INVALID_INPUT" &&
          err.kind === "terminal" &&
          /empty/.test(err.message),
      );
    }
  }
});
