/** Starts test/support/workerMain as a separate process (compiled JS, or the .ts source under tsx). */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface WorkerProcess {
  child: ChildProcess;
  /** Resolves with the health port once the worker polls. */
  ready: Promise<number>;
  /** Resolves with the exit code (null when a signal ended it). */
  exited: Promise<number | null>;
  /** Still running (no exit code and no signal yet). */
  alive(): boolean;
  /** "running", or how it ended: "exit code 1", "signal SIGKILL". */
  status(): string;
  output(): string;
}

export function spawnWorker(env: Record<string, string>): WorkerProcess {
  const js = fileURLToPath(new URL("./workerMain.js", import.meta.url));
  const args = existsSync(js)
    ? [js]
    : ["--import", "tsx", fileURLToPath(new URL("./workerMain.ts", import.meta.url))];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stderr?.on("data", (d) => {
    out += d;
  });
  const ready = new Promise<number>((resolve, reject) => {
    child.stdout?.on("data", (d) => {
      out += d;
      const m = /ready (\d+)/.exec(String(d));
      if (m) resolve(Number(m[1]));
    });
    child.once("exit", (code) => reject(new Error(`worker exited early (${code}): ${out.slice(-2000)}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const status = () =>
    alive() ? "running" : child.signalCode ? `signal ${child.signalCode}` : `exit code ${child.exitCode}`;
  return { child, ready, exited, alive, status, output: () => out };
}
