/**
 * GRAPH_GENERATION_PROGRESS reporter (contract §3.1): stage strings `[N단계] <name> 시작|중|완료`,
 * progressPercent within the current stage (a finite number 0–100), an ETA for the stage, throttled, sent in
 * order, and never after `close()` (which the runtime awaits before it sends the final result).
 *
 * The user sees every message, so what is sent only moves forward: never an earlier stage than one already
 * sent, never a lower percent within a stage. The pipelines are meant to report that way; the reporter
 * enforces it anyway and logs (debug) each report it clamps, since a clamp means a pipeline bug.
 */
import {
  GRAPH_STAGES,
  type GraphStage,
  monotonicProgress,
  type ProgressClamp,
  type ProgressSink,
  progressFraction,
} from "../pipelines/progress.js";
import type { Logger } from "./logger.js";

/** Stage names as the backend's users see them (the e2e logs show stages 1–3 and 5 verbatim). */
export const STAGE_NAMES: Readonly<Record<GraphStage, string>> = {
  embedding: "임베딩 생성",
  keywords: "키워드 추출",
  clustering: "클러스터 생성 및 매핑",
  edges: "엣지 유사도 계산",
  merging: "그래프 보정",
  summary: "그래프 요약 생성",
};

export function stageLabel(stage: GraphStage, percent: number): string {
  const n = GRAPH_STAGES.indexOf(stage) + 1;
  const state = percent <= 0 ? "시작" : percent >= 100 ? "완료" : "중";
  return `[${n}단계] ${STAGE_NAMES[stage]} ${state}`;
}

export interface ProgressPayload {
  userId: string;
  currentStage: string;
  progressPercent: number;
  etaSeconds: number | null;
}

export interface ProgressReporter extends ProgressSink {
  /** Stop sending; resolves when every message already queued has been handed to the transport. */
  close(): Promise<void>;
}

export function createProgressReporter(opts: {
  userId: string;
  send: (payload: ProgressPayload) => Promise<void>;
  minIntervalMs: number;
  now?: () => number;
  onError?: (err: unknown) => void;
  /** Where clamped (backwards) reports are logged, at debug. */
  log?: Pick<Logger, "debug">;
}): ProgressReporter {
  const now = opts.now ?? Date.now;
  let closed = false;
  let chain: Promise<void> = Promise.resolve();
  let lastSentAt = Number.NEGATIVE_INFINITY;
  let current: { stage: GraphStage; startedAt: number; lastPercent: number } | null = null;

  const enqueue = (payload: ProgressPayload) => {
    lastSentAt = now();
    chain = chain.then(() => opts.send(payload)).catch((err) => opts.onError?.(err));
  };

  const onClamp = (clamp: ProgressClamp) =>
    opts.log?.debug(clamp, "progress report would go backwards: not sent (a pipeline reports out of order)");

  // Only forward reports get here, so the floored percent never decreases within a stage either.
  const forward = monotonicProgress((stage, done, total) => {
    const fraction = progressFraction(done, total);
    const percent = Math.floor(fraction * 100);
    const t = now();
    if (!current || current.stage !== stage) current = { stage, startedAt: t, lastPercent: -1 };
    const boundary = percent === 0 || percent === 100;
    if (percent === current.lastPercent) return;
    // Start and finish of a stage always go out; in between, at most one message per interval.
    if (!boundary && t - lastSentAt < opts.minIntervalMs) return;
    current.lastPercent = percent;
    const elapsed = (t - current.startedAt) / 1000;
    const etaSeconds =
      percent >= 100
        ? 0
        : fraction > 0.02
          ? Math.max(0, Math.round((elapsed / fraction) * (1 - fraction)))
          : null;
    enqueue({
      userId: opts.userId,
      currentStage: stageLabel(stage, percent),
      progressPercent: percent,
      etaSeconds,
    });
  }, onClamp);

  return {
    report(stage, done, total) {
      if (closed) return;
      forward(stage, done, total);
    },
    async close() {
      closed = true;
      await chain;
    },
  };
}
