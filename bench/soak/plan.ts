/**
 * The soak's workload, planned up front from the seed: small graph generations of real items (debian-dev),
 * each on a user of its own, with follow-ups on that user (ADD_NODE of a few new items, GRAPH_SUMMARY of the
 * generated graph) sent one after another once the generation has answered; invalid payloads; unknown task
 * types; garbage bodies (not JSON, so dead-lettered). Every request names what answer it must get.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SeededRandom } from "../../src/ai/embeddings/local/random.js";

export type Kind = "generate" | "addNode" | "summary" | "invalid" | "unknownType" | "garbage";
export const KINDS: readonly Kind[] = ["generate", "addNode", "summary", "invalid", "unknownType", "garbage"];

/** Shares of the request count per kind (garbage takes what rounding leaves). */
const SHARES: Record<Exclude<Kind, "garbage">, number> = {
  generate: 0.3,
  addNode: 0.2,
  summary: 0.15,
  invalid: 0.12,
  unknownType: 0.11,
};

export interface FollowUp {
  kind: "addNode" | "summary";
  taskId: string;
  /** ADD_NODE: the conversations (input.json elements) and notes ({noteId,title,content}) to add. */
  conversations?: Record<string, unknown>[];
  notes?: { noteId: string; title: string; content: string }[];
}

export interface Generation {
  kind: "generate";
  taskId: string;
  userId: string;
  conversations: Record<string, unknown>[];
  notes: Record<string, unknown>[];
  followUps: FollowUp[];
}

/** A request whose answer does not depend on another one. */
export interface Standalone {
  kind: "invalid" | "unknownType" | "garbage";
  taskId: string;
  /** The raw SQS body. */
  body: string;
  /** For answered kinds: the result type and errorCode the answer must have. */
  expectType?: string;
  expectCode?: string;
}

export type Independent = Generation | Standalone;

export interface Plan {
  seed: number;
  /** In sending order; a generation's follow-ups go out after it answered. */
  independent: Independent[];
  counts: Record<Kind, number>;
}

interface Dataset {
  conversations: Record<string, unknown>[];
  notes: Record<string, unknown>[];
}

const datasets = new Map<string, Dataset>();

export function loadDataset(dir: string): Dataset {
  let d = datasets.get(dir);
  if (!d) {
    const conversations = JSON.parse(readFileSync(join(dir, "input.json"), "utf8")) as Record<
      string,
      unknown
    >[];
    const notesFile = JSON.parse(readFileSync(join(dir, "notes.json"), "utf8")) as {
      source_nodes: Record<string, unknown>[];
    };
    d = { conversations, notes: notesFile.source_nodes };
    datasets.set(dir, d);
  }
  return d;
}

function pick<T>(rnd: SeededRandom, list: readonly T[], k: number): T[] {
  return [...rnd.sample(list.length, Math.min(k, list.length))].map((i) => list[i] as T);
}

function shuffle<T>(rnd: SeededRandom, list: T[]): T[] {
  for (let i = list.length - 1; i > 0; i--) {
    const j = rnd.int(i + 1);
    [list[i], list[j]] = [list[j] as T, list[i] as T];
  }
  return list;
}

/** A note of notes.json as ADD_NODE's batch.json wants it. */
function batchNote(note: Record<string, unknown>): { noteId: string; title: string; content: string } {
  const sections = (note.sections as { content?: string }[] | undefined) ?? [];
  return {
    noteId: `${String(note.id)}-added`,
    title: String(note.title ?? ""),
    content: sections.map((s) => s.content ?? "").join("\n\n"),
  };
}

/** Payloads that break the request schema of a known type (answered FAILED VALIDATION_ERROR). */
function invalidEnvelope(rnd: SeededRandom, taskId: string): Record<string, unknown> {
  const variants: [string, unknown][] = [
    ["GRAPH_GENERATION_REQUEST", { userId: `u-${taskId}` }],
    ["GRAPH_GENERATION_REQUEST", { userId: `u-${taskId}`, s3Key: "x/", minClusters: 9, maxClusters: 3 }],
    ["ADD_NODE_REQUEST", { userId: 42, s3Key: "add-node/x/batch.json" }],
    ["GRAPH_SUMMARY_REQUEST", { userId: `u-${taskId}` }],
    ["GRAPH_GENERATION_REQUEST", "not an object"],
  ];
  const [taskType, payload] = variants[rnd.int(variants.length)] as [string, unknown];
  return { taskId, taskType, timestamp: new Date().toISOString(), payload };
}

