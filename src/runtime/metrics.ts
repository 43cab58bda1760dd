/** Prometheus metrics of the worker (served on /metrics by health.ts). One registry per worker instance. */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { searchEmbedded, searchIndexSkipped } from "../ai/embeddings/search/metrics.js";

export interface WorkerMetrics {
  registry: Registry;
  received: Counter<"type">;
  completed: Counter<"type">;
  failed: Counter<"type" | "code">;
  retried: Counter<"type" | "code">;
  released: Counter<"type">;
  replayed: Counter<"type">;
  poison: Counter<"action">;
  /** Fairness deferrals: `held` (waits leased in this process) or `requeued` (back to the queue, delayed). */
  deferred: Counter<"reason">;
  held: Gauge;
  receiveErrors: Counter;
  inFlight: Gauge;
  duration: Histogram<"type" | "status">;
  heartbeatLag: Histogram;
  heartbeatFailures: Counter;
  stop(): void;
}

export function createMetrics(opts: { defaultMetrics?: boolean } = {}): WorkerMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  // Counted where the search index is built (src/tasks/searchIndex.ts), served here.
  for (const m of [searchIndexSkipped, searchEmbedded]) registry.registerMetric(m as never);
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  new Gauge({
    name: "graphnode_event_loop_delay_p99_seconds",
    help: "p99 event-loop delay of the main thread since the previous scrape",
    registers: [registry],
    collect() {
      this.set(loopDelay.percentile(99) / 1e9);
      loopDelay.reset();
    },
  });
  return {
    registry,
    received: new Counter({
      name: "graphnode_tasks_received_total",
      help: "request messages received",
      labelNames: ["type"],
      registers: [registry],
    }),
    completed: new Counter({
      name: "graphnode_tasks_completed_total",
      help: "COMPLETED results sent",
      labelNames: ["type"],
      registers: [registry],
    }),
    failed: new Counter({
      name: "graphnode_tasks_failed_total",
      help: "FAILED results sent",
      labelNames: ["type", "code"],
      registers: [registry],
    }),
    retried: new Counter({
      name: "graphnode_tasks_retried_total",
      help: "transient failures left for redelivery",
      labelNames: ["type", "code"],
      registers: [registry],
    }),
    released: new Counter({
      name: "graphnode_tasks_released_total",
      help: "tasks released at shutdown (visibility 0, no result)",
      labelNames: ["type"],
      registers: [registry],
    }),
    replayed: new Counter({
      name: "graphnode_tasks_replayed_total",
      help: "redelivered requests answered from their stored result",
      labelNames: ["type"],
      registers: [registry],
    }),
    poison: new Counter({
      name: "graphnode_poison_messages_total",
      help: "unreadable request bodies",
      labelNames: ["action"],
      registers: [registry],
    }),
    deferred: new Counter({
      name: "graphnode_tasks_deferred_total",
      help: "received messages not started at once because their user had WORKER_MAX_TASKS_PER_USER running",
      labelNames: ["reason"],
      registers: [registry],
    }),
    held: new Gauge({
      name: "graphnode_tasks_held",
      help: "deferred messages waiting in this process under a lease",
      registers: [registry],
    }),
    receiveErrors: new Counter({
      name: "graphnode_receive_errors_total",
      help: "failed ReceiveMessage calls",
      registers: [registry],
    }),
    inFlight: new Gauge({
      name: "graphnode_tasks_in_flight",
      help: "tasks being processed",
      registers: [registry],
    }),
    duration: new Histogram({
      name: "graphnode_task_duration_seconds",
      help: "time from receive to final outcome",
      labelNames: ["type", "status"],
      buckets: [0.05, 0.25, 1, 5, 15, 60, 180, 600, 1800],
      registers: [registry],
    }),
    heartbeatLag: new Histogram({
      name: "graphnode_heartbeat_lag_seconds",
      help: "how late a visibility heartbeat ran compared with its schedule",
      buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 15],
      registers: [registry],
    }),
    heartbeatFailures: new Counter({
      name: "graphnode_heartbeat_failures_total",
      help: "failed visibility extensions",
      registers: [registry],
    }),
    stop() {
      loopDelay.disable();
    },
  };
}
