/**
 * Per-task accounting of LLM use: calls, HTTP requests, tokens, retries, repairs, failures, time and an
 * ESTIMATED cost. `toJSON()` fits timing.json / result metadata (numbers ≥ 0, strings, nulls, records).
 * The Llm layer records into it; pipelines only create one per task and serialise it at the end.
 */
import { DEFAULT_PRICES, estimateCostUsd, findPrice, PRICE_TABLE_DATE, type PriceTable } from "./prices.js";
import type { LlmFailureKind } from "./types.js";

/** The token fields the ledger reads; the AI SDK's LanguageModelUsage fits. */
export interface UsageLike {
  inputTokens?: number | undefined;
  outputTokens?: number | undefined;
  inputTokenDetails?: { cacheReadTokens?: number | undefined };
  outputTokenDetails?: { reasoningTokens?: number | undefined };
}

interface TokenCounts {
  inputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  cachedInputTokens: number;
}

interface ModelEntry extends TokenCounts {
  provider: string;
  model: string;
  requests: number;
}

interface LabelEntry {
  calls: number;
  failures: number;
  retries: number;
  repairs: number;
  inputTokens: number;
  outputTokens: number;
  seconds: number;
  /** The largest output budget (max output tokens) a request of this label was given. */
  maxOutputTokens: number;
  /** Requests that ended because the budget ran out. */
  budgetStops: number;
}

/** What a finished request adds besides its usage. */
export interface RequestBudget {
  /** The max output tokens the request was sent with. */
  budget?: number;
  /** It ended at the budget (finish reason "length"). */
  stoppedByBudget?: boolean;
}

export interface LlmLedgerJSON {
  calls: number;
  /** Model requests, including retries and repairs. */
  requests: number;
  /** Calls that ended in an error (after retries/repair). */
  failures: number;
  retries: number;
  repairs: number;
  inputTokens: number;
  outputTokens: number;
  /** Part of outputTokens. */
  reasoningTokens: number;
  /** Part of inputTokens (prompt cache hits; priced at the full rate in the estimate). */
  cachedInputTokens: number;
  /** Requests whose provider reported no usage (their tokens are missing from the totals). */
  requestsWithoutUsage: number;
  /** Sum of the output budgets (max output tokens) of all requests: the most output that could be billed. */
  outputBudgetTokens: number;
  /** Requests stopped by their output budget (a loop or an over-long answer). */
  budgetStops: number;
  /** Time with at least one call running. */
  wallSeconds: number;
  /** Sum of call durations (exceeds wallSeconds when calls overlap). */
  callSeconds: number;
  /** An estimate; null when any model used has no known price. */
  estimatedCostUsd: number | null;
  costNote: string;
  /** Failed requests by kind, including ones that a retry later recovered. */
  failureKinds: Record<string, number>;
  models: Record<
    string,
    {
      requests: number;
      inputTokens: number;
      outputTokens: number;
      reasoningTokens: number;
      estimatedCostUsd: number | null;
    }
  >;
  labels: Record<string, LabelEntry>;
}

export interface LlmLedgerOptions {
  /** Milliseconds. Default performance.now. */
  now?: () => number;
  /** Extra or replacement prices, merged over the default table. */
  prices?: PriceTable;
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));

export class LlmLedger {
  readonly #now: () => number;
  readonly #prices: PriceTable;
  #calls = 0;
  #failures = 0;
  #retries = 0;
  #repairs = 0;
  #requestsWithoutUsage = 0;
  #outputBudgetTokens = 0;
  #budgetStops = 0;
  #callMs = 0;
  #wallMs = 0;
  #inFlight = 0;
  #busySince = 0;
  readonly #failureKinds = new Map<LlmFailureKind, number>();
  readonly #models = new Map<string, ModelEntry>();
  readonly #labels = new Map<string, LabelEntry>();

  constructor(options: LlmLedgerOptions = {}) {
    this.#now = options.now ?? (() => performance.now());
    this.#prices = options.prices ? { ...DEFAULT_PRICES, ...options.prices } : DEFAULT_PRICES;
  }

