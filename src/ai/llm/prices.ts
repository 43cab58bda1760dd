/**
 * A small, static price table for cost ESTIMATES in the ledger. Prices are public list prices in USD per
 * million tokens as known in late 2025; they drift, cached-input discounts and batch pricing are ignored,
 * and reasoning tokens are billed as output tokens (which is what the providers do). Unknown models, and
 * every model behind an `openai-compatible` endpoint (the host sets the price), get no price: cost null.
 */

export interface ModelPrice {
  /** USD per 1M input tokens. */
  input: number;
  /** USD per 1M output tokens (reasoning tokens included). */
  output: number;
}

export type PriceTable = Readonly<Record<string, ModelPrice>>;

export const PRICE_TABLE_DATE = "2025-11";

export const DEFAULT_PRICES: PriceTable = {
  // OpenAI
  "gpt-5": { input: 1.25, output: 10 },
  "gpt-5.1": { input: 1.25, output: 10 },
  "gpt-5-mini": { input: 0.25, output: 2 },
  "gpt-5-nano": { input: 0.05, output: 0.4 },
  "gpt-4.1": { input: 2, output: 8 },
  "gpt-4.1-mini": { input: 0.4, output: 1.6 },
  "gpt-4.1-nano": { input: 0.1, output: 0.4 },
  "gpt-4o": { input: 2.5, output: 10 },
  "gpt-4o-mini": { input: 0.15, output: 0.6 },
  o1: { input: 15, output: 60 },
  o3: { input: 2, output: 8 },
  "o3-mini": { input: 1.1, output: 4.4 },
  "o4-mini": { input: 1.1, output: 4.4 },
  // Anthropic
  "claude-opus-4": { input: 15, output: 75 },
  "claude-opus-4-1": { input: 15, output: 75 },
  "claude-sonnet-4": { input: 3, output: 15 },
  "claude-sonnet-4-5": { input: 3, output: 15 },
  "claude-3-7-sonnet": { input: 3, output: 15 },
  "claude-haiku-4-5": { input: 1, output: 5 },
  "claude-3-5-haiku": { input: 0.8, output: 4 },
  // Google (prompts up to 200k tokens)
  "gemini-2.5-pro": { input: 1.25, output: 10 },
  "gemini-2.5-flash": { input: 0.3, output: 2.5 },
  "gemini-2.5-flash-lite": { input: 0.1, output: 0.4 },
  "gemini-2.0-flash": { input: 0.1, output: 0.4 },
  // Groq
  "llama-3.1-8b-instant": { input: 0.05, output: 0.08 },
  "llama-3.3-70b-versatile": { input: 0.59, output: 0.79 },
};

/**
 * Dated snapshots and aliases share their family's price ("gpt-4o-mini-2024-07-18", "claude-3-5-haiku-latest",
 * "gemini-2.5-flash-preview-05-20"); any other suffix ("o3-pro", "gpt-5-codex") is a different product and
 * stays unpriced rather than guessed.
 */
const SNAPSHOT_SUFFIX =
  /^-(?:\d{4}-\d{2}-\d{2}|\d{8}|\d{2}-\d{2}|\d{4}|latest|preview(?:-[\w.-]+)?|exp(?:-[\w.-]+)?)$/;

export function findPrice(
  provider: string,
  model: string,
  table: PriceTable = DEFAULT_PRICES,
): ModelPrice | undefined {
  const id = model
    .trim()
    .toLowerCase()
    .replace(/^models\//, "");
  const p = priceProviderKey(provider);
  const own = table[`${p}:${id}`];
  if (own) return own;
  if (p === "openai-compatible") return undefined;
  const exact = table[id];
  if (exact) return exact;
  if (!KNOWN_PRICED_PROVIDERS.has(p)) return undefined;
  let best: string | undefined;
  for (const key of Object.keys(table)) {
    if (
      id.startsWith(key) &&
      SNAPSHOT_SUFFIX.test(id.slice(key.length)) &&
      (!best || key.length > best.length)
    ) {
      best = key;
    }
  }
  return best ? table[best] : undefined;
}

/**
 * Providers whose list prices the table describes. Injected models (tests, custom providers) name their
 * provider freely; they are priced by exact model id only. A table key "<provider>:<model>" prices one
 * provider's model explicitly (the only way to price an openai-compatible host).
 */
const KNOWN_PRICED_PROVIDERS = new Set(["openai", "anthropic", "google", "groq"]);

/** The AI SDK names providers "openai.chat", "google.generative-ai", …: keep the family. */
export function priceProviderKey(provider: string): string {
  return provider.split(".")[0] ?? provider;
}

export function estimateCostUsd(price: ModelPrice, inputTokens: number, outputTokens: number): number {
  return (inputTokens * price.input + outputTokens * price.output) / 1_000_000;
}
