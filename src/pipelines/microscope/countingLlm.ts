/**
 * Counts the calls this pipeline makes, whatever ledger the Llm records into (a process-wide ledger would
 * also count other tasks' calls). The per-call detail (tokens, retries, cost) stays in the Llm's ledger.
 */
import type { z } from "zod";
import type { LlmCallOptions } from "../../ai/llm/index.js";
import type { ObjectLlm } from "./extract/llm.js";

export class CountingLlm implements ObjectLlm {
  calls = 0;
  readonly #llm: ObjectLlm;

  constructor(llm: ObjectLlm) {
    this.#llm = llm;
  }

  generateObject<S extends z.ZodType>(schema: S, options: LlmCallOptions): Promise<z.output<S>> {
    this.calls++;
    return this.#llm.generateObject(schema, options);
  }
}
