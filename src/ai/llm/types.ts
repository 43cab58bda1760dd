/**
 * The LLM layer's public shapes: the provider configuration, the `Llm` every pipeline calls, and the
 * options of one call. Pipelines depend on these types only (plus `createLlm`/`createLlmFromModel`), never on
 * a provider SDK, so swapping providers or injecting an AI SDK mock model changes nothing in them.
 */
import type { z } from "zod";
import type { LlmLedger } from "./ledger.js";

/** The providers `createLlm` can build. `none` is the offline default: no Llm, callers use local fallbacks. */
export const LLM_PROVIDERS = [
  "openai",
  "anthropic",
  "google",
  "groq",
  "openai-compatible",
  "llama-cpp",
  "none",
] as const;
export type LlmProvider = (typeof LLM_PROVIDERS)[number];

export type ReasoningEffort = "minimal" | "low" | "medium" | "high";

export interface LlmConfig {
  provider: LlmProvider;
  /** The model id; for `llama-cpp` the path of a .gguf file. */
  model: string;
  /**
   * Secret. Missing → `DEV_<PROVIDER>_API_KEY`, then `<PROVIDER>_API_KEY` from the environment.
   * `resolveLlmConfig` defines it as a non-enumerable property, so JSON.stringify/inspect of a config skip it.
   */
  apiKey?: string;
  /** Endpoint override; required for `openai-compatible`. */
  baseURL?: string;
  /** Display name for `openai-compatible` hosts (e.g. "openrouter"); ledger keys and descriptions use it. */
  name?: string;
  /** Default 0. Never sent to reasoning models (gpt-5*, o1/o3/o4…), which reject it. */
  temperature?: number;
  /** Per request (each retry gets a fresh timeout). Default 300 000 ms, the incumbent's MICROSCOPE_LLM_TIMEOUT. */
  timeoutMs?: number;
  /** Retries after the first request on 429/5xx/network/timeout. Default 3. */
  maxRetries?: number;
  /** Calls in flight at once for this Llm. Default 4. */
  concurrency?: number;
  /** OpenAI reasoning models only; provider default (medium) when absent. */
  reasoningEffort?: ReasoningEffort;
  /**
   * Whether the endpoint enforces a JSON schema natively (`response_format: json_schema`). When false the
   * schema is written into the system prompt and JSON mode is requested instead. Defaults: true for openai,
   * anthropic, google, openai-compatible; for groq only for models known to support it.
   */
  structuredOutputs?: boolean;
  /** The variable that sets `structuredOutputs` (e.g. MACRO_LLM_STRUCTURED_OUTPUTS), named in errors. */
  structuredOutputsSetting?: string;
  /** llama-cpp: CPU threads (default cores − 1, at least 1). */
  threads?: number;
  /** llama-cpp: context window in tokens (default the model's, at most 8192). */
  contextSize?: number;
  /** llama-cpp: use a GPU if one is found (default false). */
  gpu?: boolean;
}

/** What `describe()`/`toJSON()` of an Llm shows: safe to log, never holds the key. */
export interface LlmDescription {
  provider: string;
  model: string;
  /** Origin and path only (no query, no credentials). */
  baseURL?: string;
  reasoning: boolean;
  temperature: number | null;
  timeoutMs: number;
  maxRetries: number;
  concurrency: number;
  structuredOutputs: boolean;
}

export interface LlmCallOptions {
  system?: string;
  prompt: string;
  /** The task's signal: aborting it rejects the call with the signal's reason, without retries. */
  signal?: AbortSignal;
  maxOutputTokens?: number;
  /** Overrides the configured temperature for this call (still omitted for reasoning models). */
  temperature?: number;
  /** Names the call in the ledger and in error messages (e.g. "cluster naming"); never put data in it. */
  label: string;
}

export interface Llm {
  readonly provider: string;
  readonly model: string;
  /** The ledger this Llm records into. */
  readonly ledger: LlmLedger;
  /**
   * Structured output validated by `schema`. Invalid output gets one repair request (the model sees its own
   * reply and the validation errors); then TaskError LLM_ERROR (terminal). Provider unavailability after
   * retries is a transient LLM_ERROR; a rejected request (4xx other than 429) is terminal.
   */
  generateObject<S extends z.ZodType>(schema: S, options: LlmCallOptions): Promise<z.output<S>>;
  /** Plain text. An empty answer is retried once, then terminal LLM_ERROR. */
  generateText(options: LlmCallOptions): Promise<string>;
  /** The same model, settings and concurrency limiter, recording into another ledger (e.g. per task). */
  withLedger(ledger: LlmLedger): Llm;
  describe(): LlmDescription;
  toJSON(): LlmDescription;
}

/** Failure classes, as counted in the ledger and reported to `onEvent`. */
export type LlmFailureKind =
  | "rate_limited"
  | "server_error"
  | "network"
  | "timeout"
  | "bad_response"
  | "rejected"
  | "no_api_key"
  | "invalid_output"
  | "aborted"
  | "unexpected";

/** Structured, secret-free notifications (for logs/metrics); never carries prompts, outputs or keys. */
export type LlmEvent =
  | {
      type: "retry";
      label: string;
      model: string;
      failure: LlmFailureKind;
      status?: number;
      attempt: number;
      delayMs: number;
    }
  | { type: "repair"; label: string; model: string; issues: number }
  | { type: "failure"; label: string; model: string; failure: LlmFailureKind; status?: number };

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Process-level plumbing; tests inject fast sleeps and fixed randomness through these. */
export interface LlmRuntimeOptions {
  /** Where calls are recorded. Default: a fresh ledger (read it back from `llm.ledger`). */
  ledger?: LlmLedger;
  /** Environment for key/base-URL fallbacks. Default process.env. */
  env?: Record<string, string | undefined>;
  sleep?: Sleep;
  /** In [0,1); drives the backoff jitter. */
  random?: () => number;
  /** Milliseconds; drives the ledger's durations. */
  now?: () => number;
  /** Passed to the provider SDK (tests, proxies). */
  fetch?: typeof globalThis.fetch;
  onEvent?: (event: LlmEvent) => void;
  backoff?: BackoffOptions;
}

export interface BackoffOptions {
  /** First retry waits about this long (exponential after that). Default 1000. */
  baseDelayMs?: number;
  /** Cap on one computed backoff delay. Default 30 000. */
  maxDelayMs?: number;
  /** A Retry-After longer than this is not waited for: the call fails transient at once. Default 60 000. */
  maxRetryAfterMs?: number;
}
