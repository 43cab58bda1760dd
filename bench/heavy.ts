/**
 * bench:heavy — wall time and peak RSS of a heavy user's GRAPH_GENERATION_REQUEST through `graphnode-worker
 * run`'s code path (runEnvelopeLocally: the production runner, handler, CPU pool and a real Chroma), summary
 * included, search index off (SEARCH_EMBEDDING_MODEL=none), no LLM (local names). Two cases (issue 12, item 9):
 *
 *   scale  all of debian-scale (input.json + notes.json, ~26,500 items, 29 MB)      target ≤ 1 GB, ≤ 60 s
 *   big    a ~314 MB input.json of ~150,000 conversations built from debian-scale   target ≤ 2 GB, ≤ 5 min
 *   search the scale case with the search index on (issue 11): SEARCH_EMBEDDING_MODEL=<model directory>
 *          (e.g. the test cache's all-MiniLM-L6-v2; SEARCH_EMBEDDING_DTYPE as configured)   ≤ 1.5 GB, ≤ 5 min
 *
 * The big input is generated here into a temporary folder (removed afterwards), never stored in the repo:
 * HEAVY_COPIES rounds (default 6) over debian-scale's conversations, each new conversation the messages of
 * two of them in one chain (so items are about twice as long as debian-scale's), fresh ids per round.
 * Each case runs in a child process of its own, so its peak RSS (getrusage maxRSS: main thread and CPU-pool
 * threads; Chroma is a process of its own and not counted) is its own; RSS is also sampled every 100 ms and
 * the peak is attributed to the progress stage being reported at that moment.
 *
 * Usage: npm run bench:heavy [-- scale,big,search]     HEAVY_COPIES=6  DEBIAN_SCALE_DIR=…  CPU_POOL_SIZE (default 1)
 */
