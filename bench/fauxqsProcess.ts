/**
 * Bench support: fauxqs (SQS + S3) in a child process of its own, so its CPU shows apart from the worker's
 * and it does not share the bench's event loop. Used by bench:queue and bench:scale.
 */
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      const port = typeof a === "object" && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export async function startFauxqsProcess(): Promise<{
  endpoint: string;
  pid: number | undefined;
  stop(): void;
}> {
  const port = await freePort();
  // fauxqs does not export its package.json; its CLI sits next to the resolved entry point.
  const entry = fileURLToPath(import.meta.resolve("fauxqs"));
  const cli = join(entry.slice(0, entry.lastIndexOf("/dist/")), "dist/cli.js");
  const child = spawn(process.execPath, [cli], {
    env: { ...process.env, FAUXQS_PORT: String(port), FAUXQS_LOGGER: "false" },
    stdio: "ignore",
  });
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${endpoint}/health`)).ok) break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { endpoint, pid: child.pid, stop: () => child.kill() };
}
