/**
 * Runs a local Chroma server (the `chroma` CLI that ships with the `chromadb` npm package, which embeds the
 * Rust server through its native binding) on a data folder, for the CLI's local run mode and for tests.
 *
 * The binary is resolved from the installed package, not looked up on PATH, so the server always matches the
 * client version. It listens on 127.0.0.1 on a free port; the child's output is kept (last 64 KiB) to explain
 * a failed start.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";

export interface ChromaServerOptions {
  /** Folder for Chroma's data (created if missing). */
  path: string;
  /** Default: a free port chosen by the OS. */
  port?: number;
  /** Default 127.0.0.1: the server has no authentication, so it must not listen beyond this machine. */
  host?: string;
  /** How long to wait for the first successful heartbeat (default 60 s). */
  startTimeoutMs?: number;
}

export interface ChromaServer {
  url: string;
  pid: number;
  /** Stops the server and resolves once the process has exited. Safe to call more than once. */
  stop(): Promise<void>;
}

const OUTPUT_LIMIT = 64 * 1024;

/**
 * The `chroma` bin entry of the installed chromadb package. Its `exports` do not expose package.json, so the
 * package root is found by walking up from the resolved entry point.
 */
export function chromaCliPath(): string {
  const require = createRequire(import.meta.url);
  let dir = dirname(require.resolve("chromadb"));
  for (;;) {
    const pkgPath = join(dir, "package.json");
    if (existsSync(pkgPath)) {
      const pkg = JSON.parse(readFileSync(pkgPath, "utf8")) as {
        name?: string;
        bin?: string | Record<string, string>;
      };
      if (pkg.name === "chromadb") {
        const bin = typeof pkg.bin === "string" ? pkg.bin : pkg.bin?.chroma;
        if (!bin) throw new Error("the installed chromadb package has no `chroma` bin entry");
        return join(dir, bin);
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error("cannot find the chromadb package root");
    dir = parent;
  }
}

/** A port that was free a moment ago (the OS picks it); the caller retries if someone takes it first. */
function freePort(host: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once("error", reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

class RingBuffer {
  private text = "";
  push(chunk: Buffer | string): void {
    // Colour codes make the banner unreadable in an error message.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI escapes.
    this.text = (this.text + String(chunk).replace(/\u001b\[[0-9;]*m/g, "")).slice(-OUTPUT_LIMIT);
  }
  toString(): string {
    return this.text.trim();
  }
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once("exit", () => r()));
}

async function heartbeatOk(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/api/v2/heartbeat`, { signal: AbortSignal.timeout(2000) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

async function startOnce(opts: ChromaServerOptions, port: number, host: string): Promise<ChromaServer> {
  const dataPath = resolve(opts.path);
  mkdirSync(dataPath, { recursive: true });
  const output = new RingBuffer();
  const child = spawn(
    process.execPath,
    [chromaCliPath(), "run", "--path", dataPath, "--host", host, "--port", String(port)],
    {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ANONYMIZED_TELEMETRY: "False", NO_COLOR: "1" },
    },
  );
  child.stdout?.on("data", (d) => output.push(d));
  child.stderr?.on("data", (d) => output.push(d));
  const exited = waitForExit(child);
  // If this process dies without calling stop(), do not leave the server behind.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);

  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      process.removeListener("exit", killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
        await exited;
        clearTimeout(timer);
      }
    })();
    return stopping;
  };

  const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
  let childGone = false;
  void exited.then(() => {
    childGone = true;
  });
  while (!childGone && Date.now() < deadline) {
    if (await heartbeatOk(url)) return { url, pid: child.pid ?? -1, stop };
    await new Promise((r) => setTimeout(r, 100));
  }
  const why = childGone
    ? `exited with ${child.exitCode ?? child.signalCode}`
    : `did not answer ${url}/api/v2/heartbeat within ${opts.startTimeoutMs ?? 60_000} ms`;
  await stop();
  throw new ChromaStartError(`chroma server ${why}`, output.toString());
}

export class ChromaStartError extends Error {
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(output ? `${message}; its output:\n${output}` : message);
    this.name = "ChromaStartError";
  }
}

export async function startChromaServer(opts: ChromaServerOptions): Promise<ChromaServer> {
  const host = opts.host ?? "127.0.0.1";
  if (opts.port !== undefined) return startOnce(opts, opts.port, host);
  // The free port may be taken between choosing and binding it: try a few times.
  let last: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(opts, await freePort(host), host);
    } catch (err) {
      last = err;
      if (
        !(err instanceof ChromaStartError) ||
        !/address already in use|AddrInUse|EADDRINUSE/i.test(err.output)
      )
        throw err;
    }
  }
  throw last;
}
