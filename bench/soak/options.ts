/**
 * What a soak run does, and the worker configuration it runs under. Everything a run decides at random is
 * drawn from `seed`, so two runs with the same options plan the same requests, kills and fault shares (what
 * the processes then make of them still depends on timing).
 */
import { datasetDir } from "../../test/support/datasets.js";

export interface SoakOptions {
  seed: number;
  /** Requests planned (follow-ups of a generation that ends FAILED are not sent, so a few less may go out). */
  requests: number;
  /** Worker processes kept running; a killed one is replaced at once. */
  workers: number;
  /** Mean interval between kills (SIGKILL or SIGTERM of a random worker); 0 = no kills. */
  killEveryMs: number;
  /**
   * At most this many kills (default: no limit, kills go on until the last answer). Kills come by the clock,
   * so on a slow machine each task meets more of them; a bound keeps the disruption the same at any speed.
   */
  maxKills?: number;
  /** Share of S3 and Chroma requests the fault proxies break (spread evenly over the fault kinds). */
  faultRate: number;
  /** The result queue is FIFO (`.fifo`): results must arrive exactly once. */
  fifo: boolean;
  /** Hard limit for the whole run, seconds (the run's own deadlines come from the worker timeouts). */
  maxSeconds: number;
  /** Margin on the quiet limit (see quietLimitMs): 3 for the soak command, less inside the test suite. */
  quietFactor?: number;
  /** debian-dev folder (input.json, notes.json). */
  datasetDir: string;
  /** A Chroma server to use (else one is started for the run). */
  chromaUrl?: string;
  /** Where worker logs and the run's report go (default: a new folder under the system temp folder). */
  runDir?: string;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

/**
 * The worker configuration of a soak run: production defaults where they matter for the protocol
 * (MAX_RECEIVE_COUNT 4, the SDK's own retries), shorter timeouts so a killed worker's tasks come back within
 * seconds. Every deadline of the harness is derived from these numbers.
 */
export const WORKER_SETTINGS = {
  WORKER_CONCURRENCY: 4,
  CPU_POOL_SIZE: 1,
  SQS_WAIT_TIME_SECONDS: 2,
  SQS_VISIBILITY_TIMEOUT_SECONDS: 10,
  HEARTBEAT_INTERVAL_SECONDS: 2,
  MAX_RECEIVE_COUNT: 4,
  RETRY_BASE_DELAY_SECONDS: 1,
  RETRY_MAX_DELAY_SECONDS: 4,
  SHUTDOWN_GRACE_SECONDS: 5,
} as const;

/**
 * How long the run waits without any new result before it calls what is still outstanding lost. A request can
 * legitimately go that long unanswered only if each of its allowed receives ends badly: a lease that runs out
 * after a SIGKILL (visibility timeout) or a SIGTERM that finishes or releases it (shutdown grace), then a retry
 * delay, then the run itself (TASK_ALLOWANCE_SECONDS, a small generation on a busy machine). `factor` is the
 * margin for a busy machine.
 */
export function quietLimitMs(factor = 3): number {
  const s = WORKER_SETTINGS;
  const TASK_ALLOWANCE_SECONDS = 5;
  const perReceive =
    Math.max(s.SQS_VISIBILITY_TIMEOUT_SECONDS, s.SHUTDOWN_GRACE_SECONDS) +
    s.RETRY_MAX_DELAY_SECONDS +
    TASK_ALLOWANCE_SECONDS;
  return Math.round((s.MAX_RECEIVE_COUNT * perReceive * factor + 30) * 1000);
}

function num(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return n;
}

export function optionsFromEnv(env: Record<string, string | undefined> = process.env): SoakOptions {
  const workers = Math.max(1, Math.floor(num(env, "SOAK_WORKERS", 3)));
  const requests = Math.max(1, Math.floor(num(env, "SOAK_REQUESTS", 500)));
  const faultRate = num(env, "SOAK_FAULT_RATE", 0.05);
  if (faultRate > 0.5) throw new Error("SOAK_FAULT_RATE must be at most 0.5");
  return {
    seed: Math.floor(num(env, "SOAK_SEED", 1)),
    requests,
    workers,
    killEveryMs: num(env, "SOAK_KILL_EVERY_MS", 5000),
    ...(env.SOAK_MAX_KILLS ? { maxKills: Math.floor(num(env, "SOAK_MAX_KILLS", 0)) } : {}),
    faultRate,
    fifo: ["1", "true", "yes"].includes((env.SOAK_FIFO ?? "").toLowerCase()),
    maxSeconds: num(env, "SOAK_MAX_SECONDS", 3600),
    datasetDir: env.SOAK_DATASET_DIR ?? datasetDir("debian-dev", env),
    ...(env.CHROMA_TEST_URL ? { chromaUrl: env.CHROMA_TEST_URL } : {}),
    ...(env.SOAK_RUN_DIR ? { runDir: env.SOAK_RUN_DIR } : {}),
  };
}
