/**
 * Worker configuration, read once from the environment and validated at start. Every message names the
 * variable at fault. Both the backend's e2e names (AWS_SQS_REQUEST_QUEUE_URL, CHROMA_API_URL, …) and the
 * backend's own names (SQS_REQUEST_QUEUE_URL, …) are accepted (contract §6 "E2E environment").
 */
import { availableParallelism } from "node:os";
import { z } from "zod";

type Env = Record<string, string | undefined>;

/** CPU_POOL_IDLE_MS by default: longer than the gaps between one task's pool jobs, short beside a task. */
export const DEFAULT_CPU_POOL_IDLE_MS = 5_000;

const int = (name: string, min: number, max: number) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(min, `${name} must be at least ${min}`)
    .max(max, `${name} must be at most ${max}`);

const bool = (name: string) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .refine((v) => ["1", "0", "true", "false", "yes", "no", "on", "off"].includes(v), {
      message: `${name} must be true or false`,
    })
    .transform((v) => ["1", "true", "yes", "on"].includes(v));

const url = (name: string) => z.url({ error: `${name} must be a URL (got something else)` });

function first(env: Env, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = env[n];
    if (v !== undefined && v.trim() !== "") return v.trim();
  }
  return undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
  }
}

export interface WorkerConfig {
  aws: {
    region: string;
    /** S3 endpoint (AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL), for emulators. */
    endpoint?: string;
    /** SQS endpoint (AWS_ENDPOINT_URL_SQS, else AWS_ENDPOINT_URL). */
    sqsEndpoint?: string;
    forcePathStyle: boolean;
    credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  };
  queues: { requestUrl?: string; resultUrl?: string; deadLetterUrl?: string };
  payloadBucket: string;
  fileBucket?: string;
  loop: {
    concurrency: number;
    /**
     * Fairness: at most this many tasks of one user run at once in this process (WORKER_MAX_TASKS_PER_USER).
     * Unset: half the concurrency, rounded up (at least 1), so one user's burst leaves the other half of the
     * slots to everyone else while a lone user still keeps half the process (CPU-heavy stages are bounded by
     * CPU_POOL_SIZE anyway). 0, or any value ≥ WORKER_CONCURRENCY, turns the cap off (stored as the
     * concurrency). A user's messages over the cap wait leased in the process, or go back to the queue as a
     * delayed copy; neither counts as a receive (see src/runtime/consumer.ts).
     */
    maxTasksPerUser: number;
    waitTimeSeconds: number;
    /** Lease length set by every heartbeat (ChangeMessageVisibility). */
    visibilityTimeoutSeconds: number;
    heartbeatIntervalSeconds: number;
    /** The receive on which a transient failure stops being retried and becomes FAILED. */
    maxReceiveCount: number;
    retryBaseDelaySeconds: number;
    retryMaxDelaySeconds: number;
    shutdownGraceSeconds: number;
  };
  cpuPoolSize: number;
  /**
   * A CPU-pool thread idle this long ends (CPU_POOL_IDLE_MS), and the next job starts a fresh one. A thread
   * keeps the heap its biggest job grew (a heavy graph build: hundreds of MB) until it ends, so a short idle
   * time gives that memory back while the task goes on indexing and summarising on the main thread.
   */
  cpuPoolIdleMs: number;
  http: { port: number; host: string };
  logLevel: string;
  chroma: {
    url?: string;
    tenant?: string;
    database?: string;
    apiKey?: string;
    /**
     * In-task retries of vector-store work that failed transiently (CHROMA_RETRIES, default 4), waiting
     * CHROMA_RETRY_BASE_DELAY_MS (default 1000) doubled each time, before the task is left for redelivery.
     */
    retries: number;
    retryBaseDelayMs: number;
  };
  mongo: { url?: string; dbName?: string };
  ecsAgentUri?: string;
  progressMinIntervalMs: number;
  /** Raw environment, for pipeline-specific settings read by their own modules (LLM, embeddings). */
  env: Env;
}

