/**
 * bench:search-embed — search-embedding throughput (items/s) on debian-scale items with all-MiniLM-L6-v2
 * (int8 ONNX, the test model assembled from PyPI; or SEARCH_EMBEDDING_MODEL=<dir>), the way the search index
 * embeds them (title + text from the start, truncated to max_seq_length, length-sorted batches), and, in the
 * same run on the same texts and model file, a Python baseline (bench/search_embed_python.py).
 *
 * The baseline is NOT sentence-transformers: that needs torch, whose only PyPI builds for Linux pull in the
 * CUDA stack (gigabytes) and which no other index here offers, so it is not installed. The baseline is
 * Python onnxruntime + HF tokenizers on the same int8 ONNX file, with sentence-transformers' own recipe
 * (encode() sorts by length, batches of 32, pads per batch, mean-pools, normalises). It is skipped, saying why,
 * when python3 lacks onnxruntime/tokenizers/numpy.
 *
 * Also: the regeneration case (the content-hash cache), i.e. the time to hash every item and embed 1 % of them.
 * Usage: npm run bench:search-embed [-- items=5000 batch=8]   (batch: the provider's default, 8, when not given)
 * Also prints this process's peak RSS (onnxruntime keeps its arena's high-water mark, which grows with the batch).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { createTransformersEmbedder } from "../src/ai/embeddings/transformers/provider.js";
import { contentHash, searchText } from "../src/pipelines/search/text.js";
import { datasetDir } from "../test/support/datasets.js";

const SCALE = datasetDir("debian-scale");
const root = fileURLToPath(new URL("../..", import.meta.url));

interface ChatNode {
  message?: { author?: { role?: string }; content?: { parts?: unknown[] } };
}

/** Title and texts of each item, in the order the loaders give them (conversations' messages, notes' sections). */
function loadItems(): { title: string; texts: { text: string }[] }[] {
  const read = (f: string) => JSON.parse(gunzipSync(readFileSync(`${SCALE}/${f}`)).toString("utf8"));
  const conversations = read("input.json.gz") as { title?: string; mapping: Record<string, ChatNode> }[];
  const notes = read("notes.json.gz") as {
    source_nodes: { title?: string; sections: { content: string }[] }[];
  };
  const out: { title: string; texts: { text: string }[] }[] = [];
  for (const c of conversations) {
    const texts: { text: string }[] = [];
    for (const n of Object.values(c.mapping)) {
      for (const p of n.message?.content?.parts ?? []) if (typeof p === "string") texts.push({ text: p });
    }
    out.push({ title: c.title ?? "", texts });
  }
  for (const n of notes.source_nodes)
    out.push({ title: n.title ?? "", texts: n.sections.map((s) => ({ text: s.content })) });
  return out;
}

function arg(name: string, fallback: number): number {
  const a = process.argv.find((x) => x.startsWith(`${name}=`));
  return a ? Number(a.slice(name.length + 1)) : fallback;
}

async function modelDir(): Promise<string> {
  const configured = process.env.SEARCH_EMBEDDING_MODEL;
  if (configured && existsSync(configured)) return configured;
  const lib = join(root, "scripts", "lib", "models.mjs");
  const { ensureMiniLm } = (await import(lib)) as {
    ensureMiniLm: (log: (l: string) => void) => Promise<string>;
  };
  return ensureMiniLm((l) => process.stderr.write(`${l}\n`));
}

/**
 * Both sides on the same chunks, alternately (ours, then Python's on the same 100 texts, and so on), so a load
 * change on the shared machine hits both alike; the sums give the rates.
 */
