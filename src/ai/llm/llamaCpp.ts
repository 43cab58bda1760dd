/**
 * The embedded provider: a GGUF model run in this process with node-llama-cpp, for people who want cluster
 * names and a summary without sending their conversations anywhere. It is an AI SDK language model, so the
 * Llm layer around it is the same as for the hosted providers: output budgets, timeouts, retries, the
 * repair round, validation, per-item text checks and the ledger.
 *
 * - Structured calls are decoded under a grammar built from the JSON Schema (node-llama-cpp's
 *   createGrammarForJsonSchema): the output always parses; a schema the grammar builder cannot take gets
 *   the generic JSON grammar, and the strict validation afterwards still applies.
 * - One load per process per model file: every Llm built for the same file shares the model, its context and
 *   a lock (one sequence; calls run one at a time).
 * - Threads default to one less than the cores (1 on a 2-core machine), leaving the event loop and the
 *   worker pool room; the native addon is imported only when this provider is configured.
 * - Prebuilt binaries only (`build: "never"`): nothing is compiled or downloaded at run time. CPU unless the
 *   configuration asks for a GPU.
 *
 * Quality depends entirely on the model the user brings: a 1–8 B instruct model with a chat template.
 */
import { availableParallelism } from "node:os";
import pLimit, { type LimitFunction } from "p-limit";
import { untilAborted } from "./abort.js";
import type { InjectableModel } from "./llm.js";

type LanguageModelV3 = Extract<InjectableModel, { specificationVersion: "v3" }>;
type CallOptions = Parameters<LanguageModelV3["doGenerate"]>[0];
type GenerateResult = Awaited<ReturnType<LanguageModelV3["doGenerate"]>>;

export interface LlamaCppOptions {
  /** Path of the .gguf file. */
  modelPath: string;
  /** CPU threads for evaluation. Default: cores − 1, at least 1. */
  threads?: number;
  /** Context window in tokens. Default: the model's training context, at most 8192. */
  contextSize?: number;
  /** Use a GPU when node-llama-cpp finds one ("auto"). Default false: CPU. */
  gpu?: boolean;
}

export function defaultLlamaThreads(): number {
  return Math.max(1, availableParallelism() - 1);
}

const DEFAULT_MAX_CONTEXT = 8192;

// node-llama-cpp's own types, kept structural so that the module is only imported when it is used.
type NodeLlamaCpp = typeof import("node-llama-cpp");
type Llama = Awaited<ReturnType<NodeLlamaCpp["getLlama"]>>;
type LlamaModel = Awaited<ReturnType<Llama["loadModel"]>>;
type LlamaGrammar = import("node-llama-cpp").LlamaGrammar;
type ChatHistoryItem = import("node-llama-cpp").ChatHistoryItem;

interface Loaded {
  llama: Llama;
  model: LlamaModel;
  chat: InstanceType<NodeLlamaCpp["LlamaChat"]>;
  meter: () => { usedInputTokens: number; usedOutputTokens: number };
  contextSize: number;
  threads: number;
  lock: LimitFunction;
  grammars: Map<string, Promise<LlamaGrammar | null>>;
}

const loads = new Map<string, Promise<Loaded>>();

async function load(opts: Required<Omit<LlamaCppOptions, "contextSize">> & { contextSize?: number }) {
  const { getLlama, LlamaChat, LlamaLogLevel } = await import("node-llama-cpp");
  const llama = await getLlama({
    gpu: opts.gpu ? "auto" : false,
    build: "never",
    maxThreads: opts.threads,
    logLevel: LlamaLogLevel.error,
    progressLogs: false,
  });
  const model = await llama.loadModel({ modelPath: opts.modelPath });
  const contextSize = opts.contextSize ?? Math.min(model.trainContextSize, DEFAULT_MAX_CONTEXT);
  const context = await model.createContext({ contextSize, threads: opts.threads, sequences: 1 });
  const sequence = context.getSequence();
  return {
    llama,
    model,
    chat: new LlamaChat({ contextSequence: sequence }),
    meter: () => sequence.tokenMeter.getState(),
    contextSize: context.contextSize,
    threads: opts.threads,
    lock: pLimit(1),
    grammars: new Map(),
  } satisfies Loaded;
}

/** The process's one load of this model file (with these settings). A failed load is forgotten. */
function loaded(opts: LlamaCppOptions): Promise<Loaded> {
  const threads = opts.threads ?? defaultLlamaThreads();
  const key = JSON.stringify([opts.modelPath, threads, opts.contextSize ?? null, opts.gpu ?? false]);
  let p = loads.get(key);
  if (!p) {
    p = load({
      modelPath: opts.modelPath,
      threads,
      gpu: opts.gpu ?? false,
      ...(opts.contextSize ? { contextSize: opts.contextSize } : {}),
    });
    loads.set(key, p);
    p.catch(() => loads.delete(key));
  }
  return p;
}

