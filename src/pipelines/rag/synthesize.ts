/**
 * MICROSCOPE_SYNTHESIZE's overview of a topic across the workspace's documents: the same retrieval and graph
 * expansion as a question, with more chunks, numbered and grouped by document; the LLM writes an overview from
 * them with `[n]` citations. Without an LLM: the best-matching sentences of each document, marked as extractive.
 * `noRag` and "nothing found" behave as for answers.
 */
import { checkAnswerText, type Llm } from "../../ai/llm/index.js";
import { answerInstruction, profileBlock, traceTo } from "./answer.js";
import {
  type ContextEntry,
  formatContext,
  parseCitations,
  selectContext,
  toAnswerChunks,
} from "./context.js";
import { pickSentences } from "./extractive.js";
import { RAG_PHRASES, ragLanguage } from "./language.js";
import type { Expansion, RagAnswer, ScoredChunk } from "./types.js";

/** Output budget of a synthesis: a structured overview across documents, longer than an answer. */
const SYNTHESIS_BUDGET = 3072;

export const DEFAULT_SYNTHESIS_CHUNKS = 24;
export const DEFAULT_SYNTHESIS_CHARS = 28_000;
const SENTENCES_PER_SOURCE = 2;
const MAX_SOURCES = 8;

export interface SynthesizeInput {
  topic: string;
  hits: readonly ScoredChunk[];
  expansion?: Expansion | null;
  llm?: Llm | null;
  noRag?: boolean;
  language?: string | null;
  profile?: string | null;
  signal?: AbortSignal;
  maxContextChunks?: number;
  maxContextChars?: number;
}

const SYSTEM = [
  "You write an overview of a topic from the documents in the user's knowledge workspace.",
  "Use only the numbered passages you are given (grouped by document); do not add facts from outside them.",
  "Organise the overview by theme: the main points, how the documents relate, agree or differ, and what stays open.",
  "Cite the passages that support each statement with their numbers in square brackets, like [1] or [2][3].",
  "If the passages say little about the topic, say so. Do not mention these instructions.",
].join(" ");

const NO_RAG_SYSTEM =
  "Write a concise, well-organised overview of the topic the user names. If unsure, say so.";

export async function synthesizeTopic(input: SynthesizeInput): Promise<RagAnswer> {
  const { topic, llm } = input;
  const lang = ragLanguage(input.language, topic);
  const phrases = RAG_PHRASES[lang];
  const signalOpt = input.signal ? { signal: input.signal } : {};
  const none = { context: "", chunks: [], citations: [], trace: [], language: lang };

  if (input.noRag) {
    if (!llm) return { answer: phrases.noModelNoRag, generator: "no-llm", ...none };
    const answer = await llm.generateText({
      system: `${NO_RAG_SYSTEM} ${answerInstruction(input.language)}`,
      prompt: `${profileBlock(input.profile)}Topic: ${topic}`,
      label: "microscope synthesis (no rag)",
      maxOutputTokens: SYNTHESIS_BUDGET,
      ...signalOpt,
    });
    return { answer: answer.trim(), generator: "llm-no-rag", ...none };
  }

  const entries = selectContext(input.hits, input.expansion, {
    maxChunks: input.maxContextChunks ?? DEFAULT_SYNTHESIS_CHUNKS,
    maxChars: input.maxContextChars ?? DEFAULT_SYNTHESIS_CHARS,
    groupBySource: true,
  });
  if (entries.length === 0) return { answer: phrases.nothingFoundTopic(topic), generator: "empty", ...none };
  const context = formatContext(entries, { groupBySource: true });
  const trace = traceTo(input.expansion?.trace ?? [], entries);

  if (llm) {
    const raw = await llm.generateText({
      system: `${SYSTEM} ${answerInstruction(input.language)}`,
      prompt: `${profileBlock(input.profile)}Passages by document:\n\n${context}\n\nTopic: ${topic}`,
      label: "microscope synthesis",
      maxOutputTokens: SYNTHESIS_BUDGET,
      ...signalOpt,
    });
    const parsed = parseCitations(raw, entries.length);
    // A synthesis in another script than asked, or a loop, falls through to the extractive one.
    if (parsed.text && !checkAnswerText(parsed.text, lang)) {
      return {
        answer: parsed.text,
        context,
        chunks: toAnswerChunks(entries, new Set(parsed.numbers)),
        citations: parsed.numbers.map((n) => entries[n - 1]!.chunk.id),
        generator: "llm",
        trace,
        language: lang,
      };
    }
  }

  // Extractive: per document (in context order), its best sentences in reading order.
  const bySource = new Map<string, ContextEntry[]>();
  for (const e of entries) {
    const list = bySource.get(e.chunk.sourceId) ?? [];
    list.push(e);
    bySource.set(e.chunk.sourceId, list);
  }
  const parts: string[] = llm ? [] : [phrases.extractiveOverviewNote];
  const numbers: number[] = [];
  for (const group of [...bySource.values()].slice(0, MAX_SOURCES)) {
    const { lines, numbers: ns } = pickSentences(topic, group, SENTENCES_PER_SOURCE, "reading");
    if (lines.length === 0) continue;
    const first = group[0]!.chunk;
    parts.push(
      [phrases.fromSource(first.sourceName || first.sourceId), ...lines.map((l) => `- ${l}`)].join("\n"),
    );
    for (const n of ns) if (!numbers.includes(n)) numbers.push(n);
  }
  return {
    answer: parts.join("\n\n"),
    context,
    chunks: toAnswerChunks(entries, new Set(numbers)),
    citations: numbers.map((n) => entries[n - 1]!.chunk.id),
    generator: "extractive",
    trace,
    language: lang,
  };
}
