/** Worker-thread entry of the CPU pool: runs one named pipeline job and streams its progress over a port. */
import type { MessagePort } from "node:worker_threads";
import { cpuJobs } from "../pipelines/jobs.js";
import type { GraphStage } from "../pipelines/progress.js";

export interface CpuTask {
  job: string;
  input: unknown;
  port?: MessagePort;
}

export default async function runCpuTask(task: CpuTask): Promise<unknown> {
  const job = (cpuJobs as Record<string, (input: unknown, io: unknown) => unknown>)[task.job];
  if (!job) throw new Error(`unknown cpu job: ${task.job}`);
  const io = {
    progress(stage: GraphStage, done: number, total: number) {
      task.port?.postMessage({ stage, done, total });
    },
  };
  try {
    return await job(task.input, io);
  } finally {
    task.port?.close();
  }
}
