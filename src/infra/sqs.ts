/**
 * The few SQS operations the worker needs, over the AWS SDK v3 client. Kept thin on purpose: the loop's
 * semantics (leases, retries, exactly-one-result) live in src/runtime; this file only speaks the protocol.
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  type SQSClientConfig,
} from "@aws-sdk/client-sqs";

export interface ReceivedMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
  /** ApproximateReceiveCount: 1 on the first delivery. */
  receiveCount: number;
}

export interface QueueClient {
  receive(
    queueUrl: string,
    opts: { maxMessages: number; waitTimeSeconds: number; visibilityTimeoutSeconds: number; signal?: AbortSignal },
  ): Promise<ReceivedMessage[]>;
  delete(queueUrl: string, receiptHandle: string): Promise<void>;
  changeVisibility(queueUrl: string, receiptHandle: string, seconds: number): Promise<void>;
  send(queueUrl: string, body: string): Promise<void>;
}

export function createSqsClient(config: SQSClientConfig): SQSClient {
  return new SQSClient(config);
}

function toReceived(m: Message): ReceivedMessage | null {
  if (!m.ReceiptHandle) return null;
  const count = Number(m.Attributes?.ApproximateReceiveCount ?? "1");
  return {
    messageId: m.MessageId ?? "",
    receiptHandle: m.ReceiptHandle,
    body: m.Body ?? "",
    receiveCount: Number.isFinite(count) && count > 0 ? count : 1,
  };
}

export function createQueueClient(client: SQSClient): QueueClient {
  return {
    async receive(queueUrl, opts) {
      const out = await client.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: Math.max(1, Math.min(10, opts.maxMessages)),
          WaitTimeSeconds: opts.waitTimeSeconds,
          VisibilityTimeout: opts.visibilityTimeoutSeconds,
          MessageSystemAttributeNames: ["ApproximateReceiveCount"],
          // Deprecated name kept for emulators that only read it.
          AttributeNames: ["All"],
        }),
        opts.signal ? { abortSignal: opts.signal } : {},
      );
      return (out.Messages ?? []).map(toReceived).filter((m): m is ReceivedMessage => m !== null);
    },
    async delete(queueUrl, receiptHandle) {
      await client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: receiptHandle }));
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
    async send(queueUrl, body) {
      await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    },
  };
}
