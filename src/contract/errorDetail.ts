/**
 * What a log line needs to find the cause of an unexpected (INTERNAL_ERROR) failure: the error's name and
 * message, the top of its stack, and the same for its `cause` chain. The result message only says "internal
 * error while processing the task" (no internals leak to the backend), so the log is the only place the
 * real cause (e.g. "RangeError: Maximum call stack size exceeded" at facts.js:209) can be read.
 */

/** Stack frames kept per error: enough to see where it was thrown, short enough for one log line. */
const STACK_FRAMES = 8;

/** Causes followed (a cycle or a very long chain stops here). */
const MAX_CAUSES = 3;

export interface ErrorDetail {
  name?: string;
  message: string;
  code?: string;
  stack?: string;
  cause?: ErrorDetail;
}

export function errorDetail(err: unknown, depth = 0): ErrorDetail {
  if (!(err instanceof Error)) return { message: String(err) };
  const code = (err as { code?: unknown }).code;
  const stack = err.stack
    ?.split("\n")
    .slice(0, STACK_FRAMES + 1)
    .join("\n");
  const cause = err.cause;
  return {
    name: err.name,
    message: err.message,
    ...(typeof code === "string" ? { code } : {}),
    ...(stack ? { stack } : {}),
    ...(cause !== undefined && cause !== err && depth < MAX_CAUSES
      ? { cause: errorDetail(cause, depth + 1) }
      : {}),
  };
}
