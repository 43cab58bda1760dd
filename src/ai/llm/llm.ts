/**
 * The Llm over any AI SDK language model: concurrency limit, per-request timeout, retries with backoff,
 * one repair round for invalid structured output, and ledger accounting. `createLlm` builds the model from a
 * provider config; tests and pipeline tests pass an AI SDK mock model to `createLlmFromModel` directly.
 */
import {
  generateText,
  jsonSchema,
  type LanguageModel,
  type ModelMessage,
  NoObjectGeneratedError,
  Output,
} from "ai";
import pLimit, { type LimitFunction } from "p-limit";
import type { z } from "zod";
import { TaskError } from "../../contract/errors.js";
import { abortWhileQueued } from "./abort.js";
import { DEFAULT_BACKOFF, defaultSleep, retryDelayMs } from "./backoff.js";
import { budgetForSchema, DEFAULT_TEXT_BUDGET } from "./budget.js";
import {
  classifyFailure,
  invalidOutputError,
  type LlmErrorDetail,
  rejectedError,
  unavailableError,
} from "./failures.js";
import { LlmLedger } from "./ledger.js";
import {
  echoOf,
  jsonSchemaOf,
  parseReply,
  repairInstruction,
  validateFitted,
  withoutLengthLimits,
  withSchemaInstruction,
} from "./structured.js";
import type {
  BackoffOptions,
  Llm,
  LlmCallOptions,
  LlmDescription,
  LlmEvent,
  LlmFailureKind,
  LlmRuntimeOptions,
  ReasoningEffort,
  Sleep,
} from "./types.js";

/** A model object (a provider's or an AI SDK mock); gateway model-id strings are not accepted. */
export type InjectableModel = Exclude<LanguageModel, string>;

type ProviderOptions = NonNullable<Parameters<typeof generateText>[0]["providerOptions"]>;

export const LLM_DEFAULTS = {
  temperature: 0,
  timeoutMs: 300_000,
  maxRetries: 3,
  concurrency: 4,
} as const;

export interface ModelLlmOptions extends LlmRuntimeOptions {
  /** Name in the ledger and description. Default: the model's own provider string. */
  provider?: string;
  temperature?: number;
  timeoutMs?: number;
  maxRetries?: number;
  concurrency?: number;
  /** Sent as providerOptions.openai.reasoningEffort to reasoning models. */
  reasoningEffort?: ReasoningEffort;
  /** false: write the schema into the system prompt and ask for plain JSON mode. Default true. */
  structuredOutputs?: boolean;
  /** Passed to every request (createLlm sets provider-specific switches here). */
  providerOptions?: ProviderOptions;
  /** For `describe()` only. */
  baseURL?: string;
  /**
   * The setting that switches structured outputs off (e.g. MACRO_LLM_STRUCTURED_OUTPUTS), named in the
   * error when an endpoint rejects a `json_schema` request.
   */
  structuredOutputsSetting?: string;
}

/** gpt-5*, o1/o3/o4…: they reject `temperature` and spend output tokens on reasoning. */
export function isReasoningModel(modelId: string): boolean {
  const id = modelId.trim().toLowerCase().split("/").pop() ?? "";
  return /^(?:gpt-5|o[1-9])(?:$|[-.])/.test(id);
}

interface Core {
  model: InjectableModel;
  provider: string;
  modelId: string;
  reasoning: boolean;
  temperature: number;
  timeoutMs: number;
  maxRetries: number;
  concurrency: number;
  structuredOutputs: boolean;
  structuredOutputsSetting: string | undefined;
  providerOptions: ProviderOptions | undefined;
  baseURL: string | undefined;
  limit: LimitFunction;
  sleep: Sleep;
  random: () => number;
  onEvent: ((event: LlmEvent) => void) | undefined;
  backoff: Required<BackoffOptions>;
}

type Prompt = { system?: string; prompt: string } | { system?: string; messages: ModelMessage[] };

interface RequestExtra {
  output?: Parameters<typeof generateText>[0]["output"];
  /** Always set: every request has an output budget. */
  maxOutputTokens: number;
  temperature?: number;
}

type Attempt<T> =
  | { ok: true; value: T }
  | { ok: false; text: string | undefined; issues: string[]; cutOff: boolean };

/**
 * The end of a reply repeats one piece (2–80 characters) at least four times in a row: `"play","play",…`,
 * a sentence over and over. Only the tail is looked at: a loop, once entered, runs to the budget.
 */
