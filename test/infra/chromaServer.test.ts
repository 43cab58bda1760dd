import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ChromaStartError, chromaCliPath, startChromaServer } from "../../src/infra/chromaServer.js";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("local chroma server", () => {
  let tmp: string;
  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), "graphnode-chromasrv-"));
  });
  after(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it("resolves the CLI from the installed chromadb package", () => {
    const cli = chromaCliPath();
    assert.ok(existsSync(cli), cli);
    assert.match(cli, /node_modules[/\\]chromadb[/\\]/);
  });

  it("starts on a free local port with its data in the folder, and stop() ends the process", async () => {
    const dataDir = join(tmp, "data");
    const server = await startChromaServer({ path: dataDir });
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${server.url}/api/v2/heartbeat`);
    assert.equal(res.ok, true);
    assert.ok("nanosecond heartbeat" in ((await res.json()) as object));
    assert.ok((await readdir(dataDir)).length > 0, "the server keeps its data in the folder");
    assert.equal(alive(server.pid), true);
    await server.stop();
    assert.equal(alive(server.pid), false);
    await server.stop(); // a second stop is harmless
  });

  it("fails with the child's output when the port is taken", async () => {
    // Accepts connections and never answers, so the heartbeat probes against it time out.
    const sockets = new Set<Socket>();
    const blocker: Server = createServer((socket) => {
      sockets.add(socket);
    });
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    const port = (blocker.address() as { port: number }).port;
    try {
      await assert.rejects(
        startChromaServer({ path: join(tmp, "blocked"), port, startTimeoutMs: 30_000 }),
        (err) => {
          assert.ok(err instanceof ChromaStartError);
          assert.ok(err.output.length > 0, "the child's output is attached");
          return true;
        },
      );
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((r) => blocker.close(() => r()));
    }
  });
});
