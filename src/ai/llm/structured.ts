/**
 * Helpers for structured output: the schema instruction for endpoints without native JSON-schema support,
 * a lenient reading of replies that wrap JSON in prose or code fences, and the repair request that shows
 * the model its own reply with the validation errors.
 */
import { z } from "zod";

/** Caps what a repair request re-sends, so a runaway reply cannot blow up the second request. */
const MAX_ECHO_CHARS = 24_000;
const MAX_ISSUES = 20;

/** JSON Schema of a Zod schema as the model answers it (the input side: before transforms). */
export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  try {
    const json = z.toJSONSchema(schema, { unrepresentable: "any", io: "input" }) as Record<string, unknown>;
    // The "$schema" dialect URL is noise to a model and to a grammar builder.
    const { $schema: _dialect, ...rest } = json;
    return rest;
  } catch {
    return {};
  }
}

export function schemaInstruction(schema: z.ZodType): string {
  const json = JSON.stringify(withoutLengthLimits(jsonSchemaOf(schema)));
  return (
    "Reply with a single JSON value that matches this JSON Schema, with no prose and no code fences.\n" +
    `JSON Schema: ${json}`
  );
}

export function withSchemaInstruction(system: string | undefined, schema: z.ZodType): string {
  const instruction = schemaInstruction(schema);
  return system ? `${system}\n\n${instruction}` : instruction;
}

/** JSON candidates in a reply: the whole text, fenced blocks, then the outermost {...} or [...] span. */
function candidates(text: string): string[] {
  const out: string[] = [text.trim()];
  for (const m of text.matchAll(/```(?:json|JSON)?\s*\n?([\s\S]*?)```/g)) if (m[1]) out.push(m[1].trim());
  for (const [open, close] of [
    ["{", "}"],
    ["[", "]"],
  ] as const) {
    const start = text.indexOf(open);
    const end = text.lastIndexOf(close);
    if (start >= 0 && end > start) out.push(text.slice(start, end + 1));
  }
  return out;
}

export type ParseOutcome<T> = { ok: true; value: T } | { ok: false; issues: string[] };

/** Reads a reply leniently; on failure returns the problems to show the model. */
export function parseReply<S extends z.ZodType>(
  schema: S,
  text: string | undefined,
  json: Record<string, unknown> = jsonSchemaOf(schema),
): ParseOutcome<z.output<S>> {
  if (!text || text.trim() === "") return { ok: false, issues: ["the reply was empty"] };
  let firstIssues: string[] | undefined;
  for (const candidate of candidates(text)) {
    let value: unknown;
    try {
      value = JSON.parse(candidate);
    } catch {
      continue;
    }
    const r = validateFitted(schema, value, json);
    if (r.success) return { ok: true, value: r.data };
    firstIssues ??= formatIssues(r.error);
  }
  return { ok: false, issues: firstIssues ?? ["the reply is not valid JSON"] };
}

/** Over-long strings shortened to their limits, then the strict schema. */
export function validateFitted<S extends z.ZodType>(
  schema: S,
  value: unknown,
  json: Record<string, unknown>,
): z.ZodSafeParseResult<z.output<S>> {
  return schema.safeParse(fitToLengths(value, json)) as z.ZodSafeParseResult<z.output<S>>;
}

export function formatIssues(error: z.ZodError): string[] {
  const lines = error.issues.slice(0, MAX_ISSUES).map((i) => {
    const path = i.path.length ? i.path.map(String).join(".") : "(root)";
    return `${path}: ${i.message}`;
  });
  if (error.issues.length > MAX_ISSUES) lines.push(`… and ${error.issues.length - MAX_ISSUES} more problems`);
  return lines;
}

export function repairInstruction(issues: string[]): string {
  return (
    "Your previous reply could not be used. Problems:\n" +
    issues.map((i) => `- ${i}`).join("\n") +
    "\nReply again with only the corrected JSON, complete and matching the required schema."
  );
}

export function echoOf(text: string | undefined): string {
  if (!text) return "(empty reply)";
  return text.length > MAX_ECHO_CHARS ? `${text.slice(0, MAX_ECHO_CHARS)}…(truncated)` : text;
}

type JsonSchema = Record<string, unknown>;

/** String limits above this are not sent to the model (names and labels keep theirs). */
export const MAX_SENT_LENGTH = 200;

/**
 * The schema as sent to the model: without large string length limits. Constrained decoders compile
 * `maxLength` into repeated grammar rules, and llama.cpp refuses limits in the hundreds and thousands
 * ("number of rules that are going to be repeated … exceeds sane defaults"). Small limits (a name, a theme)
 * stay: they compile, and they keep a small model from running on inside a label. Longer texts are enforced
 * after decoding (`fitToLengths`) and the strict Zod schema still validates.
 */
export function withoutLengthLimits(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutLengthLimits);
  if (!schema || typeof schema !== "object") return schema;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema as JsonSchema)) {
    if (key === "maxLength" && typeof value === "number" && value > MAX_SENT_LENGTH) continue;
    // `properties` maps names to schemas: a property called "maxLength" must survive.
    out[key] =
      key === "properties" && value && typeof value === "object"
        ? Object.fromEntries(Object.entries(value as JsonSchema).map(([k, v]) => [k, withoutLengthLimits(v)]))
        : withoutLengthLimits(value);
  }
  return out;
}

const SENTENCE_BREAK = /[.!?。！？](?:["'”’)\]」』]*)(?=\s|$)/gu;

/**
 * `text` cut to at most `max` characters: at the last sentence end that keeps at least a third of the room,
 * else at the last word boundary (then it is no longer a complete sentence, which the text checks see).
 */
export function truncateAtSentence(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  const head = chars.slice(0, max).join("");
  let cut = -1;
  for (const m of head.matchAll(SENTENCE_BREAK)) cut = m.index + m[0].length;
  if (cut >= max / 3) return head.slice(0, cut).trimEnd();
  const space = head.search(/\s\S*$/u);
  return (space > max / 3 ? head.slice(0, space) : head).trimEnd();
}

/**
 * A decoded value with every string longer than its schema's `maxLength` truncated at a sentence boundary,
 * so an answer that says a little too much is shortened rather than thrown away. Follows properties, items
 * and anyOf/oneOf branches of the JSON Schema; leaves everything else as it is.
 */
export function fitToLengths(value: unknown, schema: unknown, depth = 0): unknown {
  if (!schema || typeof schema !== "object" || depth > 16) return value;
  const s = schema as JsonSchema;
  const branches = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (Array.isArray(branches)) {
    return branches.reduce<unknown>((v, branch) => fitToLengths(v, branch, depth + 1), value);
  }
  if (typeof value === "string") {
    return typeof s.maxLength === "number" ? truncateAtSentence(value, s.maxLength) : value;
  }
  if (Array.isArray(value)) return s.items ? value.map((v) => fitToLengths(v, s.items, depth + 1)) : value;
  if (value && typeof value === "object" && s.properties && typeof s.properties === "object") {
    const props = s.properties as JsonSchema;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = Object.hasOwn(props, k) ? fitToLengths(v, props[k], depth + 1) : v;
    }
    return out;
  }
  return value;
}
