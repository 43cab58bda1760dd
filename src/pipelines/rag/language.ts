/**
 * The fixed phrases of the RAG answers written without a model (nothing found, extractive notes, template
 * questions) in the languages the local text supports. The language is the request's when it is one of
 * them, else the question's script (Hangul → ko, kana → ja, Han → zh, Latin → en), else English.
 */
import { detectScript } from "../text/index.js";

export type RagLanguage = "en" | "ko" | "zh" | "ja";
const SUPPORTED = new Set<RagLanguage>(["en", "ko", "zh", "ja"]);

export function ragLanguage(requested: string | null | undefined, text: string): RagLanguage {
  const base = (requested ?? "").toLowerCase().split(/[-_]/)[0] ?? "";
  if (SUPPORTED.has(base as RagLanguage)) return base as RagLanguage;
  const detected = detectScript(text).lang;
  return SUPPORTED.has(detected as RagLanguage) ? (detected as RagLanguage) : "en";
}

/** The language's name for an LLM instruction ("Answer in Korean"). */
export function languageName(code: string | null | undefined): string | undefined {
  if (!code) return undefined;
  const base = code.toLowerCase().split(/[-_]/)[0] ?? "";
  try {
    const name = new Intl.DisplayNames(["en"], { type: "language" }).of(base);
    return name && name !== base ? name : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a Korean word ends in a final consonant (받침): picks 이/가, 과/와, 이란/란. */
function hasBatchim(word: string): boolean {
  const last = word.codePointAt(word.length - 1) ?? 0;
  return last >= 0xac00 && last <= 0xd7a3 && (last - 0xac00) % 28 !== 0;
}

/** The particle form after `word`; after a Latin word or a number the right form is unknown: `neutral`. */
function koParticle(word: string, withFinal: string, withoutFinal: string, neutral: string): string {
  const w = word.trim();
  const last = w.codePointAt(w.length - 1) ?? 0;
  if (last < 0xac00 || last > 0xd7a3) return w + neutral;
  return w + (hasBatchim(w) ? withFinal : withoutFinal);
}

export interface RagPhrases {
  nothingFound: string;
  nothingFoundTopic(topic: string): string;
  extractiveNote: string;
  extractiveOverviewNote: string;
  noModelNoRag: string;
  fromSource(name: string): string;
  /** Template related questions about one entity, or a pair of entities. */
  aboutOne: ((e: string) => string)[];
  aboutTwo: (a: string, b: string) => string;
}

export const RAG_PHRASES: Record<RagLanguage, RagPhrases> = {
  en: {
    nothingFound:
      "I could not find anything in this workspace's documents that matches the question, so I cannot answer it from them.",
    nothingFoundTopic: (t) => `This workspace's documents contain nothing that matches “${t}”.`,
    extractiveNote:
      "(Extractive answer: no language model is configured, so these are the passages of the workspace that best match the question.)",
    extractiveOverviewNote:
      "(Extractive overview: no language model is configured, so these are the passages of each document that best match the topic.)",
    noModelNoRag:
      "No language model is configured, so the question cannot be answered without the workspace's documents.",
    fromSource: (n) => `From ${n}:`,
    aboutOne: [
      (e) => `What is ${e}?`,
      (e) => `Why does ${e} matter here?`,
      (e) => `What are examples of ${e}?`,
    ],
    aboutTwo: (a, b) => `How is ${a} related to ${b}?`,
  },
  ko: {
    nothingFound:
      "이 워크스페이스의 문서에서 질문과 관련된 내용을 찾지 못해, 문서를 근거로 답할 수 없습니다.",
    nothingFoundTopic: (t) => `이 워크스페이스의 문서에는 “${t}”와 관련된 내용이 없습니다.`,
    extractiveNote:
      "(발췌 답변: 언어 모델이 설정되어 있지 않아, 질문과 가장 잘 맞는 워크스페이스 문서의 구절을 보여 드립니다.)",
    extractiveOverviewNote:
      "(발췌 개요: 언어 모델이 설정되어 있지 않아, 주제와 가장 잘 맞는 각 문서의 구절을 보여 드립니다.)",
    noModelNoRag: "언어 모델이 설정되어 있지 않아, 워크스페이스 문서 없이는 질문에 답할 수 없습니다.",
    fromSource: (n) => `${n}에서:`,
    aboutOne: [
      (e) => `${koParticle(e, "이란", "란", "(이)란")} 무엇인가요?`,
      (e) => `${koParticle(e, "이", "가", "이(가)")} 왜 중요한가요?`,
      (e) => `${e}의 예로는 무엇이 있나요?`,
    ],
    aboutTwo: (a, b) => `${koParticle(a, "과", "와", "와(과)")} ${b}의 관계는 무엇인가요?`,
  },
  zh: {
    nothingFound: "在此工作区的文档中没有找到与问题相关的内容，因此无法根据文档回答。",
    nothingFoundTopic: (t) => `此工作区的文档中没有与“${t}”相关的内容。`,
    extractiveNote: "（摘录式回答：未配置语言模型，以下是工作区中与问题最相关的段落。）",
    extractiveOverviewNote: "（摘录式概述：未配置语言模型，以下是各文档中与主题最相关的段落。）",
    noModelNoRag: "未配置语言模型，无法在不使用工作区文档的情况下回答问题。",
    fromSource: (n) => `来自 ${n}：`,
    aboutOne: [(e) => `什么是${e}？`, (e) => `${e}为什么重要？`, (e) => `${e}有哪些例子？`],
    aboutTwo: (a, b) => `${a}和${b}之间有什么关系？`,
  },
  ja: {
    nothingFound:
      "このワークスペースの文書には質問に関連する内容が見つからなかったため、文書に基づいて回答できません。",
    nothingFoundTopic: (t) => `このワークスペースの文書には「${t}」に関連する内容がありません。`,
    extractiveNote:
      "（抜粋による回答：言語モデルが設定されていないため、質問に最も合うワークスペースの文書の一節を示します。）",
    extractiveOverviewNote:
      "（抜粋による概要：言語モデルが設定されていないため、トピックに最も合う各文書の一節を示します。）",
    noModelNoRag: "言語モデルが設定されていないため、ワークスペースの文書なしでは質問に回答できません。",
    fromSource: (n) => `${n}より：`,
    aboutOne: [
      (e) => `${e}とは何ですか？`,
      (e) => `${e}はなぜ重要ですか？`,
      (e) => `${e}の例には何がありますか？`,
    ],
    aboutTwo: (a, b) => `${a}と${b}はどのように関係していますか？`,
  },
};