export function isLooping(text: string | undefined): boolean {
  if (!text) return false;
  const tail = text.slice(-400);
  if (/([\s\S]{2,80}?)\1{3,}\s*$/.test(tail) || /([\s\S]{8,80}?)\1{3,}/.test(tail)) return true;
  // Near-repetition (entries that differ by a counter, a phrase cycling with small changes): few distinct
  // 8-character pieces in the last 800 characters. Prose and a legitimately long JSON list keep most distinct.
  const window = text.slice(-800);
  if (window.length < 400) return false;
  const pieces = new Set<string>();
  for (let i = 0; i + 8 <= window.length; i++) pieces.add(window.slice(i, i + 8));
  return pieces.size / (window.length - 7) < 0.3;
}

/** The token budget ran out before the answer ended (a loop, or an answer longer than asked for). */
function stoppedByBudget(finishReason: unknown): boolean {
  return finishReason === "length";
}

function positiveInt(value: number | undefined, fallback: number, min: number): number {
  return value !== undefined && Number.isFinite(value) && value >= min ? Math.floor(value) : fallback;
}

function safeBaseURL(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  try {
    const u = new URL(raw);
    return `${u.origin}${u.pathname}`;
  } catch {
    return undefined;
  }
}

function failureKindOf(err: unknown, signal: AbortSignal | undefined): LlmFailureKind {
  if (signal?.aborted) return "aborted";
  if (err instanceof TaskError && err.cause && typeof err.cause === "object" && "failure" in err.cause) {
    return (err.cause as LlmErrorDetail).failure;
  }
  return "unexpected";
}

class ModelLlm implements Llm {
  readonly #core: Core;
  readonly #ledger: LlmLedger;

  constructor(core: Core, ledger: LlmLedger) {
    this.#core = core;
    this.#ledger = ledger;
  }

  get provider(): string {
    return this.#core.provider;
  }

  get model(): string {
    return this.#core.modelId;
  }

  get ledger(): LlmLedger {
    return this.#ledger;
  }

  withLedger(ledger: LlmLedger): Llm {
    return new ModelLlm(this.#core, ledger);
  }

  describe(): LlmDescription {
    const c = this.#core;
    const d: LlmDescription = {
      provider: c.provider,
      model: c.modelId,
      reasoning: c.reasoning,
      temperature: c.reasoning ? null : c.temperature,
      timeoutMs: c.timeoutMs,
      maxRetries: c.maxRetries,
      concurrency: c.concurrency,
      structuredOutputs: c.structuredOutputs,
    };
    if (c.baseURL) d.baseURL = c.baseURL;
    return d;
  }

  toJSON(): LlmDescription {
    return this.describe();
  }

  /** util.inspect (console.log, pino's fallback) shows the description, never the model's internals. */
  [Symbol.for("nodejs.util.inspect.custom")](): LlmDescription {
    return this.describe();
  }

  generateObject<S extends z.ZodType>(schema: S, options: LlmCallOptions): Promise<z.output<S>> {
    return this.#schedule(options, () => this.#object(schema, options));
  }

  generateText(options: LlmCallOptions): Promise<string> {
    return this.#schedule(options, () => this.#text(options));
  }

  #emit(event: LlmEvent): void {
    try {
      this.#core.onEvent?.(event);
    } catch {
      // An observer must not break the call it observes.
    }
  }

