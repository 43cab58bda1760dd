/**
 * The few SQS operations the worker needs, over the AWS SDK v3 client. Kept thin on purpose: the loop's
 * semantics (leases, retries, exactly-one-result) live in src/runtime; this file only speaks the protocol.
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
  type SQSClientConfig,
} from "@aws-sdk/client-sqs";
import { type BatchEntryResult, MicroBatcher } from "./sqsBatcher.js";

export interface ReceivedMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
  /** ApproximateReceiveCount: 1 on the first delivery. */
  receiveCount: number;
  /** Set when the producer gave one (FIFO queues, and SQS fair queues: standard queues with a tenant id). */
  messageGroupId?: string;
  /** String and Number message attributes, by name (the backend sends none; the worker's requeue may add some). */
  attributes?: Record<string, string>;
}

export interface SendOptions {
  /** Hides the new message for this long (0–900 s; standard queues only). */
  delaySeconds?: number;
  /** FIFO queues (required there) and SQS fair queues. 1–128 characters, alphanumeric and punctuation. */
  messageGroupId?: string;
  /**
   * FIFO queues only: SQS accepts one message per id within 5 minutes and drops later sends with the same id
   * (so a re-sent result is delivered once). 1–128 characters, alphanumeric and punctuation.
   */
  deduplicationId?: string;
  /** Number message attributes, by name. */
  numberAttributes?: Record<string, number>;
}

export interface QueueClient {
  receive(
    queueUrl: string,
    opts: {
      maxMessages: number;
      waitTimeSeconds: number;
      visibilityTimeoutSeconds: number;
      signal?: AbortSignal;
    },
  ): Promise<ReceivedMessage[]>;
  delete(queueUrl: string, receiptHandle: string): Promise<void>;
  changeVisibility(queueUrl: string, receiptHandle: string, seconds: number): Promise<void>;
  send(queueUrl: string, body: string, opts?: SendOptions): Promise<void>;
}

export function createSqsClient(config: SQSClientConfig): SQSClient {
  return new SQSClient(config);
}

function toReceived(m: Message): ReceivedMessage | null {
  if (!m.ReceiptHandle) return null;
  const count = Number(m.Attributes?.ApproximateReceiveCount ?? "1");
  const attributes: Record<string, string> = {};
  for (const [name, v] of Object.entries(m.MessageAttributes ?? {})) {
    if (typeof v.StringValue === "string") attributes[name] = v.StringValue;
  }
  const groupId = m.Attributes?.MessageGroupId;
  return {
    messageId: m.MessageId ?? "",
    receiptHandle: m.ReceiptHandle,
    body: m.Body ?? "",
    receiveCount: Number.isFinite(count) && count > 0 ? count : 1,
    ...(groupId ? { messageGroupId: groupId } : {}),
    ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
  };
}

interface OutgoingMessage {
  body: string;
  opts?: SendOptions;
}

/** The SendMessage fields of one message (shared by the single and the batch call). */
function sendFields(m: OutgoingMessage) {
  const o = m.opts ?? {};
  const numbers = Object.entries(o.numberAttributes ?? {});
  return {
    MessageBody: m.body,
    ...(o.delaySeconds !== undefined
      ? { DelaySeconds: Math.max(0, Math.min(900, Math.floor(o.delaySeconds))) }
      : {}),
    ...(o.messageGroupId ? { MessageGroupId: o.messageGroupId } : {}),
    ...(o.deduplicationId ? { MessageDeduplicationId: o.deduplicationId } : {}),
    ...(numbers.length > 0
      ? {
          MessageAttributes: Object.fromEntries(
            numbers.map(([name, n]) => [name, { DataType: "Number", StringValue: String(n) }]),
          ),
        }
      : {}),
  };
}

export interface QueueClientOptions {
  /**
   * Sends and deletes made within this window are grouped into batch calls (0 disables batching).
   * "adaptive": no fixed window; a batch goes out at once while no batch call on that queue is
   * running, else waits for one to return (see sqsBatcher.ts). Results are small, so a batch of 10 stays far
   * below SQS's request size limit; bodies above 64 KiB go alone.
   */
  batchWindowMs?: number | "adaptive";
}

const BATCHABLE_BODY_BYTES = 64 * 1024;

function entryErrors(
  failed: { Id?: string; Code?: string; Message?: string }[] | undefined,
  ids: string[],
): BatchEntryResult[] {
  const errors = new Map(
    (failed ?? []).map((f) => [f.Id ?? "", new Error(`${f.Code ?? "Error"}: ${f.Message ?? ""}`)]),
  );
  return ids.map((id) => {
    const error = errors.get(id);
    return error ? { id, error } : { id };
  });
}

export function createQueueClient(client: SQSClient, opts: QueueClientOptions = {}): QueueClient {
  const adaptive = opts.batchWindowMs === "adaptive";
  const windowMs = adaptive ? 1 : ((opts.batchWindowMs as number | undefined) ?? 5);
  const batchOpts = { windowMs, maxBatch: 10, ...(adaptive ? { maxInFlight: 1 } : {}) };
  const senders = new Map<string, MicroBatcher<OutgoingMessage>>();
  const deleters = new Map<string, MicroBatcher<string>>();
  const sender = (queueUrl: string) => {
    let b = senders.get(queueUrl);
    if (!b) {
      b = new MicroBatcher<OutgoingMessage>(async (entries) => {
        const out = await client.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: entries.map((e) => ({ Id: e.id, ...sendFields(e.item) })),
          }),
        );
        return entryErrors(
          out.Failed,
          entries.map((e) => e.id),
        );
      }, batchOpts);
      senders.set(queueUrl, b);
    }
    return b;
  };
  const deleter = (queueUrl: string) => {
    let b = deleters.get(queueUrl);
    if (!b) {
      b = new MicroBatcher<string>(async (entries) => {
        const out = await client.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: entries.map((e) => ({ Id: e.id, ReceiptHandle: e.item })),
          }),
        );
        return entryErrors(
          out.Failed,
          entries.map((e) => e.id),
        );
      }, batchOpts);
      deleters.set(queueUrl, b);
    }
    return b;
  };

  return {
    async receive(queueUrl, opts) {
      const out = await client.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: Math.max(1, Math.min(10, opts.maxMessages)),
          WaitTimeSeconds: opts.waitTimeSeconds,
          VisibilityTimeout: opts.visibilityTimeoutSeconds,
          MessageSystemAttributeNames: ["ApproximateReceiveCount", "MessageGroupId"],
          // Deprecated name kept for emulators that only read it.
          AttributeNames: ["All"],
          MessageAttributeNames: ["All"],
        }),
        opts.signal ? { abortSignal: opts.signal } : {},
      );
      return (out.Messages ?? []).map(toReceived).filter((m): m is ReceivedMessage => m !== null);
    },
    async delete(queueUrl, receiptHandle) {
      if (windowMs <= 0) {
        await client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: receiptHandle }));
        return;
      }
      await deleter(queueUrl).add(receiptHandle);
    },
    async changeVisibility(queueUrl, receiptHandle, seconds) {
      await client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: receiptHandle,
          VisibilityTimeout: Math.max(0, Math.min(43200, Math.floor(seconds))),
        }),
      );
    },
    async send(queueUrl, body, opts) {
      const message: OutgoingMessage = opts ? { body, opts } : { body };
      if (windowMs <= 0 || Buffer.byteLength(body) > BATCHABLE_BODY_BYTES) {
        await client.send(new SendMessageCommand({ QueueUrl: queueUrl, ...sendFields(message) }));
        return;
      }
      await sender(queueUrl).add(message);
    },
  };
}
