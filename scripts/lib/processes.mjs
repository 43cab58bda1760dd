/**
 * Child processes for the test command: each one runs in a process group of its own (detached), with its
 * output in a log file, so that stopping it also stops whatever it started, and nothing outlives the run.
 *
 * Hand-written because the job is small and specific: kill a whole group, TERM then KILL, also when this
 * process exits abruptly, and record the group ids in TEST_SERVICES_PIDFILE so that .ci/run can still reap
 * them if this process itself is killed with SIGKILL.
 */
import { spawn } from "node:child_process";
import { appendFileSync, closeSync, openSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { stripVTControlCharacters } from "node:util";

/** Process group ids (= leader pids) still to be killed when this process exits. */
const liveGroups = new Set();

process.once("exit", () => {
  for (const pgid of liveGroups) killGroup(pgid, "SIGKILL");
});

/** Sends a signal to a whole process group; false when the group no longer exists. */
export function killGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** True while any process of the group is still alive (signal 0 only checks). */
export function groupAlive(pgid) {
  return killGroup(pgid, 0);
}

function recordPid(pid) {
  const file = process.env.TEST_SERVICES_PIDFILE;
  if (file) appendFileSync(file, `${pid}\n`);
}

/** A port that was free a moment ago (the OS picks it); callers retry if it is taken before they bind. */
export function freePort(host = "127.0.0.1") {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once("error", reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** The last `maxChars` characters of a file, without colour codes; "" when unreadable. */
export function tailOf(path, maxChars = 4000) {
  try {
    return stripVTControlCharacters(readFileSync(path, "utf8")).slice(-maxChars).trim();
  } catch {
    return "";
  }
}

/**
 * Starts `command args` in its own process group.
 * `stdio`: "log" writes stdout and stderr to `logFile`; "inherit" shares this process's stdout/stderr.
 * Returns { pid, exited (promise of {code, signal, error}), hasExited(), stop() }.
 */
export function startProcess(command, args, { env = process.env, cwd, logFile, stdio = "log" } = {}) {
  let out = "inherit";
  if (stdio === "log") {
    if (!logFile) throw new Error("startProcess: logFile is required with stdio 'log'");
    out = openSync(logFile, "a");
  }
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ["ignore", out, out] });
  if (typeof out === "number") closeSync(out);

  let status = null;
  const exited = new Promise((resolve) => {
    child.once("error", (error) => {
      status ??= { code: null, signal: null, error };
      resolve(status);
    });
    child.once("exit", (code, signal) => {
      status ??= { code, signal, error: null };
      resolve(status);
    });
  });
  const pid = child.pid;
  if (pid !== undefined) {
    liveGroups.add(pid);
    recordPid(pid);
  }

  let stopping;
  const stop = (graceMs = 5000) => {
    stopping ??= (async () => {
      if (pid === undefined) return;
      if (!status) {
        killGroup(pid, "SIGTERM");
        const timer = setTimeout(() => killGroup(pid, "SIGKILL"), graceMs);
        await exited;
        clearTimeout(timer);
      }
      // The leader is gone; anything it started that is still in its group goes too.
      killGroup(pid, "SIGKILL");
      liveGroups.delete(pid);
    })();
    return stopping;
  };

  return { pid, exited, hasExited: () => status !== null, status: () => status, stop };
}

/** Describes how a process ended, for error messages. */
export function describeExit(status) {
  if (!status) return "is still running";
  if (status.error) return `could not be started (${status.error.message})`;
  return status.signal ? `was killed by ${status.signal}` : `exited with code ${status.code}`;
}

/**
 * Polls `probe()` (resolving true when ready) every `intervalMs` until it succeeds, the process exits, or
 * `timeoutMs` passes. Resolves "ready", "exited" or "timeout".
 */
export async function waitUntilReady(proc, probe, { timeoutMs, intervalMs = 200 }) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.hasExited()) return "exited";
    if (await probe()) return "ready";
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return proc.hasExited() ? "exited" : "timeout";
}
