/**
 * Queue test environment over real protocols: S3 always from an in-process fauxqs; SQS from fauxqs or from
 * ElasticMQ (the standard SQS-compatible server, started by the test command), so queue behaviour is checked
 * against two independent implementations.
 */
import { randomUUID } from "node:crypto";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { startFauxqs } from "fauxqs";

export const credentials = { accessKeyId: "test", secretAccessKey: "test" };
export const region = "us-east-1";

export interface QueueEnv {
  name: string;
  sqsEndpoint: string;
  s3Endpoint: string;
  sqs: SQSClient;
  s3: S3Client;
  bucket: string;
  createQueue(prefix: string, visibilityTimeoutSeconds?: number): Promise<string>;
  send(queueUrl: string, body: unknown): Promise<void>;
  /** Receives (and deletes nothing) until `count` messages arrived or the time is up. */
  drain(queueUrl: string, opts: { count: number; timeoutMs: number }): Promise<Record<string, unknown>[]>;
  depth(queueUrl: string): Promise<{ visible: number; inFlight: number }>;
  stop(): Promise<void>;
}

export async function startQueueEnv(
  backend: "fauxqs" | "elasticmq",
  elasticMqEndpoint?: string,
): Promise<QueueEnv> {
  const faux = await startFauxqs({ port: 0, logger: false });
  const s3Endpoint = faux.address;
  const sqsEndpoint = backend === "elasticmq" && elasticMqEndpoint ? elasticMqEndpoint : faux.address;
  const sqs = new SQSClient({ region, endpoint: sqsEndpoint, credentials });
  const s3 = new S3Client({ region, endpoint: s3Endpoint, credentials, forcePathStyle: true });
  const bucket = `bucket-${randomUUID().slice(0, 8)}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  return {
    name: backend,
    sqsEndpoint,
    s3Endpoint,
    sqs,
    s3,
    bucket,
    async createQueue(prefix, visibilityTimeoutSeconds = 30) {
      const out = await sqs.send(
        new CreateQueueCommand({
          QueueName: `${prefix}-${randomUUID().slice(0, 8)}`,
          Attributes: { VisibilityTimeout: String(visibilityTimeoutSeconds) },
        }),
      );
      return out.QueueUrl as string;
    },
    async send(queueUrl, body) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: typeof body === "string" ? body : JSON.stringify(body),
        }),
      );
    },
    async drain(queueUrl, opts) {
      const out: Record<string, unknown>[] = [];
      const end = Date.now() + opts.timeoutMs;
      while (out.length < opts.count && Date.now() < end) {
        const r = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 1,
            VisibilityTimeout: 600,
          }),
        );
        for (const m of r.Messages ?? []) out.push(JSON.parse(m.Body ?? "null"));
      }
      return out;
    },
    async depth(queueUrl) {
      const r = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: queueUrl,
          AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        }),
      );
      return {
        visible: Number(r.Attributes?.ApproximateNumberOfMessages ?? 0),
        inFlight: Number(r.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
      };
    },
    async stop() {
      sqs.destroy();
      s3.destroy();
      await faux.stop();
    },
  };
}

/** Test configuration for a worker on this environment; `extra` overrides any variable. */
export function workerEnv(
  env: QueueEnv,
  queues: { request: string; result: string; dlq?: string },
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_ENDPOINT_URL: env.s3Endpoint,
    AWS_ENDPOINT_URL_SQS: env.sqsEndpoint,
    AWS_SQS_REQUEST_QUEUE_URL: queues.request,
    AWS_SQS_RESULT_QUEUE_URL: queues.result,
    ...(queues.dlq ? { SQS_DEAD_LETTER_QUEUE_URL: queues.dlq } : {}),
    S3_PAYLOAD_BUCKET: env.bucket,
    SQS_WAIT_TIME_SECONDS: "1",
    SQS_VISIBILITY_TIMEOUT_SECONDS: "10",
    HEARTBEAT_INTERVAL_SECONDS: "2",
    RETRY_BASE_DELAY_SECONDS: "1",
    RETRY_MAX_DELAY_SECONDS: "2",
    MAX_RECEIVE_COUNT: "3",
    SHUTDOWN_GRACE_SECONDS: "10",
    PROGRESS_MIN_INTERVAL_MS: "0",
    HTTP_PORT: "0",
    HTTP_HOST: "127.0.0.1",
    LOG_LEVEL: "silent",
    CPU_POOL_SIZE: "1",
    // The search index needs a model directory; tests that exercise it set one (test/support/searchModel.ts).
    SEARCH_EMBEDDING_MODEL: "none",
    ...extra,
  };
}
