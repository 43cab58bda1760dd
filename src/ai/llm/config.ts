/**
 * LLM settings from the environment (per pipeline family: MACRO_* or MICROSCOPE_*), merged with a per-task
 * override from a request payload (`provider`, `model`, `api_key`). Key lookup follows the incumbent:
 * DEV_<PROVIDER>_API_KEY first, then <PROVIDER>_API_KEY. No provider configured → "none" (offline: callers
 * use their local fallbacks). Messages name variables, never values: a value may be a key pasted in the
 * wrong variable.
 */
import { terminal } from "../../contract/errors.js";
import { LLM_PROVIDERS, type LlmConfig, type LlmProvider, type ReasoningEffort } from "./types.js";

type Env = Record<string, string | undefined>;

export type LlmPrefix = "MACRO" | "MICROSCOPE";

/** A request payload's LLM fields (snake_case as on the wire; camelCase accepted too). */
export interface LlmOverrides {
  provider?: string | null;
  model?: string | null;
  api_key?: string | null;
  apiKey?: string | null;
}

interface ProviderEntry {
  provider: LlmProvider;
  /** <ENV>_API_KEY / DEV_<ENV>_API_KEY / <ENV>_BASE_URL. */
  envName: string;
  extraKeyVars?: string[];
  baseURL?: string;
  name?: string;
}

/**
 * Accepted provider names. `openrouter` and `zai` are the incumbent's OpenAI-compatible hosts (contract §3
 * lists their base URLs), so requests naming them keep working.
 */
const PROVIDERS: Record<string, ProviderEntry> = {
  openai: { provider: "openai", envName: "OPENAI" },
  anthropic: { provider: "anthropic", envName: "ANTHROPIC" },
  claude: { provider: "anthropic", envName: "ANTHROPIC" },
  google: {
    provider: "google",
    envName: "GOOGLE",
    extraKeyVars: ["GOOGLE_GENERATIVE_AI_API_KEY", "GEMINI_API_KEY"],
  },
  gemini: {
    provider: "google",
    envName: "GOOGLE",
    extraKeyVars: ["GOOGLE_GENERATIVE_AI_API_KEY", "GEMINI_API_KEY"],
  },
  groq: { provider: "groq", envName: "GROQ" },
  "openai-compatible": { provider: "openai-compatible", envName: "OPENAI_COMPATIBLE" },
  openai_compatible: { provider: "openai-compatible", envName: "OPENAI_COMPATIBLE" },
  openrouter: {
    provider: "openai-compatible",
    envName: "OPENROUTER",
    baseURL: "https://openrouter.ai/api/v1",
    name: "openrouter",
  },
  zai: {
    provider: "openai-compatible",
    envName: "ZAI",
    baseURL: "https://open.bigmodel.cn/api/paas/v4",
    name: "zai",
  },
  "llama-cpp": { provider: "llama-cpp", envName: "LLAMA_CPP" },
  llama_cpp: { provider: "llama-cpp", envName: "LLAMA_CPP" },
  none: { provider: "none", envName: "NONE" },
  off: { provider: "none", envName: "NONE" },
  disabled: { provider: "none", envName: "NONE" },
};

/** Used when a provider is chosen without a model. openai-compatible has none: the host decides. */
export const DEFAULT_MODELS: Partial<Record<LlmProvider, string>> = {
  openai: "gpt-5-mini", // the incumbent's MACRO/MICROSCOPE_LLM_MODEL default
  anthropic: "claude-haiku-4-5",
  google: "gemini-2.5-flash",
  groq: "llama-3.3-70b-versatile",
};

function clean(v: string | null | undefined): string | undefined {
  if (v === undefined || v === null) return undefined;
  const t = v.trim();
  return t === "" ? undefined : t;
}

function first(env: Env, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = clean(env[n]);
    if (v !== undefined) return v;
  }
  return undefined;
}

function lookupProvider(raw: string, where: string): ProviderEntry {
  const entry = PROVIDERS[raw.toLowerCase()];
  if (!entry || !Object.hasOwn(PROVIDERS, raw.toLowerCase())) {
    throw terminal(
      "VALIDATION_ERROR",
      `unknown LLM provider in ${where} (expected one of ${LLM_PROVIDERS.join(", ")}, openrouter, zai)`,
    );
  }
  return entry;
}

