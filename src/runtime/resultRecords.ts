/**
 * Idempotency per taskId: the final result of a request is stored before it is sent. A redelivered request
 * (a crash after the outputs were written, a duplicate send by the backend) is answered with the same result
 * again instead of being recomputed. Records live under `results/_tasks/` in the payload bucket, next to the
 * outputs they describe.
 *
 * Once the result was sent, the record is rewritten with the SQS messageId of the request it answered
 * (`deliveredFor`). A redelivery of that same message (a worker killed between the send and the delete, a
 * failed delete) then only deletes the request: the backend already has its answer. A new message with the
 * same taskId (the backend sending the request again) has another messageId and is answered again.
 */
import type { ObjectStorage } from "../infra/storage.js";

export interface ResultRecord {
  taskId: string;
  taskType: string;
  resultType: string;
  payload: Record<string, unknown>;
  completedAt: string;
  /** SQS messageIds of the requests this result was sent for (the most recent few). */
  deliveredFor?: string[];
}

/** How many messageIds a record remembers (a taskId is re-sent by the backend rarely, if ever). */
const DELIVERED_FOR_MAX = 10;

/** The record after its result was sent in answer to `messageId`. */
export function withDelivery(record: ResultRecord, messageId: string): ResultRecord {
  const before = (record.deliveredFor ?? []).filter((id) => id !== messageId);
  return { ...record, deliveredFor: [...before, messageId].slice(-DELIVERED_FOR_MAX) };
}

/** True when the result was already sent for this very SQS message (so a redelivery needs no second send). */
export function deliveredFor(record: ResultRecord, messageId: string | undefined): boolean {
  return messageId !== undefined && messageId !== "" && (record.deliveredFor ?? []).includes(messageId);
}

export interface ResultRecords {
  get(taskId: string): Promise<ResultRecord | null>;
  put(record: ResultRecord): Promise<void>;
}

export function recordKey(taskId: string): string {
  return `results/_tasks/${encodeURIComponent(taskId)}.json`;
}

export function createResultRecords(storage: ObjectStorage, bucket: string): ResultRecords {
  return {
    async get(taskId) {
      const key = recordKey(taskId);
      if (!(await storage.exists(bucket, key))) return null;
      const value = (await storage.getJson(bucket, key)) as ResultRecord | null;
      return value && typeof value === "object" && value.taskId === taskId ? value : null;
    },
    async put(record) {
      await storage.putJson(bucket, recordKey(record.taskId), record);
    },
  };
}

/** For tests and one-shot runs that do not need replay across processes. */
export function createMemoryResultRecords(): ResultRecords {
  const map = new Map<string, ResultRecord>();
  return {
    async get(taskId) {
      return map.get(taskId) ?? null;
    },
    async put(record) {
      map.set(record.taskId, record);
    },
  };
}