  #label(label: string): LabelEntry {
    let e = this.#labels.get(label);
    if (!e) {
      e = {
        calls: 0,
        failures: 0,
        retries: 0,
        repairs: 0,
        inputTokens: 0,
        outputTokens: 0,
        seconds: 0,
        maxOutputTokens: 0,
        budgetStops: 0,
      };
      this.#labels.set(label, e);
    }
    return e;
  }

  /** A call starts running (after any wait for a concurrency slot). Returns the function that ends it. */
  startCall(label: string): (outcome: { failed: LlmFailureKind | null }) => void {
    const started = this.#now();
    if (this.#inFlight++ === 0) this.#busySince = started;
    this.#calls++;
    const entry = this.#label(label);
    entry.calls++;
    let ended = false;
    return ({ failed }) => {
      if (ended) return;
      ended = true;
      const now = this.#now();
      const ms = Math.max(0, now - started);
      this.#callMs += ms;
      entry.seconds += ms / 1000;
      if (--this.#inFlight === 0) this.#wallMs += Math.max(0, now - this.#busySince);
      if (failed) {
        this.#failures++;
        entry.failures++;
      }
    };
  }

  /** One model request finished (successfully or not); `usage` when the provider reported it. */
  recordRequest(
    provider: string,
    model: string,
    label: string,
    usage: UsageLike | undefined,
    budget: RequestBudget = {},
  ): void {
    if (budget.budget !== undefined && budget.budget > 0) {
      this.#outputBudgetTokens += budget.budget;
      const entry = this.#label(label);
      entry.maxOutputTokens = Math.max(entry.maxOutputTokens, budget.budget);
    }
    if (budget.stoppedByBudget) {
      this.#budgetStops++;
      this.#label(label).budgetStops++;
    }
    const key = `${provider}:${model}`;
    let m = this.#models.get(key);
    if (!m) {
      m = {
        provider,
        model,
        requests: 0,
        inputTokens: 0,
        outputTokens: 0,
        reasoningTokens: 0,
        cachedInputTokens: 0,
      };
      this.#models.set(key, m);
    }
    m.requests++;
    if (!usage || (usage.inputTokens === undefined && usage.outputTokens === undefined)) {
      this.#requestsWithoutUsage++;
      return;
    }
    const input = usage.inputTokens ?? 0;
    const output = usage.outputTokens ?? 0;
    m.inputTokens += input;
    m.outputTokens += output;
    m.reasoningTokens += usage.outputTokenDetails?.reasoningTokens ?? 0;
    m.cachedInputTokens += usage.inputTokenDetails?.cacheReadTokens ?? 0;
    const entry = this.#label(label);
    entry.inputTokens += input;
    entry.outputTokens += output;
  }

  recordFailure(kind: LlmFailureKind): void {
    this.#failureKinds.set(kind, (this.#failureKinds.get(kind) ?? 0) + 1);
  }

  recordRetry(label: string): void {
    this.#retries++;
    this.#label(label).retries++;
  }

  recordRepair(label: string): void {
    this.#repairs++;
    this.#label(label).repairs++;
  }

  get calls(): number {
    return this.#calls;
  }

  toJSON(): LlmLedgerJSON {
    const totals: TokenCounts = { inputTokens: 0, outputTokens: 0, reasoningTokens: 0, cachedInputTokens: 0 };
    let requests = 0;
    let cost: number | null = 0;
    const models: [string, LlmLedgerJSON["models"][string]][] = [];
    for (const [key, m] of this.#models) {
      requests += m.requests;
      totals.inputTokens += m.inputTokens;
      totals.outputTokens += m.outputTokens;
      totals.reasoningTokens += m.reasoningTokens;
      totals.cachedInputTokens += m.cachedInputTokens;
      const price = findPrice(m.provider, m.model, this.#prices);
      const modelCost = price ? estimateCostUsd(price, m.inputTokens, m.outputTokens) : null;
      if (modelCost === null) cost = null;
      else if (cost !== null) cost += modelCost;
      models.push([
        key,
        {
          requests: m.requests,
          inputTokens: m.inputTokens,
          outputTokens: m.outputTokens,
          reasoningTokens: m.reasoningTokens,
          estimatedCostUsd: modelCost === null ? null : round(modelCost, 9),
        },
      ]);
    }
    // Object.fromEntries defines own properties, so a label such as "__proto__" cannot reach the prototype.
    const labels = Object.fromEntries(
      [...this.#labels].map(([label, e]) => [label, { ...e, seconds: round(e.seconds, 3) }]),
    );
    const wallMs = this.#wallMs + (this.#inFlight > 0 ? Math.max(0, this.#now() - this.#busySince) : 0);
    return {
      calls: this.#calls,
      requests,
      failures: this.#failures,
      retries: this.#retries,
      repairs: this.#repairs,
      ...totals,
      requestsWithoutUsage: this.#requestsWithoutUsage,
      outputBudgetTokens: this.#outputBudgetTokens,
      budgetStops: this.#budgetStops,
      wallSeconds: round(wallMs / 1000, 3),
      callSeconds: round(this.#callMs / 1000, 3),
      estimatedCostUsd: cost === null ? null : round(cost, 9),
      costNote: `estimate from list prices (USD per 1M tokens, ${PRICE_TABLE_DATE}); null when a model's price is unknown`,
      failureKinds: Object.fromEntries(this.#failureKinds),
      models: Object.fromEntries(models),
      labels,
    };
  }
}
