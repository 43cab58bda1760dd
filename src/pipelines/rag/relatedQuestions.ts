/**
 * MICROSCOPE_RELATED_QUESTIONS: follow-up questions grounded in the workspace. Entities of the chunks vector
 * search found (and entities the question names) seed a walk over the chunk–entity graph; their neighbours
 * within `hopDepth` join them (the incumbent: seed entities + Neo4j neighbours). The LLM writes the questions
 * as a Zod-validated list (the incumbent returned one raw string); they are cleaned, deduplicated and never
 * empty strings. Without an LLM, or when the model's list is unusable, template questions about the top
 * entities are written in the question's language.
 */
import { z } from "zod";
import { budgetForText, type Llm } from "../../ai/llm/index.js";
import { tokenize } from "../text/index.js";
import { answerInstruction } from "./answer.js";
import {
  buildChunkEntityGraph,
  type ChunkEntityGraph,
  entitiesInQuestion,
  neighbourEntities,
  normalizeEntityName,
} from "./graph.js";
import { RAG_PHRASES, type RagLanguage, ragLanguage } from "./language.js";
import type { RagChunk, ScoredChunk } from "./types.js";

export const DEFAULT_QUESTION_COUNT = 5;
export const DEFAULT_MAX_ENTITIES = 20;
const MAX_QUESTION_CHARS = 300;

export interface RelatedQuestionsInput {
  question: string;
  hits: readonly ScoredChunk[];
  /** The workspace's chunks (for neighbours). */
  chunks: readonly RagChunk[];
  hopDepth: number;
  llm?: Llm | null;
  count?: number;
  language?: string | null;
  signal?: AbortSignal;
  maxEntities?: number;
}

export interface RelatedQuestionsResult {
  questions: string[];
  /** Seed entities first, then their neighbours, best first. */
  entities: string[];
  seedEntities: string[];
  generator: "llm" | "template";
  language: RagLanguage;
}

const questionsSchema = z.object({
  questions: z.array(z.string()).describe("The follow-up questions, one per item, without numbering"),
});

/** Seeds: entities the question names, then the hits' entities weighted by the hits' similarity. */
function seedEntities(question: string, hits: readonly ScoredChunk[], g: ChunkEntityGraph): string[] {
  const named = entitiesInQuestion(question, g.entityNames.keys());
  const weight = new Map<string, number>();
  const display = new Map<string, string>();
  for (const h of hits) {
    for (const name of h.entityNames) {
      const key = normalizeEntityName(name);
      if (!key) continue;
      weight.set(key, (weight.get(key) ?? 0) + Math.max(h.score, 0.01));
      if (!display.has(key)) display.set(key, g.entityNames.get(key) ?? name.trim());
    }
  }
  const fromHits = [...weight]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([key]) => key)
    .filter((k) => !named.includes(k));
  return [...named, ...fromHits].map((k) => display.get(k) ?? g.entityNames.get(k) ?? k);
}

/** Trims, drops numbering and bullets, removes empty and duplicate questions and echoes of the original. */
export function cleanQuestions(raw: readonly unknown[], original: string, count: number): string[] {
  const key = (s: string) =>
    s
      .normalize("NFKC")
      .toLowerCase()
      .replace(/[\p{P}\p{S}\s]+/gu, "");
  const seen = new Set<string>([key(original)]);
  const out: string[] = [];
  for (const item of raw) {
    if (typeof item !== "string") continue;
    let q = item
      .replace(/^\s*(?:[-*•·]|\d{1,2}[.)]|Q\d*[:.)])\s*/i, "")
      .replace(/\s+/g, " ")
      .replace(/^["'“”‘’]+|["'“”‘’]+$/g, "")
      .trim();
    if (q.length > MAX_QUESTION_CHARS) q = `${q.slice(0, MAX_QUESTION_CHARS - 1).trimEnd()}…`;
    const k = key(q);
    if (!k || seen.has(k)) continue;
    seen.add(k);
    out.push(q);
    if (out.length >= count) break;
  }
  return out;
}

/** Template questions: about the first entity, its relation to the next one, about that one, and so on. */
export function templateQuestions(entities: readonly string[], lang: RagLanguage, count: number): string[] {
  const p = RAG_PHRASES[lang];
  const out: string[] = [];
  if (entities.length === 1) {
    for (const f of p.aboutOne) out.push(f(entities[0]!));
  } else {
    for (let i = 0; i < entities.length && out.length < count; i++) {
      out.push(p.aboutOne[0]!(entities[i]!));
      if (i + 1 < entities.length) out.push(p.aboutTwo(entities[i]!, entities[i + 1]!));
    }
  }
  return cleanQuestions(out, "", count);
}

/** The question's own content words, for templates when the workspace names no entity. */
function questionTopics(question: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const t of tokenize(question)) {
    if (seen.has(t.term)) continue;
    seen.add(t.term);
    out.push(t.surface);
  }
  return out.sort((a, b) => b.length - a.length).slice(0, 3);
}

export async function relatedQuestions(input: RelatedQuestionsInput): Promise<RelatedQuestionsResult> {
  const count = Math.max(1, Math.floor(input.count ?? DEFAULT_QUESTION_COUNT));
  const maxEntities = input.maxEntities ?? DEFAULT_MAX_ENTITIES;
  const lang = ragLanguage(input.language, input.question);
  const graph = buildChunkEntityGraph([...input.hits, ...input.chunks]);
  const seeds = seedEntities(input.question, input.hits, graph);
  const around = neighbourEntities(graph, seeds, {
    hopDepth: input.hopDepth,
    limit: maxEntities + seeds.length,
  });
  const entities: string[] = [];
  const seen = new Set<string>();
  for (const name of [...seeds, ...around.map((n) => n.name)]) {
    const k = normalizeEntityName(name);
    if (!k || seen.has(k)) continue;
    seen.add(k);
    entities.push(name);
    if (entities.length >= maxEntities) break;
  }

  if (input.llm) {
    const about = entities.length
      ? `Entities from the documents in their workspace, most relevant first: ${entities.join("; ")}.`
      : "Their workspace has no documents that match this question.";
    const out = await input.llm.generateObject(questionsSchema, {
      system: [
        "You suggest follow-up questions a user could ask about the documents in their knowledge workspace.",
        `Write exactly ${count} distinct questions, each self-contained, one sentence, and different from the user's question.`,
        "Prefer questions about the listed entities and how they relate, so that the documents can answer them.",
        answerInstruction(input.language),
        "Answer with JSON only.",
      ].join(" "),
      prompt: `The user asked: ${input.question}\n\n${about}`,
      label: "microscope related questions",
      // One sentence (≤ 200 characters) per question, in any language, plus the JSON frame.
      maxOutputTokens: budgetForText(200 * count, lang),
      ...(input.signal ? { signal: input.signal } : {}),
    });
    const questions = cleanQuestions(out.questions, input.question, count);
    if (questions.length > 0)
      return { questions, entities, seedEntities: seeds, generator: "llm", language: lang };
  }
  const topics = entities.length ? entities : questionTopics(input.question);
  return {
    questions: templateQuestions(topics, lang, count),
    entities,
    seedEntities: seeds,
    generator: "template",
    language: lang,
  };
}
