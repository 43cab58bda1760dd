/**
 * timing.json, written next to graph.json (ORIGINAL-PIPELINES §4.9). Nobody reads it but people: a free-form
 * object of stage timings, e.g. `{step1_embedding_seconds, …, total_seconds}`. Numbers must be finite and
 * non-negative; nested objects (per-stage breakdowns) and strings (model names) are allowed.
 */
import { z } from "zod";

type TimingValue = number | string | boolean | null | TimingValue[] | { [key: string]: TimingValue };

const timingValue: z.ZodType<TimingValue> = z.lazy(() =>
  z.union([
    z.number().min(0),
    z.string(),
    z.boolean(),
    z.null(),
    z.array(timingValue),
    z.record(z.string(), timingValue),
  ]),
);

export const timingFileSchema = z.record(z.string(), timingValue);

export type TimingFile = z.output<typeof timingFileSchema>;
