import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { createEcsProtection } from "../../src/runtime/ecsProtection.js";
import { createLogger } from "../../src/runtime/logger.js";

test("scale-in protection is turned on while tasks run and off when idle, once per change", async () => {
  const calls: { method?: string; url?: string; body: unknown }[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      calls.push({ method: req.method, url: req.url, body: JSON.parse(body) });
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  const log = createLogger({ level: "silent" });
  const p = createEcsProtection({ agentUri: `http://127.0.0.1:${port}`, log, expiresInMinutes: 30 });
  p.update(1);
  p.update(2);
  p.update(1);
  p.update(0);
  await p.flush();
  server.close();
  assert.deepEqual(calls, [
    {
      method: "PUT",
      url: "/task-protection/v1/state",
      body: { ProtectionEnabled: true, ExpiresInMinutes: 30 },
    },
    { method: "PUT", url: "/task-protection/v1/state", body: { ProtectionEnabled: false } },
  ]);
});

test("without ECS_AGENT_URI nothing is called, and an unreachable agent never throws", async () => {
  const log = createLogger({ level: "silent" });
  const none = createEcsProtection({ agentUri: undefined, log });
  none.update(1);
  await none.flush();
  const broken = createEcsProtection({ agentUri: "http://127.0.0.1:1", log });
  broken.update(1);
  broken.update(0);
  await broken.flush();
  assert.ok(true, "reached without an exception");
});
