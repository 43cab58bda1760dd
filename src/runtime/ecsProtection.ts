/**
 * ECS task scale-in protection (Fargate/EC2 agent API at $ECS_AGENT_URI/task-protection/v1/state): on while
 * tasks are in flight, off when the worker is idle, so a scale-in never kills a task mid-run. Calls are
 * serialised and only sent when the wanted state changes.
 */
import { errorSummary } from "./lease.js";
import type { Logger } from "./logger.js";

export interface ScaleInProtection {
  update(inFlight: number): void;
  /** Waits for the last requested state to be applied. */
  flush(): Promise<void>;
}

export function createEcsProtection(opts: {
  agentUri: string | undefined;
  log: Logger;
  expiresInMinutes?: number;
  fetchImpl?: typeof fetch;
}): ScaleInProtection {
  if (!opts.agentUri) return { update() {}, flush: async () => {} };
  const url = `${opts.agentUri.replace(/\/$/, "")}/task-protection/v1/state`;
  const doFetch = opts.fetchImpl ?? fetch;
  let applied: boolean | undefined;
  let chain: Promise<void> = Promise.resolve();
  let renewTimer: NodeJS.Timeout | undefined;
  const expires = opts.expiresInMinutes ?? 60;

  const apply = (enabled: boolean, force = false) => {
    chain = chain.then(async () => {
      if (!force && applied === enabled) return;
      try {
        const res = await doFetch(url, {
          method: "PUT",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(
            enabled ? { ProtectionEnabled: true, ExpiresInMinutes: expires } : { ProtectionEnabled: false },
          ),
          signal: AbortSignal.timeout(5000),
        });
        if (!res.ok) throw new Error(`ECS agent answered ${res.status}`);
        applied = enabled;
        opts.log.debug({ enabled }, "scale-in protection updated");
      } catch (err) {
        opts.log.warn({ err: errorSummary(err), enabled }, "could not update ECS scale-in protection");
      }
    });
  };

  return {
    update(inFlight) {
      const want = inFlight > 0;
      apply(want);
      // Protection expires on its own; renew it while work goes on longer than the expiry.
      if (want && !renewTimer) {
        renewTimer = setInterval(() => apply(true, true), Math.max(60_000, (expires - 5) * 60_000));
        renewTimer.unref();
      } else if (!want && renewTimer) {
        clearInterval(renewTimer);
        renewTimer = undefined;
      }
    },
    flush: () => chain,
  };
}
