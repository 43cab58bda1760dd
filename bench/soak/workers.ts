/**
 * The soak's worker processes: the production entry (`graphnode-worker worker`, dist/src/cli.js), configured
 * only through the environment. The fleet keeps `size` of them, kills one on request (SIGKILL or SIGTERM) and
 * starts its replacement at once, and tells every exit it caused from every exit it did not: a worker that
 * exits on its own, or a SIGTERMed one that does not exit 0, is a crash.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, existsSync, type WriteStream } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export interface WorkerExit {
  name: string;
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The signal the fleet sent, if any. */
  killedWith?: NodeJS.Signals;
  expected: boolean;
  /** The last lines the process wrote (for crashes). */
  tail: string;
}

interface Member {
  name: string;
  child: ChildProcess;
  ready: boolean;
  /** Settles once the worker polls (or has exited). */
  readyOrExited: Promise<void>;
  killedWith?: NodeJS.Signals;
  /** It did not exit within the stop limit after SIGTERM and was SIGKILLed. */
  stuck?: boolean;
  tail: string;
  log: WriteStream;
  exited: Promise<WorkerExit>;
}

function cliEntry(): string[] {
  const js = fileURLToPath(new URL("../../src/cli.js", import.meta.url));
  if (existsSync(js)) return [js];
  return ["--import", "tsx", fileURLToPath(new URL("../../src/cli.ts", import.meta.url))];
}

const TAIL_CHARS = 20_000;

export class WorkerFleet {
  private readonly members = new Set<Member>();
  private started = 0;
  private stopping = false;
  readonly exits: WorkerExit[] = [];
  readonly kills = { SIGKILL: 0, SIGTERM: 0 };
  /** Every kill, with its wall-clock time (to line duplicates and losses up with the kills in the logs). */
  readonly killLog: { at: string; name: string; pid: number; signal: "SIGKILL" | "SIGTERM" }[] = [];

  constructor(
    private readonly env: Record<string, string>,
    private readonly size: number,
    private readonly logDir: string,
    private readonly say: (line: string) => void = () => {},
  ) {}

  /** Starts the fleet; resolves when every worker polls. */
  async start(): Promise<void> {
    await Promise.all(Array.from({ length: this.size }, () => this.spawnOne()));
  }

  /** Log files of every worker started so far. */
  get logFiles(): string[] {
    return Array.from({ length: this.started }, (_, i) => join(this.logDir, `worker-${i + 1}.log`));
  }

  get crashes(): WorkerExit[] {
    return this.exits.filter((e) => !e.expected);
  }

  private spawnOne(): Promise<void> {
    this.started++;
    const name = `worker-${this.started}`;
    const log = createWriteStream(join(this.logDir, `${name}.log`));
    log.on("error", () => {});
    const child = spawn(process.execPath, [...cliEntry(), "worker"], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...this.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let readyResolve: () => void = () => {};
    const ready = new Promise<void>((r) => {
      readyResolve = r;
    });
    const member: Member = {
      name,
      child,
      ready: false,
      readyOrExited: ready,
      tail: "",
      log,
      exited: undefined as never,
    };
    const onData = (d: Buffer) => {
      log.write(d);
      member.tail = (member.tail + d).slice(-TAIL_CHARS);
      if (!member.ready && member.tail.includes('"msg":"worker running"')) {
        member.ready = true;
        readyResolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.on("error", (err) => {
      member.tail += `\nspawn error: ${err.message}`;
    });
    member.exited = new Promise<WorkerExit>((resolve) => {
      child.once("exit", (code, signal) => {
        const killedWith = member.killedWith;
        // A SIGKILL ends the process by that signal; a SIGTERM must end in a clean exit 0 (stopOnSignals).
        const expected =
          !member.stuck &&
          ((killedWith === "SIGKILL" && signal === "SIGKILL") || (killedWith === "SIGTERM" && code === 0));
        const exit: WorkerExit = {
          name,
          pid: child.pid ?? 0,
          code,
          signal,
          ...(killedWith ? { killedWith } : {}),
          expected,
          tail: member.tail.slice(-4000),
        };
        this.exits.push(exit);
        this.members.delete(member);
        log.end();
        readyResolve();
        if (!expected) {
          this.say(
            `${name} (pid ${exit.pid}) exited unexpectedly: code ${code}, signal ${signal}${killedWith ? ` after ${killedWith}` : ""}`,
          );
          // Keep the fleet at its size: the soak goes on, the crash is counted.
          if (!this.stopping && !killedWith) void this.spawnOne();
        }
        resolve(exit);
      });
    });
    this.members.add(member);
    return ready;
  }

  /** Kills one running, ready worker (chosen by `index` among them) and starts its replacement. */
  kill(index: number, signal: "SIGKILL" | "SIGTERM"): string | undefined {
    const candidates = [...this.members].filter((m) => m.ready && !m.killedWith);
    if (candidates.length === 0) return undefined;
    const victim = candidates[index % candidates.length] as Member;
    victim.killedWith = signal;
    victim.child.kill(signal);
    this.kills[signal]++;
    this.killLog.push({
      at: new Date().toISOString(),
      name: victim.name,
      pid: victim.child.pid ?? 0,
      signal,
    });
    void this.spawnOne();
    return `${victim.name} (pid ${victim.child.pid})`;
  }

  /**
   * SIGTERM to every worker; each must exit 0 within `limitMs`, else it is SIGKILLed and counted as a crash.
   * A worker still starting is let finish its start first: before the worker installs its signal handlers a
   * SIGTERM ends Node by the signal, which says nothing about the worker's shutdown.
   */
  async stop(limitMs: number): Promise<void> {
    this.stopping = true;
    const all = [...this.members];
    await Promise.all(
      all.map(async (m) => {
        if (!m.killedWith) {
          await Promise.race([m.readyOrExited, new Promise((r) => setTimeout(r, limitMs))]);
          m.killedWith = "SIGTERM";
          m.child.kill("SIGTERM");
        }
        const timer = setTimeout(() => {
          m.tail += "\n[soak] did not exit after SIGTERM in time: SIGKILL";
          m.stuck = true;
          m.child.kill("SIGKILL");
        }, limitMs);
        await m.exited;
        clearTimeout(timer);
      }),
    );
  }
}
