/**
 * Helpers for structured output: the schema instruction for endpoints without native JSON-schema support,
 * a lenient reading of replies that wrap JSON in prose or code fences, and the repair request that shows
 * the model its own reply with the validation errors.
 */
import { z } from "zod";

/** Caps what a repair request re-sends, so a runaway reply cannot blow up the second request. */
const MAX_ECHO_CHARS = 24_000;
const MAX_ISSUES = 20;

export function schemaInstruction(schema: z.ZodType): string {
  let json: string;
  try {
    json = JSON.stringify(z.toJSONSchema(schema, { unrepresentable: "any", io: "input" }));
  } catch {
    json = "{}";
  }
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
    const r = schema.safeParse(value);
    if (r.success) return { ok: true, value: r.data };
    firstIssues ??= formatIssues(r.error);
  }
  return { ok: false, issues: firstIssues ?? ["the reply is not valid JSON"] };
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
