/**
 * The LLM layer shared by every pipeline. Typical use in a task handler:
 *
 *   const ledger = new LlmLedger();
 *   const llm = createLlm(resolveLlmConfig(process.env, "MICROSCOPE", payload), { ledger, onEvent });
 *   if (!llm) return localFallback();                       // provider "none"
 *   const out = await llm.generateObject(schema, { system, prompt, signal: ctx.signal, label: "extract" });
 *   timing.llm = ledger.toJSON();
 */
export { DEFAULT_BACKOFF, retryDelayMs } from "./backoff.js";
export {
  type BudgetHints,
  budgetForSchema,
  budgetForText,
  DEFAULT_TEXT_BUDGET,
  tokensForChars,
} from "./budget.js";
export {
  apiKeyFromEnv,
  DEFAULT_MODELS,
  type LlmOverrides,
  type LlmPrefix,
  resolveLlmConfig,
} from "./config.js";
export { classifyFailure, type Failure, type LlmErrorDetail, parseRetryAfterMs } from "./failures.js";
export { LlmLedger, type LlmLedgerJSON, type LlmLedgerOptions, type UsageLike } from "./ledger.js";
export {
  createLlmFromModel,
  type InjectableModel,
  isReasoningModel,
  LLM_DEFAULTS,
  type ModelLlmOptions,
} from "./llm.js";
export { DEFAULT_PRICES, findPrice, type ModelPrice, PRICE_TABLE_DATE, type PriceTable } from "./prices.js";
export { createLlm } from "./providers.js";
export {
  checkAnswerText,
  checkText,
  type TextKind,
  type TextRejection,
  type TextRequest,
  TextVerdicts,
} from "./textCheck.js";
export * from "./types.js";
export { type AiSdkWarning, routeAiSdkWarnings } from "./warnings.js";
