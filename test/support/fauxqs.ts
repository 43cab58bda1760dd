/**
 * An in-process fauxqs (SQS + S3 on one endpoint, random port) with SDK clients pointed at it, for tests
 * that need real S3/SQS protocol behaviour without a network.
 */
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { startFauxqs } from "fauxqs";

export const testCredentials = { accessKeyId: "test", secretAccessKey: "test" };
export const testRegion = "us-east-1";

export interface FauxqsForTest {
  endpoint: string;
  sqs: SQSClient;
  s3: S3Client;
  /** Creates a queue through the SQS API and returns its URL. */
  createQueue(name: string, attrs?: Record<string, string>): Promise<string>;
  /** Creates a bucket through the S3 API (idempotent). */
  createBucket(name: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startFauxqsForTest(): Promise<FauxqsForTest> {
  const server = await startFauxqs({ port: 0, logger: false });
  const endpoint = server.address;
  const sqs = new SQSClient({ region: testRegion, endpoint, credentials: testCredentials });
  const s3 = new S3Client({
    region: testRegion,
    endpoint,
    credentials: testCredentials,
    forcePathStyle: true,
  });
  return {
    endpoint,
    sqs,
    s3,
    async createQueue(name, attrs) {
      const out = await sqs.send(
        new CreateQueueCommand({ QueueName: name, ...(attrs ? { Attributes: attrs } : {}) }),
      );
      if (!out.QueueUrl) throw new Error(`fauxqs returned no URL for queue ${name}`);
      return out.QueueUrl;
    },
    async createBucket(name) {
      await s3.send(new CreateBucketCommand({ Bucket: name }));
    },
    async stop() {
      sqs.destroy();
      s3.destroy();
      await server.stop();
    },
  };
}
