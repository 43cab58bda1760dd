/**
 * A scripted OpenAI-compatible chat server on 127.0.0.1 for tests that run a pipeline over real HTTP: each
 * request's JSON body goes to `answer`, whose text becomes the completion (or a status/body it returns).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export type ChatBody = Record<string, unknown> & {
  messages: { role: string; content: string }[];
  max_tokens?: number;
  response_format?: { type: string; json_schema?: { schema: unknown } };
};

export type ChatAnswer = string | { status: number; body: unknown };

export interface ChatServer {
  baseURL: string;
  requests: ChatBody[];
  close(): Promise<void>;
}

export async function startChatServer(answer: (body: ChatBody) => ChatAnswer): Promise<ChatServer> {
  const requests: ChatBody[] = [];
  const server: Server = createServer((req, res) => {
    req.on("error", () => res.destroy());
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      let body: ChatBody;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as ChatBody;
      } catch {
        res.writeHead(400).end();
        return;
      }
      requests.push(body);
      const out = answer(body);
      const [status, payload] =
        typeof out === "string"
          ? [
              200,
              {
                id: `chatcmpl-${requests.length}`,
                object: "chat.completion",
                created: 1_700_000_000,
                model: String(body.model),
                choices: [{ index: 0, message: { role: "assistant", content: out }, finish_reason: "stop" }],
                usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
              },
            ]
          : [out.status, out.body];
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(payload));
    });
  });
  server.on("error", () => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
