/**
 * How `graph` shows its progress. On a terminal: one bar per stage (cli-progress), with counts, the share done
 * and an ETA while it runs, the time it took once done, and warnings printed above the bars. Anywhere else
 * (a pipe, a file, CI), or with `--json`: one JSON line per report, `{"stage","done","total"}`, which scripts
 * and the tests read. Both receive the same forward-only reports (oneShot guards them).
 */
import cliProgress from "cli-progress";
import type { GraphStage } from "../pipelines/progress.js";

export interface GraphProgressView {
  /** `items` items read from the input so far (the reading stage has no total). */
  reading(items: number): void;
  stage(stage: GraphStage, done: number, total: number): void;
  /** A pino destination: log lines (warnings) shown the way this view shows things. */
  readonly logDestination: { write(line: string): void };
  /** Marks every open stage done and leaves the terminal as it was (cursor back). */
  finish(): void;
  /** Stops drawing where it is (an error is about to be printed). */
  abandon(): void;
}

export interface ProgressStream {
  write(chunk: string): boolean;
  isTTY?: boolean;
  columns?: number;
}

/**
 * Bars on a terminal unless JSON was asked for; JSON lines everywhere else. `percentOnly`: the reports are
 * percentages (the worker's progress messages, as `npm run demo` gets them), so no counts are shown.
 */
export function createGraphProgressView(opts: {
  stream: ProgressStream;
  json: boolean;
  percentOnly?: boolean;
}): GraphProgressView {
  return !opts.json && opts.stream.isTTY === true
    ? barsView(opts.stream, opts.percentOnly === true)
    : jsonLinesView(opts.stream);
}

function jsonLinesView(stream: ProgressStream): GraphProgressView {
  return {
    reading() {},
    stage(stage, done, total) {
      stream.write(`${JSON.stringify({ stage, done, total })}\n`);
    },
    logDestination: { write: (line) => void stream.write(line.endsWith("\n") ? line : `${line}\n`) },
    finish() {},
    abandon() {},
  };
}

const LABELS: Readonly<Record<GraphStage | "reading", string>> = {
  reading: "reading",
  embedding: "embedding",
  keywords: "keywords",
  clustering: "clustering",
  edges: "edges",
  merging: "merging",
  summary: "summary",
};

/** Stages whose units are items (the others count steps). */
const ITEM_STAGES: ReadonlySet<string> = new Set(["reading", "embedding", "keywords"]);

/** 7s, 2m 05s, 1h 03m: an ETA or a stage's time, short enough for a bar's line. */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

const count = (n: number) => Math.round(n).toLocaleString("en-US");

interface BarPayload {
  key: GraphStage | "reading";
}

function barLine(width: number, percentOnly: boolean) {
  return (_options: cliProgress.Options, params: cliProgress.Params, payload: BarPayload): string => {
    const label = LABELS[payload.key].padEnd(11);
    const elapsed = ((params.stopTime ?? Date.now()) - params.startTime) / 1000;
    if (payload.key === "reading") {
      const state = params.stopTime ? `done in ${formatSeconds(elapsed)}` : formatSeconds(elapsed);
      return `${label} ${count(params.value)} items read  ${state}`;
    }
    const fraction = Math.min(1, Math.max(0, params.progress || 0));
    const filled = Math.round(fraction * width);
    const bar = `${"█".repeat(filled)}${"░".repeat(width - filled)}`;
    const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
    const unit = ITEM_STAGES.has(payload.key) ? " items" : "";
    const counts = percentOnly ? "" : `  ${count(params.value)}/${count(params.total)}${unit}`;
    const tail =
      fraction >= 1 || params.stopTime
        ? `done in ${formatSeconds(elapsed)}`
        : fraction > 0 && Number.isFinite(params.eta) && params.eta > 0
          ? `ETA ${formatSeconds(params.eta)}`
          : "";
    return `${label} ${bar} ${percent}${counts}  ${tail}`.trimEnd();
  };
}

/** A pino line for a person: its level when above info, and its message. */
export function personLogLine(line: string): string {
  try {
    const record = JSON.parse(line) as { level?: string; msg?: string; err?: { message?: string } };
    const level = record.level && record.level !== "info" ? `${record.level}: ` : "";
    const detail = record.err?.message ? ` (${record.err.message})` : "";
    return `${level}${record.msg ?? ""}${detail}`;
  } catch {
    return line.trim();
  }
}

function barsView(stream: ProgressStream, percentOnly: boolean): GraphProgressView {
  const width = Math.max(10, Math.min(30, (stream.columns || 80) - 52));
  const multibar = new cliProgress.MultiBar({
    stream: stream as unknown as NodeJS.WritableStream,
    format: barLine(width, percentOnly),
    hideCursor: true,
    clearOnComplete: false,
    stopOnComplete: false,
    gracefulExit: false,
    // ETA over the last reports (cli-progress's default of 10 jumps with the embedder's uneven batches).
    etaBuffer: 30,
    etaAsynchronousUpdate: true,
    fps: 8,
  });
  const bars = new Map<GraphStage | "reading", cliProgress.SingleBar>();
  let stopped = false;

  const closeOpenBars = () => {
    for (const bar of bars.values()) {
      if (!bar.isActive) continue;
      if (bar.getTotal() > 0) bar.update(bar.getTotal());
      bar.stop();
    }
  };
  const barFor = (key: GraphStage | "reading", total: number) => {
    let bar = bars.get(key);
    if (!bar) {
      // A new stage means the ones before it are over, whatever they last reported.
      closeOpenBars();
      bar = multibar.create(total, 0, { key } satisfies BarPayload);
      bars.set(key, bar);
    } else if (bar.getTotal() !== total) bar.setTotal(total);
    return bar;
  };
  const print = (text: string) => {
    const line = text.endsWith("\n") ? text : `${text}\n`;
    if (multibar.isActive) multibar.log(line);
    else stream.write(line);
  };
  return {
    reading(items) {
      if (stopped) return;
      barFor("reading", 0).update(items);
    },
    stage(stage, done, total) {
      if (stopped) return;
      const bar = barFor(stage, total);
      bar.update(done);
      // Done means done: its time stops here, whatever runs next without a bar of its own (naming, writing).
      if (total > 0 && done >= total) bar.stop();
    },
    logDestination: { write: (line) => print(personLogLine(line)) },
    finish() {
      if (stopped) return;
      stopped = true;
      closeOpenBars();
      if (multibar.isActive) multibar.update(); // flushes lines logged since the last frame
      multibar.stop();
    },
    abandon() {
      if (stopped) return;
      stopped = true;
      if (multibar.isActive) multibar.update();
      multibar.stop();
    },
  };
}
