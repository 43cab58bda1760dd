/**
 * JSON Schema export of the wire contract (for the backend team and for `graphnode-worker schemas <dir>`).
 * Requests and input files are exported as what they accept (`io: "input"`: defaults shown, nulls allowed);
 * results and result files as what the worker emits. Cross-field refinements (COMPLETED needs resultS3Key,
 * edge endpoints exist, …) have no JSON Schema form and are left out: the Zod schemas stay the authority.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { incomingEnvelopeSchema, outgoingEnvelopeSchema } from "./envelope.js";
import { OUTPUT_FILE_SCHEMAS } from "./files/index.js";
import { INPUT_FILE_SCHEMAS, requestPayloadSchemas } from "./requests.js";
import { resultPayloadSchemas } from "./results.js";
import { REQUEST_TASK_TYPES, RESULT_TASK_TYPES } from "./taskTypes.js";

type Io = "input" | "output";

interface SchemaEntry {
  name: string;
  schema: z.ZodType;
  io: Io;
  title: string;
}

function contractEntries(): SchemaEntry[] {
  const entries: SchemaEntry[] = [
    {
      name: "envelope.request",
      schema: incomingEnvelopeSchema,
      io: "input",
      title: "SQS message body (received)",
    },
    {
      name: "envelope.result",
      schema: outgoingEnvelopeSchema,
      io: "output",
      title: "SQS message body (sent)",
    },
  ];
  for (const type of REQUEST_TASK_TYPES) {
    entries.push({
      name: `request.${type}`,
      schema: requestPayloadSchemas[type],
      io: "input",
      title: `${type} payload`,
    });
  }
  for (const type of RESULT_TASK_TYPES) {
    entries.push({
      name: `result.${type}`,
      schema: resultPayloadSchemas[type],
      io: "output",
      title: `${type} payload`,
    });
  }
  for (const [file, schema] of Object.entries(INPUT_FILE_SCHEMAS)) {
    entries.push({ name: `input.${file}`, schema, io: "input", title: `input file: ${file}` });
  }
  for (const [file, schema] of Object.entries(OUTPUT_FILE_SCHEMAS)) {
    entries.push({
      name: `output.${file.replace(/\.json$/, "")}`,
      schema,
      io: "output",
      title: `result file: ${file}`,
    });
  }
  return entries;
}

/** One JSON Schema document; anything without a JSON Schema form (transforms, refinements) becomes `{}`. */
export function toJsonSchemaDocument(schema: z.ZodType, io: Io, title: string): Record<string, unknown> {
  const doc = z.toJSONSchema(schema, { io, unrepresentable: "any", cycles: "ref", reused: "inline" });
  return { ...doc, title };
}

/** Writes `<name>.schema.json` for every envelope, payload and file of the contract; returns the file names. */
export async function writeJsonSchemas(dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const entry of contractEntries()) {
    const fileName = `${entry.name}.schema.json`;
    const doc = toJsonSchemaDocument(entry.schema, entry.io, entry.title);
    await writeFile(join(dir, fileName), `${JSON.stringify(doc, null, 2)}\n`, "utf8");
    written.push(fileName);
  }
  return written;
}
