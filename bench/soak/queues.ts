/**
 * The soak's side of the queues, straight to fauxqs (never through a fault proxy): the result collector,
 * queue depths, and reading the dead-letter queue. Collected messages are deleted (a FIFO result queue
 * delivers nothing more of a message group while one of its messages is in flight); a message seen again
 * under the same SQS MessageId (the collector's own redelivery) is not counted twice, so every extra final
 * result counted is one the worker really sent.
 */
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";

export interface Envelope {
  taskId: string;
  taskType: string;
  timestamp?: string;
  payload: Record<string, unknown>;
}

export const PROGRESS_TYPE = "GRAPH_GENERATION_PROGRESS";

async function receiveAndDelete(sqs: SQSClient, queueUrl: string, waitSeconds: number): Promise<Message[]> {
  const r = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: waitSeconds,
      VisibilityTimeout: 60,
    }),
  );
  const messages = r.Messages ?? [];
  if (messages.length > 0) {
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle as string })),
      }),
    );
  }
  return messages;
}

export class ResultCollector {
  /** Every final result that arrived, by taskId, in arrival order. */
  readonly finals = new Map<string, Envelope[]>();
  /** Bodies that were not a readable envelope (the worker must never send one). */
  readonly unreadable: string[] = [];
  progress = 0;
  messages = 0;
  private readonly seen = new Set<string>();
  private running = false;
  private loop: Promise<void> | undefined;
  private onFinal: (env: Envelope, first: boolean) => void = () => {};

  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  start(onFinal: (env: Envelope, first: boolean) => void): void {
    this.onFinal = onFinal;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        try {
          await this.receiveOnce(1);
        } catch {
          // fauxqs is local and not behind a proxy; a failed receive is retried on the next turn.
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Receives until a receive comes back empty (after the workers stopped sending). */
  async drain(): Promise<void> {
    while ((await this.receiveOnce(1)) > 0) {}
  }

  private async receiveOnce(waitSeconds: number): Promise<number> {
    const got = await receiveAndDelete(this.sqs, this.queueUrl, waitSeconds);
    for (const m of got) {
      const id = m.MessageId ?? "";
      if (this.seen.has(id)) continue;
      this.seen.add(id);
      this.messages++;
      let env: Envelope;
      try {
        env = JSON.parse(m.Body ?? "") as Envelope;
      } catch {
        this.unreadable.push(m.Body ?? "");
        continue;
      }
      if (!env || typeof env.taskId !== "string" || typeof env.taskType !== "string") {
        this.unreadable.push(m.Body ?? "");
        continue;
      }
      if (env.taskType === PROGRESS_TYPE) {
        this.progress++;
        continue;
      }
      const list = this.finals.get(env.taskId) ?? [];
      list.push(env);
      this.finals.set(env.taskId, list);
      this.onFinal(env, list.length === 1);
    }
    return got.length;
  }
}

export async function queueDepth(
  sqs: SQSClient,
  queueUrl: string,
): Promise<{ visible: number; inFlight: number; delayed: number }> {
  const r = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
      ],
    }),
  );
  const a = r.Attributes ?? {};
  return {
    visible: Number(a.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0),
    delayed: Number(a.ApproximateNumberOfMessagesDelayed ?? 0),
  };
}

/** Every message in the dead-letter queue (received and deleted). */
export async function readDeadLetters(sqs: SQSClient, queueUrl: string): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const got = await receiveAndDelete(sqs, queueUrl, 1);
    if (got.length === 0) return bodies;
    for (const m of got) bodies.push(m.Body ?? "");
  }
}
