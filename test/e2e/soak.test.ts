/**
 * The soak (bench/soak, `npm run soak`) in a small fixed-seed size inside the suite: three worker processes
 * from the production entry on fauxqs and the shared ChromaDB, fault proxies in front of S3 and Chroma
 * breaking 5% of their requests (500/503, resets before and during the body, bodies cut short), six times a
 * random worker SIGKILLed or SIGTERMed a few seconds apart and replaced, about 100 mixed requests (small graph
 * generations of debian-dev items, summaries and add-nodes after them, invalid payloads, unknown types,
 * garbage bodies).
 *
 * What must hold whatever the timing: every request with a readable taskId is answered, every garbage body
 * is in the DLQ, no worker dies other than by the kills, the request queue is empty at the end, and no
 * request is answered twice. The result queue is FIFO (the documented exactly-once setup): there, a duplicate
 * is impossible by the protocol, whatever the timing. On a standard result queue a kill that lands between a
 * result's send and its request's delete still gives a duplicate, at a rate that follows the machine's speed,
 * so no fixed bound holds for a 100-request run; `npm run soak` measures that rate, and the runtime's queue
 * tests check that a redelivery after a delivered result is not answered again. The run's deadlines come from
 * the worker timeouts (options.ts); the line of figures goes to the test's diagnostics.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { runSoak } from "../../bench/soak/harness.js";
import { optionsFromEnv } from "../../bench/soak/options.js";
import { details, duplicateBound, figuresLine, findings } from "../../bench/soak/report.js";

// scripts/test.mjs limits each test (and on Node 20 each file) to TEST_TIMEOUT_MS (default 300 s): the run
// stops a minute before that, so a stall ends in this test's report rather than in a killed file.
const FILE_LIMIT_SECONDS = Number(process.env.TEST_TIMEOUT_MS ?? 300_000) / 1000;

test("soak: 3 workers, 6 kills ~4 s apart, 5% faults on S3 and Chroma, ~100 requests: nothing lost, no crash, garbage dead-lettered, no result twice (FIFO results)", async (t) => {
  const defaults = optionsFromEnv({});
  const report = await runSoak({
    ...defaults,
    seed: 20261204,
    requests: 100,
    workers: 3,
    killEveryMs: 4000,
    // A few kills, the same number at any machine speed (kills come by the clock).
    maxKills: 6,
    faultRate: 0.05,
    fifo: true,
    // The suite limits a file to a few minutes; a stall is called lost after a quiet time with less margin
    // than the soak command allows (still a whole receive budget of lost leases and retries).
    quietFactor: 1,
    maxSeconds: Math.max(120, FILE_LIMIT_SECONDS - 60),
    ...(process.env.CHROMA_TEST_URL ? { chromaUrl: process.env.CHROMA_TEST_URL } : {}),
  });
  t.diagnostic(figuresLine(report));
  for (const line of [...details(report, 5), ...findings(report).map((f) => `finding: ${f}`)])
    t.diagnostic(line);
  const problems = details(report, 5).join("\n");

  assert.ok(report.kills.SIGKILL + report.kills.SIGTERM >= 1, "the run killed workers");
  assert.ok(
    report.faults.s3Requests > 0 && report.faults.chromaRequests > 0,
    "S3 and Chroma went through the proxies",
  );
  assert.deepEqual(report.lost, [], `every request answered\n${problems}`);
  assert.deepEqual(report.garbageMissing, [], "every garbage body in the DLQ");
  assert.equal(report.garbageInDlq, report.garbageSent);
  assert.deepEqual(
    report.crashes.map((c) => `${c.name}: code ${c.code} signal ${c.signal}`),
    [],
    `no worker crash other than the kills\n${problems}`,
  );
  assert.equal(report.queueEmpty, true, `request queue at the end: ${JSON.stringify(report.queueAtEnd)}`);
  assert.equal(report.gaveUp, null);
  assert.ok(
    report.duplicated.length <= duplicateBound(report),
    `${report.duplicated.length} requests answered more than once (bound ${duplicateBound(report)})`,
  );
  assert.deepEqual(report.mismatched, [], "every answer of the right type, status and code");
});
