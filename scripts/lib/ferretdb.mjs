/**
 * FerretDB, a MongoDB-compatible server (Go, MongoDB wire protocol), as the MongoDB the tests read notes and
 * conversations from. It runs on its SQLite backend, so no PostgreSQL or MongoDB install is needed.
 *
 * The binary is built from the released Go module (FERRETDB_MODULE@FERRETDB_VERSION) and cached in
 * test-services/.cache/ferretdb/bin/ferretdb. Not `go install …@v1.24.2`: that builds a binary which panics at
 * start ("Invalid build/version/version.txt file content"), because the module zip lacks the generated
 * build/version/version.txt that a FerretDB binary requires. So the module source is copied out of the Go
 * module cache, the version file written, and `go build ./cmd/ferretdb` run in the copy: the same code and
 * dependency versions (its go.sum) as the release. Needs Go 1.21+ on PATH (the module asks for Go 1.24; a
 * newer-than-1.21 `go` fetches that toolchain itself when it is older). The first build takes a minute or two.
 */
import { spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describeExit, freePort, startProcess, tailOf, waitUntilReady } from "./processes.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
export const FERRETDB_MODULE = "github.com/FerretDB/FerretDB";
export const FERRETDB_VERSION = "v1.24.2";
export const ferretDbDir = join(root, "test-services", ".cache", "ferretdb");
export const ferretDbBin = join(ferretDbDir, "bin", "ferretdb");
const stampFile = join(ferretDbDir, ".version");

/** True when the cached binary was built from FERRETDB_VERSION. */
export function ferretDbCached() {
  try {
    return existsSync(ferretDbBin) && readFileSync(stampFile, "utf8").trim() === FERRETDB_VERSION;
  } catch {
    return false;
  }
}

function run(command, args, { cwd, env = process.env, capture = false } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd,
      env,
      stdio: ["ignore", capture ? "pipe" : "inherit", "inherit"],
    });
    let out = "";
    child.stdout?.setEncoding("utf8").on("data", (d) => {
      out += d;
    });
    child.once("error", (error) => resolve({ error, code: null, signal: null, out }));
    child.once("exit", (code, signal) => resolve({ error: null, code, signal, out }));
  });
}

/** Makes every file and folder of a tree writable by its owner (the Go module cache stores them read-only). */
function makeWritable(dir) {
  chmodSync(dir, statSync(dir).mode | 0o200);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) makeWritable(path);
    else chmodSync(path, statSync(path).mode | 0o200);
  }
}

/**
 * Makes sure the FerretDB binary is in the cache: builds it only when it is missing or of another version.
 * The build happens in a side folder that is renamed into place at the end, so an interrupted build is never
 * taken for a complete one. `log` receives progress lines.
 */
export async function ensureFerretDb(log = () => {}) {
  if (ferretDbCached()) return ferretDbBin;
  const goVersion = spawnSync("go", ["version"], { encoding: "utf8" });
  if (goVersion.error || goVersion.status !== 0) {
    throw new Error(
      "Go (go) is not on PATH; it builds FerretDB, the MongoDB-compatible server of the tests. Install Go 1.21+ " +
        "(https://go.dev/dl/) or set SKIP_FERRETDB=1",
    );
  }
  const partial = `${ferretDbDir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  log(
    `building FerretDB ${FERRETDB_VERSION} with ${goVersion.stdout.trim()} into ${ferretDbBin} ` +
      "(once; it takes a minute or two) ...",
  );
  const started = Date.now();
  const fail = (what, status) => {
    rmSync(partial, { recursive: true, force: true });
    return new Error(`${what} failed (${describeExit({ error: null, ...status })})`);
  };

  const download = await run("go", ["mod", "download", "-json", `${FERRETDB_MODULE}@${FERRETDB_VERSION}`], {
    cwd: partial, // outside any Go module
    capture: true,
  });
  if (download.error || download.code !== 0)
    throw fail(`go mod download ${FERRETDB_MODULE}@${FERRETDB_VERSION}`, download);
  const moduleDir = JSON.parse(download.out).Dir;
  if (!moduleDir || !existsSync(moduleDir))
    throw fail("go mod download (no module folder in its answer)", download);

  const src = join(partial, "src");
  cpSync(moduleDir, src, { recursive: true });
  makeWritable(src);
  writeFileSync(join(src, "build", "version", "version.txt"), `${FERRETDB_VERSION}\n`);
  const out = join(partial, "bin", "ferretdb");
  // -buildvcs=false: the copy is no repository (and an enclosing one must not be stamped into the binary).
  const build = await run("go", ["build", "-trimpath", "-buildvcs=false", "-o", out, "./cmd/ferretdb"], {
    cwd: src,
  });
  if (build.error || build.code !== 0) throw fail("go build ./cmd/ferretdb", build);
  const version = spawnSync(out, ["--version"], { encoding: "utf8" });
  if (!version.stdout?.includes(FERRETDB_VERSION)) {
    rmSync(partial, { recursive: true, force: true });
    throw new Error(
      `the built FerretDB does not report ${FERRETDB_VERSION}: ${version.stdout}${version.stderr}`,
    );
  }
  rmSync(src, { recursive: true, force: true });
  writeFileSync(join(partial, ".version"), `${FERRETDB_VERSION}\n`);
  rmSync(ferretDbDir, { recursive: true, force: true });
  renameSync(partial, ferretDbDir);
  log(`built FerretDB ${FERRETDB_VERSION} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return ferretDbBin;
}

/** True when a MongoDB `hello` at `url` answers (through the driver the worker itself uses). */
async function helloAnswers(url) {
  const { MongoClient } = await import("mongodb");
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 1000, connectTimeoutMS: 1000 });
  try {
    const reply = await client.db("admin").command({ hello: 1 });
    return reply.ok === 1;
  } catch {
    return false;
  } finally {
    await client.close().catch(() => {});
  }
}

/** Starts FerretDB (SQLite backend) in `runDir`; resolves { name, url, logFile, stop, proc } once it answers. */
export async function startFerretDb(runDir, { timeoutMs = 60_000, log = () => {} } = {}) {
  const bin = await ensureFerretDb(log);
  const stateDir = join(runDir, "ferretdb");
  const dataDir = join(stateDir, "data");
  mkdirSync(dataDir, { recursive: true });
  let lastError;
  // The free port can be taken between choosing and binding it: try a few ports.
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    const url = `mongodb://127.0.0.1:${port}/`;
    const logFile = join(runDir, `ferretdb-${attempt}.log`);
    const proc = startProcess(
      bin,
      [
        "--handler=sqlite",
        `--sqlite-url=file:${dataDir}/`,
        `--listen-addr=127.0.0.1:${port}`,
        `--state-dir=${stateDir}`,
        // No debug HTTP listener: its default fixed port (8088) would collide between parallel runs.
        "--debug-addr=-",
        "--telemetry=disable",
        "--log-format=text",
      ],
      { logFile, env: { ...process.env, DO_NOT_TRACK: "1" } },
    );
    const outcome = await waitUntilReady(proc, () => helloAnswers(url), { timeoutMs });
    if (outcome === "ready") return { name: "ferretdb", url, logFile, proc, stop: () => proc.stop() };
    await proc.stop();
    const output = tailOf(logFile);
    const why =
      outcome === "timeout"
        ? `did not answer hello at ${url} within ${timeoutMs / 1000} s`
        : describeExit(proc.status());
    lastError = new Error(`FerretDB (${bin}) ${why}${output ? `; its output:\n${output}` : ""}`);
    if (!/address already in use|bind/i.test(output)) break;
  }
  throw lastError;
}
