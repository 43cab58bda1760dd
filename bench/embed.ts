/**
 * bench:embed — wall time and peak RSS of fitting the local embedder (tokenise → vocabulary → randomized
 * SVD → embed every item) on debian-scale, at 1,000, 10,000 and all items (26,524), plus the size of the
 * saved state and the time to load it and embed 1,000 texts with it (the add_node path).
 *
 * Each size runs in a fresh child process so its peak RSS is its own. The input is what the pipeline embeds:
 * the assistant text of each conversation, the content of each note (gunzipped in memory).
 * Usage: npm run bench:embed [-- sizes=1000,10000,all dim=256]
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { fitLocalEmbedder, type LocalFitStage, loadLocalEmbedder } from "../src/ai/embeddings/index.js";
import { datasetDir } from "../test/support/datasets.js";

const SCALE = datasetDir("debian-scale");

interface ChatNode {
  message?: { author?: { role?: string }; content?: { parts?: unknown[] } };
}

function loadTexts(): string[] {
  const read = (f: string) => JSON.parse(gunzipSync(readFileSync(`${SCALE}/${f}`)).toString("utf8"));
  const conversations = read("input.json.gz") as { mapping: Record<string, ChatNode> }[];
  const notes = read("notes.json.gz") as { source_nodes: { sections: { content: string }[] }[] };
  const out: string[] = [];
  for (const c of conversations) {
    const parts: string[] = [];
    for (const n of Object.values(c.mapping)) {
      if (n.message?.author?.role === "assistant") {
        for (const p of n.message.content?.parts ?? []) if (typeof p === "string") parts.push(p);
      }
    }
    out.push(parts.join("\n"));
  }
  for (const n of notes.source_nodes) out.push(n.sections.map((s) => s.content).join("\n"));
  return out;
}

interface Row {
  items: number;
  fitEmbedMs: number;
  stages: Partial<Record<LocalFitStage, number>>;
  peakRssMb: number;
  rssBeforeMb: number;
  stateMb: number;
  words: number;
  grams: number;
  loadMs: number;
  embed1000Ms: number;
}

function child(size: number, dimension: number): void {
  const all = loadTexts();
  const docs = all.slice(0, size);
  const rssBeforeMb = process.memoryUsage().rss / 1e6;
  const stages: Partial<Record<LocalFitStage, number>> = {};
  let current: LocalFitStage | undefined;
  let since = performance.now();
  const t0 = performance.now();
  const fitted = fitLocalEmbedder(docs, {
    dimension,
    onProgress: (stage) => {
      if (stage === current) return;
      const now = performance.now();
      if (current) stages[current] = Math.round(now - since);
      current = stage;
      since = now;
    },
  });
  const fitEmbedMs = performance.now() - t0;
  if (current) stages[current] = Math.round(performance.now() - since);
  const json = JSON.stringify(fitted.state);
  const t1 = performance.now();
  const loaded = loadLocalEmbedder(json);
  const loadMs = performance.now() - t1;
  // "New" texts for the loaded model: items beyond the fitted ones when there are any.
  const fresh = (all.length > size ? all.slice(size, size + 1000) : all.slice(0, 1000)).slice(0, 1000);
  const t2 = performance.now();
  loaded.embedSync(fresh);
  const embed1000Ms = performance.now() - t2;
  const row: Row = {
    items: docs.length,
    fitEmbedMs: Math.round(fitEmbedMs),
    stages,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    rssBeforeMb: Math.round(rssBeforeMb),
    stateMb: Number((json.length / 1e6).toFixed(1)),
    words: fitted.state.words.length,
    grams: fitted.state.grams.length,
    loadMs: Math.round(loadMs),
    embed1000Ms: Math.round(embed1000Ms),
  };
  process.stdout.write(`${JSON.stringify(row)}\n`);
}

function main(): void {
  const args = new Map(process.argv.slice(2).map((a) => a.split("=") as [string, string]));
  if (args.has("child")) {
    child(Number(args.get("child")), Number(args.get("dim") ?? 256));
    return;
  }
  const dim = Number(args.get("dim") ?? 256);
  const sizes = (args.get("sizes") ?? "1000,10000,all")
    .split(",")
    .map((s) => (s === "all" ? Number.MAX_SAFE_INTEGER : Number(s)));
  console.log(`local embedder (local-tfidf-lsa-v1, ${dim} dimensions) on debian-scale, one process per size`);
  console.log(
    "items   fit+embed  tokenize  vocabulary  svd     embed   peak RSS  (data loaded)  state   load  embed 1k new",
  );
  for (const size of sizes) {
    const r = spawnSync(
      process.execPath,
      [...process.execArgv, process.argv[1]!, `child=${size}`, `dim=${dim}`],
      {
        encoding: "utf8",
        maxBuffer: 1 << 20,
      },
    );
    if (r.status !== 0) {
      console.error(r.stderr);
      process.exitCode = 1;
      return;
    }
    const row = JSON.parse(r.stdout.trim().split("\n").pop()!) as Row;
    const s = (ms: number | undefined) => `${((ms ?? 0) / 1000).toFixed(2)} s`;
    console.log(
      [
        String(row.items).padEnd(7),
        s(row.fitEmbedMs).padStart(9),
        s(row.stages.tokenize).padStart(9),
        s(row.stages.vocabulary).padStart(11),
        s(row.stages.svd).padStart(7),
        s(row.stages.embed).padStart(8),
        `${row.peakRssMb} MB`.padStart(9),
        `(${row.rssBeforeMb} MB)`.padStart(14),
        `${row.stateMb} MB`.padStart(8),
        `${row.loadMs} ms`.padStart(7),
        `${row.embed1000Ms} ms`.padStart(13),
      ].join(" "),
    );
  }
}

main();
