/**
 * How a pipeline tells the outside world how far it got. Pipelines only know stage keys and counts;
 * the runtime turns them into the backend's GRAPH_GENERATION_PROGRESS messages (stage strings, throttling, ETA).
 *
 * Progress only moves forward (the backend shows every message to the user): stages come in GRAPH_STAGES
 * order, and within a stage `done / total` never decreases. Work made of several steps inside one stage maps
 * each step onto its own slice of the stage (`subStepProgress`); `monotonicProgress` guards every sink that
 * faces a person, and what it drops is a pipeline bug worth a log line.
 */

/** The six stages of graph generation, in order (contract §3.1; the incumbent's stage map). */
export const GRAPH_STAGES = ["embedding", "keywords", "clustering", "edges", "merging", "summary"] as const;
export type GraphStage = (typeof GRAPH_STAGES)[number];

export type ProgressFn = (stage: GraphStage, done: number, total: number) => void;

export interface ProgressSink {
  /** `done` of `total` units of `stage` are finished (done = 0: started; done = total: finished). */
  report(stage: GraphStage, done: number, total: number): void;
}

export const noProgress: ProgressSink = { report() {} };

/** The finished share of a stage, 0–1 (a zero or missing total counts as finished once anything is done). */
export function progressFraction(done: number, total: number): number {
  if (!Number.isFinite(done) || !Number.isFinite(total)) return 0;
  return total > 0 ? Math.min(1, Math.max(0, done / total)) : done > 0 ? 1 : 0;
}

/** A report the guard refused: it would have moved progress backwards. */
export interface ProgressClamp {
  stage: GraphStage;
  fraction: number;
  /** Where progress already was. */
  atStage: GraphStage;
  atFraction: number;
}

/**
 * Passes reports on only while they move forward: a stage earlier than the current one, or a smaller share
 * of the current stage, is dropped and handed to `onClamp`. A repeat of where progress already is (same
 * stage, same share) is dropped silently: it says nothing new.
 */
export function monotonicProgress(next: ProgressFn, onClamp?: (clamp: ProgressClamp) => void): ProgressFn {
  let at: { stage: GraphStage; order: number; fraction: number } | undefined;
  return (stage, done, total) => {
    const order = GRAPH_STAGES.indexOf(stage);
    const fraction = progressFraction(done, total);
    if (at && (order < at.order || (order === at.order && fraction < at.fraction))) {
      onClamp?.({ stage, fraction, atStage: at.stage, atFraction: at.fraction });
      return;
    }
    if (at && order === at.order && fraction === at.fraction) return;
    at = { stage, order, fraction };
    next(stage, done, total);
  };
}

/**
 * One stage made of consecutive steps, each restarting its own count at 0: step `s` owns the slice of the
 * stage after the steps listed before it, as wide as its weight (its usual share of the stage's time), so
 * the stage's fraction only grows. `report` receives that fraction (0–1, non-decreasing). The steps are
 * the keys of `weights`, in order; a step that reports out of order cannot pull the fraction back.
 */
export function subStepProgress<S extends string>(
  weights: Readonly<Record<S, number>>,
  report: (fraction: number) => void,
): (step: S, done: number, total: number) => void {
  const steps = Object.keys(weights) as S[];
  const sum = steps.reduce((acc, s) => acc + Math.max(0, weights[s]), 0);
  const start = new Map<S, number>();
  let acc = 0;
  for (const s of steps) {
    start.set(s, sum > 0 ? acc / sum : 0);
    acc += Math.max(0, weights[s]);
  }
  let highest = 0;
  return (step, done, total) => {
    const from = start.get(step) ?? highest;
    const width = sum > 0 ? Math.max(0, weights[step] ?? 0) / sum : 0;
    highest = Math.max(highest, Math.min(1, from + width * progressFraction(done, total)));
    report(highest);
  };
}
