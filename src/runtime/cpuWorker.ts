/**
 * Worker-thread entry of the CPU pool: runs one named pipeline job and streams its progress and data over a
 * port. Data messages are credit-based: at most DATA_WINDOW are in flight until the main thread acknowledges
 * one, so a fast job can never queue up a burst that the main thread would then deserialize in one turn.
 */
import type { MessagePort } from "node:worker_threads";
import { move, transferableSymbol, valueSymbol } from "piscina";
import { cpuJobs, type JobIO } from "../pipelines/jobs.js";
import type { GraphStage } from "../pipelines/progress.js";

export interface CpuTask {
  job: string;
  input: unknown;
  port?: MessagePort;
  /** The caller takes data messages (it gave `onData`). */
  acceptsData?: boolean;
}

/** Data messages in flight before the job waits for the main thread's acknowledgement. */
export const DATA_WINDOW = 2;

function jobIO(port: MessagePort | undefined, acceptsData: boolean): JobIO {
  let credits = DATA_WINDOW;
  let closed = false;
  let wake: (() => void) | undefined;
  const wakeSender = () => {
    wake?.();
    wake = undefined;
  };
  port?.on("message", () => {
    credits++;
    wakeSender();
  });
  // The main thread closed its side (its consumer failed): a waiting send must not wait forever.
  port?.on("close", () => {
    closed = true;
    wakeSender();
  });
  return {
    progress(stage: GraphStage, done: number, total: number) {
      port?.postMessage({ stage, done, total });
    },
    async send(data: unknown) {
      if (!port || !acceptsData) throw new Error("this job was started without a data channel");
      while (credits === 0 && !closed) await new Promise<void>((resolve) => (wake = resolve));
      if (closed) throw new Error("the caller stopped taking this job's data");
      credits--;
      port.postMessage({ data });
    },
  };
}

/** A result handed over with its buffers moved, not copied (piscina's Transferable protocol). */
function movedResult(value: unknown, buffers: ArrayBufferLike[]): unknown {
  const list = [...new Set(buffers)].filter((b) => !(b instanceof SharedArrayBuffer) && b.byteLength > 0);
  if (list.length === 0) return value;
  return move({
    get [transferableSymbol]() {
      return list;
    },
    get [valueSymbol]() {
      return value;
    },
  } as never);
}

export default async function runCpuTask(task: CpuTask): Promise<unknown> {
  const job = (cpuJobs as Record<string, (input: unknown, io: JobIO) => unknown>)[task.job];
  if (!job) throw new Error(`unknown cpu job: ${task.job}`);
  const moved: ArrayBufferLike[] = [];
  try {
    const io = jobIO(task.port, task.acceptsData === true);
    io.moveOnReturn = (...buffers) => moved.push(...buffers);
    return movedResult(await job(task.input, io), moved);
  } finally {
    // Messages on one port arrive in order: "end" tells the main thread that every data message is in.
    task.port?.postMessage({ end: true });
    task.port?.close();
  }
}
