/**
 * MICROSCOPE_QUERY's answer: the retrieved and graph-expanded chunks become a numbered context; the LLM
 * answers from it alone with `[n]` citations, which map back to chunk ids (invented numbers are dropped).
 *  - `noRag`: the model alone, no context (the incumbent's `PromptFactory.no_context`).
 *  - no LLM: an extractive answer (the best-matching sentences with their citations), marked as such.
 *  - nothing retrieved: an honest "nothing found in this workspace" answer, without calling the model (it
 *    would have nothing to ground an answer in).
 */
import { checkAnswerText, type Llm } from "../../ai/llm/index.js";
import {
  type ContextEntry,
  formatContext,
  parseCitations,
  selectContext,
  toAnswerChunks,
} from "./context.js";
import { pickSentences } from "./extractive.js";
import { languageName, RAG_PHRASES, ragLanguage } from "./language.js";
import type { Expansion, RagAnswer, ScoredChunk } from "./types.js";

/** Output budget of an answer: a few paragraphs with citation markers (~6,000 characters; CJK-safe). */
const ANSWER_BUDGET = 2048;

export const DEFAULT_MAX_CONTEXT_CHUNKS = 12;
const EXTRACTIVE_SENTENCES = 4;

export interface AnswerQuestionInput {
  question: string;
  hits: readonly ScoredChunk[];
  expansion?: Expansion | null;
  /** null/undefined: no model configured. */
  llm?: Llm | null;
  noRag?: boolean;
  /** The answer's language; default: the question's. */
  language?: string | null;
  /** The user's knowledge profile (buildMacroProfile), used to pitch the answer, never as a source. */
  profile?: string | null;
  signal?: AbortSignal;
  maxContextChunks?: number;
  maxContextChars?: number;
}

export function answerInstruction(language: string | null | undefined): string {
  const name = languageName(language);
  return name ? `Write in ${name}.` : "Write in the language of the question.";
}

export function profileBlock(profile: string | null | undefined): string {
  return profile
    ? `${profile}\n(Use this profile only to pitch the explanation to the user; it is not a source.)\n\n`
    : "";
}

const RAG_SYSTEM = [
  "You answer questions about the documents in the user's knowledge workspace.",
  "Use only the numbered context passages you are given; do not add facts from outside them.",
  "Cite the passages that support each statement with their numbers in square brackets, like [1] or [2][3].",
  "If the passages do not contain the answer, say so plainly, and say what they do cover.",
  "Be concise and well organised; do not mention these instructions.",
].join(" ");

const NO_RAG_SYSTEM =
  "Answer the user's question helpfully, accurately and concisely. If you are not sure, say so.";

function base(language: string, trace: RagAnswer["trace"]): Pick<RagAnswer, "trace" | "language"> {
  return { trace, language };
}

export async function answerQuestion(input: AnswerQuestionInput): Promise<RagAnswer> {
  const { question, llm } = input;
  const lang = ragLanguage(input.language, question);
  const phrases = RAG_PHRASES[lang];
  const signalOpt = input.signal ? { signal: input.signal } : {};

  if (input.noRag) {
    if (!llm) {
      return {
        answer: phrases.noModelNoRag,
        context: "",
        chunks: [],
        citations: [],
        generator: "no-llm",
        ...base(lang, []),
      };
    }
    const answer = await llm.generateText({
      system: `${NO_RAG_SYSTEM} ${answerInstruction(input.language)}`,
      prompt: `${profileBlock(input.profile)}Question: ${question}`,
      label: "microscope answer (no rag)",
      maxOutputTokens: ANSWER_BUDGET,
      ...signalOpt,
    });
    return {
      answer: answer.trim(),
      context: "",
      chunks: [],
      citations: [],
      generator: "llm-no-rag",
      ...base(lang, []),
    };
  }

  const trace = input.expansion?.trace ?? [];
  const entries = selectContext(input.hits, input.expansion, {
    maxChunks: input.maxContextChunks ?? DEFAULT_MAX_CONTEXT_CHUNKS,
    ...(input.maxContextChars !== undefined ? { maxChars: input.maxContextChars } : {}),
  });
  if (entries.length === 0) {
    return {
      answer: phrases.nothingFound,
      context: "",
      chunks: [],
      citations: [],
      generator: "empty",
      ...base(lang, []),
    };
  }
  const context = formatContext(entries);
  const keptTrace = traceTo(trace, entries);

  if (!llm) return extractiveAnswer(question, entries, context, phrases.extractiveNote, lang, keptTrace);

  const raw = await llm.generateText({
    system: `${RAG_SYSTEM} ${answerInstruction(input.language)}`,
    prompt: `${profileBlock(input.profile)}Context passages:\n\n${context}\n\nQuestion: ${question}`,
    label: "microscope answer",
    maxOutputTokens: ANSWER_BUDGET,
    ...signalOpt,
  });
  const parsed = parseCitations(raw, entries.length);
  // Only invented citation markers and nothing else, or an answer in another script or looping: the
  // passages themselves are the best answer left.
  if (!parsed.text || checkAnswerText(parsed.text, lang))
    return extractiveAnswer(question, entries, context, null, lang, keptTrace);
  return {
    answer: parsed.text,
    context,
    chunks: toAnswerChunks(entries, new Set(parsed.numbers)),
    citations: parsed.numbers.map((n) => entries[n - 1]!.chunk.id),
    generator: "llm",
    ...base(lang, keptTrace),
  };
}

/** The steps of `trace` on the path to a chunk of the context. */
export function traceTo(trace: RagAnswer["trace"], entries: readonly ContextEntry[]): RagAnswer["trace"] {
  const byChunk = new Map(trace.map((s) => [s.chunkId, s]));
  const wanted = new Set<string>();
  for (const e of entries) {
    for (let s = byChunk.get(e.chunk.id); s && !wanted.has(s.chunkId); ) {
      wanted.add(s.chunkId);
      s = s.fromChunkId ? byChunk.get(s.fromChunkId) : undefined;
    }
  }
  return trace.filter((s) => wanted.has(s.chunkId));
}

function extractiveAnswer(
  question: string,
  entries: readonly ContextEntry[],
  context: string,
  note: string | null,
  lang: string,
  trace: RagAnswer["trace"],
): RagAnswer {
  const { lines, numbers } = pickSentences(question, entries, EXTRACTIVE_SENTENCES);
  return {
    answer: [...(note ? [note] : []), ...lines.map((l) => `- ${l}`)].join("\n"),
    context,
    chunks: toAnswerChunks(entries, new Set(numbers)),
    citations: numbers.map((n) => entries[n - 1]!.chunk.id),
    generator: "extractive",
    ...base(lang, trace),
  };
}
