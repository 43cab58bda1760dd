import assert from "node:assert/strict";
import { test } from "node:test";
import { clusteringScores } from "../../../src/pipelines/graph/metrics.js";

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-3, `${a} ≈ ${b}`);

test("identical partitions (up to renaming) score 1", () => {
  const s = clusteringScores(["a", "a", "b", "b", "c"], [7, 7, 3, 3, 9]);
  close(s.vMeasure, 1);
  close(s.nmi, 1);
  close(s.ari, 1);
});

test("known values (checked against scikit-learn's definitions)", () => {
  // sklearn: homogeneity 0.6667 (=2/3·…), v_measure 0.5158, adjusted_rand_score 0.2424 for this pair.
  const truth = [0, 0, 0, 1, 1, 1];
  const pred = [0, 0, 1, 1, 2, 2];
  const s = clusteringScores(truth, pred);
  close(s.homogeneity, 0.6667);
  close(s.completeness, 0.4206);
  close(s.vMeasure, 0.5158);
  close(s.ari, 0.2424);
});

test("a single predicted cluster carries no information", () => {
  const s = clusteringScores(["a", "b", "a", "b"], [1, 1, 1, 1]);
  close(s.homogeneity, 0);
  close(s.vMeasure, 0);
  close(s.ari, 0);
});
