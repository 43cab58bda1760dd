import assert from "node:assert/strict";
import { test } from "node:test";
import { assignToClusters, groupOutliers, profileClusters } from "../../../src/pipelines/addNode/assign.js";

/** A unit vector near axis `axis` of a d-dimensional space, jittered deterministically by `k`. */
function near(axis: number, k: number, d = 8, jitter = 0.15): Float32Array {
  const v = new Float32Array(d);
  v[axis] = 1;
  v[(axis + 1 + (k % (d - 1))) % d]! += jitter * (1 + (k % 3));
  v[(axis + 2 + (k % 5)) % d]! += jitter * 0.5;
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

const clusters = [
  { id: "cluster_1", members: [0, 1, 2, 3, 4, 5].map((k) => near(0, k)) },
  { id: "cluster_2", members: [0, 1, 2, 3, 4].map((k) => near(1, k)) },
];

test("profiles: thresholds below the members' own centroid similarities, tightness from the members", () => {
  const profiles = profileClusters(clusters);
  assert.equal(profiles.length, 2);
  for (const p of profiles) {
    assert.ok(p.threshold > 0.12 && p.threshold < 1, `threshold ${p.threshold}`);
    assert.ok(p.tightness > 0.5 && p.tightness <= 1, `tightness ${p.tightness}`);
  }
});

test("items near a centroid join that cluster; similar outliers form a new group; a lone one goes nearest", () => {
  const profiles = profileClusters(clusters);
  const lone = new Float32Array(8);
  lone[0] = 0.25;
  lone[5] = 0.97;
  const ln = Math.hypot(...lone);
  const vectors = [
    near(0, 7),
    near(1, 8),
    near(3, 1, 8, 0.05),
    near(3, 2, 8, 0.05),
    lone.map((x) => x / ln),
    new Float32Array(8),
  ];
  const { assignments, newGroups } = assignToClusters(vectors, profiles);
  assert.deepEqual(assignments[0], { ...assignments[0], kind: "existing", clusterId: "cluster_1" });
  assert.deepEqual(assignments[1], { ...assignments[1], kind: "existing", clusterId: "cluster_2" });
  assert.equal(assignments[2]!.kind, "new");
  assert.equal(assignments[3]!.kind, "new");
  assert.equal(
    (assignments[2] as { group: number }).group,
    (assignments[3] as { group: number }).group,
    "the two similar outliers share one new group",
  );
  assert.equal(newGroups, 1);
  assert.equal(assignments[4]!.kind, "lone");
  assert.equal((assignments[4] as { clusterId: string }).clusterId, "cluster_1", "the nearest cluster");
  assert.equal(assignments[5]!.kind, "empty");
});

test("without existing clusters every item is in a new group, singletons included", () => {
  const { assignments, newGroups } = assignToClusters([near(0, 1), near(0, 2), near(4, 1)], []);
  assert.equal(newGroups, 2);
  assert.deepEqual(
    assignments.map((a) => a.kind),
    ["new", "new", "lone-new"],
  );
});

test("groupOutliers merges only above the linkage", () => {
  const labels = groupOutliers([near(0, 1), near(0, 2), near(6, 1)], 0.5);
  assert.equal(labels[0], labels[1]);
  assert.notEqual(labels[0], labels[2]);
});
