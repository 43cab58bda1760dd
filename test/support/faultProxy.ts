/**
 * An HTTP proxy in front of a real S3 endpoint that answers 503 SlowDown for the first `failures` requests
 * whose path contains `match` (or all of them with failures = Infinity), so tests can show what a real
 * transient S3 outage does to a task.
 */
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";

export async function startFaultProxy(target: string, match: string, failures: number) {
  const t = new URL(target);
  let failed = 0;
  const server = createServer((req, res) => {
    if ((req.url ?? "").includes(match) && failed < failures) {
      failed++;
      req.resume();
      res.writeHead(503, { "content-type": "application/xml" });
      res.end('<?xml version="1.0"?><Error><Code>SlowDown</Code><Message>injected</Message></Error>');
      return;
    }
    const upstream = request(
      { host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on("error", () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get failed() {
      return failed;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
