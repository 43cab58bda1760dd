/**
 * The shared ChromaDB server of a test run: the `chroma` CLI of the pinned chromadb npm package (it embeds
 * the Rust server through its native binding), on a data folder inside the run's folder, on 127.0.0.1 and a
 * free port. Run by the current Node binary so a Node 24 run tests the binding under Node 24.
 */
import { existsSync, mkdirSync, readFileSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describeExit, freePort, startProcess, tailOf, waitUntilReady } from "./processes.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** The chroma CLI script, from node_modules/.bin/chroma (a link into the chromadb package). */
export function chromaCli() {
  const bin = join(root, "node_modules", ".bin", "chroma");
  if (existsSync(bin)) return realpathSync(bin);
  const pkgPath = join(root, "node_modules", "chromadb", "package.json");
  if (!existsSync(pkgPath)) throw new Error("the chromadb package is not installed: run `npm ci` first");
  const pkg = JSON.parse(readFileSync(pkgPath, "utf8"));
  const rel = typeof pkg.bin === "string" ? pkg.bin : pkg.bin?.chroma;
  if (!rel) throw new Error("the installed chromadb package has no `chroma` bin entry");
  return join(root, "node_modules", "chromadb", rel);
}

async function heartbeat(url) {
  try {
    const res = await fetch(`${url}/api/v2/heartbeat`, { signal: AbortSignal.timeout(2000) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * Starts Chroma in `runDir`; resolves { name, url, logFile, stop, proc } once the heartbeat answers.
 * Throws with the server's output when it cannot start.
 */
export async function startChroma(runDir, { timeoutMs = 90_000 } = {}) {
  const cli = chromaCli();
  const dataDir = join(runDir, "chroma-data");
  mkdirSync(dataDir, { recursive: true });
  let lastError;
  // The free port can be taken between choosing and binding it: try a few ports.
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const logFile = join(runDir, `chroma-${attempt}.log`);
    const proc = startProcess(
      process.execPath,
      [cli, "run", "--path", dataDir, "--host", "127.0.0.1", "--port", String(port)],
      { logFile, env: { ...process.env, ANONYMIZED_TELEMETRY: "False", NO_COLOR: "1" } },
    );
    const outcome = await waitUntilReady(proc, () => heartbeat(url), { timeoutMs });
    if (outcome === "ready") return { name: "chroma", url, logFile, proc, stop: () => proc.stop() };
    await proc.stop();
    const output = tailOf(logFile);
    const why =
      outcome === "timeout"
        ? `did not answer ${url}/api/v2/heartbeat within ${timeoutMs / 1000} s`
        : describeExit(proc.status());
    lastError = new Error(`the Chroma server (${cli}) ${why}${output ? `; its output:\n${output}` : ""}`);
    if (!/address already in use|AddrInUse|EADDRINUSE/i.test(output)) break;
  }
  throw lastError;
}
