/**
 * How a pipeline tells the outside world how far it got. Pipelines only know stage keys and counts;
 * the runtime turns them into the backend's GRAPH_GENERATION_PROGRESS messages (stage strings, throttling, ETA).
 */

/** The six stages of graph generation, in order (contract §3.1; the incumbent's stage map). */
export const GRAPH_STAGES = ["embedding", "keywords", "clustering", "edges", "merging", "summary"] as const;
export type GraphStage = (typeof GRAPH_STAGES)[number];

export interface ProgressSink {
  /** `done` of `total` units of `stage` are finished (done = 0: started; done = total: finished). */
  report(stage: GraphStage, done: number, total: number): void;
}

export const noProgress: ProgressSink = { report() {} };
