/**
 * The environment variables each command reads, for its `--help`. The full list with defaults is in
 * .env.example and README "Configuration"; these are the ones a person running that command may want.
 */
type VarLine = readonly [name: string, meaning: string];

const LOGGING: VarLine[] = [
  ["LOG_LEVEL", "trace, debug, info, warn, error (default info; the local commands show warnings and above)"],
  ["CPU_POOL_SIZE", "worker threads for the CPU-heavy stages (default: the number of cores)"],
];

const MACRO_LLM: VarLine[] = [
  ["MACRO_LLM_PROVIDER", "LLM that names clusters and writes the summary: openai, anthropic, google, groq,"],
  ["", "openai-compatible or none (default none: names from each cluster's own terms)"],
  ["MACRO_LLM_MODEL, MACRO_LLM_BASE_URL", "its model, and its URL for openai-compatible"],
  ["<PROVIDER>_API_KEY", "its key (OPENAI_API_KEY, …; DEV_<PROVIDER>_API_KEY is preferred when set)"],
];

const QUEUES: VarLine[] = [
  ["AWS_SQS_REQUEST_QUEUE_URL", "request queue (or SQS_REQUEST_QUEUE_URL), required"],
  ["AWS_SQS_RESULT_QUEUE_URL", "result queue (or SQS_RESULT_QUEUE_URL), required"],
  ["SQS_DEAD_LETTER_QUEUE_URL", "where unreadable message bodies go"],
  ["S3_PAYLOAD_BUCKET", "inputs and outputs (default taco5-graphnode-graphdata-s3)"],
  ["AWS_REGION, AWS_ENDPOINT_URL", "region (default ap-northeast-2), and an endpoint for an emulator"],
  ["WORKER_CONCURRENCY", "tasks at once (default 5)"],
  ["WORKER_MAX_TASKS_PER_USER", "tasks of one user at once while others wait (default half the concurrency)"],
  ["SQS_VISIBILITY_TIMEOUT_SECONDS", "lease renewed by heartbeats (default 120)"],
  ["MAX_RECEIVE_COUNT", "the receive on which a transient failure becomes FAILED (default 4)"],
  ["SHUTDOWN_GRACE_SECONDS", "how long running tasks may finish on SIGTERM (default 90)"],
  ["HTTP_PORT, HTTP_HOST", "/healthz, /readyz and /metrics (default 9464, 0.0.0.0)"],
  ["CHROMA_URL", "ChromaDB for the node vectors (or CHROMA_API_URL)"],
  ["MONGODB_URL", "MongoDB for the microscope tasks"],
  ["INCLUDE_NOTION_NODES", "false for backends that cannot resolve Notion page ids"],
];

const RUN: VarLine[] = [
  ["CHROMA_URL", "ChromaDB to use (default: a server started in <dir>/.chroma when a task needs one)"],
  ["PROGRESS_MIN_INTERVAL_MS", "least time between two progress lines (default 2000)"],
  ["INCLUDE_NOTION_NODES", "false for backends that cannot resolve Notion page ids"],
];

export const COMMAND_ENVIRONMENT: Readonly<Record<string, readonly VarLine[]>> = {
  worker: [...QUEUES, ...MACRO_LLM, ...LOGGING],
  run: [...RUN, ...MACRO_LLM, ...LOGGING],
  graph: [...MACRO_LLM, ...LOGGING],
  view: [],
  schemas: [],
};

/** The "Environment variables:" block of a command's help (empty for commands that read none). */
export function environmentHelp(command: string): string {
  const vars = COMMAND_ENVIRONMENT[command] ?? [];
  if (vars.length === 0) return "\nEnvironment variables: none.\n";
  const width = vars.reduce((w, [name]) => Math.max(w, name.length), 0);
  const lines = vars.map(([name, meaning]) => `  ${name.padEnd(width)}  ${meaning}`);
  return `\nEnvironment variables:\n${lines.join("\n")}\n\nAll of them, with defaults: .env.example and README "Configuration".\n`;
}
