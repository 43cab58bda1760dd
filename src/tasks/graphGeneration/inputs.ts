/**
 * Fetches a graph-generation request's inputs into a local folder and turns them into source items:
 * the backend bundle under a prefix (contract §2.1), or the legacy single key plus `extraS3Keys`.
 * Downloading is I/O and stays here; parsing the JSON inputs and extracting the files' text is CPU work and
 * runs on the worker-thread pool (the `loadSources` job), so heartbeats and polling go on meanwhile.
 *
 * One unreadable or oddly named file never fails the task: objects whose key could not be written safely
 * under the folder are saved under a sanitised name, and parse failures become items with `parseError`.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import { TaskError, terminal } from "../../contract/errors.js";
import type { GraphGenerationRequest } from "../../contract/requests.js";
import { printableKey, unsafeKeyReason } from "../../infra/safeKey.js";
import type { ObjectInfo, ObjectStorage } from "../../infra/storage.js";
import {
  type LoadSourcesInput,
  type LoadSourcesSummary,
  unwrapOutcome,
} from "../../pipelines/sources/job.js";
import type { SourceItem } from "../../pipelines/sources/types.js";
import type { CpuPool } from "../../runtime/cpuPool.js";

export interface LoadedInputs {
  items: SourceItem[];
  warnings: string[];
  /** Notion pages left out on purpose (INCLUDE_NOTION_NODES=false, for backends that cannot resolve them). */
  skippedNotion: number;
  /** Elements that could not become items (no id, not an object) and were skipped with a warning. */
  skipped: number;
}

/**
 * Whether Notion pages become nodes: yes unless INCLUDE_NOTION_NODES=false. The backend's `develop` branch
 * (e526010 on) resolves Notion page ids and its e2e test counts them among the expected nodes; its `main`
 * (6cee487 and older) cannot resolve them and fails the whole graph on one, so workers serving such a
 * backend set INCLUDE_NOTION_NODES=false (contract §7.1).
 */
export function notionPagesWanted(env: Readonly<Record<string, string | undefined>>): boolean {
  return env.INCLUDE_NOTION_NODES?.trim().toLowerCase() !== "false";
}

/** Largest single input object the worker downloads (a 300 MB input.json is expected to work). */
const MAX_OBJECT_BYTES = 1024 * 1024 * 1024;

function sanitisedName(rel: string): string {
  return rel
    .split("/")
    .filter((part) => part !== "" && part !== "." && part !== "..")
    .map((part) => part.replace(/[\\\0]/g, "_"))
    .join("/");
}

async function downloadPrefix(
  storage: ObjectStorage,
  bucket: string,
  prefix: string,
  dir: string,
  signal: AbortSignal,
  warnings: string[],
): Promise<Record<string, string>> {
  const objects = await storage.list(bucket, prefix, { signal });
  const listed = objects.filter((o) => !o.key.endsWith("/"));
  if (listed.length === 0) throw terminal("INPUT_NOT_FOUND", `no input objects under ${prefix}`);
  const safe: ObjectInfo[] = [];
  const odd: ObjectInfo[] = [];
  for (const o of listed) (unsafeKeyReason(o.key) === null ? safe : odd).push(o);
  const downloaded = await storage.downloadToDir(bucket, { keys: safe.map((o) => o.key) }, dir, {
    signal,
    maxBytes: MAX_OBJECT_BYTES,
  });
  const mimeTypes: Record<string, string> = {};
  for (const d of downloaded) if (d.contentType) mimeTypes[basename(d.key)] = d.contentType;
  for (const o of odd) {
    const saved = await saveOddObject(storage, bucket, o, { prefix, dir, signal });
    if (saved.warning) warnings.push(saved.warning);
    if (saved.name && o.contentType) mimeTypes[saved.name] = o.contentType;
  }
  return mimeTypes;
}

/**
 * An object whose key cannot be a local path as it is (a backslash, a ".." segment): read by its key (S3
 * reads name no path) and written under a name chosen here, never overwriting another input. One that
 * cannot be read (refused, too large, gone) is left out with a warning: one bad file never fails the task.
 * Transient storage errors still propagate, so the task is retried.
 */
