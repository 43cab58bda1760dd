/**
 * Idempotency per taskId: the final result of a request is stored before it is sent. A redelivered request
 * (a crash after the outputs were written, a duplicate send by the backend) is answered with the same result
 * again instead of being recomputed. Records live under `results/_tasks/` in the payload bucket, next to the
 * outputs they describe.
 */
import type { ObjectStorage } from "../infra/storage.js";

export interface ResultRecord {
  taskId: string;
  taskType: string;
  resultType: string;
  payload: Record<string, unknown>;
  completedAt: string;
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
