/**
 * Ids that become segments of result keys (`results/macro/{userId}/{taskId}/…`). They come from the request,
 * so they are checked when the task starts, before any download or computation: a `userId` of "../x" used to
 * be refused only when the results were written, after the whole graph had been built.
 *
 * A segment must be one path segment: not empty, not "." or "..", no "/" or "\", no control characters, and
 * short. The backend's own ids (UUIDs, `user-12345`, `task_{userId}_{ULID}`) always pass.
 */
import { terminal } from "../contract/errors.js";
import { printableKey } from "../infra/safeKey.js";

/** Far above any id the backend makes, far below S3's 1024-byte key limit. */
const MAX_SEGMENT_BYTES = 256;

/** Why `value` cannot be a key segment, or null when it can. */
export function keySegmentProblem(value: string): string | null {
  if (value.length === 0) return "is empty";
  if (value === "." || value === "..") return `is "${value}"`;
  if (value.includes("/")) return "contains /";
  if (value.includes("\\")) return "contains a backslash";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused here.
  if (/[\u0000-\u001f\u007f]/.test(value)) return "contains a control character";
  if (Buffer.byteLength(value) > MAX_SEGMENT_BYTES) return `is longer than ${MAX_SEGMENT_BYTES} bytes`;
  return null;
}

/**
 * Throws terminal INVALID_INPUT naming the first id that cannot be a key segment. Call it first thing in a
 * handler, with every id its keys are built from.
 */
export function assertKeySegments(ids: Readonly<Record<string, string | undefined>>): void {
  for (const [name, value] of Object.entries(ids)) {
    if (value === undefined) continue;
    const problem = keySegmentProblem(value);
    if (problem) {
      throw terminal(
        "INVALID_INPUT",
        `${name} "${printableKey(value)}" cannot be used in an object key (it ${problem})`,
      );
    }
  }
}
