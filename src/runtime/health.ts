/** HTTP endpoint for orchestration: /healthz (process alive and loop not wedged), /readyz, /metrics. */
import { createServer, type Server } from "node:http";
import type { Registry } from "prom-client";

export interface HealthState {
  /** Liveness: false when the worker is wedged (e.g. no poll completed for far longer than a long poll). */
  live(): boolean;
  /** Readiness: started, not shutting down. */
  ready(): boolean;
}

export async function startHealthServer(opts: {
  port: number;
  host: string;
  registry: Registry;
  state: HealthState;
}): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer(async (req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/healthz" || path === "/readyz") {
      const ok = path === "/healthz" ? opts.state.live() : opts.state.ready();
      res.writeHead(ok ? 200 : 503, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: ok ? "ok" : "unavailable" }));
      return;
    }
    if (path === "/metrics") {
      try {
        const body = await opts.registry.metrics();
        res.writeHead(200, { "content-type": opts.registry.contentType });
        res.end(body);
      } catch {
        res.writeHead(500).end();
      }
      return;
    }
    res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "not found" }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : opts.port;
  return {
    server,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
