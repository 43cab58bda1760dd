import assert from "node:assert/strict";
import { test } from "node:test";
import { normalizeText } from "../../../src/pipelines/text/index.js";

test("normalizeText applies NFKC and collapses whitespace", () => {
  assert.equal(normalizeText("ＡＢＣ　１２３\n\n\tﬁle  "), "ABC 123 file");
  assert.equal(normalizeText(""), "");
  assert.equal(normalizeText("   \n\t "), "");
});

test("normalizeText removes fenced code blocks but keeps the prose around them", () => {
  const text =
    "Here is how:\n```python\nimport numpy as np\nprint(np.zeros(3))\n```\nThen run it.\n~~~\nls -la\n~~~\nDone.";
  assert.equal(normalizeText(text), "Here is how: Then run it. Done.");
  // An unclosed fence drops only the fence line.
  assert.equal(normalizeText("Start\n```js\nconst x = 1;"), "Start const x = 1;");
});

test("normalizeText keeps identifier-like inline code and drops commands", () => {
  assert.equal(
    normalizeText("Install `numpy` with `pip install numpy==1.26` today"),
    "Install numpy with today",
  );
  assert.equal(normalizeText("Install `numpy` now", { inlineCode: "remove" }), "Install now");
});

test("normalizeText removes URLs, e-mail addresses, HTML tags and decodes entities", () => {
  const text =
    'See <a href="https://example.com/x?y=1">the docs</a> at https://example.com/page or www.example.org, mail me@example.com. <br/>Tom &amp; Jerry &lt;3 &#x263A;';
  assert.equal(normalizeText(text), "See the docs at or , mail . Tom & Jerry <3");
  assert.equal(normalizeText("<script>alert(1)</script>Hi<!-- hidden -->!"), "Hi !");
  // A comparison in prose is not a tag.
  assert.equal(normalizeText("if a < b and b > c"), "if a < b and b > c");
});

test("normalizeText turns markdown links and images into their text and drops markup", () => {
  assert.equal(
    normalizeText("Read [the manual](https://x.org/m) and ![a logo](logo.png)"),
    "Read the manual and a logo",
  );
  assert.equal(
    normalizeText("# Title\n\n**bold** and __strong__\n> quoted\n- item one\n1. item two\n---\n| a | b |"),
    "Title bold and strong quoted item one item two a b",
  );
});

test("normalizeText removes chat citation artefacts", () => {
  assert.equal(
    normalizeText("GNU Chess is strong【4:0†source】 and fast [3†source]."),
    "GNU Chess is strong and fast .",
  );
  assert.equal(
    normalizeText("It ships daily \uE200cite\uE202turn0search1\uE202turn0news3\uE201 builds."),
    "It ships daily builds.",
  );
  assert.equal(normalizeText("Prices rose citeturn0search3turn0news1 last year."), "Prices rose last year.");
  assert.equal(normalizeText("See 【12†L1-L5】 there"), "See there");
  // Lenticular brackets as ordinary CJK punctuation stay.
  assert.equal(normalizeText("【公告】系统维护"), "【公告】系统维护");
});

test("normalizeText removes emoji, including ZWJ sequences, skin tones and flags", () => {
  assert.equal(
    normalizeText("Great job 👍🏽! Family: 👨‍👩‍👧 Flag: 🇰🇷 ok ✅"),
    "Great job ! Family: Flag: ok",
  );
  assert.equal(normalizeText("한국어 텍스트 😀 그대로"), "한국어 텍스트 그대로");
});

test("normalizeText lower-cases only on request", () => {
  assert.equal(normalizeText("GNU Chess"), "GNU Chess");
  assert.equal(normalizeText("GNU Chess", { lowercase: true }), "gnu chess");
});
