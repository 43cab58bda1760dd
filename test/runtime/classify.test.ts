import assert from "node:assert/strict";
import { test } from "node:test";
import { TaskError, terminal, transient } from "../../src/contract/errors.js";
import { classifyError, retryDelaySeconds } from "../../src/runtime/classify.js";

test("TaskErrors keep their kind and code", () => {
  assert.deepEqual(classifyError(terminal("INVALID_INPUT", "bad file")), {
    kind: "terminal",
    code: "INVALID_INPUT",
    message: "bad file",
  });
  assert.equal(classifyError(transient("LLM_ERROR", "rate limited")).kind, "transient");
});

test("AWS-style throttling, 5xx and network errors are transient", () => {
  const throttled = Object.assign(new Error("slow down"), {
    name: "SlowDown",
    $metadata: { httpStatusCode: 503 },
  });
  assert.equal(classifyError(throttled).kind, "transient");
  const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
  assert.equal(classifyError(reset).kind, "transient");
  const wrapped = new Error("outer", { cause: Object.assign(new Error("inner"), { code: "ECONNREFUSED" }) });
  assert.equal(classifyError(wrapped).kind, "transient");
  const forbidden = Object.assign(new Error("denied"), {
    name: "AccessDenied",
    $metadata: { httpStatusCode: 403 },
  });
  assert.equal(classifyError(forbidden).kind, "terminal");
});

test("unknown errors become a generic terminal message without their text (it may hold secrets)", () => {
  const c = classifyError(new Error("connect failed with key sk-proj-abcdefghijklmnop at /srv/app.js:10"));
  assert.equal(c.kind, "terminal");
  assert.equal(c.code, "INTERNAL_ERROR");
  assert.ok(!c.message.includes("sk-proj"));
  assert.ok(!c.message.includes("app.js"));
});

test("TaskError messages are cut to one short line and scrubbed of key-like strings", () => {
  const long = new TaskError(
    "INVALID_INPUT",
    `first line with sk-abcdefghijklmnopqrstu ${"x".repeat(400)}\nsecond line`,
  );
  const c = classifyError(long);
  assert.ok(c.message.length <= 300);
  assert.ok(!c.message.includes("second line"));
  assert.ok(!c.message.includes("sk-abcdefghij"));
});

test("retry delays grow exponentially, are capped and jittered within ±20%", () => {
  const mid = () => 0.5;
  assert.equal(retryDelaySeconds(1, 10, 900, mid), 10);
  assert.equal(retryDelaySeconds(2, 10, 900, mid), 20);
  assert.equal(retryDelaySeconds(3, 10, 900, mid), 40);
  assert.equal(retryDelaySeconds(20, 10, 900, mid), 900);
  assert.equal(
    retryDelaySeconds(1, 10, 900, () => 0),
    8,
  );
  assert.equal(
    retryDelaySeconds(1, 10, 900, () => 1),
    12,
  );
  assert.ok(retryDelaySeconds(30, 10, 900, () => 1) <= 900);
});

test("network failures are found down the cause chain, as Node's fetch reports them", () => {
  // A response cut mid-body: TypeError "terminated" around undici's SocketError.
  const cut = new TypeError("terminated", {
    cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }),
  });
  assert.equal(classifyError(cut).kind, "transient");
  const closed = new TypeError("terminated", {
    cause: Object.assign(new Error("closed"), { code: "UND_ERR_CLOSED" }),
  });
  assert.equal(classifyError(closed).kind, "transient");
  // A connect refused on every address: "fetch failed" around an AggregateError of the attempts.
  const refused = new TypeError("fetch failed", {
    cause: new AggregateError([Object.assign(new Error("connect"), { code: "ECONNREFUSED" })]),
  });
  assert.equal(classifyError(refused).kind, "transient");
  const selfCaused: Error & { cause?: unknown } = new Error("loop");
  selfCaused.cause = selfCaused;
  assert.equal(classifyError(selfCaused).kind, "terminal", "a cyclic chain ends");
  assert.equal(
    classifyError(new TypeError("fetch failed", { cause: new Error("bad header") })).kind,
    "terminal",
  );
});
