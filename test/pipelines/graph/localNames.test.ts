import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { dropSharedTerms, localClusterLabel } from "../../../src/pipelines/graph/localNames.js";

const wordCount = (s: string) => s.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;

describe("local cluster names", () => {
  const chess = [
    "chess engine",
    "chess",
    "board game",
    "engine",
    "puzzle",
    "multiplayer",
    "strategy",
    "cards",
  ];

  it("drops terms that repeat words of better ones", () => {
    const label = localClusterLabel(chess, 12, "en", "cluster_1");
    assert.deepEqual(label.key_themes, ["chess engine", "board game", "puzzle", "multiplayer", "strategy"]);
  });

  it("names with 2–5 words, one description sentence and 3–5 themes", () => {
    const label = localClusterLabel(chess, 12, "en", "cluster_1");
    assert.ok(wordCount(label.name) >= 2 && wordCount(label.name) <= 5, label.name);
    assert.ok(label.name.startsWith("Chess engine"), label.name);
    assert.ok(label.description.startsWith("12 items about chess engine"), label.description);
    assert.equal(label.description.split(/[.。]\s*/).filter(Boolean).length, 1, label.description);
    assert.ok(label.key_themes.length >= 3 && label.key_themes.length <= 5);
    assert.ok(label.key_themes.every((t) => typeof t === "string" && t.length > 0));
  });

  it("writes Korean wording for Korean users and keeps Hangul terms as they are", () => {
    const label = localClusterLabel(["게임", "퍼즐", "체스"], 4, "ko", "cluster_2");
    assert.ok(label.name.includes("게임") && label.name.includes("퍼즐"), label.name);
    assert.match(label.description, /4개/);
    assert.deepEqual(label.key_themes, ["게임", "퍼즐", "체스"]);
  });

  it("falls back to a numbered topic without terms", () => {
    const empty = localClusterLabel([], 5, "en", "cluster_7");
    assert.equal(empty.name, "Topic 7");
    assert.deepEqual(empty.key_themes, []);
    assert.equal(localClusterLabel([], 5, "ko", "cluster_7").name, "주제 7");
  });

  it("drops terms that top many clusters but keeps at least three per cluster", () => {
    const lists = [
      ["package", "file", "kernel", "driver", "module"],
      ["package", "file", "python", "pip", "wheel"],
      ["package", "file", "mail", "smtp", "imap"],
      ["package", "file", "debian", "apt", "dpkg"],
      ["package", "file", "font"],
    ];
    const kept = dropSharedTerms(lists);
    assert.deepEqual(kept[0], ["kernel", "driver", "module"]);
    for (const terms of kept.slice(0, 4)) assert.ok(!terms.includes("package") && !terms.includes("file"));
    assert.deepEqual(kept[4], ["font", "package", "file"], "refilled from the dropped terms, best first");
  });
});
