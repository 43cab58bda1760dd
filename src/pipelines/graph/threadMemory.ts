/**
 * A full garbage collection on the current thread, for a pool thread that has just finished a large job.
 * A pool thread stays alive between jobs, and its heap keeps the job's garbage (the graph build's token
 * corpus, vocabulary and SVD buffers: hundreds of MB for a large user) until the thread next allocates, so
 * the main thread's own peak afterwards (assembling, validating and writing the results, indexing) comes on
 * top of it. `--expose-gc` can be set at run time for new contexts only, hence the fresh context.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

let collect: (() => void) | null | undefined;

export function collectGarbageNow(): void {
  if (collect === undefined) {
    try {
      setFlagsFromString("--expose-gc");
      collect = runInNewContext("gc") as () => void;
    } catch {
      collect = null;
    }
  }
  collect?.();
}
