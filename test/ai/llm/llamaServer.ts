/**
 * A small OpenAI-compatible chat server over a GGUF model (node-llama-cpp), on 127.0.0.1, for tests and the
 * LLM bench: `POST /v1/chat/completions` with `max_tokens`, `temperature` and `response_format`
 * (`json_schema` → a grammar from the schema, as llama.cpp's own server does; `json_object` → the JSON
 * grammar). Requests run one at a time on one context sequence, like a one-slot llama.cpp server. The
 * first `failFirst` requests get a 503, so the client's retries run over real HTTP too.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type ChatHistoryItem, getLlama, LlamaChat, type LlamaGrammar, LlamaLogLevel } from "node-llama-cpp";
import pLimit from "p-limit";

export interface LlamaServer {
  baseURL: string;
  /** Requests answered (any status), in order, with what mattered of each. */
  requests: { status: number; maxTokens: number | undefined; format: string | undefined }[];
  close(): Promise<void>;
}

interface ChatRequest {
  messages?: { role: string; content: unknown }[];
  max_tokens?: number;
  max_completion_tokens?: number;
  temperature?: number;
  response_format?: { type: string; json_schema?: { schema?: unknown } };
}

function text(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content))
    return content.map((p: { text?: unknown }) => (typeof p?.text === "string" ? p.text : "")).join("");
  return "";
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

export async function startLlamaServer(opts: {
  modelPath: string;
  threads?: number;
  contextSize?: number;
  failFirst?: number;
}): Promise<LlamaServer> {
  const llama = await getLlama({
    gpu: false,
    build: "never",
    maxThreads: opts.threads ?? 1,
    logLevel: LlamaLogLevel.error,
    progressLogs: false,
  });
  const model = await llama.loadModel({ modelPath: opts.modelPath });
  const context = await model.createContext({
    contextSize: opts.contextSize ?? 4096,
    threads: opts.threads ?? 1,
    sequences: 1,
  });
  const sequence = context.getSequence();
  const chat = new LlamaChat({ contextSequence: sequence });
  const lock = pLimit(1);
  const grammars = new Map<string, Promise<LlamaGrammar | null>>();
  const requests: LlamaServer["requests"] = [];
  let failures = opts.failFirst ?? 0;
  let id = 0;

  const grammarFor = (format: ChatRequest["response_format"]) => {
    if (!format || (format.type !== "json_schema" && format.type !== "json_object")) return null;
    const schema = format.type === "json_schema" ? format.json_schema?.schema : undefined;
    const key = JSON.stringify(schema ?? null);
    let g = grammars.get(key);
    if (!g) {
      g = (
        schema
          ? llama.createGrammarForJsonSchema(schema as Parameters<typeof llama.createGrammarForJsonSchema>[0])
          : llama.getGrammarFor("json")
      ).catch(() => null);
      grammars.set(key, g);
    }
    return g;
  };

  const complete = async (body: ChatRequest, abort: AbortSignal) => {
    const history: ChatHistoryItem[] = [];
    for (const m of body.messages ?? []) {
      if (m.role === "system") history.push({ type: "system", text: text(m.content) });
      else if (m.role === "user") history.push({ type: "user", text: text(m.content) });
      else if (m.role === "assistant") history.push({ type: "model", response: [text(m.content)] });
    }
    history.push({ type: "model", response: [] });
    const grammar = await grammarFor(body.response_format);
    const maxTokens = body.max_completion_tokens ?? body.max_tokens;
    const before = sequence.tokenMeter.getState();
    const out = await chat.generateResponse(history, {
      ...(maxTokens ? { maxTokens } : {}),
      temperature: body.temperature ?? 0,
      ...(grammar ? { grammar } : {}),
      signal: abort,
      stopOnAbortSignal: false,
    });
    const after = sequence.tokenMeter.getState();
    const prompt = after.usedInputTokens - before.usedInputTokens;
    const completion = after.usedOutputTokens - before.usedOutputTokens;
    return {
      id: `chatcmpl-${++id}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: "smollm2",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: out.response },
          finish_reason: out.metadata.stopReason === "maxTokens" ? "length" : "stop",
        },
      ],
      usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
    };
  };

  const server: Server = createServer((req, res) => {
    req.on("error", () => res.destroy());
    // A client that gives up (its timeout) stops the generation, as llama.cpp's server does.
    const abort = new AbortController();
    res.on("close", () => abort.abort());
    void (async () => {
      if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
        send(res, 404, { error: { message: "not found" } });
        return;
      }
      let body: ChatRequest;
      try {
        body = JSON.parse(await readBody(req)) as ChatRequest;
      } catch {
        send(res, 400, { error: { message: "invalid JSON" } });
        return;
      }
      const record = {
        maxTokens: body.max_completion_tokens ?? body.max_tokens,
        format: body.response_format?.type,
      };
      if (failures > 0) {
        failures--;
        requests.push({ status: 503, ...record });
        send(res, 503, { error: { message: "loading model" } });
        return;
      }
      try {
        const out = await lock(() => (abort.signal.aborted ? null : complete(body, abort.signal)));
        if (!out) return;
        requests.push({ status: 200, ...record });
        send(res, 200, out);
      } catch (err) {
        requests.push({ status: 500, ...record });
        if (!res.headersSent && !res.destroyed) send(res, 500, { error: { message: String(err) } });
      }
    })();
  });
  server.on("error", () => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await llama.dispose();
    },
  };
}
