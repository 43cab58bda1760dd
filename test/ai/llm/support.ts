/** Builders for AI SDK mock models and fast runtime options used by the LLM tests. */
import { APICallError } from "ai";
import { MockLanguageModelV3 } from "ai/test";
import type { LlmRuntimeOptions } from "../../../src/ai/llm/index.js";

// Derived from the mock so the tests need no direct dependency on @ai-sdk/provider.
export type CallOptions = MockLanguageModelV3["doGenerateCalls"][number];
export type GenerateResult = Awaited<ReturnType<MockLanguageModelV3["doGenerate"]>>;

export function reply(
  text: string,
  usage: { input?: number; output?: number; reasoning?: number } = {},
): GenerateResult {
  return {
    content: text === "" ? [] : [{ type: "text", text }],
    finishReason: { unified: "stop", raw: "stop" },
    usage: {
      inputTokens: {
        total: usage.input ?? 10,
        noCache: usage.input ?? 10,
        cacheRead: undefined,
        cacheWrite: undefined,
      },
      outputTokens: { total: usage.output ?? 5, text: usage.output ?? 5, reasoning: usage.reasoning },
    },
    warnings: [],
  };
}

export function apiError(
  status: number | undefined,
  opts: { headers?: Record<string, string>; body?: string } = {},
) {
  return new APICallError({
    message: opts.body ?? `HTTP ${status}`,
    url: "https://llm.example/v1/chat/completions",
    requestBodyValues: { messages: [{ role: "user", content: "private prompt" }] },
    ...(status === undefined ? {} : { statusCode: status }),
    ...(opts.headers ? { responseHeaders: opts.headers } : {}),
    ...(opts.body ? { responseBody: opts.body } : {}),
    isRetryable: status === undefined || status === 429 || status >= 500,
  });
}

type Step = GenerateResult | Error | ((options: CallOptions) => Promise<GenerateResult>);

/** A mock whose successive requests play `steps` in order (the last step repeats). */
export function scripted(steps: Step[], modelId = "gpt-4o-mini"): MockLanguageModelV3 {
  let i = 0;
  return new MockLanguageModelV3({
    modelId,
    doGenerate: async (options) => {
      const step = steps[Math.min(i++, steps.length - 1)]!;
      if (step instanceof Error) throw step;
      if (typeof step === "function") return step(options);
      return step;
    },
  });
}

/** Sleeps that return at once and remember what they were asked to wait. */
export function fastRuntime(extra: LlmRuntimeOptions = {}): LlmRuntimeOptions & { delays: number[] } {
  const delays: number[] = [];
  return {
    sleep: async (ms) => {
      delays.push(ms);
    },
    random: () => 0.5,
    ...extra,
    delays,
  };
}

/** The text of every message of one request, for assertions on what the model was sent. */
export function promptText(options: CallOptions): string {
  return options.prompt
    .map((m) =>
      typeof m.content === "string"
        ? m.content
        : m.content.map((p) => ("text" in p && typeof p.text === "string" ? p.text : "")).join(""),
    )
    .join("\n");
}

/** Resolves when the signal aborts, rejecting like a fetch would. */
export function hangUntilAborted(options: CallOptions): Promise<never> {
  return new Promise((_, reject) => {
    const signal = options.abortSignal;
    if (!signal) return;
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}