async function interleave(
  embedder: { embed(texts: string[]): Promise<unknown> },
  texts: string[],
  args: string[],
) {
  const { spawn } = await import("node:child_process");
  const { createInterface } = await import("node:readline");
  const child = spawn(process.env.PYTHON ?? "python3", [...args, "--serve"], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  child.on("error", () => {});
  child.stdin.on("error", () => {});
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => String((await lines.next()).value ?? "");
  if ((await next()) !== "ready") throw new Error("the Python side did not start");
  let oursS = 0;
  let theirsS = 0;
  for (let start = 0; start < texts.length; start += 100) {
    const chunk = texts.slice(start, start + 100);
    const t = performance.now();
    await embedder.embed(chunk);
    oursS += (performance.now() - t) / 1000;
    child.stdin.write(`${JSON.stringify(chunk)}\n`);
    theirsS += Number(await next());
  }
  child.stdin.end();
  const ours = texts.length / oursS;
  const theirs = texts.length / theirsS;
  return {
    ours_items_per_s: +ours.toFixed(1),
    python_items_per_s: +theirs.toFixed(1),
    ratio: +(ours / theirs).toFixed(2),
  };
}

async function main() {
  const count = arg("items", 5000);
  const batch = arg("batch", 8);
  const dir = await modelDir();
  const all = loadItems();
  // Every fifth item, so the slice has the corpus's mix of conversations and notes.
  const step = Math.max(1, Math.floor(all.length / count));
  const items = all.filter((_, i) => i % step === 0).slice(0, count);

  const embedder = await createTransformersEmbedder({
    localDir: dir,
    dtype: "auto",
    longText: "truncate",
    batchSize: batch,
  });
  const texts = items.map((it) => searchText(it, embedder.maxTokens));
  await embedder.embed(texts.slice(0, batch)); // warm-up: the first run initialises the session
  const t0 = performance.now();
  await embedder.embed(texts);
  const oursS = (performance.now() - t0) / 1000;

  // The regeneration path: hash everything, embed the changed 1 %.
  const identity = { model: "bench", dtype: embedder.dtype ?? "fp32", maxTokens: embedder.maxTokens };
  const t1 = performance.now();
  for (const t of texts) contentHash(t, identity);
  const hashS = (performance.now() - t1) / 1000;
  const changed = texts.filter((_, i) => i % 100 === 0);
  const t2 = performance.now();
  await embedder.embed(changed);
  const changedS = (performance.now() - t2) / 1000;

  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  const tmp = mkdtempSync(join(tmpdir(), "graphnode-bench-search-"));
  let python = "skipped";
  let interleaved: { ours_items_per_s: number; python_items_per_s: number; ratio: number } | string =
    "skipped";
  try {
    const file = join(tmp, "texts.json");
    writeFileSync(file, JSON.stringify(texts));
    const script = join(root, "bench", "search_embed_python.py");
    const py = spawnSync(
      process.env.PYTHON ?? "python3",
      [script, file, dir, String(embedder.maxTokens), String(batch)],
      { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
    );
    python =
      py.status === 0
        ? py.stdout.trim()
        : `skipped (${(py.stderr || py.error?.message || "").trim().split("\n").pop()})`;
    if (py.status === 0)
      interleaved = await interleave(embedder, texts, [
        script,
        file,
        dir,
        String(embedder.maxTokens),
        String(batch),
      ]);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const pyRate = /items_per_s=([\d.]+)/.exec(python)?.[1];
  const ours = texts.length / oursS;
  console.log(
    JSON.stringify(
      {
        model: dir,
        dtype: embedder.dtype,
        maxTokens: embedder.maxTokens,
        items: texts.length,
        batch,
        ours: { seconds: +oursS.toFixed(2), items_per_s: +ours.toFixed(1) },
        // Before the Python child runs: getrusage covers this process only (children are counted apart).
        peak_rss_mb: peakRssMb,
        python_onnxruntime: python,
        interleaved_chunks_of_100: interleaved,
        ...(pyRate ? { ratio: +(ours / Number(pyRate)).toFixed(2) } : {}),
        regeneration_1pct: {
          hash_all_s: +hashS.toFixed(3),
          embed_changed_s: +changedS.toFixed(2),
          share_of_full: +((hashS + changedS) / oursS).toFixed(3),
        },
      },
      null,
      1,
    ),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
