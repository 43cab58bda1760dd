/**
 * One bad element never sinks a whole input: an adapter that cannot make an item of an element (not an
 * object, no id where the id is the graph's orig_id) throws `UnusableElement`, and the loop reading the file
 * skips that element, reports it through `onSkip` (counted and warned by the caller) and goes on.
 *
 * It is a terminal INVALID_INPUT TaskError, so a caller that does not catch it still fails the same way as
 * before rather than with an internal error.
 */
import { TaskError } from "../../contract/errors.js";
import type { LoadOptions } from "./types.js";

export class UnusableElement extends TaskError {
  constructor(message: string) {
    super("INVALID_INPUT", message, { kind: "terminal" });
    this.name = "UnusableElement";
  }
}

/** `build()`, or undefined when it throws UnusableElement (reported as a skip). Other errors propagate. */
export function orSkip<T>(build: () => T, options: Pick<LoadOptions, "onSkip" | "onWarning">): T | undefined {
  try {
    return build();
  } catch (err) {
    if (!(err instanceof UnusableElement)) throw err;
    reportSkip(options, err.message);
    return undefined;
  }
}

/** A skipped element: counted through onSkip when given, else at least warned about. */
export function reportSkip(options: Pick<LoadOptions, "onSkip" | "onWarning">, message: string): void {
  if (options.onSkip) options.onSkip(message);
  else options.onWarning?.(`skipped: ${message}`);
}
