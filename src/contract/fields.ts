/**
 * Small schema builders shared by the contract files. Inputs are tolerant (null means absent, defaults are
 * applied); outputs are strict (what the backend needs must be there, in the type it needs).
 */
import { z } from "zod";

/**
 * An optional input field. `null` counts as absent: the backend drops `undefined` keys, but a Prisma/DB null
 * (e.g. a user's `preferredLanguage`) would arrive as `null`, and the incumbent's pydantic models accept it.
 */
export function optionalInput<T extends z.ZodType>(schema: T) {
  return schema
    .nullish()
    .transform((v) => (v ?? undefined) as z.output<T> | undefined)
    .optional();
}

/** An optional input string where "" or whitespace also counts as absent (bucket, language, schema_name). */
export function optionalText() {
  return z
    .string()
    .nullish()
    .transform((v) => (v === null || v === undefined || v.trim() === "" ? undefined : v))
    .optional();
}

/** An input field with the incumbent's default, applied when the key is absent or null. */
export function withDefault<T extends z.ZodType>(schema: T, value: z.output<T>) {
  return schema
    .nullish()
    .meta({ default: value })
    .transform((v) => (v ?? value) as z.output<T>);
}

/** A string that is not empty after trimming (the backend trims and skips empty ones). */
export const nonBlankString = z.string().refine((s) => s.trim().length > 0, { message: "must not be empty" });

/**
 * An S3 object key as results carry it: bare (no `s3://`, no bucket), pointing at one object. The backend
 * always downloads it from its payload bucket, so a URL or a prefix would be a silent failure there.
 */
export const bareS3KeySchema = z
  .string()
  .min(1)
  .refine((k) => !/^s3:\/\//i.test(k), { message: "must be a bare key, not an s3:// URL" })
  .refine((k) => !k.startsWith("/") && !k.endsWith("/"), {
    message: "must be an object key (no leading or trailing slash)",
  });

/** A real ISO-8601 UTC timestamp ending in `Z` (what `new Date().toISOString()` gives). */
export const isoUtcTimestampSchema = z.iso.datetime();

/** An ISO-8601 timestamp in UTC or with an offset (stored verbatim by the backend). */
export const isoTimestampSchema = z.iso.datetime({ offset: true });

/** A JSON object (not an array, not null); its keys are not checked. */
export const jsonObjectSchema = z.record(z.string(), z.unknown());

/** An id in an input file: strings, and numbers as the loaders accept them (`{"id": 42}`). */
export const inputIdSchema = z.union([z.string().min(1), z.number()]);

/** A time in an input file: unix seconds or ms, an ISO string, or null/absent ("unknown"). */
export const inputTimeSchema = z.union([z.number(), z.string(), z.null()]).optional();

/** `path: message` for the first few issues, for error texts that must stay short. */
export function describeIssues(error: z.ZodError, max = 3): string {
  return describePathIssues(error.issues as { path: PropertyKey[]; message: string }[], max);
}

/** describeIssues for issues found outside a schema parse (same format). */
export function describePathIssues(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  max = 3,
): string {
  const shown = issues.slice(0, max).map((issue) => {
    const path = issue.path.map((p) => (typeof p === "number" ? `[${p}]` : String(p))).join(".");
    return `${path === "" ? "(root)" : path.replace(/\.\[/g, "[")}: ${issue.message}`;
  });
  const more = issues.length - shown.length;
  return more > 0 ? `${shown.join("; ")}; (+${more} more)` : shown.join("; ");
}
