/**
 * Source loading as a CPU-pool job: the parsing of input.json, notes.json and the other JSON inputs, and the
 * text extraction of user files (PDF, Office, HTML, text), run on a worker thread so that the main event
 * loop keeps polling and extending leases while a large bundle is read. The input names local paths (the
 * handler downloads the objects first), so nothing large crosses the thread boundary on the way in; the
 * items come back in batches through `io.send`, each a message of bounded size.
 *
 * A TaskError does not survive the thread boundary with its code (structured clone keeps only name and
 * message), so the job returns it as data and the caller rebuilds it (as the microscope job does).
 */
import { type ErrorCode, type ErrorKind, TaskError } from "../../contract/errors.js";
import type { JobIO } from "../jobs.js";
import { type AddNodeBatch, iterateAddNodeBatch, readAddNodeBatchHeader } from "./addNodeBatch.js";
import { iterateBundle } from "./bundle.js";
import { type ExtractOptions, extractFileAtPath, type FileExtraction } from "./files/extract.js";
import { detectSource, iterateDetected, iterateLegacyInputs } from "./sniff.js";
import type { SourceItem } from "./types.js";

/** File extraction limits that can cross a thread boundary (no signal: aborting ends the thread). */
export type PortableExtractOptions = Omit<ExtractOptions, "signal">;

export type LoadSourcesInput = (
  | {
      /** A backend graph-generation bundle folder (contract §2.1). */
      source: "bundle";
      dir: string;
      /** Content-Type per object name under files/. */
      mimeTypes?: Record<string, string>;
    }
  /** The legacy single key plus extraS3Keys, downloaded to these files; ids are required. */
  | { source: "legacy"; paths: string[] }
  /** Any supported file or folder, detected by shape (the local `graph` command). */
  | { source: "any"; path: string }
  /** An ADD_NODE batch.json (or its folder): its header comes back in the summary. */
  | { source: "addNodeBatch"; path: string }
) & {
  /** Emit Notion pages; when false they are counted in `skippedNotion` instead. Default true. */
  includeNotion?: boolean;
  files?: PortableExtractOptions;
  /** Most warnings kept (the rest are dropped). Default 200. */
  maxWarnings?: number;
};

export interface LoadSourcesSummary {
  /** The detected format (for `source: "any"`), else the input's kind. */
  format: string;
  count: number;
  warnings: string[];
  skippedNotion: number;
  /** Elements that could not become items (no id, not an object, unrecognised) and were skipped. */
  skipped: number;
  /** For `source: "addNodeBatch"`: the batch's userId and existing clusters. */
  batch?: Omit<AddNodeBatch, "items">;
}

export type PortableError = { code: ErrorCode; kind: ErrorKind; message: string };
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: PortableError };

/** A batch is sent once it holds this many characters of text or BATCH_ITEMS items, whichever comes first. */
const BATCH_CHARS = 1_000_000;
const BATCH_ITEMS = 500;

export async function loadSourcesJob(
  input: LoadSourcesInput,
  io: JobIO,
): Promise<Outcome<LoadSourcesSummary>> {
  const warnings: string[] = [];
  const maxWarnings = input.maxWarnings ?? 200;
  let skipped = 0;
  const warn = (m: string) => {
    if (warnings.length < maxWarnings) warnings.push(m);
  };
  const options = {
    onWarning: warn,
    onSkip: (m: string) => {
      skipped++;
      warn(`skipped: ${m}`);
    },
    ...(input.files ? { files: input.files } : {}),
  };
  return portable(async () => {
    let format: string = input.source;
    let items: AsyncIterable<SourceItem>;
    let batchHeader: Omit<AddNodeBatch, "items"> | undefined;
    if (input.source === "addNodeBatch") {
      batchHeader = await readAddNodeBatchHeader(input.path);
      items = iterateAddNodeBatch(input.path, options);
    } else if (input.source === "bundle") {
      items = iterateBundle(input.dir, {
        ...options,
        ...(input.mimeTypes ? { mimeTypes: input.mimeTypes } : {}),
      });
    } else if (input.source === "legacy") {
      items = iterateLegacyInputs(input.paths, options);
    } else {
      const detected = await detectSource(input.path);
      format = detected.format;
      items = iterateDetected(detected, options);
    }
    let count = 0;
    let skippedNotion = 0;
    let batch: SourceItem[] = [];
    let batchChars = 0;
    for await (const item of items) {
      if (item.kind === "notion" && input.includeNotion === false) {
        skippedNotion++;
        continue;
      }
      if (item.kind === "file" && item.meta.truncated) {
        options.onWarning(`${item.meta.origin ?? item.title}: text capped (only the start was read)`);
      }
      batch.push(item);
      count++;
      for (const t of item.texts) batchChars += t.text.length;
      if (batchChars >= BATCH_CHARS || batch.length >= BATCH_ITEMS) {
        await io.send(batch);
        batch = [];
        batchChars = 0;
      }
    }
    if (batch.length > 0) await io.send(batch);
    return {
      format,
      count,
      warnings,
      skippedNotion,
      skipped,
      ...(batchHeader ? { batch: batchHeader } : {}),
    };
  });
}

/** One file's text (the microscope's uploaded document), read from `path` on the thread. */
export async function extractFileJob(input: {
  path: string;
  fileName: string;
  mimeType?: string;
  options?: PortableExtractOptions;
}): Promise<FileExtraction> {
  return extractFileAtPath(
    input.path,
    { fileName: input.fileName, ...(input.mimeType ? { mimeType: input.mimeType } : {}) },
    input.options,
  );
}

async function portable<T>(run: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (err) {
    if (err instanceof TaskError) {
      return { ok: false, error: { code: err.code, kind: err.kind, message: err.message } };
    }
    throw err;
  }
}

/** The job's value, or its TaskError rebuilt on this side of the thread boundary. */
export function unwrapOutcome<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  throw new TaskError(outcome.error.code, outcome.error.message, { kind: outcome.error.kind });
}
