/**
 * Worker-thread entry of the CPU pool: runs one named pipeline job and streams its progress and data over a
 * port. Data messages are credit-based: at most DATA_WINDOW are in flight until the main thread acknowledges
 * one, so a fast job can never queue up a burst that the main thread would then deserialize in one turn.
 */
import type { MessagePort } from "node:worker_threads";
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

export default async function runCpuTask(task: CpuTask): Promise<unknown> {
  const job = (cpuJobs as Record<string, (input: unknown, io: JobIO) => unknown>)[task.job];
  if (!job) throw new Error(`unknown cpu job: ${task.job}`);
  try {
    return await job(task.input, jobIO(task.port, task.acceptsData === true));
  } finally {
    // Messages on one port arrive in order: "end" tells the main thread that every data message is in.
    task.port?.postMessage({ end: true });
    task.port?.close();
  }
}
