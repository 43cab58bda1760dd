/**
 * The SQS message body in both directions (contract §1): `{taskId, taskType, payload, timestamp}`.
 *
 * Incoming bodies are read tolerantly (extra keys pass, a malformed `timestamp` is dropped) and sorted into
 * three outcomes, because each needs a different answer:
 *  - not JSON / not an object / no readable taskId+taskType: nothing can be answered → dead-letter it;
 *  - readable taskId+taskType but a missing or non-object payload: answer with a FAILED result;
 *  - otherwise a valid envelope (an unknown taskType is still "valid" here; routing decides).
 * Outgoing envelopes are strict: the taskId is echoed byte-for-byte and `timestamp` is a real ISO-8601 UTC
 * string with `Z`, because the FE keeps only the newest progress message by that timestamp.
 */
import { z } from "zod";
import { describeIssues, isoUtcTimestampSchema, jsonObjectSchema } from "./fields.js";
import { resultPayloadSchemas } from "./results.js";
import { RESULT_TASK_TYPES, type ResultTaskType } from "./taskTypes.js";

/** A taskId or taskType is readable when it is a non-empty string; the taskId is never trimmed or changed. */
const readableString = z.string().min(1);

export const incomingEnvelopeSchema = z.looseObject({
  taskId: readableString,
  taskType: readableString,
  payload: jsonObjectSchema,
  /** The backend always sends one; it is informational for the worker, so a bad value is dropped, not fatal. */
  timestamp: z.string().optional().catch(undefined),
});
export type IncomingEnvelope = z.output<typeof incomingEnvelopeSchema>;

export type EnvelopeProblem = "NOT_JSON" | "NO_TASK_ID_OR_TYPE" | "BAD_PAYLOAD";

export type ParsedEnvelope =
  | { ok: true; envelope: IncomingEnvelope }
  | {
      ok: false;
      /** NOT_JSON and NO_TASK_ID_OR_TYPE cannot be answered (dead-letter); BAD_PAYLOAD gets a FAILED result. */
      problem: EnvelopeProblem;
      reason: string;
      /** Set when readable, so a FAILED result can still be addressed. */
      taskId?: string;
      taskType?: string;
    };

export function parseEnvelope(body: string): ParsedEnvelope {
  // A UTF-8 BOM is not JSON whitespace; tolerate it rather than dead-letter a message over it.
  const text = body.charCodeAt(0) === 0xfeff ? body.slice(1) : body;
  if (text.trim() === "") return { ok: false, problem: "NOT_JSON", reason: "empty message body" };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, problem: "NOT_JSON", reason: `message body is not JSON (${(err as Error).message})` };
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return {
      ok: false,
      problem: "NO_TASK_ID_OR_TYPE",
      reason: `message body is ${Array.isArray(raw) ? "an array" : typeof raw === "object" ? "null" : `a ${typeof raw}`}, not an object`,
    };
  }
  const record = raw as Record<string, unknown>;
  const taskId = readableString.safeParse(record.taskId).data;
  const taskType = readableString.safeParse(record.taskType).data;
  if (taskId === undefined || taskType === undefined) {
    const missing = [taskId === undefined ? "taskId" : "", taskType === undefined ? "taskType" : ""]
      .filter(Boolean)
      .join(" and ");
    // `type` instead of `taskType` was an old backend mismatch; name it so the log says why.
    const hint =
      taskType === undefined && typeof record.type === "string" ? " (found `type`, expected `taskType`)" : "";
    return {
      ok: false,
      problem: "NO_TASK_ID_OR_TYPE",
      reason: `envelope has no readable ${missing}${hint}`,
      ...(taskId !== undefined ? { taskId } : {}),
      ...(taskType !== undefined ? { taskType } : {}),
    };
  }
  const parsed = incomingEnvelopeSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      problem: "BAD_PAYLOAD",
      reason: `envelope ${describeIssues(parsed.error)}`,
      taskId,
      taskType,
    };
  }
  return { ok: true, envelope: parsed.data };
}

/**
 * What the worker sends. A known result type's payload is checked against its schema too; an unknown type
 * (the answer to an unknown request type) only needs an object payload.
 */
export const outgoingEnvelopeSchema = z
  .strictObject({
    taskId: readableString,
    taskType: readableString,
    payload: jsonObjectSchema,
    timestamp: isoUtcTimestampSchema,
  })
  .superRefine((envelope, ctx) => {
    if (!(RESULT_TASK_TYPES as readonly string[]).includes(envelope.taskType)) return;
    const checked = resultPayloadSchemas[envelope.taskType as ResultTaskType].safeParse(envelope.payload);
    if (checked.success) return;
    for (const issue of checked.error.issues) {
      ctx.addIssue({ code: "custom", path: ["payload", ...issue.path], message: issue.message });
    }
  });
export type OutgoingEnvelope = z.output<typeof outgoingEnvelopeSchema>;

/** An outgoing envelope with a fresh timestamp (callers needing monotonic stamps pass their own). */
export function buildOutgoingEnvelope(
  taskId: string,
  taskType: ResultTaskType,
  payload: Record<string, unknown>,
  timestamp: string = new Date().toISOString(),
): OutgoingEnvelope {
  return { taskId, taskType, payload, timestamp };
}