/** DEV_<NAME>_API_KEY, then <NAME>_API_KEY, for each name in order, then provider-specific extras. */
export function apiKeyFromEnv(env: Env, names: string[], extraVars: string[] = []): string | undefined {
  const vars = [...names.flatMap((n) => [`DEV_${n}_API_KEY`, `${n}_API_KEY`]), ...extraVars];
  return first(env, ...vars);
}

/** "openai-compatible" → "OPENAI_COMPATIBLE". */
export function envNameOf(provider: string): string {
  return provider.toUpperCase().replace(/[^A-Z0-9]+/g, "_");
}

function number(env: Env, name: string, min: number, max: number): number | undefined {
  const raw = first(env, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) {
    throw terminal("VALIDATION_ERROR", `${name} must be a number between ${min} and ${max}`);
  }
  return n;
}

function bool(env: Env, name: string): boolean | undefined {
  const raw = first(env, name)?.toLowerCase();
  if (raw === undefined) return undefined;
  if (["1", "true", "yes", "on"].includes(raw)) return true;
  if (["0", "false", "no", "off"].includes(raw)) return false;
  throw terminal("VALIDATION_ERROR", `${name} must be true or false`);
}

function validURL(raw: string, where: string): string {
  try {
    const u = new URL(raw);
    if (u.protocol === "http:" || u.protocol === "https:") return raw;
  } catch {
    // reported below
  }
  throw terminal("VALIDATION_ERROR", `${where} must be an http(s) URL`);
}

const MODEL_ID = /^[\w.:/@+-]{1,200}$/;

/**
 * Keeps the key out of every serialisation of the config, including copies made with `{...config}`:
 * `toJSON` and the inspect hook are enumerable so spreads carry them along.
 */
export function redactKeyOnSerialise<T extends LlmConfig>(config: T): T {
  const hide = function (this: LlmConfig): Record<string, unknown> {
    // Plain data only: returning the hooks again would send util.inspect round in circles.
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this)) {
      if (typeof v === "function") continue;
      out[k] = k === "apiKey" && v !== undefined ? "[redacted]" : v;
    }
    return out;
  };
  Object.assign(config, { toJSON: hide, [Symbol.for("nodejs.util.inspect.custom")]: hide });
  return config;
}

/**
 * The LLM configuration for one pipeline family, with an optional per-task override.
 *
 * Environment (PREFIX = MACRO or MICROSCOPE; the unprefixed LLM_* form applies to both):
 * - `<PREFIX>_LLM_PROVIDER` | `LLM_PROVIDER`: openai, anthropic, google, groq, openai-compatible, openrouter,
 *   zai, none. Unset → none.
 * - `<PREFIX>_LLM_MODEL` | `LLM_MODEL`: default per provider (DEFAULT_MODELS).
 * - `<PREFIX>_LLM_BASE_URL` | `LLM_BASE_URL` (for the configured provider), else `<PROVIDER>_BASE_URL`.
 * - `<PREFIX>_LLM_TEMPERATURE` (default 0), `<PREFIX>_LLM_TIMEOUT` (seconds, default 300),
 *   `<PREFIX>_LLM_MAX_RETRIES` (3), `<PREFIX>_LLM_CONCURRENCY` (4), `<PREFIX>_LLM_REASONING_EFFORT`,
 *   `<PREFIX>_LLM_STRUCTURED_OUTPUTS` (true/false; false forces prompt-only JSON mode, for endpoints
 *   without `json_schema` support).
 * - llama-cpp (embedded GGUF model): `<PREFIX>_LLM_MODEL` is the .gguf path; `<PREFIX>_LLM_THREADS`
 *   (default cores − 1), `<PREFIX>_LLM_CONTEXT_SIZE` (default the model's, at most 8192), `<PREFIX>_LLM_GPU`
 *   (default false). Requests cannot choose it, nor its model file.
 * - keys: `DEV_<PROVIDER>_API_KEY`, then `<PROVIDER>_API_KEY`.
 *
 * Override (request payload): a provider other than the configured one takes its own default model, key and
 * base URL, not the configured provider's. A key without any provider means openai (the incumbent default).
 */
