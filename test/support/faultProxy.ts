/**
 * A fault-injecting HTTP proxy for tests, benches and the soak test: it sits in front of a real endpoint
 * (fauxqs's S3, a ChromaDB server) and breaks chosen requests the way real networks and stores do.
 *
 * Fault kinds (`FaultKind`):
 * - `status503` / `status500`: answer at once with that status (S3 XML `SlowDown` / `InternalError`, or a
 *   JSON body with `body: "json"`), without reaching the upstream;
 * - `resetBeforeResponse`: reset the connection (TCP RST) before any byte of a response, upstream not reached;
 * - `resetMidBody`: forward, send the upstream's status, headers (with the full content-length) and part of
 *   its body, then reset the connection (the client sees ECONNRESET while reading the body);
 * - `cutMidBody`: like `resetMidBody` but end the connection cleanly (FIN) after the partial body, so the body
 *   is shorter than its content-length (premature close / `terminated`);
 * - `tooLarge`: a request body over `maxRequestBodyBytes` is refused with 413 and the connection closed
 *   without reading the rest of the body (as nginx and some S3-compatible stores do; the client sees 413 or
 *   EPIPE/ECONNRESET while still sending). Not drawn by rules: it applies to every oversized request.
 *
 * Choosing which requests fail (`FaultRule`): each rule has a `match` (substring of the path, RegExp on the
 * path, or a predicate on method and path; default all) and either `first: N` (the first N matching requests,
 * deterministic) or `probability: p` (each matching request, drawn from a PRNG seeded by `seed`). Rules are
 * tried in order; the first that fires decides. `methods` narrows a rule to some HTTP methods.
 *
 *   const proxy = await startFaultInjectingProxy({
 *     target: faux.endpoint,
 *     seed: 42,
 *     rules: [
 *       { kind: "resetMidBody", match: "/input.json", first: 1 },
 *       { kind: "status503", probability: 0.05 },
 *     ],
 *     maxRequestBodyBytes: 8 * 1024 * 1024,
 *   });
 *   // point the client at proxy.url; proxy.counts.resetMidBody, proxy.total, proxy.requests;
 *   // proxy.enabled = false forwards everything untouched (e.g. while draining); await proxy.close().
 *   // onRequest: ({ method, path, contentLength }) => … sees every request (to count or log them).
 *
 * `startFaultProxy(target, match, failures)` is the original shorthand: 503 SlowDown for the first
 * `failures` requests whose path contains `match`.
 */
