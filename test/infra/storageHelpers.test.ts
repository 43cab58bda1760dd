import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TaskError } from "../../src/contract/errors.js";
import { jsonByteChunks, jsonChunks } from "../../src/infra/storageHelpers.js";

describe("jsonChunks: JSON.stringify's text in pieces", () => {
  const values: unknown[] = [
    null,
    0,
    "text",
    [],
    {},
    [1, undefined, () => 1, Symbol("s"), null, "x"],
    { a: undefined, b: () => 1, c: 1, '키 "quoted"': "값\u2028", d: { e: { f: { g: [1, { h: 2 }] } } } },
    { when: new Date(0), custom: { toJSON: () => undefined }, kept: { toJSON: (k: string) => `key ${k}` } },
    { nested: [[[[[1, [2, [3]]]]]]], map: new Map([[1, 2]]), n: Number.NaN, inf: Number.POSITIVE_INFINITY },
    Object.assign(Object.create(null), { bare: true }),
  ];
  for (const value of values) {
    it(`writes ${JSON.stringify(value)?.slice(0, 60)} like JSON.stringify`, () => {
      assert.equal([...jsonChunks(value)].join(""), JSON.stringify(value));
      assert.equal(Buffer.concat([...jsonByteChunks(value, 8)]).toString("utf8"), JSON.stringify(value));
    });
  }

  it("refuses what JSON.stringify cannot write at the top", () => {
    assert.throws(() => [...jsonChunks(undefined)], TaskError);
    assert.throws(() => [...jsonChunks(() => 1)], TaskError);
  });

  it("a large array comes in many bounded pieces", () => {
    const big = { items: Array.from({ length: 10_000 }, (_, i) => ({ i, text: "x".repeat(100) })) };
    const pieces = [...jsonByteChunks(big, 64 * 1024)];
    assert.ok(pieces.length > 10, `${pieces.length} pieces`);
    assert.ok(pieces.every((p) => p.length < 70 * 1024));
    assert.equal(Buffer.concat(pieces).toString("utf8"), JSON.stringify(big));
  });
});
