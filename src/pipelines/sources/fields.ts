/** Small readers for loosely typed JSON fields, shared by the format adapters. */

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A string field, or undefined. Numbers are accepted as ids (`{"id": 42}` → "42"). */
export function idString(value: unknown): string | undefined {
  if (typeof value === "string" && value.length > 0) return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return undefined;
}

export function textField(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/**
 * Unix seconds from a number (seconds, or milliseconds when it is clearly too large for seconds) or an ISO
 * string. 0, negatives and unparsable values mean "unknown" → null (the backend writes 0 for unknown).
 */
export function toUnixSeconds(value: unknown): number | null {
  let seconds: number | undefined;
  if (typeof value === "number" && Number.isFinite(value)) {
    // Beyond year 5138 in seconds, so this is milliseconds (Mongo-style createdAt).
    seconds = value > 1e11 ? value / 1000 : value;
  } else if (typeof value === "string" && value.trim() !== "") {
    const s = value.trim();
    if (/^\d+(\.\d+)?$/.test(s)) return toUnixSeconds(Number(s));
    const ms = Date.parse(s);
    if (!Number.isNaN(ms)) seconds = ms / 1000;
  }
  if (seconds === undefined || !(seconds > 0)) return null;
  return Math.floor(seconds);
}

/** Drops text pieces that are empty after trimming; keeps the original text otherwise. */
export function nonEmpty(text: string): boolean {
  return text.trim().length > 0;
}