async function saveOddObject(
  storage: ObjectStorage,
  bucket: string,
  o: ObjectInfo,
  at: { prefix: string; dir: string; signal: AbortSignal },
): Promise<{ name?: string; warning?: string }> {
  const rel = sanitisedName(o.key.slice(at.prefix.length));
  const shown = printableKey(o.key);
  if (!rel) return { warning: `object ${shown} skipped: no usable name` };
  let bytes: Buffer;
  try {
    bytes = await storage.getBytes(bucket, o.key, { signal: at.signal, maxBytes: MAX_OBJECT_BYTES });
  } catch (err) {
    if (at.signal.aborted || !(err instanceof TaskError) || err.kind !== "terminal") throw err;
    return { warning: `object ${shown} skipped: ${err.message}` };
  }
  const wanted = join(at.dir, sanitisedName(at.prefix), rel);
  await mkdir(dirname(wanted), { recursive: true });
  const target = await writeNew(wanted, bytes);
  return {
    name: basename(target),
    warning: `object with an unsafe key ${shown} saved under a sanitised name: ${basename(target)}`,
  };
}

/** Writes `bytes` at `path`, or at `path` with "~2", "~3", … before its extension when that name is taken. */
async function writeNew(path: string, bytes: Buffer): Promise<string> {
  const ext = extname(path);
  const stem = path.slice(0, path.length - ext.length);
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? path : `${stem}~${n}${ext}`;
    try {
      await writeFile(candidate, bytes, { flag: "wx" });
      return candidate;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
}

/** Runs the `loadSources` job on the pool and gathers the items it streams back, batch by batch. */
export async function loadSourcesOnPool(
  cpu: CpuPool,
  input: LoadSourcesInput,
  signal?: AbortSignal,
  /** Called after each batch with the number of items read so far (the CLI's reading counter). */
  onItems?: (itemsSoFar: number) => void,
): Promise<LoadSourcesSummary & { items: SourceItem[] }> {
  const items: SourceItem[] = [];
  const outcome = await cpu.run("loadSources", input, {
    ...(signal ? { signal } : {}),
    onData: (batch) => {
      for (const item of batch as SourceItem[]) items.push(item);
      onItems?.(items.length);
    },
  });
  return { ...unwrapOutcome(outcome), items };
}

export async function loadGraphInputs(opts: {
  payload: GraphGenerationRequest;
  storage: ObjectStorage;
  defaultBucket: string;
  dir: string;
  signal: AbortSignal;
  includeNotion: boolean;
  cpu: CpuPool;
}): Promise<LoadedInputs> {
  const { payload, storage, dir, signal } = opts;
  const bucket = payload.bucket ?? opts.defaultBucket;
  const warnings: string[] = [];
  let input: LoadSourcesInput;
  if (payload.s3Key.endsWith("/")) {
    const mimeTypes = await downloadPrefix(storage, bucket, payload.s3Key, dir, signal, warnings);
    // downloadToDir keeps full keys as paths, so the bundle sits at dir/<prefix>.
    const bundleDir = join(dir, sanitisedName(payload.s3Key));
    input = { source: "bundle", dir: bundleDir, mimeTypes, includeNotion: opts.includeNotion };
  } else {
    const keys = [payload.s3Key, ...payload.extraS3Keys];
    const downloaded = await storage.downloadToDir(bucket, { keys }, dir, {
      signal,
      maxBytes: MAX_OBJECT_BYTES,
    });
    input = { source: "legacy", paths: downloaded.map((d) => d.path), includeNotion: opts.includeNotion };
  }
  const loaded = await loadSourcesOnPool(
    opts.cpu,
    { ...input, maxWarnings: Math.max(0, 200 - warnings.length) },
    signal,
  );
  if (loaded.items.length === 0) {
    throw terminal(
      "INVALID_INPUT",
      "the request holds no conversations, notes or files to build a graph from",
    );
  }
  return {
    items: loaded.items,
    warnings: [...warnings, ...loaded.warnings],
    skippedNotion: loaded.skippedNotion,
    skipped: loaded.skipped,
  };
}
