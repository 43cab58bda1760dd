/**
 * Fair use between users inside one worker process: who a message belongs to, how many tasks each user has
 * running, and the messages that wait (leased) because their user is at WORKER_MAX_TASKS_PER_USER.
 * The SQS side (leases, requeueing) is the consumer's; this file is bookkeeping only, so it is easy to test.
 */
import type { ReceivedMessage } from "../infra/sqs.js";

/** The one bucket shared by every message whose user cannot be read (bad JSON, no userId/user_id). */
export const UNKNOWN_USER = "";

/**
 * Receives a message had before the worker requeued it as a fresh copy (the copy starts again at
 * ApproximateReceiveCount 1). A Number message attribute on the copy; the backend never sets it.
 */
export const PRIOR_RECEIVES_ATTRIBUTE = "graphnode-prior-receives";

/**
 * The user a request belongs to: `payload.userId` (macro tasks) or `payload.user_id` (microscope), read
 * leniently (a string or a number; surrounding spaces ignored). Anything else is UNKNOWN_USER.
 */
export function userOfBody(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return UNKNOWN_USER;
  }
  if (!parsed || typeof parsed !== "object") return UNKNOWN_USER;
  const payload = (parsed as { payload?: unknown }).payload;
  if (!payload || typeof payload !== "object") return UNKNOWN_USER;
  const p = payload as Record<string, unknown>;
  for (const v of [p.userId, p.user_id]) {
    if (typeof v === "string" && v.trim() !== "") return v.trim();
    if (typeof v === "number" && Number.isFinite(v)) return String(v);
  }
  return UNKNOWN_USER;
}

/**
 * How many times this request has really been received: SQS's count for this copy plus the receives of the
 * copies it replaced. A fairness requeue does not count (see the consumer), so it never eats the retry budget.
 */
export function effectiveReceiveCount(m: ReceivedMessage): number {
  const prior = Number(m.attributes?.[PRIOR_RECEIVES_ATTRIBUTE]);
  return m.receiveCount + (Number.isInteger(prior) && prior > 0 ? prior : 0);
}

interface Waiting<T> {
  item: T;
  since: number;
}

/** Running tasks per user against a cap, and per-user FIFO queues of held items. */
export class UserSlots<T> {
  private readonly runningBy = new Map<string, number>();
  private readonly heldBy = new Map<string, Waiting<T>[]>();
  private heldTotal = 0;
  private order = 0;

  constructor(readonly cap: number) {}

  running(user: string): number {
    return this.runningBy.get(user) ?? 0;
  }

  canRun(user: string): boolean {
    return this.running(user) < this.cap;
  }

  /** Some user runs as many tasks as the cap allows (or more: the cap is work-conserving). */
  anyAtCap(): boolean {
    for (const n of this.runningBy.values()) if (n >= this.cap) return true;
    return false;
  }

  /** Held work of a user other than `user` that is under the cap (it would take a free slot first). */
  heldByOtherUnderCap(user: string): boolean {
    for (const [other, q] of this.heldBy)
      if (other !== user && q.length > 0 && this.canRun(other)) return true;
    return false;
  }

  acquire(user: string): void {
    this.runningBy.set(user, this.running(user) + 1);
  }

  release(user: string): void {
    const n = this.running(user) - 1;
    if (n > 0) this.runningBy.set(user, n);
    else this.runningBy.delete(user);
  }

  get held(): number {
    return this.heldTotal;
  }

  hold(user: string, item: T): void {
    const q = this.heldBy.get(user) ?? [];
    q.push({ item, since: this.order++ });
    this.heldBy.set(user, q);
    this.heldTotal++;
  }

  /**
   * The next held item that may run now: among users under the cap, the one with the fewest running tasks
   * (so users take turns), ties broken by who has waited longest; its oldest item.
   * With `overCap`, among the users at or over the cap instead, those it accepts (the caller's rule for when a
   * free slot may go over the cap: nobody else waiting for it).
   */
  takeRunnable(overCap?: (user: string) => boolean): { user: string; item: T } | undefined {
    let best: { user: string; running: number; since: number } | undefined;
    for (const [user, q] of this.heldBy) {
      const head = q[0];
      const running = this.running(user);
      if (!head) continue;
      if (overCap ? running < this.cap || !overCap(user) : running >= this.cap) continue;
      if (!best || running < best.running || (running === best.running && head.since < best.since)) {
        best = { user, running, since: head.since };
      }
    }
    if (!best) return undefined;
    const q = this.heldBy.get(best.user) as Waiting<T>[];
    const head = q.shift() as Waiting<T>;
    if (q.length === 0) this.heldBy.delete(best.user);
    this.heldTotal--;
    return { user: best.user, item: head.item };
  }

  /** Removes and returns every held item (shutdown). */
  takeAll(): { user: string; item: T }[] {
    const out: { user: string; item: T }[] = [];
    for (const [user, q] of this.heldBy) for (const w of q) out.push({ user, item: w.item });
    this.heldBy.clear();
    this.heldTotal = 0;
    return out;
  }
}
