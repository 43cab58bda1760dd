/**
 * JSON logs (pino). Every task log line carries taskId, taskType and userId through child loggers.
 * Credentials and API keys are redacted by path, and `scrubSecrets` removes key-looking strings from
 * free text (error messages from SDKs sometimes echo them).
 */
import { type DestinationStream, type Logger, pino } from "pino";

export type { Logger };

const REDACT_PATHS = [
  "api_key",
  "apiKey",
  "*.api_key",
  "*.apiKey",
  "*.*.api_key",
  "*.*.apiKey",
  "payload.api_key",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "*.secretAccessKey",
  "*.sessionToken",
  "*.password",
  "credentials",
  "*.credentials",
];

export function createLogger(
  opts: { level?: string; name?: string } = {},
  destination?: DestinationStream,
): Logger {
  return pino(
    {
      level: opts.level ?? "info",
      name: opts.name ?? "graphnode-worker",
      base: { pid: process.pid },
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination ?? pino.destination({ dest: 2, sync: false }),
  );
}

/** For free text: hides things shaped like provider keys, bearer tokens and AWS secrets. */
export function scrubSecrets(text: string): string {
  return text
    .replace(/\b(sk|pk|rk|gsk|xai|sk-ant|sk-proj)[-_][A-Za-z0-9_-]{8,}/g, "[redacted]")
    .replace(/\bAKIA[0-9A-Z]{12,}\b/g, "[redacted]")
    .replace(/(bearer\s+)[A-Za-z0-9._~+/-]{8,}=*/gi, "$1[redacted]")
    .replace(/((?:api[_-]?key|secret|token|password)["']?\s*[:=]\s*["']?)[^\s"',}]{4,}/gi, "$1[redacted]");
}
