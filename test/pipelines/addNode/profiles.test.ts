import assert from "node:assert/strict";
import { test } from "node:test";
import {
  dot,
  fromProfilesFile,
  profileClusters,
  profilesFromGraph,
  toProfilesFile,
  updateProfiles,
} from "../../../src/pipelines/addNode/index.js";

function unit(v: number[]): Float32Array {
  const n = Math.hypot(...v);
  return Float32Array.from(v, (x) => x / n);
}

const A = [unit([1, 0.1, 0]), unit([1, 0.2, 0.05]), unit([0.9, 0, 0.1])];
const B = [unit([0, 1, 0.1]), unit([0.1, 1, 0])];

test("profiles from the graph's packed vectors equal profiles from the members", () => {
  const packed = new Float32Array(5 * 3);
  for (const [i, v] of [...A, ...B].entries()) packed.set(v, i * 3);
  const fromGraph = profilesFromGraph(packed, 3, ["a", "a", "a", "b", "b"]);
  const direct = profileClusters([
    { id: "a", members: A },
    { id: "b", members: B },
  ]);
  assert.equal(fromGraph.length, 2);
  fromGraph.forEach((p, i) => {
    assert.equal(p.id, direct[i]!.id);
    assert.equal(p.size, direct[i]!.size);
    assert.ok(Math.abs(dot(p.centroid, direct[i]!.centroid) - 1) < 1e-6);
  });
});

test("a stored profiles file round-trips and is refused for another embedding space", () => {
  const profiles = profileClusters([{ id: "a", members: A }]);
  const file = JSON.parse(
    JSON.stringify(toProfilesFile(profiles, { model: "m", dimension: 3, fingerprint: null })),
  );
  const back = fromProfilesFile(file, { model: "m", dimension: 3 })!;
  assert.equal(back[0]!.size, 3);
  assert.ok(Math.abs(dot(back[0]!.centroid, profiles[0]!.centroid) - 1) < 1e-5);
  assert.equal(fromProfilesFile(file, { model: "other", dimension: 3 }), null);
  assert.equal(fromProfilesFile(file, { model: "m", dimension: 4 }), null);
  assert.equal(fromProfilesFile({ nope: true }, { model: "m", dimension: 3 }), null);
});

test("updating profiles equals profiling all members at once; new clusters get profiles; dropped ones go", () => {
  const before = profileClusters([
    { id: "a", members: A.slice(0, 2) },
    { id: "gone", members: B },
  ]);
  const after = updateProfiles(
    before,
    [
      { clusterId: "a", vector: A[2]! },
      { clusterId: "new_1", vector: B[0]! },
      { clusterId: "new_1", vector: B[1]! },
    ],
    new Set(["a", "new_1"]),
  );
  assert.deepEqual(after.map((p) => p.id).sort(), ["a", "new_1"]);
  const a = after.find((p) => p.id === "a")!;
  const all = profileClusters([{ id: "a", members: A }])[0]!;
  assert.equal(a.size, 3);
  assert.ok(Math.abs(dot(a.centroid, all.centroid) - 1) < 1e-6);
  assert.ok(Math.abs(a.tightness - all.tightness) < 1e-6);
  assert.equal(a.threshold, before[0]!.threshold, "the measured threshold is kept");
  assert.equal(after.find((p) => p.id === "new_1")!.size, 2);
});
