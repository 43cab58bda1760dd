import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { distinctTerms, localClusterLabel, localClusterLabels } from "../../../src/pipelines/macro/naming.js";

const wordCount = (s: string) => s.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;

describe("local cluster naming", () => {
  const chess = [
    { term: "chess engine", score: 1 },
    { term: "chess", score: 0.9 },
    { term: "board game", score: 0.8 },
    { term: "engine", score: 0.7 },
    { term: "puzzle", score: 0.6 },
    { term: "multiplayer", score: 0.5 },
    { term: "strategy", score: 0.4 },
    { term: "cards", score: 0.3 },
  ];

  it("drops terms that repeat words of better ones", () => {
    assert.deepEqual(distinctTerms(chess, 5), [
      "chess engine",
      "board game",
      "puzzle",
      "multiplayer",
      "strategy",
    ]);
  });

  it("names with 2–5 words, one description sentence and 3–5 themes", () => {
    const label = localClusterLabel(chess, 12, 0, { language: "en" });
    assert.equal(label.name, "Chess Engine & Board Game");
    assert.ok(wordCount(label.name) >= 2 && wordCount(label.name) <= 5);
    assert.match(label.description, /^12 items about chess engine, board game and puzzle\.$/);
    assert.ok(label.key_themes.length >= 3 && label.key_themes.length <= 5);
    assert.ok(label.key_themes.every((t) => typeof t === "string" && t.length > 0));
  });

  it("writes Korean wording for Korean users and keeps Hangul terms as they are", () => {
    const label = localClusterLabel(
      [
        { term: "게임", score: 1 },
        { term: "퍼즐", score: 0.8 },
        { term: "체스", score: 0.5 },
      ],
      4,
      1,
      { language: "ko" },
    );
    assert.equal(label.name, "게임 · 퍼즐");
    assert.match(label.description, /항목 4개/);
    assert.deepEqual(label.key_themes, ["게임", "퍼즐", "체스"]);
  });

  it("pads a one-word name and falls back to a numbered topic without terms", () => {
    assert.equal(localClusterLabel([{ term: "astronomy" }], 3, 0).name, "Astronomy Topics");
    const empty = localClusterLabel([], 5, 6);
    assert.equal(empty.name, "Topic 7");
    assert.deepEqual(empty.key_themes, []);
    assert.ok(empty.description.length > 0);
  });

  it("makes names unique across clusters", () => {
    const labels = localClusterLabels(
      [
        chess,
        chess,
        chess,
        [
          { term: "mail", score: 1 },
          { term: "smtp server", score: 0.5 },
        ],
      ],
      [10, 8, 6, 4],
    );
    const names = labels.map((l) => l.name.toLowerCase());
    assert.equal(new Set(names).size, names.length, names.join(" | "));
    assert.equal(labels[3]!.name, "Mail & Smtp Server");
  });
});