export function loadConfig(env: Env = process.env, opts: { requireQueues?: boolean } = {}): WorkerConfig {
  const problems: string[] = [];
  const read = <T>(name: string, schema: z.ZodType<T>, raw: string | undefined, fallback: T): T => {
    if (raw === undefined) return fallback;
    const r = schema.safeParse(raw);
    if (r.success) return r.data;
    problems.push(`${name}: ${r.error.issues[0]?.message ?? "invalid value"}`);
    return fallback;
  };

  // The service-specific names are the AWS SDK's own convention; they let SQS and S3 live on different hosts.
  const endpoint = first(env, "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL");
  if (endpoint) read("AWS_ENDPOINT_URL", url("AWS_ENDPOINT_URL"), endpoint, "");
  const sqsEndpoint = first(env, "AWS_ENDPOINT_URL_SQS", "AWS_ENDPOINT_URL");
  if (sqsEndpoint) read("AWS_ENDPOINT_URL_SQS", url("AWS_ENDPOINT_URL_SQS"), sqsEndpoint, "");
  const requestUrl = first(env, "AWS_SQS_REQUEST_QUEUE_URL", "SQS_REQUEST_QUEUE_URL");
  const resultUrl = first(env, "AWS_SQS_RESULT_QUEUE_URL", "SQS_RESULT_QUEUE_URL");
  const deadLetterUrl = first(env, "AWS_SQS_DLQ_URL", "SQS_DEAD_LETTER_QUEUE_URL", "SQS_DLQ_URL");
  for (const [name, v] of [
    ["AWS_SQS_REQUEST_QUEUE_URL", requestUrl],
    ["AWS_SQS_RESULT_QUEUE_URL", resultUrl],
    ["SQS_DEAD_LETTER_QUEUE_URL", deadLetterUrl],
  ] as const) {
    if (v) read(name, url(name), v, "");
  }
  if (opts.requireQueues) {
    if (!requestUrl) problems.push("AWS_SQS_REQUEST_QUEUE_URL (or SQS_REQUEST_QUEUE_URL) is required");
    if (!resultUrl) problems.push("AWS_SQS_RESULT_QUEUE_URL (or SQS_RESULT_QUEUE_URL) is required");
  }

  const accessKeyId = first(env, "AWS_ACCESS_KEY_ID");
  const secretAccessKey = first(env, "AWS_SECRET_ACCESS_KEY");
  if ((accessKeyId && !secretAccessKey) || (!accessKeyId && secretAccessKey)) {
    problems.push("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together");
  }

  const visibility = read(
    "SQS_VISIBILITY_TIMEOUT_SECONDS",
    int("SQS_VISIBILITY_TIMEOUT_SECONDS", 2, 43200),
    first(env, "SQS_VISIBILITY_TIMEOUT_SECONDS"),
    120,
  );
  const heartbeat = read(
    "HEARTBEAT_INTERVAL_SECONDS",
    int("HEARTBEAT_INTERVAL_SECONDS", 1, 43200),
    first(env, "HEARTBEAT_INTERVAL_SECONDS"),
    Math.max(1, Math.floor(visibility / 3)),
  );
  if (heartbeat * 2 > visibility) {
    problems.push(
      `HEARTBEAT_INTERVAL_SECONDS (${heartbeat}) must be at most half of SQS_VISIBILITY_TIMEOUT_SECONDS (${visibility}) so the lease is renewed well before it expires`,
    );
  }

  const chromaUrl =
    first(env, "CHROMA_URL", "CHROMA_API_URL") ??
    (first(env, "CHROMA_SERVER_HOST")
      ? `http://${first(env, "CHROMA_SERVER_HOST")}:${first(env, "CHROMA_SERVER_PORT") ?? "8000"}`
      : undefined);
  if (chromaUrl) read("CHROMA_URL", url("CHROMA_URL"), chromaUrl, "");

  const concurrency = read(
    "WORKER_CONCURRENCY",
    int("WORKER_CONCURRENCY", 1, 500),
    first(env, "WORKER_CONCURRENCY"),
    5,
  );
  const perUser = read(
    "WORKER_MAX_TASKS_PER_USER",
    int("WORKER_MAX_TASKS_PER_USER", 0, 500),
    first(env, "WORKER_MAX_TASKS_PER_USER"),
    Math.max(1, Math.ceil(concurrency / 2)),
  );

  const config: WorkerConfig = {
    aws: {
      region: first(env, "AWS_REGION", "AWS_DEFAULT_REGION") ?? "ap-northeast-2",
      ...(endpoint ? { endpoint } : {}),
      ...(sqsEndpoint ? { sqsEndpoint } : {}),
      forcePathStyle: read(
        "S3_FORCE_PATH_STYLE",
        bool("S3_FORCE_PATH_STYLE"),
        first(env, "S3_FORCE_PATH_STYLE"),
        Boolean(endpoint),
      ),
      ...(accessKeyId && secretAccessKey
        ? {
            credentials: {
              accessKeyId,
              secretAccessKey,
              ...(first(env, "AWS_SESSION_TOKEN") ? { sessionToken: first(env, "AWS_SESSION_TOKEN") } : {}),
            },
          }
        : {}),
    },
    queues: {
      ...(requestUrl ? { requestUrl } : {}),
      ...(resultUrl ? { resultUrl } : {}),
      ...(deadLetterUrl ? { deadLetterUrl } : {}),
    },
    payloadBucket: first(env, "S3_PAYLOAD_BUCKET") ?? "taco5-graphnode-graphdata-s3",
    ...(first(env, "S3_FILE_BUCKET") ? { fileBucket: first(env, "S3_FILE_BUCKET") } : {}),
    loop: {
      concurrency,
      maxTasksPerUser: perUser === 0 ? concurrency : Math.min(perUser, concurrency),
      waitTimeSeconds: read(
        "SQS_WAIT_TIME_SECONDS",
        int("SQS_WAIT_TIME_SECONDS", 0, 20),
        first(env, "SQS_WAIT_TIME_SECONDS"),
        20,
      ),
      visibilityTimeoutSeconds: visibility,
      heartbeatIntervalSeconds: heartbeat,
      maxReceiveCount: read(
        "MAX_RECEIVE_COUNT",
        int("MAX_RECEIVE_COUNT", 1, 1000),
        first(env, "MAX_RECEIVE_COUNT"),
        4,
      ),
      retryBaseDelaySeconds: read(
        "RETRY_BASE_DELAY_SECONDS",
        int("RETRY_BASE_DELAY_SECONDS", 0, 43200),
        first(env, "RETRY_BASE_DELAY_SECONDS"),
        15,
      ),
      retryMaxDelaySeconds: read(
        "RETRY_MAX_DELAY_SECONDS",
        int("RETRY_MAX_DELAY_SECONDS", 0, 43200),
        first(env, "RETRY_MAX_DELAY_SECONDS"),
        900,
      ),
      shutdownGraceSeconds: read(
        "SHUTDOWN_GRACE_SECONDS",
        int("SHUTDOWN_GRACE_SECONDS", 0, 3600),
        first(env, "SHUTDOWN_GRACE_SECONDS"),
        90,
      ),
    },
    cpuPoolSize: read(
      "CPU_POOL_SIZE",
      int("CPU_POOL_SIZE", 1, 256),
      first(env, "CPU_POOL_SIZE"),
      Math.max(1, availableParallelism()),
    ),
    cpuPoolIdleMs: read(
      "CPU_POOL_IDLE_MS",
      int("CPU_POOL_IDLE_MS", 100, 3_600_000),
      first(env, "CPU_POOL_IDLE_MS"),
      DEFAULT_CPU_POOL_IDLE_MS,
    ),
    http: {
      port: read("HTTP_PORT", int("HTTP_PORT", 0, 65535), first(env, "HTTP_PORT", "METRICS_PORT"), 9464),
      host: first(env, "HTTP_HOST") ?? "0.0.0.0",
    },
    logLevel: first(env, "LOG_LEVEL") ?? "info",
    chroma: {
      ...(chromaUrl ? { url: chromaUrl } : {}),
      ...(first(env, "CHROMA_TENANT") ? { tenant: first(env, "CHROMA_TENANT") } : {}),
      ...(first(env, "CHROMA_DATABASE") ? { database: first(env, "CHROMA_DATABASE") } : {}),
      ...(first(env, "CHROMA_API_KEY") ? { apiKey: first(env, "CHROMA_API_KEY") } : {}),
      retries: read("CHROMA_RETRIES", int("CHROMA_RETRIES", 0, 20), first(env, "CHROMA_RETRIES"), 4),
      retryBaseDelayMs: read(
        "CHROMA_RETRY_BASE_DELAY_MS",
        int("CHROMA_RETRY_BASE_DELAY_MS", 0, 60000),
        first(env, "CHROMA_RETRY_BASE_DELAY_MS"),
        1000,
      ),
    },
    mongo: {
      ...(first(env, "MONGODB_URL", "MONGODB_URI") ? { url: first(env, "MONGODB_URL", "MONGODB_URI") } : {}),
      ...(first(env, "MONGODB_DB_NAME") ? { dbName: first(env, "MONGODB_DB_NAME") } : {}),
    },
    ...(first(env, "ECS_AGENT_URI") ? { ecsAgentUri: first(env, "ECS_AGENT_URI") } : {}),
    progressMinIntervalMs: read(
      "PROGRESS_MIN_INTERVAL_MS",
      int("PROGRESS_MIN_INTERVAL_MS", 0, 600000),
      first(env, "PROGRESS_MIN_INTERVAL_MS"),
      2000,
    ),
    env,
  };
  // The search index's own module reads SEARCH_* (src/ai/embeddings/search/settings.ts); a bad weights name is
  // caught here, at start, rather than as a skipped index on every graph.
  const searchDtype = first(env, "SEARCH_EMBEDDING_DTYPE")?.toLowerCase();
  if (searchDtype && !["fp32", "fp16", "q8", "int8", "uint8", "q4"].includes(searchDtype)) {
    problems.push("SEARCH_EMBEDDING_DTYPE must be one of fp32, fp16, q8, int8, uint8, q4");
  }
  if (config.loop.retryMaxDelaySeconds < config.loop.retryBaseDelaySeconds) {
    problems.push("RETRY_MAX_DELAY_SECONDS must be at least RETRY_BASE_DELAY_SECONDS");
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