export function resolveLlmConfig(env: Env, prefix: LlmPrefix, overrides: LlmOverrides = {}): LlmConfig {
  const envProviderRaw = first(env, `${prefix}_LLM_PROVIDER`, "LLM_PROVIDER");
  const envEntry = envProviderRaw ? lookupProvider(envProviderRaw, `${prefix}_LLM_PROVIDER`) : undefined;
  const overrideProvider = clean(overrides.provider);
  const overrideEntry = overrideProvider
    ? lookupProvider(overrideProvider, "the request's provider")
    : undefined;
  if (overrideEntry?.provider === "llama-cpp") {
    // Its model is a file on the worker: only the operator's configuration may name one.
    throw terminal("VALIDATION_ERROR", "a request cannot choose the llama-cpp provider");
  }
  const overrideKey = clean(overrides.api_key) ?? clean(overrides.apiKey);

  const entry = overrideEntry ?? envEntry ?? (overrideKey ? PROVIDERS.openai! : PROVIDERS.none!);
  if (entry.provider === "none") return { provider: "none", model: "" };
  // The configured model/base URL belong to the configured provider; an override to another one drops them.
  const sameAsEnv =
    envEntry !== undefined && envEntry.provider === entry.provider && envEntry.envName === entry.envName;

  // For llama-cpp the model is a local file chosen by the operator; a request's model name is not a path.
  const overrideModel = entry.provider === "llama-cpp" ? undefined : clean(overrides.model);
  if (overrideModel !== undefined && !MODEL_ID.test(overrideModel)) {
    throw terminal("VALIDATION_ERROR", "the request's model name is not a valid model id");
  }
  const model =
    overrideModel ??
    (sameAsEnv ? first(env, `${prefix}_LLM_MODEL`, "LLM_MODEL") : undefined) ??
    DEFAULT_MODELS[entry.provider];
  if (!model) {
    throw terminal("VALIDATION_ERROR", `${prefix}_LLM_MODEL is required for LLM provider ${entry.provider}`);
  }

  const baseURLRaw =
    (sameAsEnv ? first(env, `${prefix}_LLM_BASE_URL`, "LLM_BASE_URL") : undefined) ??
    first(env, `${entry.envName}_BASE_URL`) ??
    entry.baseURL;
  const baseURL = baseURLRaw ? validURL(baseURLRaw, `${prefix}_LLM_BASE_URL`) : undefined;
  if (entry.provider === "openai-compatible" && !baseURL) {
    throw terminal(
      "VALIDATION_ERROR",
      `${prefix}_LLM_BASE_URL (or LLM_BASE_URL) is required for LLM provider openai-compatible`,
    );
  }

  const config: LlmConfig = {
    provider: entry.provider,
    model,
    structuredOutputsSetting: `${prefix}_LLM_STRUCTURED_OUTPUTS`,
  };
  if (baseURL) config.baseURL = baseURL;
  if (entry.name) config.name = entry.name;
  const temperature = number(env, `${prefix}_LLM_TEMPERATURE`, 0, 2);
  if (temperature !== undefined) config.temperature = temperature;
  const timeoutSeconds = number(env, `${prefix}_LLM_TIMEOUT`, 1, 3600);
  if (timeoutSeconds !== undefined) config.timeoutMs = Math.round(timeoutSeconds * 1000);
  const maxRetries = number(env, `${prefix}_LLM_MAX_RETRIES`, 0, 10);
  if (maxRetries !== undefined) config.maxRetries = Math.floor(maxRetries);
  const concurrency = number(env, `${prefix}_LLM_CONCURRENCY`, 1, 64);
  if (concurrency !== undefined) config.concurrency = Math.floor(concurrency);
  const effort = first(env, `${prefix}_LLM_REASONING_EFFORT`)?.toLowerCase();
  if (effort !== undefined) {
    if (!["minimal", "low", "medium", "high"].includes(effort)) {
      throw terminal(
        "VALIDATION_ERROR",
        `${prefix}_LLM_REASONING_EFFORT must be minimal, low, medium or high`,
      );
    }
    config.reasoningEffort = effort as ReasoningEffort;
  }
  const structured = bool(env, `${prefix}_LLM_STRUCTURED_OUTPUTS`);
  if (structured !== undefined) config.structuredOutputs = structured;
  if (entry.provider === "llama-cpp") {
    const threads = number(env, `${prefix}_LLM_THREADS`, 1, 256);
    if (threads !== undefined) config.threads = Math.floor(threads);
    const contextSize = number(env, `${prefix}_LLM_CONTEXT_SIZE`, 512, 1_048_576);
    if (contextSize !== undefined) config.contextSize = Math.floor(contextSize);
    const gpu = bool(env, `${prefix}_LLM_GPU`);
    if (gpu !== undefined) config.gpu = gpu;
  }

  const apiKey = overrideKey ?? apiKeyFromEnv(env, [entry.envName], entry.extraKeyVars);
  if (apiKey !== undefined) config.apiKey = apiKey;
  return redactKeyOnSerialise(config);
}
