/**
 * bench:graph — graph generation at scale on ../shared/datasets/debian-scale (local embeddings, no LLM):
 * wall time per stage and peak RSS at 1,000, 10,000 and all (~26,500) items. Each size runs in its own child
 * process so peak RSS is that size's own. Loading (streamed bundle parse) is timed too.
 */
import { spawnSync } from "node:child_process";
import { createReadStream, createWriteStream, existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { createGunzip } from "node:zlib";
import { buildMacroGraph } from "../src/pipelines/graph/build.js";
import { iterateBundle } from "../src/pipelines/sources/index.js";
import type { SourceItem } from "../src/pipelines/sources/types.js";

const datasetDir = resolve(process.env.DATASET_DIR ?? join(process.cwd(), "../shared/datasets/debian-scale"));

async function unpacked(): Promise<string> {
  const dir = join(tmpdir(), "graphnode-bench-debian-scale");
  mkdirSync(dir, { recursive: true });
  for (const name of ["input.json", "notes.json"]) {
    const out = join(dir, name);
    if (!existsSync(out))
      await pipeline(
        createReadStream(join(datasetDir, `${name}.gz`)),
        createGunzip(),
        createWriteStream(out),
      );
  }
  return dir;
}

async function child(size: number) {
  const dir = await unpacked();
  const t0 = performance.now();
  const all: SourceItem[] = [];
  for await (const item of iterateBundle(dir)) all.push(item);
  // Conversations and notes interleaved so every size holds both kinds.
  const notes = all.filter((i) => i.kind === "note");
  const convs = all.filter((i) => i.kind !== "note");
  const ratio = notes.length / all.length;
  const items: SourceItem[] = [];
  let ni = 0;
  let ci = 0;
  while (items.length < Math.min(size, all.length)) {
    if (ni < notes.length && (ci >= convs.length || ni < items.length * ratio)) items.push(notes[ni++]!);
    else items.push(convs[ci++]!);
  }
  const loadSeconds = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  const out = buildMacroGraph({ items, minClusters: 3, maxClusters: 15 }, { progress() {} });
  const buildSeconds = (performance.now() - t1) / 1000;
  const rssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(
    `${JSON.stringify({ size: items.length, loadSeconds, buildSeconds, rssMb, stages: out.timings, k: out.clusterIds.length, edges: out.edges.length, subclusters: out.subclusters.length })}\n`,
  );
}

async function main() {
  const sizes = (process.env.SIZES ?? "1000,10000,all")
    .split(",")
    .map((s) => (s === "all" ? Number.MAX_SAFE_INTEGER : Number(s)));
  await unpacked();
  console.log(`bench:graph on ${datasetDir} (local embeddings, no LLM, k chosen in [3, 15] by silhouette)`);
  const rows: { size: number; buildSeconds: number }[] = [];
  for (const size of sizes) {
    const r = spawnSync(
      process.execPath,
      ["--max-old-space-size=4096", fileURLToPath(import.meta.url), "--child", String(size)],
      {
        encoding: "utf8",
      },
    );
    const line = r.stdout.trim().split("\n").at(-1) ?? "";
    if (r.status !== 0 || !line.startsWith("{")) {
      console.log(`size ${size}: failed (${r.status}) ${r.stderr.slice(-500)}`);
      continue;
    }
    const m = JSON.parse(line);
    rows.push(m);
    const stages = Object.entries(m.stages as Record<string, number>)
      .map(([k, v]) => `${k} ${v.toFixed(2)}`)
      .join(", ");
    console.log(
      `${String(m.size).padStart(6)} items: build ${m.buildSeconds.toFixed(1)} s (load ${m.loadSeconds.toFixed(1)} s), peak RSS ${Math.round(m.rssMb)} MB, k=${m.k}, ${m.edges} edges, ${m.subclusters} subclusters\n         stages: ${stages}`,
    );
  }
  const ten = rows.find((r) => r.size === 10000);
  const last = rows.at(-1);
  if (ten && last && last.size > 10000) {
    console.log(
      `growth 10,000 → ${last.size}: ${(last.buildSeconds / ten.buildSeconds).toFixed(2)}× time for ${(last.size / ten.size).toFixed(2)}× items`,
    );
  }
}

if (process.argv[2] === "--child") await child(Number(process.argv[3]));
else await main();