import { spawn } from "node:child_process";
import {
  cpSync,
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { loadConfig } from "../src/config.js";
import { runEnvelopeLocally } from "../src/runtime/localRun.js";
import { createLogger } from "../src/runtime/logger.js";
import { getTestChroma } from "../test/support/chroma.js";
import { datasetDir } from "../test/support/datasets.js";

const SCALE = datasetDir("debian-scale");
const MIB = 1024 * 1024;
const USER = "bench-heavy-user";

interface CaseSpec {
  name: "scale" | "big" | "search";
  targetRssMb: number;
  targetSeconds: number;
}
const CASES: Record<string, CaseSpec> = {
  scale: { name: "scale", targetRssMb: 1024, targetSeconds: 60 },
  big: { name: "big", targetRssMb: 2048, targetSeconds: 300 },
  search: { name: "search", targetRssMb: 1536, targetSeconds: 300 },
};

/** The search model of the "search" case (SEARCH_EMBEDDING_MODEL, a directory); the other cases run without. */
function searchModelOf(spec: CaseSpec): string {
  if (spec.name !== "search") return "none";
  const dir = process.env.SEARCH_EMBEDDING_MODEL;
  if (!dir || dir === "none")
    throw new Error("bench:heavy search: set SEARCH_EMBEDDING_MODEL to a model directory");
  return dir;
}

interface ChildReport {
  status: string;
  error?: string;
  summaryIncluded: boolean;
  wallSeconds: number;
  peakRssMb: number;
  peakRssByStage: Record<string, number>;
  secondsByStage: Record<string, number>;
  timing: Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------- child side

async function runChild(envelopePath: string, storageDir: string): Promise<void> {
  // The parent sets SEARCH_EMBEDDING_MODEL per case (searchModelOf).
  const config = loadConfig(process.env);
  const log = createLogger({ level: "warn" });
  const body = readFileSync(envelopePath, "utf8");
  const taskId = (JSON.parse(body) as { taskId: string }).taskId;
  const peakByStage: Record<string, number> = {};
  const secondsByStage: Record<string, number> = {};
  let stage = "start";
  let stageStart = performance.now();
  const sample = () => {
    const rss = process.memoryUsage.rss() / MIB;
    peakByStage[stage] = Math.max(peakByStage[stage] ?? 0, Math.round(rss));
  };
  const sampler = setInterval(sample, 100);
  const t0 = performance.now();
  const { result } = await runEnvelopeLocally({
    body,
    storageDir,
    config,
    log,
    onProgress: (env) => {
      const label = String((env.payload as { currentStage?: string }).currentStage ?? "");
      const name = label.replace(/\s*(시작|중|완료)$/, "");
      if (name && name !== stage) {
        sample();
        secondsByStage[stage] = Math.round(performance.now() - stageStart) / 1000;
        stage = name;
        stageStart = performance.now();
      }
    },
  });
  const wallSeconds = (performance.now() - t0) / 1000;
  secondsByStage[stage] = Math.round(performance.now() - stageStart) / 1000;
  clearInterval(sampler);
  sample();
  const payload = (result?.payload ?? {}) as Record<string, unknown>;
  let timing: Record<string, unknown> = {};
  try {
    timing = JSON.parse(
      readFileSync(join(storageDir, `results/macro/${USER}/${taskId}/timing.json`), "utf8"),
    ) as Record<string, unknown>;
  } catch {
    // No timing.json: the task failed; the status says so.
  }
  const report: ChildReport = {
    status: String(payload.status ?? "no result"),
    ...(payload.error ? { error: String(payload.error) } : {}),
    summaryIncluded: payload.summaryIncluded === true,
    wallSeconds: Math.round(wallSeconds * 10) / 10,
    // maxRSS is in KiB and covers every thread of this process.
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    peakRssByStage: peakByStage,
    secondsByStage,
    timing,
  };
  process.stdout.write(`HEAVY_REPORT ${JSON.stringify(report)}\n`);
}

// --------------------------------------------------------------------------------------------- parent side

type Conversation = {
  id: string;
  title: string;
  create_time?: number;
  update_time?: number;
  mapping: Record<string, { id: string; message?: unknown; parent: string | null; children: string[] }>;
};

/** The messages of a linear-chain conversation, root first. */
function chain(c: Conversation): unknown[] {
  const nodes = Object.values(c.mapping);
  let node = nodes.find((n) => n.parent === null);
  const out: unknown[] = [];
  while (node) {
    if (node.message) out.push(node.message);
    node = node.children[0] ? c.mapping[node.children[0]] : undefined;
  }
  return out;
}

function stitched(id: string, a: Conversation, b: Conversation): Conversation {
  const messages = [...chain(a), ...chain(b)];
  const mapping: Conversation["mapping"] = {};
  messages.forEach((m, i) => {
    const mid = `${id}_m${i}`;
    mapping[mid] = {
      id: mid,
      message: { ...(m as object), id: mid },
      parent: i === 0 ? null : `${id}_m${i - 1}`,
      children: i + 1 < messages.length ? [`${id}_m${i + 1}`] : [],
    };
  });
  return {
    id,
    title: a.title,
    ...(a.create_time ? { create_time: a.create_time } : {}),
    ...(a.update_time ? { update_time: a.update_time } : {}),
    mapping,
  };
}

/** Writes the big input.json piece by piece (never one giant string); returns its size and count. */
async function writeBigInput(path: string, copies: number): Promise<{ bytes: number; count: number }> {
  const source = JSON.parse(
    gunzipSync(readFileSync(join(SCALE, "input.json.gz"))).toString("utf8"),
  ) as Conversation[];
  const out = createWriteStream(path);
  const done = new Promise<void>((resolve, reject) => {
    out.once("error", reject);
    out.once("finish", resolve);
  });
  let bytes = 0;
  let count = 0;
  const write = async (s: string) => {
    bytes += Buffer.byteLength(s);
    if (!out.write(s)) await new Promise<void>((r) => out.once("drain", () => r()));
  };
  await write("[");
  const n = source.length;
  for (let r = 0; r < copies; r++) {
    // A different partner per round (a stride coprime with most sizes), so rounds are not copies of each other.
    const stride = 7919 * (r + 1);
    for (let i = 0; i < n; i++) {
      const partner = source[(i + stride) % n]!;
      const conv = stitched(`heavy-r${r}-${source[i]!.id}`, source[i]!, partner);
      await write(`${count === 0 ? "" : ","}${JSON.stringify(conv)}`);
      count++;
    }
  }
  await write("]");
  out.end();
  await done;
  return { bytes, count };
}

function childEntry(): string {
  return fileURLToPath(import.meta.url);
}

async function runCase(spec: CaseSpec, chromaUrl: string): Promise<ChildReport & { input: string }> {
  const dir = mkdtempSync(join(tmpdir(), `bench-heavy-${spec.name}-`));
  try {
    const storage = join(dir, "storage");
    const inputDir = join(storage, "heavy");
    mkdirSync(inputDir, { recursive: true });
    let payload: Record<string, unknown>;
    let input: string;
    if (spec.name === "scale" || spec.name === "search") {
      writeFileSync(join(inputDir, "input.json"), gunzipSync(readFileSync(join(SCALE, "input.json.gz"))));
      writeFileSync(join(inputDir, "notes.json"), gunzipSync(readFileSync(join(SCALE, "notes.json.gz"))));
      payload = { s3Key: "heavy/input.json", extraS3Keys: ["heavy/notes.json"] };
      input = "debian-scale input.json + notes.json";
    } else {
      const copies = Number(process.env.HEAVY_COPIES ?? 6);
      const t = performance.now();
      const { bytes, count } = await writeBigInput(join(inputDir, "input.json"), copies);
      payload = { s3Key: "heavy/input.json" };
      input = `${count} conversations, input.json ${(bytes / MIB).toFixed(0)} MiB (generated in ${((performance.now() - t) / 1000).toFixed(0)} s)`;
    }
    const taskId = `heavy-${spec.name}-${Date.now()}`;
    const envelopePath = join(dir, "envelope.json");
    writeFileSync(
      envelopePath,
      JSON.stringify({
        taskId,
        taskType: "GRAPH_GENERATION_REQUEST",
        payload: { userId: USER, bucket: "bench", includeSummary: true, ...payload },
      }),
    );
    process.stderr.write(`bench:heavy ${spec.name}: ${input}\n`);
    const child = spawn(
      process.execPath,
      [...(process.env.MEMTRACE_GC ? ["--expose-gc"] : []), childEntry(), "child", envelopePath, storage],
      {
        env: {
          ...process.env,
          CHROMA_URL: chromaUrl,
          // A collection per case, so a run never upserts onto another run's records.
          MACRO_CHROMA_COLLECTION: `bench_heavy_${spec.name}_${Date.now()}`,
          SEARCH_EMBEDDING_MODEL: searchModelOf(spec),
          SEARCH_CHROMA_COLLECTION: `bench_heavy_search_index_${Date.now()}`,
        },
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d;
    });
    child.stdout.on("error", () => {});
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once("error", reject);
      child.once("exit", resolve);
    });
    // HEAVY_KEEP_DIR: keep the case's result files (graph.json, summary.json, …) for a closer look.
    const keep = process.env.HEAVY_KEEP_DIR;
    if (keep) cpSync(join(storage, "results"), join(keep, spec.name), { recursive: true });
    const line = stdout.split("\n").find((l) => l.startsWith("HEAVY_REPORT "));
    if (!line) throw new Error(`bench:heavy ${spec.name}: the child exited ${code} without a report`);
    return { ...(JSON.parse(line.slice("HEAVY_REPORT ".length)) as ChildReport), input };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (process.argv[2] === "child") {
    await runChild(process.argv[3]!, process.argv[4]!);
    return;
  }
  const names = (process.argv[2] ?? "scale,big").split(",").filter(Boolean);
  const chroma = await getTestChroma();
  let failed = false;
  try {
    for (const name of names) {
      const spec = CASES[name];
      if (!spec) throw new Error(`unknown case ${name} (scale, big, search)`);
      const r = await runCase(spec, chroma.url);
      const ok =
        r.status === "COMPLETED" &&
        r.summaryIncluded &&
        r.peakRssMb <= spec.targetRssMb &&
        r.wallSeconds <= spec.targetSeconds;
      if (!ok) failed = true;
      console.log(
        JSON.stringify(
          {
            case: name,
            input: r.input,
            status: r.status,
            ...(r.error ? { error: r.error } : {}),
            summary_included: r.summaryIncluded,
            wall_s: r.wallSeconds,
            peak_rss_mb: r.peakRssMb,
            target: `≤ ${spec.targetRssMb} MB, ≤ ${spec.targetSeconds} s`,
            within_target: ok,
            seconds_by_stage: r.secondsByStage,
            peak_rss_mb_by_stage: r.peakRssByStage,
            timing: r.timing,
          },
          null,
          2,
        ),
      );
    }
  } finally {
    await chroma.stop();
  }
  // Out of target is reported, not an error exit: the numbers are the point, and machines differ.
  if (failed) console.log("bench:heavy: some case is outside its target (see within_target)");
}

await main();
