/**
 * The microscope ingest as a CPU-pool job (the no-LLM path: chunking, local extraction and resolution are pure
 * CPU work and must not hold the event loop that keeps leases alive). A TaskError does not survive the
 * thread boundary with its code (structured clone keeps only name and message), so the job returns it as data
 * and the caller rebuilds it.
 */

import type { ErrorCode, ErrorKind } from "../../contract/errors.js";
import { TaskError } from "../../contract/errors.js";
import { ingestDocument } from "./ingest.js";
import type { IngestInput, IngestResult } from "./types.js";

export type LocalIngestInput = Omit<IngestInput, "llm" | "embed" | "signal" | "onProgress">;

export type LocalIngestOutcome =
  | { ok: true; result: IngestResult }
  | { ok: false; error: { code: ErrorCode; kind: ErrorKind; message: string } };

export async function microscopeIngestJob(input: LocalIngestInput): Promise<LocalIngestOutcome> {
  try {
    return { ok: true, result: await ingestDocument(input) };
  } catch (err) {
    if (err instanceof TaskError) {
      return { ok: false, error: { code: err.code, kind: err.kind, message: err.message } };
    }
    throw err;
  }
}

export function unwrapIngestOutcome(outcome: LocalIngestOutcome): IngestResult {
  if (outcome.ok) return outcome.result;
  throw new TaskError(outcome.error.code, outcome.error.message, { kind: outcome.error.kind });
}