  async #schedule<T>(options: LlmCallOptions, body: () => Promise<T>): Promise<T> {
    const { signal, label } = options;
    signal?.throwIfAborted();
    let started = false;
    const run = this.#core.limit(async () => {
      signal?.throwIfAborted();
      started = true;
      const end = this.#ledger.startCall(label);
      try {
        const value = await body();
        end({ failed: null });
        return value;
      } catch (err) {
        const failure = failureKindOf(err, signal);
        end({ failed: failure });
        const status =
          err instanceof TaskError ? (err.cause as LlmErrorDetail | undefined)?.status : undefined;
        this.#emit({
          type: "failure",
          label,
          model: this.#core.modelId,
          failure,
          ...(status === undefined ? {} : { status }),
        });
        throw err;
      }
    });
    return signal ? abortWhileQueued(run, signal, () => started) : run;
  }

  /** One logical request: timeouts and retries around a single generateText call. */
  async #request(label: string, prompt: Prompt, extra: RequestExtra, signal: AbortSignal | undefined) {
    const c = this.#core;
    const temperature = c.reasoning ? undefined : (extra.temperature ?? c.temperature);
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      // A cleared timer rather than AbortSignal.timeout: that one is unref'd (a hung request would not keep
      // the process alive to see its own timeout) and lingers for timeoutMs after every request.
      const timeout = new AbortController();
      const timer = setTimeout(
        () => timeout.abort(new DOMException("LLM request timed out", "TimeoutError")),
        c.timeoutMs,
      );
      const abortSignal = signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal;
      try {
        const result = await generateText({
          model: c.model,
          ...prompt,
          ...(extra.output ? { output: extra.output } : {}),
          maxOutputTokens: extra.maxOutputTokens,
          ...(temperature !== undefined ? { temperature } : {}),
          ...(c.providerOptions ? { providerOptions: c.providerOptions } : {}),
          abortSignal,
          // Retries are ours: the SDK's would hide failures from the ledger and ignore our caps.
          maxRetries: 0,
        }).finally(() => clearTimeout(timer));
        this.#ledger.recordRequest(c.provider, c.modelId, label, result.totalUsage, {
          budget: extra.maxOutputTokens,
          stoppedByBudget: stoppedByBudget(result.finishReason),
        });
        return result;
      } catch (err) {
        if (NoObjectGeneratedError.isInstance(err)) {
          // The request worked; its output did not parse. The caller decides about a repair.
          this.#ledger.recordRequest(c.provider, c.modelId, label, err.usage, {
            budget: extra.maxOutputTokens,
            stoppedByBudget: stoppedByBudget(err.finishReason),
          });
          throw err;
        }
        this.#ledger.recordRequest(c.provider, c.modelId, label, undefined, {
          budget: extra.maxOutputTokens,
        });
        if (signal?.aborted) {
          this.#ledger.recordFailure("aborted");
          throw signal.reason;
        }
        const failure = classifyFailure(err, timeout.signal.aborted);
        this.#ledger.recordFailure(failure.kind);
        if (!failure.retryable) {
          const error = rejectedError(failure, attempt, label, c.modelId, err);
          if (failure.status === 400 && extra.output && c.structuredOutputs && c.structuredOutputsSetting) {
            // The usual cause with local servers: no json_schema support. Say how to switch it off.
            error.message += `; if the endpoint does not support json_schema output, set ${c.structuredOutputsSetting}=false`;
          }
          throw error;
        }
        const wait =
          attempt > c.maxRetries ? null : retryDelayMs(attempt, failure.retryAfterMs, c.backoff, c.random);
        if (wait === null) throw unavailableError(failure, attempt, label, c.modelId, err);
        this.#ledger.recordRetry(label);
        this.#emit({
          type: "retry",
          label,
          model: c.modelId,
          failure: failure.kind,
          ...(failure.status === undefined ? {} : { status: failure.status }),
          attempt,
          delayMs: wait,
        });
        try {
          await c.sleep(wait, signal);
        } catch (sleepErr) {
          if (signal?.aborted) throw signal.reason;
          throw sleepErr;
        }
      }
    }
  }

  async #object<S extends z.ZodType>(schema: S, options: LlmCallOptions): Promise<z.output<S>> {
    const c = this.#core;
    const json = jsonSchemaOf(schema);
    const system = c.structuredOutputs ? options.system : withSchemaInstruction(options.system, schema);
    // Native mode: the provider gets the JSON schema without length limits (constrained decoders cannot
    // compile large ones); the SDK validates with the strict schema after shortening over-long strings.
    // Prompt mode: plain JSON mode (which also avoids the SDK's "schema unsupported" console warning),
    // validated here the same way.
    const output = c.structuredOutputs
      ? Output.object({
          schema: jsonSchema<z.output<S>>(withoutLengthLimits(json) as Parameters<typeof jsonSchema>[0], {
            validate: (value) => {
              const r = validateFitted(schema, value, json);
              return r.success ? { success: true, value: r.data } : { success: false, error: r.error };
            },
          }),
        })
      : Output.json();
    const extra: RequestExtra = {
      output,
      maxOutputTokens: options.maxOutputTokens ?? budgetForSchema(json),
      ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
    };
    const base = system === undefined ? {} : { system };

    const first = await this.#attemptObject(
      schema,
      json,
      { ...base, prompt: options.prompt },
      extra,
      options,
    );
    if (first.ok) return first.value;
    if (first.cutOff && isLooping(first.text)) {
      // A reply that ran into its budget repeating itself would, asked again, most likely do it again: a
      // second full budget spent for nothing. The caller falls back to its local result.
      this.#ledger.recordFailure("invalid_output");
      throw invalidOutputError(options.label, c.modelId, 1);
    }

    this.#ledger.recordFailure("invalid_output");
    this.#ledger.recordRepair(options.label);
    this.#emit({ type: "repair", label: options.label, model: c.modelId, issues: first.issues.length });
    const messages: ModelMessage[] = [
      { role: "user", content: options.prompt },
      { role: "assistant", content: echoOf(first.text) },
      {
        role: "user",
        content: repairInstruction(
          first.cutOff
            ? [
                `the reply was cut off at the output limit of ${extra.maxOutputTokens} tokens: answer completely and briefly, without repeating yourself`,
                ...first.issues,
              ]
            : first.issues,
        ),
      },
    ];
    const second = await this.#attemptObject(schema, json, { ...base, messages }, extra, options);
    if (second.ok) return second.value;
    this.#ledger.recordFailure("invalid_output");
    throw invalidOutputError(options.label, c.modelId, 2);
  }

  async #attemptObject<S extends z.ZodType>(
    schema: S,
    json: Record<string, unknown>,
    prompt: Prompt,
    extra: RequestExtra,
    options: LlmCallOptions,
  ): Promise<Attempt<z.output<S>>> {
    let text: string | undefined;
    let cutOff = false;
    try {
      const result = await this.#request(options.label, prompt, extra, options.signal);
      text = result.text;
      cutOff = stoppedByBudget(result.finishReason);
      // In native mode the SDK has already parsed and validated (and applied any transforms) once.
      if (this.#core.structuredOutputs) {
        try {
          return { ok: true, value: result.output as z.output<S> };
        } catch {
          // No output (an empty or cut-off reply): fall through to the lenient reading, which reports it.
        }
      }
    } catch (err) {
      if (!NoObjectGeneratedError.isInstance(err)) throw err;
      text = err.text;
      cutOff = stoppedByBudget(err.finishReason);
    }
    const parsed = parseReply(schema, text, json);
    return parsed.ok ? parsed : { ok: false, text, issues: parsed.issues, cutOff };
  }

  async #text(options: LlmCallOptions): Promise<string> {
    const extra: RequestExtra = {
      maxOutputTokens: options.maxOutputTokens ?? DEFAULT_TEXT_BUDGET,
      ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
    };
    const prompt: Prompt =
      options.system === undefined
        ? { prompt: options.prompt }
        : { system: options.system, prompt: options.prompt };
    for (let round = 1; round <= 2; round++) {
      const result = await this.#request(options.label, prompt, extra, options.signal);
      if (result.text.trim() !== "") return result.text;
      // Reasoning models that spend the whole token budget thinking answer with nothing: ask once more.
      this.#ledger.recordFailure("invalid_output");
      if (round === 1) {
        this.#ledger.recordRepair(options.label);
        this.#emit({ type: "repair", label: options.label, model: this.#core.modelId, issues: 1 });
      }
    }
    throw invalidOutputError(options.label, this.#core.modelId, 2);
  }
}

