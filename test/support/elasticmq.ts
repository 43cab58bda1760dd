/**
 * ElasticMQ, the standard SQS-compatible server, started once per run by the test command
 * (scripts/lib/elasticmq.mjs) and found here through ELASTICMQ_TEST_URL. Queue tests run against it besides
 * fauxqs, so queue behaviour is checked on two independent SQS implementations. It has no queues of its own:
 * each test creates queues with names of its own (other test files share the server).
 */
import { missingServiceError, sharedServiceUrl, skipRequested } from "./env.js";

export interface ElasticMq {
  /** The SQS endpoint, for `new SQSClient({ endpoint, region, credentials })` (any credentials work). */
  endpoint: string;
}

/**
 * The shared ElasticMQ, or null only when SKIP_ELASTICMQ=1 was set (then show `elasticMqSkipReason()` as the
 * skip reason). Throws when neither is set: a run that silently lost its second SQS implementation would look
 * green while testing less.
 */
export function getElasticMq(): ElasticMq | null {
  const endpoint = sharedServiceUrl("ELASTICMQ_TEST_URL");
  if (endpoint) return { endpoint };
  if (skipRequested("SKIP_ELASTICMQ")) return null;
  throw missingServiceError("ElasticMQ", "ELASTICMQ_TEST_URL", "SKIP_ELASTICMQ");
}

/** Why ElasticMQ cases are skipped in this run, for `test(name, { skip: elasticMqSkipReason() }, ...)`. */
export function elasticMqSkipReason(): string | false {
  return getElasticMq() ? false : "SKIP_ELASTICMQ=1: ElasticMQ was not started for this run";
}
