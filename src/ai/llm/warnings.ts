/**
 * The AI SDK prints provider warnings ("temperature is not supported…") with console.warn unless the
 * global AI_SDK_LOG_WARNINGS is false or a function. The worker logs JSON, so the runtime routes them here
 * once at start (e.g. into pino at debug level) instead of letting plain text interleave with the logs.
 */
export interface AiSdkWarning {
  provider: string;
  model: string;
  /** Warning type and feature/message, without request data. */
  warnings: { type: string; feature?: string; message?: string; details?: string }[];
}

export function routeAiSdkWarnings(sink: ((warning: AiSdkWarning) => void) | false): void {
  (globalThis as { AI_SDK_LOG_WARNINGS?: unknown }).AI_SDK_LOG_WARNINGS =
    sink === false ? false : (options: AiSdkWarning) => sink(options);
}
