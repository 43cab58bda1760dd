/**
 * ElasticMQ, the standard SQS-compatible server (Scala, runs on the JVM), as the second, independent SQS
 * implementation the queue tests run against. Its jars come from Maven Central through
 * test-services/elasticmq/pom.xml and are cached in test-services/.cache/elasticmq-lib (refetched when the
 * pom changes). The server binds 127.0.0.1 on a free port, with no queues: tests create their own.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describeExit, freePort, startProcess, tailOf, waitUntilReady } from "./processes.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const pomPath = join(root, "test-services", "elasticmq", "pom.xml");
export const elasticMqLib = join(root, "test-services", ".cache", "elasticmq-lib");
const stampFile = join(elasticMqLib, ".pom-sha256");

function pomHash() {
  return createHash("sha256").update(readFileSync(pomPath)).digest("hex");
}

function javaCommand() {
  const home = process.env.JAVA_HOME;
  if (home && existsSync(join(home, "bin", "java"))) return join(home, "bin", "java");
  return "java";
}

function onPath(command, versionArg) {
  const r = spawnSync(command, [versionArg], { stdio: "ignore" });
  return !r.error;
}

/** True when the cached jars were fetched for the current pom. */
export function elasticMqJarsCached() {
  try {
    return readFileSync(stampFile, "utf8").trim() === pomHash();
  } catch {
    return false;
  }
}

/**
 * Makes sure the ElasticMQ jars are in the cache: runs Maven only when they are missing or the pom changed.
 * Maven writes into a side folder that is renamed into place at the end, so an interrupted fetch is never
 * taken for a complete one. `log` receives progress lines.
 */
export async function ensureElasticMqJars(log = () => {}) {
  if (elasticMqJarsCached()) return elasticMqLib;
  if (!onPath("mvn", "-v")) {
    throw new Error(
      "Maven (mvn) is not on PATH; it fetches ElasticMQ for the tests. Install it (Debian: apt-get install maven) or set SKIP_ELASTICMQ=1",
    );
  }
  const partial = `${elasticMqLib}.partial`;
  rmSync(partial, { recursive: true, force: true });
  log(`fetching ElasticMQ jars with Maven into ${elasticMqLib} ...`);
  const started = Date.now();
  const args = [
    "-B",
    "-q",
    "--no-transfer-progress",
    "-Dstyle.color=never",
    "-f",
    pomPath,
    "dependency:copy-dependencies",
    `-DoutputDirectory=${partial}`,
    "-DincludeScope=runtime",
  ];
  const status = await new Promise((resolve) => {
    const child = spawn("mvn", args, { stdio: ["ignore", "inherit", "inherit"] });
    child.once("error", (error) => resolve({ error }));
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  if (status.error || status.code !== 0) {
    rmSync(partial, { recursive: true, force: true });
    throw new Error(`mvn ${args.join(" ")} failed (${describeExit({ error: null, ...status })})`);
  }
  const jars = readdirSync(partial).filter((f) => f.endsWith(".jar"));
  if (!jars.some((f) => f.startsWith("elasticmq-server_"))) {
    throw new Error(`Maven finished but ${partial} holds no elasticmq-server jar`);
  }
  rmSync(elasticMqLib, { recursive: true, force: true });
  renameSync(partial, elasticMqLib);
  writeFileSync(stampFile, `${pomHash()}\n`);
  log(`fetched ${jars.length} jars in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return elasticMqLib;
}

/** ElasticMQ's configuration (HOCON): SQS REST API only, on 127.0.0.1:port, queue URLs naming that address. */
function config(port) {
  return `include classpath("application.conf")

node-address {
  protocol = "http"
  host = "127.0.0.1"
  port = ${port}
  context-path = ""
}
rest-sqs {
  enabled = true
  bind-port = ${port}
  bind-hostname = "127.0.0.1"
  sqs-limits = strict
}
# The statistics UI would take a fixed port (9325) and is not needed.
rest-stats {
  enabled = false
}
generate-node-address = false
queues {}
`;
}

/** One ListQueues call in the AWS JSON protocol, the one @aws-sdk/client-sqs v3 speaks. */
async function listQueuesAnswers(url) {
  try {
    const res = await fetch(`${url}/`, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-amz-json-1.0",
        "X-Amz-Target": "AmazonSQS.ListQueues",
      },
      body: "{}",
      signal: AbortSignal.timeout(2000),
    });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

/** Starts ElasticMQ in `runDir`; resolves { name, url, logFile, stop, proc } once ListQueues answers. */
export async function startElasticMq(runDir, { timeoutMs = 120_000, log = () => {} } = {}) {
  const lib = await ensureElasticMqJars(log);
  const java = javaCommand();
  if (!onPath(java, "-version")) {
    throw new Error(
      "Java (java) is not on PATH and JAVA_HOME is unset; ElasticMQ needs Java 11+. Install it (Debian: apt-get install openjdk-17-jre-headless) or set SKIP_ELASTICMQ=1",
    );
  }
  let lastError;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const confFile = join(runDir, `elasticmq-${attempt}.conf`);
    const logFile = join(runDir, `elasticmq-${attempt}.log`);
    writeFileSync(confFile, config(port));
    const proc = startProcess(
      java,
      [
        // A small heap and the serial collector: the tests queue little, and the machine has 2 cores.
        "-Xmx512m",
        "-XX:+UseSerialGC",
        `-Dconfig.file=${confFile}`,
        "-cp",
        `${lib}/*`,
        "org.elasticmq.server.Main",
      ],
      { logFile },
    );
    const outcome = await waitUntilReady(proc, () => listQueuesAnswers(url), { timeoutMs });
    if (outcome === "ready") return { name: "elasticmq", url, logFile, proc, stop: () => proc.stop() };
    await proc.stop();
    const output = tailOf(logFile);
    const why =
      outcome === "timeout"
        ? `did not answer ListQueues at ${url} within ${timeoutMs / 1000} s`
        : describeExit(proc.status());
    lastError = new Error(`ElasticMQ ${why}${output ? `; its output:\n${output}` : ""}`);
    if (!/BindException|address already in use/i.test(output)) break;
  }
  throw lastError;
}
