/**
 * The local embedder's per-script centring (src/ai/embeddings/local/centring.ts): which documents form a
 * group, that a single-script corpus is left exactly as it was, that a bilingual one loses its language lean,
 * and that a saved state embeds new texts in the same centred space (what ADD_NODE relies on).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { dot, fitLocalEmbedder, loadLocalEmbedder } from "../../../src/ai/embeddings/index.js";
import { scriptGroupOf } from "../../../src/ai/embeddings/local/centring.js";
import { loadDebianDev } from "./debianDev.js";

test("script group of a document: from its terms' scripts, Korean with Latin names is Korean", () => {
  assert.equal(scriptGroupOf(["chess", "engine"]), "latin");
  assert.equal(
    scriptGroupOf(["gnu", "chess", "xboard", "uci", "engine", "fics", "pgn", "san", "체스"]),
    "hangul",
  );
  assert.equal(scriptGroupOf(["東京", "大学", "tokyo"]), "han");
  assert.equal(scriptGroupOf(["привет", "мир", "ok"]), "alpha");
  assert.equal(scriptGroupOf(["2024", "42"]), undefined);
  assert.equal(scriptGroupOf([]), undefined);
});

test("a single-script corpus is not centred: same vectors and fingerprint as without centring", () => {
  const english = loadDebianDev()
    .filter((i) => i.lang === "en")
    .map((i) => i.text);
  const plain = fitLocalEmbedder(english, { dimension: 64, centreByScript: false });
  const byDefault = fitLocalEmbedder(english, { dimension: 64 });
  assert.equal(byDefault.state.centring, undefined);
  assert.equal(byDefault.state.fingerprint, plain.state.fingerprint);
  assert.deepEqual(byDefault.vectors, plain.vectors);
});

test("a bilingual corpus is centred: the language lean of the vectors is gone (topics: test/pipelines/graph/crossLanguage.test.ts)", () => {
  const items = loadDebianDev();
  const texts = items.map((i) => i.text);
  // Mean cosine of different-topic pairs in the same language minus across languages: how much two texts
  // are alike only for sharing a language.
  const lean = (vectors: Float32Array[]) => {
    let within = 0;
    let nWithin = 0;
    let across = 0;
    let nAcross = 0;
    for (let a = 0; a < items.length; a++) {
      for (let b = a + 1; b < items.length; b++) {
        if (items[a]!.label === items[b]!.label) continue;
        const c = dot(vectors[a]!, vectors[b]!);
        if (items[a]!.lang === items[b]!.lang) {
          within += c;
          nWithin++;
        } else {
          across += c;
          nAcross++;
        }
      }
    }
    return within / nWithin - across / nAcross;
  };
  const plain = fitLocalEmbedder(texts, { dimension: 128, centreByScript: false });
  const centred = fitLocalEmbedder(texts, { dimension: 128 });
  const groups = centred.state.centring?.groups ?? {};
  assert.deepEqual(Object.keys(groups).sort(), ["hangul", "latin"]);
  const korean = items.filter((i) => i.lang === "ko").length;
  assert.ok(Math.abs(groups.hangul!.docs - korean) <= korean * 0.05, `${groups.hangul!.docs} of ${korean}`);
  assert.notEqual(centred.state.fingerprint, plain.state.fingerprint, "the centring is part of the space");
  const before = lean(plain.vectors);
  const after = lean(centred.vectors);
  assert.ok(before > 0.05, `uncentred lean ${before.toFixed(4)}`);
  assert.ok(
    Math.abs(after) < before / 4,
    `centred lean ${after.toFixed(4)} (uncentred ${before.toFixed(4)})`,
  );
  for (const v of centred.vectors) assert.ok(Math.abs(dot(v, v) - 1) < 1e-4 || dot(v, v) === 0);
});

test("a saved centred state embeds the fitted and new texts in the same centred space", async () => {
  const items = loadDebianDev();
  const fitted = fitLocalEmbedder(
    items.map((i) => i.text),
    { dimension: 64 },
  );
  assert.ok(fitted.state.centring);
  const loaded = loadLocalEmbedder(JSON.stringify(fitted.state));
  assert.equal(loaded.fingerprint, fitted.state.fingerprint);
  assert.deepEqual(loaded.centredGroups, fitted.embedder.centredGroups);
  const sample = [0, 1, items.length - 2, items.length - 1];
  const again = await loaded.embed(sample.map((i) => items[i]!.text));
  sample.forEach((i, p) => {
    assert.deepEqual(again[p], fitted.vectors[i], `item ${i} embeds as it was fitted`);
  });
});