export function createLlmFromModel(model: InjectableModel, options: ModelLlmOptions = {}): Llm {
  const modelId = model.modelId;
  const reasoning = isReasoningModel(modelId);
  let providerOptions = options.providerOptions;
  if (reasoning && options.reasoningEffort) {
    providerOptions = {
      ...providerOptions,
      openai: { ...(providerOptions?.openai ?? {}), reasoningEffort: options.reasoningEffort },
    };
  }
  const concurrency = positiveInt(options.concurrency, LLM_DEFAULTS.concurrency, 1);
  const core: Core = {
    model,
    provider: options.provider ?? model.provider,
    modelId,
    reasoning,
    temperature:
      options.temperature !== undefined && Number.isFinite(options.temperature)
        ? options.temperature
        : LLM_DEFAULTS.temperature,
    timeoutMs: positiveInt(options.timeoutMs, LLM_DEFAULTS.timeoutMs, 1),
    maxRetries: positiveInt(options.maxRetries, LLM_DEFAULTS.maxRetries, 0),
    concurrency,
    structuredOutputs: options.structuredOutputs ?? true,
    structuredOutputsSetting: options.structuredOutputsSetting,
    providerOptions,
    baseURL: safeBaseURL(options.baseURL),
    limit: pLimit(concurrency),
    sleep: options.sleep ?? defaultSleep,
    random: options.random ?? Math.random,
    onEvent: options.onEvent,
    backoff: { ...DEFAULT_BACKOFF, ...options.backoff },
  };
  return new ModelLlm(core, options.ledger ?? new LlmLedger(options.now ? { now: options.now } : {}));
}
