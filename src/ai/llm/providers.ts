/**
 * The provider registry: one place that turns an LlmConfig into an AI SDK model and an Llm. The key goes
 * into the provider SDK's closure and nowhere else (not into the Llm's description, the ledger or errors).
 */
import { statSync } from "node:fs";
import { createAnthropic } from "@ai-sdk/anthropic";
import { createGoogleGenerativeAI } from "@ai-sdk/google";
import { createGroq } from "@ai-sdk/groq";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { terminal } from "../../contract/errors.js";
import { apiKeyFromEnv, envNameOf } from "./config.js";
import { createLlamaCppModel } from "./llamaCpp.js";
import { createLlmFromModel, type InjectableModel, type ModelLlmOptions } from "./llm.js";
import type { Llm, LlmConfig, LlmRuntimeOptions } from "./types.js";

/**
 * openai-compatible: `json_schema` constrained decoding by default. llama.cpp's server, Ollama, vLLM and
 * LM Studio support it, and with the schema only in the prompt small models echo the schema or the input
 * instead of answering. Servers without it: set <PREFIX>_LLM_STRUCTURED_OUTPUTS=false (the error of a
 * rejected json_schema request names the variable).
 *
 * Groq enforces `json_schema` only on some models; on the others it answers 400 to it. Those get JSON mode
 * with the schema in the prompt instead.
 */
const GROQ_STRUCTURED = /(?:gpt-oss|kimi-k2|llama-4)/i;

function defaultStructuredOutputs(config: LlmConfig): boolean {
  switch (config.provider) {
    case "groq":
      return GROQ_STRUCTURED.test(config.model);
    case "openai-compatible":
    case "llama-cpp":
      return true;
    default:
      return true;
  }
}

function isGgufFile(path: string): boolean {
  try {
    return path.toLowerCase().endsWith(".gguf") && statSync(path).isFile();
  } catch {
    return false;
  }
}

function buildModel(
  config: LlmConfig,
  apiKey: string | undefined,
  structuredOutputs: boolean,
  fetch: typeof globalThis.fetch | undefined,
): { model: InjectableModel; providerOptions?: ModelLlmOptions["providerOptions"] } {
  const common = {
    ...(apiKey !== undefined ? { apiKey } : {}),
    ...(config.baseURL ? { baseURL: config.baseURL } : {}),
    ...(fetch ? { fetch } : {}),
  };
  switch (config.provider) {
    case "openai":
      // Chat Completions, as the incumbent: nothing is stored at OpenAI (the Responses API stores by default).
      // Non-strict schemas: strict mode answers 400 to ordinary Zod schemas (optional fields, min/max…); the
      // SDK validates and the repair round covers what a non-strict model gets wrong.
      return {
        model: createOpenAI(common).chat(config.model),
        providerOptions: { openai: { strictJsonSchema: false } },
      };
    case "anthropic":
      return { model: createAnthropic(common)(config.model) };
    case "google":
      return { model: createGoogleGenerativeAI(common)(config.model) };
    case "groq":
      return { model: createGroq(common)(config.model), providerOptions: { groq: { structuredOutputs } } };
    case "openai-compatible": {
      if (!config.baseURL) {
        throw terminal("VALIDATION_ERROR", "a base URL is required for LLM provider openai-compatible");
      }
      const provider = createOpenAICompatible({
        name: config.name ?? "openai-compatible",
        baseURL: config.baseURL,
        ...(apiKey !== undefined ? { apiKey } : {}),
        ...(fetch ? { fetch } : {}),
        supportsStructuredOutputs: structuredOutputs,
        includeUsage: true,
      });
      // Non-strict for the same reason as openai: strict mode rejects optional fields on OpenAI-backed hosts;
      // llama.cpp, Ollama and vLLM constrain decoding by the schema either way.
      return {
        model: provider.chatModel(config.model),
        providerOptions: { openaiCompatible: { strictJsonSchema: false } },
      };
    }
    case "llama-cpp":
      return {
        model: createLlamaCppModel({
          modelPath: config.model,
          ...(config.threads !== undefined ? { threads: config.threads } : {}),
          ...(config.contextSize !== undefined ? { contextSize: config.contextSize } : {}),
          ...(config.gpu !== undefined ? { gpu: config.gpu } : {}),
        }),
      };
    default:
      throw terminal("VALIDATION_ERROR", "unknown LLM provider");
  }
}

/**
 * An Llm for `config`, or null for provider "none" (callers then use their local fallbacks).
 * A missing `apiKey` is looked up as DEV_<PROVIDER>_API_KEY, then <PROVIDER>_API_KEY in `runtime.env`
 * (for openai-compatible hosts with a `name`, that name first: DEV_OPENROUTER_API_KEY, …).
 * Throws a terminal TaskError when a provider that needs a key has none, or the model is missing.
 */
export function createLlm(config: LlmConfig, runtime: LlmRuntimeOptions = {}): Llm | null {
  if (config.provider === "none") return null;
  const model = config.model?.trim();
  if (!model)
    throw terminal("VALIDATION_ERROR", `no model is configured for LLM provider ${config.provider}`);
  const env = runtime.env ?? process.env;
  const names = [...new Set([config.name, config.provider].filter((n): n is string => !!n).map(envNameOf))];
  const googleExtras = config.provider === "google" ? ["GOOGLE_GENERATIVE_AI_API_KEY", "GEMINI_API_KEY"] : [];
  const apiKey = config.apiKey?.trim() || apiKeyFromEnv(env, names, googleExtras);
  if (config.provider === "llama-cpp" && !isGgufFile(model)) {
    throw terminal(
      "VALIDATION_ERROR",
      `the model of LLM provider llama-cpp must be the path of a readable .gguf file (${config.structuredOutputsSetting?.replace("STRUCTURED_OUTPUTS", "MODEL") ?? "LLM_MODEL"})`,
    );
  }
  if (!apiKey && config.provider !== "openai-compatible" && config.provider !== "llama-cpp") {
    const n = names[names.length - 1];
    throw terminal(
      "LLM_ERROR",
      `no API key is configured for LLM provider ${config.provider} (set DEV_${n}_API_KEY or ${n}_API_KEY)`,
    );
  }
  const structuredOutputs = config.structuredOutputs ?? defaultStructuredOutputs(config);
  const built = buildModel({ ...config, model }, apiKey || undefined, structuredOutputs, runtime.fetch);
  const options: ModelLlmOptions = {
    ...runtime,
    provider: config.name ?? config.provider,
    structuredOutputs,
  };
  if (built.providerOptions) options.providerOptions = built.providerOptions;
  if (config.baseURL) options.baseURL = config.baseURL;
  if (config.structuredOutputsSetting) options.structuredOutputsSetting = config.structuredOutputsSetting;
  if (config.temperature !== undefined) options.temperature = config.temperature;
  if (config.timeoutMs !== undefined) options.timeoutMs = config.timeoutMs;
  if (config.maxRetries !== undefined) options.maxRetries = config.maxRetries;
  if (config.concurrency !== undefined) options.concurrency = config.concurrency;
  if (config.reasoningEffort !== undefined) options.reasoningEffort = config.reasoningEffort;
  // One sequence per loaded model: more calls in flight would only queue inside it, on the clock.
  if (config.provider === "llama-cpp" && config.concurrency === undefined) options.concurrency = 1;
  return createLlmFromModel(built.model, options);
}
