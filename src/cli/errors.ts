/**
 * Errors as a person reads them: one line, `graphnode-worker <command>: <what went wrong> (<what to do>)`,
 * and no stack trace, which says nothing to someone who only wanted a graph of their notes. `--debug` adds
 * the stack and the chain of causes below that line, for a bug report.
 */
import { ConfigError } from "../config.js";
import { type ErrorCode, TaskError } from "../contract/errors.js";

/** Exit codes: 1 the work failed, 2 the command line or the configuration is wrong, 130 interrupted. */
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;

/** A mistake on the command line (a missing argument, a value out of range): exits 2 with a hint. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = "UsageError";
  }
}

const HINT_BY_TASK_CODE: Partial<Record<ErrorCode, string>> = {
  INPUT_NOT_FOUND: "check the path",
  INVALID_INPUT: "see --help for the exports and folders it reads",
  VALIDATION_ERROR: "see --help for the exports and folders it reads",
  UNSUPPORTED_FILE: "see --help for the exports and folders it reads",
  DOCUMENT_TOO_LARGE: "split the input into smaller parts",
  LLM_ERROR: "check the LLM variables (see --help), or unset them to name clusters locally",
  STORAGE_ERROR: "check that the output folder is writable",
};

const HINT_BY_SYSTEM_CODE: Record<string, string> = {
  ENOENT: "check the path",
  ENOTDIR: "check the path",
  EISDIR: "give a file, not a folder",
  EACCES: "check the permissions",
  EPERM: "check the permissions",
  ENOSPC: "free some disk space",
  EMFILE: "raise the open-file limit (ulimit -n)",
  ERR_WORKER_OUT_OF_MEMORY: "give Node more memory (NODE_OPTIONS=--max-old-space-size=4096)",
};

function systemCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === "AbortError" || systemCode(err) === "ABORT_ERR");
}

/** The first line of an error's message: the rest (a ConfigError's list, a parser's excerpt) is folded in. */
function oneLine(err: unknown): string {
  if (err instanceof ConfigError) return `invalid configuration: ${err.problems.join("; ")}`;
  const text = err instanceof Error ? err.message : String(err);
  const collapsed = text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .join("; ");
  return collapsed || (err instanceof Error ? err.name : "unknown error");
}

function hintFor(err: unknown): string {
  if (err instanceof UsageError) return err.hint ?? "see --help";
  if (err instanceof ConfigError) return "fix the variables named; see --help and .env.example";
  if (err instanceof TaskError) return HINT_BY_TASK_CODE[err.code] ?? "run again with --debug for details";
  const code = systemCode(err);
  if (code && HINT_BY_SYSTEM_CODE[code]) return HINT_BY_SYSTEM_CODE[code];
  if (err instanceof RangeError && /call stack|heap/i.test(err.message))
    return "run again with --debug and report it";
  return "run again with --debug for details";
}

export function exitCodeFor(err: unknown): number {
  if (isAbort(err)) return EXIT_INTERRUPTED;
  if (err instanceof UsageError || err instanceof ConfigError) return EXIT_USAGE;
  return EXIT_FAILED;
}

/** The stack of the error and of each cause under it, as `--debug` shows them. */
function stackChain(err: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = err;
  while (current !== undefined && current !== null && !seen.has(current) && parts.length < 10) {
    seen.add(current);
    const text =
      current instanceof Error ? (current.stack ?? `${current.name}: ${current.message}`) : String(current);
    parts.push(parts.length === 0 ? text : `caused by: ${text}`);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join("\n");
}

/** What the command writes to stderr for `err` (ends with a newline). */
export function formatCliError(err: unknown, opts: { command?: string; debug?: boolean }): string {
  const who = opts.command ? `graphnode-worker ${opts.command}` : "graphnode-worker";
  const line = isAbort(err) ? `${who}: interrupted` : `${who}: ${oneLine(err)} (${hintFor(err)})`;
  return opts.debug && !isAbort(err) ? `${line}\n${stackChain(err)}\n` : `${line}\n`;
}
