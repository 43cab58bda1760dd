/**
 * A Chroma server for tests: the shared one the test command started (CHROMA_TEST_URL), or else one started
 * here on a temporary folder and removed by stop(). Tests using the shared server must use collection names
 * of their own (e.g. with a random suffix), since other test files write to it too.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startChromaServer } from "../../src/infra/chromaServer.js";

export interface TestChroma {
  url: string;
  stop(): Promise<void>;
}

export async function getTestChroma(): Promise<TestChroma> {
  const shared = process.env.CHROMA_TEST_URL;
  if (shared) return { url: shared.replace(/\/+$/, ""), stop: async () => {} };
  const dir = await mkdtemp(join(tmpdir(), "graphnode-chroma-"));
  try {
    const server = await startChromaServer({ path: dir });
    return {
      url: server.url,
      async stop() {
        await server.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
