/**
 * The soak's line of figures and its verdict. The line is meant to be quoted as is:
 *   soak seed=1 requests=500 (...) kills=24 (...) faults=310 (s3 ...; chroma ...) results=452 lost=0
 *   duplicate=1 wrongly-failed=0 exhausted=0 unindexed=0 garbage-in-dlq=60/60 crashes=0 queue-empty=yes
 *   seconds=312.4
 * The verdict lists what breaks the soak's promises: loss (no answer, or garbage missing from the DLQ), a
 * worker crash that was not one of the kills, a request queue not empty at the end (these three make `npm run
 * soak` exit non-zero), and, as findings, wrongly failed requests, unindexed results, wrong answers and
 * duplicates over the bound.
 */
import type { FaultKind } from "../../test/support/faultProxy.js";
import type { SoakReport } from "./harness.js";
import { WORKER_SETTINGS } from "./options.js";
import { KINDS } from "./plan.js";

const SHORT: Record<FaultKind, string> = {
  status503: "503",
  status500: "500",
  resetBeforeResponse: "reset-before",
  resetMidBody: "reset-mid-body",
  cutMidBody: "cut-mid-body",
  tooLarge: "413",
};

function faultText(counts: Record<FaultKind, number>): string {
  return (Object.keys(SHORT) as FaultKind[])
    .filter((k) => counts[k] > 0)
    .map((k) => `${SHORT[k]}:${counts[k]}`)
    .join(" ");
}

const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);

/** Duplicates allowed: none on a FIFO result queue; at most 1 per 500 requests on a standard one. */
export function duplicateBound(r: Pick<SoakReport, "sent" | "options">): number {
  if (r.options.fifo) return 0;
  return Math.max(1, Math.ceil(sum(r.sent) / 500));
}

/** Unindexed results produced before the last allowed receive (after it, completing without the index is allowed). */
export function unindexedEarly(r: SoakReport): number {
  return r.unindexed.filter((p) => {
    const m = /receive (\d+) of/.exec(p.why);
    return !m || Number(m[1]) < WORKER_SETTINGS.MAX_RECEIVE_COUNT;
  }).length;
}

export function figuresLine(r: SoakReport): string {
  const kinds = KINDS.filter((k) => r.sent[k] > 0)
    .map((k) => `${k} ${r.sent[k]}`)
    .join(", ");
  const s3 = sum(r.faults.s3);
  const chroma = sum(r.faults.chroma);
  const early = unindexedEarly(r);
  return [
    `soak seed=${r.seed}${r.options.fifo ? " fifo" : ""}`,
    `workers=${r.options.workers}`,
    `requests=${sum(r.sent)} (${kinds}${r.skipped ? `; ${r.skipped} follow-ups skipped` : ""})`,
    `kills=${r.kills.SIGKILL + r.kills.SIGTERM} (SIGKILL ${r.kills.SIGKILL}, SIGTERM ${r.kills.SIGTERM})`,
    `faults=${s3 + chroma} (s3 ${s3}/${r.faults.s3Requests} req: ${faultText(r.faults.s3) || "none"}; chroma ${chroma}/${r.faults.chromaRequests} req: ${faultText(r.faults.chroma) || "none"})`,
    `results=${r.results}`,
    `lost=${r.lost.length}`,
    `duplicate=${r.duplicated.length}${r.duplicateMessages > r.duplicated.length ? ` (${r.duplicateMessages} extra)` : ""}`,
    `wrongly-failed=${r.wronglyFailed.length}`,
    `exhausted=${r.exhausted.length}`,
    `unindexed=${r.unindexed.length}${r.unindexed.length ? ` (${early} before the last receive)` : ""}`,
    `wrong-answer=${r.mismatched.length}`,
    `garbage-in-dlq=${r.garbageInDlq}/${r.garbageSent}`,
    `crashes=${r.crashes.length}`,
    `queue-empty=${r.queueEmpty ? "yes" : `no (${JSON.stringify(r.queueAtEnd)})`}`,
    `seconds=${r.seconds}`,
  ].join(" ");
}

/** Breaches of the soak's hard promises: any makes `npm run soak` exit non-zero. */
export function failures(r: SoakReport): string[] {
  const out: string[] = [];
  if (r.lost.length > 0) out.push(`${r.lost.length} requests lost`);
  if (r.garbageMissing.length > 0) out.push(`${r.garbageMissing.length} garbage bodies not in the DLQ`);
  if (r.crashes.length > 0) out.push(`${r.crashes.length} worker crashes that were not kills`);
  if (!r.queueEmpty) out.push("the request queue is not empty at the end");
  if (r.gaveUp) out.push(`stopped waiting: ${r.gaveUp}`);
  return out;
}

/** Findings that break the issue's "done when" without being a loss. */
export function findings(r: SoakReport): string[] {
  const out: string[] = [];
  if (r.wronglyFailed.length > 0)
    out.push(`${r.wronglyFailed.length} requests FAILED before their receive budget was spent`);
  const early = unindexedEarly(r);
  if (early > 0) out.push(`${early} results COMPLETED without their vectors before the last allowed receive`);
  if (r.mismatched.length > 0) out.push(`${r.mismatched.length} wrong answers`);
  if (r.conflicting.length > 0)
    out.push(`${r.conflicting.length} requests answered twice with different statuses`);
  if (r.duplicated.length > duplicateBound(r))
    out.push(`${r.duplicated.length} requests answered more than once (bound ${duplicateBound(r)})`);
  if (r.unreadableResults > 0) out.push(`${r.unreadableResults} unreadable messages on the result queue`);
  return out;
}

/** The lines of a crash's output that name the error (Node's own report, not the JSON log lines). */
export function crashReason(tail: string): string {
  const lines = tail.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("{"));
  // The thrown error's own line ("TaskError: storage unavailable: …"), else anything that looks like one.
  let i = lines.findIndex((l) => /^\s*(\w*Error|AWS\.\S+)(\s*\[[^\]]*\])?:/.test(l));
  if (i < 0) i = lines.findIndex((l) => /Error|FATAL|uncaught/i.test(l));
  const picked = i >= 0 ? lines.slice(i, i + 2) : lines.slice(-2);
  const emitted = lines.find((l) => l.startsWith("Emitted 'error' event"));
  if (emitted && !picked.includes(emitted)) picked.push(emitted);
  return picked
    .map((l) => l.trim())
    .join(" | ")
    .slice(0, 600);
}

/** The detail lines after the figures: every problem, a few of each kind. */
export function details(r: SoakReport, perKind = 10): string[] {
  const out: string[] = [];
  const list = (title: string, items: { taskId: string; kind: string; why: string }[]) => {
    if (items.length === 0) return;
    out.push(`${title} (${items.length}):`);
    for (const p of items.slice(0, perKind)) out.push(`  ${p.kind} ${p.taskId}: ${p.why}`);
    if (items.length > perKind) out.push(`  … ${items.length - perKind} more`);
  };
  list("lost", r.lost);
  list("wrongly failed", r.wronglyFailed);
  list("exhausted", r.exhausted);
  list("unindexed", r.unindexed);
  list("wrong answers", r.mismatched);
  list("duplicated", r.duplicated);
  if (r.garbageMissing.length)
    out.push(`garbage not in the DLQ: ${r.garbageMissing.slice(0, perKind).join(", ")}`);
  for (const c of r.crashes) {
    out.push(
      `crash ${c.name} pid ${c.pid}: code ${c.code} signal ${c.signal}${c.killedWith ? ` after ${c.killedWith}` : ""}: ${crashReason(c.tail)}`,
    );
  }
  return out;
}