/** How many model loads this process holds (tests check that Llms share one). */
export function llamaCppLoads(): number {
  return loads.size;
}

/** Frees every loaded model (tests; a process that exits needs not). */
export async function disposeLlamaCppModels(): Promise<void> {
  const all = [...loads.values()];
  loads.clear();
  await Promise.all(all.map(async (p) => (await p.catch(() => null))?.llama.dispose()));
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part: { type?: string; text?: unknown }) =>
      part && part.type === "text" && typeof part.text === "string" ? part.text : "",
    )
    .join("");
}

/** The AI SDK prompt as node-llama-cpp chat history, ending with the model turn to generate. */
export function toChatHistory(prompt: CallOptions["prompt"]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [];
  for (const message of prompt) {
    const text = textOf(message.content);
    if (message.role === "system") history.push({ type: "system", text });
    else if (message.role === "user") history.push({ type: "user", text });
    else if (message.role === "assistant") history.push({ type: "model", response: [text] });
  }
  history.push({ type: "model", response: [] });
  return history;
}

async function grammarFor(m: Loaded, schema: unknown): Promise<LlamaGrammar | null> {
  const key = JSON.stringify(schema ?? null);
  let g = m.grammars.get(key);
  if (g === undefined) {
    const made: Promise<LlamaGrammar> = schema
      ? m.llama.createGrammarForJsonSchema(schema as Parameters<Llama["createGrammarForJsonSchema"]>[0])
      : m.llama.getGrammarFor("json");
    // A schema the grammar builder refuses is remembered as such (the caller falls back to plain JSON).
    g = made.catch(() => null);
    m.grammars.set(key, g);
  }
  return g;
}

class LlamaCppLanguageModel implements LanguageModelV3 {
  readonly specificationVersion = "v3" as const;
  readonly provider = "llama-cpp";
  readonly modelId: string;
  readonly supportedUrls = {};
  readonly #options: LlamaCppOptions;

  constructor(options: LlamaCppOptions) {
    this.#options = options;
    // The file name, not the path: ids end up in metadata and logs.
    this.modelId = options.modelPath.split(/[\\/]/).pop() ?? options.modelPath;
  }

  async doGenerate(options: CallOptions): Promise<GenerateResult> {
    const signal = options.abortSignal;
    // A load or a wait for the model's lock must not hold a timed-out or cancelled call: the load goes on and
    // is kept for the next call; a queued call that was abandoned sees the aborted signal when its turn comes.
    const m = await untilAborted(loaded(this.#options), signal);
    return untilAborted(
      m.lock(() => this.#generate(m, options)),
      signal,
    );
  }

  async #generate(m: Loaded, options: CallOptions): Promise<GenerateResult> {
    {
      options.abortSignal?.throwIfAborted();
      const warnings: GenerateResult["warnings"] = [];
      let grammar: LlamaGrammar | null = null;
      if (options.responseFormat?.type === "json") {
        grammar = await grammarFor(m, options.responseFormat.schema);
        if (!grammar && options.responseFormat.schema) grammar = await grammarFor(m, undefined);
        if (!grammar) warnings.push({ type: "other", message: "no JSON grammar: output is unconstrained" });
      }
      const before = m.meter();
      const response = await m.chat.generateResponse(toChatHistory(options.prompt), {
        ...(options.maxOutputTokens !== undefined ? { maxTokens: options.maxOutputTokens } : {}),
        temperature: options.temperature ?? 0,
        ...(options.seed !== undefined ? { seed: options.seed } : {}),
        ...(grammar ? { grammar } : {}),
        ...(options.abortSignal ? { signal: options.abortSignal, stopOnAbortSignal: false } : {}),
      });
      const after = m.meter();
      const input = after.usedInputTokens - before.usedInputTokens;
      const output = after.usedOutputTokens - before.usedOutputTokens;
      const stop = response.metadata.stopReason;
      return {
        content: response.response === "" ? [] : [{ type: "text", text: response.response }],
        finishReason: { unified: stop === "maxTokens" ? "length" : "stop", raw: stop },
        usage: {
          inputTokens: { total: input, noCache: input, cacheRead: undefined, cacheWrite: undefined },
          outputTokens: { total: output, text: output, reasoning: undefined },
        },
        warnings,
      } as GenerateResult;
    }
  }

  doStream(): never {
    throw new Error("llama-cpp: streaming is not used by this worker");
  }
}

/** An AI SDK language model over a local GGUF file; the model loads on the first call. */
export function createLlamaCppModel(options: LlamaCppOptions): InjectableModel {
  return new LlamaCppLanguageModel(options) as unknown as InjectableModel;
}
