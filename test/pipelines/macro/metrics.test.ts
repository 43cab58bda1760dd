import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { adjustedRandIndex, clusteringScores, vMeasure } from "../../../src/pipelines/macro/metrics.js";

const close = (a: number, b: number, eps = 1e-9) => assert.ok(Math.abs(a - b) < eps, `${a} ≉ ${b}`);

describe("clustering metrics", () => {
  it("scores identical partitions 1, whatever the label names", () => {
    const s = clusteringScores(["a", "a", "b", "b", "c"], [7, 7, 3, 3, 1]);
    close(s.vMeasure, 1);
    close(s.nmi, 1);
    close(s.nmiGeometric, 1);
    close(s.ari, 1);
  });

  it("matches the worked values of scikit-learn's documentation", () => {
    // v_measure_score([0, 0, 1, 2], [0, 0, 1, 1]) = 0.8: homogeneity 2/3, completeness 1.
    const s = clusteringScores([0, 0, 1, 2], [0, 0, 1, 1]);
    close(s.homogeneity, 2 / 3);
    close(s.completeness, 1);
    close(s.vMeasure, 0.8);
    close(s.nmi, 0.8);
    close(s.nmiGeometric, Math.sqrt(2 / 3));
    // adjusted_rand_score([0, 0, 1, 1], [0, 0, 1, 2]) = 4/7 ≈ 0.5714; symmetric.
    close(adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 2]), 4 / 7);
    close(adjustedRandIndex([0, 0, 1, 2], [0, 0, 1, 1]), 4 / 7);
    // adjusted_rand_score([0, 0, 1, 1], [0, 1, 0, 1]) = -0.5.
    close(adjustedRandIndex([0, 0, 1, 1], [0, 1, 0, 1]), -0.5);
    // v_measure_score([0, 0, 1, 1], [0, 1, 2, 3]) = 2/3 (completeness 1/2, homogeneity 1).
    close(vMeasure([0, 0, 1, 1], [0, 1, 2, 3]), 2 / 3);
  });

  it("gives chance-level partitions zero", () => {
    // Everything in one cluster: ARI 0, V-measure 0 (homogeneity 0).
    close(adjustedRandIndex([0, 0, 1, 1], [5, 5, 5, 5]), 0);
    close(vMeasure([0, 0, 1, 1], [5, 5, 5, 5]), 0);
    close(clusteringScores([0, 0, 1, 1], [0, 1, 0, 1]).vMeasure, 0);
  });

  it("computes ARI from the pair-counting formula on a larger table", () => {
    const truth = [0, 0, 0, 0, 1, 1, 1, 2, 2, 2];
    const pred = [0, 0, 1, 1, 1, 1, 2, 2, 2, 2];
    // Contingency cells: (0,0)=2 (0,1)=2 (1,1)=2 (1,2)=1 (2,2)=3 → Σ C(n_ij,2) = 1+1+1+0+3 = 6.
    // Rows 4,3,3 → 6+3+3 = 12; columns 2,4,4 → 1+6+6 = 13; C(10,2) = 45.
    const expected = (12 * 13) / 45;
    close(adjustedRandIndex(truth, pred), (6 - expected) / ((12 + 13) / 2 - expected));
  });

  it("rejects labelings of different lengths", () => {
    assert.throws(() => clusteringScores([0, 1], [0]), RangeError);
  });
});