import { createServer, type IncomingMessage, request, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export const FAULT_KINDS = [
  "status503",
  "status500",
  "resetBeforeResponse",
  "resetMidBody",
  "cutMidBody",
  "tooLarge",
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
/** The kinds a rule can choose (`tooLarge` follows from `maxRequestBodyBytes` instead). */
export type RuleFaultKind = Exclude<FaultKind, "tooLarge">;

export type RequestMatch = string | RegExp | ((req: { method: string; path: string }) => boolean);

export interface FaultRule {
  kind: RuleFaultKind;
  /** Which requests the rule may break: default every request. */
  match?: RequestMatch;
  /** Only these HTTP methods (upper case), e.g. ["GET"]. */
  methods?: string[];
  /** Break the first N matching requests (deterministic). */
  first?: number;
  /** Break each matching request with this probability (seeded PRNG). Ignored when `first` is set. */
  probability?: number;
}

export interface FaultProxyOptions {
  /** The real endpoint, e.g. http://127.0.0.1:4566. */
  target: string;
  rules?: FaultRule[];
  /** PRNG seed for probabilistic rules (default 1). */
  seed?: number;
  /** Refuse request bodies larger than this with 413 (content-length, or counted while streaming). */
  maxRequestBodyBytes?: number;
  /** Body of injected 5xx answers: S3 XML (default) or a JSON error for JSON APIs like Chroma's. */
  body?: "s3" | "json";
  /** Share of the upstream body sent before a mid-body fault (0–1, default 0.5; at least 1 byte is sent). */
  partialShare?: number;
  /** Called for every request before anything is decided (e.g. to count multipart `uploadId` requests). */
  onRequest?: (req: { method: string; path: string; contentLength?: number }) => void;
}

export interface FaultProxy {
  url: string;
  /** Faults injected so far, per kind. */
  readonly counts: Readonly<Record<FaultKind, number>>;
  /** All faults injected so far. */
  readonly total: number;
  /** Requests seen so far (broken or not). */
  readonly requests: number;
  /** False forwards every request untouched (the 413 limit too). */
  enabled: boolean;
  close(): Promise<void>;
}

/** mulberry32: a tiny seeded PRNG, so a soak run's faults repeat for the same seed and request order. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function matches(rule: FaultRule, method: string, path: string): boolean {
  if (rule.methods && !rule.methods.includes(method)) return false;
  const m = rule.match;
  if (m === undefined) return true;
  if (typeof m === "string") return path.includes(m);
  if (m instanceof RegExp) return m.test(path);
  return m({ method, path });
}

function statusBody(kind: "status503" | "status500", flavour: "s3" | "json"): [string, string] {
  const code = kind === "status503" ? "SlowDown" : "InternalError";
  if (flavour === "json") return ["application/json", JSON.stringify({ error: code, message: "injected" })];
  return [
    "application/xml",
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>injected</Message></Error>`,
  ];
}

/** TCP RST where the platform allows it (Node ≥ 18.3), else a plain destroy. */
function reset(socket: Socket | null | undefined): void {
  if (!socket || socket.destroyed) return;
  const s = socket as Socket & { resetAndDestroy?: () => void };
  if (typeof s.resetAndDestroy === "function") s.resetAndDestroy();
  else s.destroy();
}

export async function startFaultInjectingProxy(opts: FaultProxyOptions): Promise<FaultProxy> {
  const t = new URL(opts.target);
  const rules = opts.rules ?? [];
  const firedPerRule = rules.map(() => 0);
  const random = seededRandom(opts.seed ?? 1);
  const counts = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  const flavour = opts.body ?? "s3";
  const share = Math.min(1, Math.max(0, opts.partialShare ?? 0.5));
  let requests = 0;
  let enabled = true;

  function choose(method: string, path: string): RuleFaultKind | null {
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i] as FaultRule;
      if (!matches(rule, method, path)) continue;
      if (rule.first !== undefined) {
        if ((firedPerRule[i] as number) < rule.first) {
          firedPerRule[i] = (firedPerRule[i] as number) + 1;
          return rule.kind;
        }
      } else if (rule.probability !== undefined && random() < rule.probability) {
        firedPerRule[i] = (firedPerRule[i] as number) + 1;
        return rule.kind;
      }
    }
    return null;
  }

  function refuseTooLarge(req: IncomingMessage, res: ServerResponse): void {
    counts.tooLarge++;
    // Answer without reading the body, then drop the connection: the client may see the 413 or fail with
    // EPIPE/ECONNRESET while it is still sending, as with a real store.
    const [type, text] = ["application/xml", "<Error><Code>EntityTooLarge</Code></Error>"];
    res.writeHead(413, {
      "content-type": type,
      connection: "close",
      "content-length": Buffer.byteLength(text),
    });
    res.end(text, () => req.socket.destroy());
  }

  function forward(req: IncomingMessage, res: ServerResponse, fault: RuleFaultKind | null): void {
    const max = enabled ? opts.maxRequestBodyBytes : undefined;
    let refused = false;
    const upstream = request(
      { host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        up.on("error", () => reset(res.socket));
        if (refused) {
          up.resume();
          return;
        }
        if (fault !== "resetMidBody" && fault !== "cutMidBody") {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
          return;
        }
        // Mid-body faults: collect the body to know its length, send the headers promising all of it and
        // only a part of it, then reset or cut the connection.
        const chunks: Buffer[] = [];
        up.on("data", (c: Buffer) => chunks.push(c));
        up.on("end", () => {
          const body = Buffer.concat(chunks);
          counts[fault]++;
          if (body.length < 2) {
            reset(res.socket);
            return;
          }
          const headers = { ...up.headers, "content-length": String(body.length) };
          delete headers["transfer-encoding"];
          res.writeHead(up.statusCode ?? 200, headers);
          const sent = Math.max(1, Math.min(body.length - 1, Math.floor(body.length * share)));
          res.write(body.subarray(0, sent), () => {
            if (fault === "resetMidBody") reset(res.socket);
            else res.socket?.end();
          });
        });
      },
    );
    upstream.on("error", () => {
      if (res.headersSent) reset(res.socket);
      else if (!res.writableEnded) res.writeHead(502).end();
    });
    const declared = Number(req.headers["content-length"]);
    if (max !== undefined && Number.isFinite(declared) && declared > max) {
      refused = true;
      upstream.destroy();
      refuseTooLarge(req, res);
      return;
    }
    if (max === undefined) {
      req.pipe(upstream);
      return;
    }
    let seen = 0;
    req.on("data", (chunk: Buffer) => {
      if (refused) return;
      seen += chunk.length;
      if (seen > max) {
        refused = true;
        upstream.destroy();
        refuseTooLarge(req, res);
        return;
      }
      if (!upstream.write(chunk)) {
        req.pause();
        upstream.once("drain", () => req.resume());
      }
    });
    req.on("end", () => {
      if (!refused) upstream.end();
    });
  }

  const server = createServer((req, res) => {
    requests++;
    // Every stream here has an error listener: a client that goes away must not crash the proxy.
    req.on("error", () => {});
    res.on("error", () => {});
    const method = req.method ?? "GET";
    const path = req.url ?? "/";
    const declared = Number(req.headers["content-length"]);
    opts.onRequest?.({ method, path, ...(Number.isFinite(declared) ? { contentLength: declared } : {}) });
    const fault = enabled ? choose(method, path) : null;
    if (fault === "status503" || fault === "status500") {
      counts[fault]++;
      req.resume();
      const [type, text] = statusBody(fault, flavour);
      res.writeHead(fault === "status503" ? 503 : 500, {
        "content-type": type,
        "content-length": Buffer.byteLength(text),
      });
      res.end(text);
      return;
    }
    if (fault === "resetBeforeResponse") {
      counts[fault]++;
      reset(req.socket);
      return;
    }
    forward(req, res, fault);
  });
  server.on("clientError", (_err, socket) => socket.destroy());
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    get total() {
      return Object.values(counts).reduce((a, b) => a + b, 0);
    },
    get requests() {
      return requests;
    },
    get enabled() {
      return enabled;
    },
    set enabled(value: boolean) {
      enabled = value;
    },
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/**
 * The original shorthand: 503 SlowDown for the first `failures` requests whose path contains `match` (all of
 * them with failures = Infinity), so tests can show what a real transient S3 outage does to a task.
 */
export async function startFaultProxy(target: string, match: string, failures: number) {
  const proxy = await startFaultInjectingProxy({
    target,
    rules: [{ kind: "status503", match, first: failures }],
  });
  return {
    url: proxy.url,
    get failed() {
      return proxy.total;
    },
    close: () => proxy.close(),
  };
}