const UNKNOWN_TYPES = ["GRAPH_EXPLODE_REQUEST", "FOO", "MICROSCOPE_DANCE_REQUEST"];

function unknownResultType(taskType: string): string {
  return taskType.endsWith("_REQUEST") ? taskType.replace(/_REQUEST$/, "_RESULT") : `${taskType}_RESULT`;
}

/** Bodies that are not JSON (each carries its marker, so it can be found in the DLQ). */
function garbageBody(rnd: SeededRandom, marker: string): string {
  const variants = [
    `garbage ${marker} {{{`,
    `<xml>${marker}</xml>`,
    `{"taskId": "${marker}", "taskType": "GRAPH_GENERATION_REQUEST", "payload": {`,
    // SQS refuses control characters other than tab and newlines, so "binary" is Latin-1 noise.
    `\t${marker} \u00e9\u00ff\u00fe binary-ish \ufffd`,
  ];
  return variants[rnd.int(variants.length)] as string;
}

export function planSoak(opts: { seed: number; requests: number; datasetDir: string }): Plan {
  const rnd = new SeededRandom(opts.seed);
  const data = loadDataset(opts.datasetDir);
  const n = opts.requests;
  const counts = {} as Record<Kind, number>;
  let rest = n;
  for (const k of Object.keys(SHARES) as (keyof typeof SHARES)[]) {
    counts[k] = Math.round(n * SHARES[k]);
    rest -= counts[k];
  }
  // Follow-ups need a generation; a tiny run still sends at least one.
  if (counts.generate === 0 && n > 0) {
    counts.generate = 1;
    rest -= 1;
  }
  counts.garbage = Math.max(0, rest);
  // A run id keeps taskIds apart from earlier runs on a shared Chroma server.
  const run = `${opts.seed.toString(36)}${Date.now().toString(36)}`;
  const id = (prefix: string, i: number) => `soak_${prefix}_${run}_${String(i).padStart(4, "0")}`;

  const generations: Generation[] = Array.from({ length: counts.generate }, (_, i) => {
    const taskId = id("gen", i);
    return {
      kind: "generate",
      taskId,
      userId: `soak-user-${run}-${i}`,
      conversations: pick(rnd, data.conversations, 5 + rnd.int(5)),
      notes: pick(rnd, data.notes, rnd.int(3)),
      followUps: [],
    };
  });
  let f = 0;
  for (const kind of ["addNode", "summary"] as const) {
    for (let i = 0; i < counts[kind]; i++) {
      const gen = generations[rnd.int(generations.length)] as Generation;
      const taken = new Set(gen.conversations.map((c) => String(c.id)));
      const fresh = data.conversations.filter((c) => !taken.has(String(c.id)));
      gen.followUps.push({
        kind,
        taskId: id(kind === "addNode" ? "add" : "sum", f++),
        ...(kind === "addNode"
          ? {
              conversations: pick(rnd, fresh, 1 + rnd.int(3)),
              notes: rnd.next() < 0.3 ? pick(rnd, data.notes, 1).map(batchNote) : [],
            }
          : {}),
      });
    }
  }
  for (const g of generations) shuffle(rnd, g.followUps);

  const standalone: Standalone[] = [];
  for (let i = 0; i < counts.invalid; i++) {
    const taskId = id("bad", i);
    const env = invalidEnvelope(rnd, taskId);
    standalone.push({
      kind: "invalid",
      taskId,
      body: JSON.stringify(env),
      expectType: unknownResultType(String(env.taskType)),
      expectCode: "VALIDATION_ERROR",
    });
  }
  for (let i = 0; i < counts.unknownType; i++) {
    const taskId = id("unk", i);
    const taskType = UNKNOWN_TYPES[rnd.int(UNKNOWN_TYPES.length)] as string;
    standalone.push({
      kind: "unknownType",
      taskId,
      body: JSON.stringify({
        taskId,
        taskType,
        timestamp: new Date().toISOString(),
        payload: { userId: `u-${taskId}` },
      }),
      expectType: unknownResultType(taskType),
      expectCode: "UNKNOWN_TASK_TYPE",
    });
  }
  for (let i = 0; i < counts.garbage; i++) {
    const marker = id("junk", i);
    standalone.push({ kind: "garbage", taskId: marker, body: garbageBody(rnd, marker) });
  }
  return { seed: opts.seed, independent: shuffle(rnd, [...generations, ...standalone]), counts };
}
