/**
 * The shared ElasticMQ speaks what the worker needs, through @aws-sdk/client-sqs v3 (AWS JSON protocol):
 * create a queue, send, receive, change visibility, delete. Also how getElasticMq() reads the environment.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { elasticMqSkipReason, getElasticMq } from "./elasticmq.js";

/** Receives until one message arrives, in at most `attempts` long polls of one second. */
async function receiveOne(sqs: SQSClient, queueUrl: string, attempts = 10): Promise<Message> {
  for (let i = 0; i < attempts; i++) {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 1,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ["ApproximateReceiveCount"],
      }),
    );
    const message = out.Messages?.[0];
    if (message) return message;
  }
  throw new Error(`no message arrived on ${queueUrl} after ${attempts} receives`);
}

describe("ElasticMQ through @aws-sdk/client-sqs", { skip: elasticMqSkipReason() }, () => {
  let sqs: SQSClient;
  let queueUrl: string;

  before(async () => {
    const elastic = getElasticMq();
    assert.ok(elastic, "ElasticMQ is available when this suite is not skipped");
    sqs = new SQSClient({
      region: "us-east-1",
      endpoint: elastic.endpoint,
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
    const created = await sqs.send(
      new CreateQueueCommand({
        QueueName: `support-roundtrip-${randomUUID().slice(0, 8)}`,
        Attributes: { VisibilityTimeout: "30" },
      }),
    );
    assert.ok(created.QueueUrl, "CreateQueue returns the queue URL");
    queueUrl = created.QueueUrl;
  });

  after(async () => {
    if (queueUrl) await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
    sqs?.destroy();
  });

  test("a message goes round: send, receive, make visible again, receive again, delete", async () => {
    const body = JSON.stringify({ taskId: `task_${randomUUID()}`, text: "héllo, 세계" });
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    assert.ok(sent.MessageId);

    const first = await receiveOne(sqs, queueUrl);
    assert.equal(first.Body, body);
    assert.equal(first.MessageId, sent.MessageId);
    assert.equal(first.Attributes?.ApproximateReceiveCount, "1");
    assert.ok(first.ReceiptHandle);

    // Visibility 0 hands the message back at once, as the worker does when it gives a task up for a retry.
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrl,
        ReceiptHandle: first.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    const second = await receiveOne(sqs, queueUrl);
    assert.equal(second.MessageId, sent.MessageId);
    assert.equal(second.Body, body);
    assert.equal(second.Attributes?.ApproximateReceiveCount, "2");
    assert.ok(second.ReceiptHandle);

    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: second.ReceiptHandle }));
    const attrs = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
      }),
    );
    assert.equal(attrs.Attributes?.ApproximateNumberOfMessages, "0");
    assert.equal(attrs.Attributes?.ApproximateNumberOfMessagesNotVisible, "0");
  });
});

describe("getElasticMq", () => {
  const saved = { url: process.env.ELASTICMQ_TEST_URL, skip: process.env.SKIP_ELASTICMQ };
  function setEnv(url: string | undefined, skip: string | undefined) {
    if (url === undefined) delete process.env.ELASTICMQ_TEST_URL;
    else process.env.ELASTICMQ_TEST_URL = url;
    if (skip === undefined) delete process.env.SKIP_ELASTICMQ;
    else process.env.SKIP_ELASTICMQ = skip;
  }
  after(() => setEnv(saved.url, saved.skip));

  test("returns the endpoint from ELASTICMQ_TEST_URL, without a trailing slash", () => {
    setEnv("http://127.0.0.1:9999/", undefined);
    assert.deepEqual(getElasticMq(), { endpoint: "http://127.0.0.1:9999" });
    assert.equal(elasticMqSkipReason(), false);
  });

  test("returns null with a skip reason only when SKIP_ELASTICMQ=1", () => {
    setEnv(undefined, "1");
    assert.equal(getElasticMq(), null);
    assert.match(String(elasticMqSkipReason()), /SKIP_ELASTICMQ=1/);
  });

  test("throws, saying how to get the server, when neither is set", () => {
    setEnv(undefined, undefined);
    assert.throws(() => getElasticMq(), /ELASTICMQ_TEST_URL is not set.*npm test.*SKIP_ELASTICMQ=1/s);
  });
});
