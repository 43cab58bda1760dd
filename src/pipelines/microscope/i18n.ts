/**
 * The few fixed phrases the local (no-LLM) paths write, in ko/en/zh/ja; other languages get English.
 * The language is the request's, else the document's dominant script.
 */
import { detectScript } from "../text/index.js";
import { baseLanguage } from "./language.js";

export type PhraseLanguage = "ko" | "en" | "zh" | "ja";

export function phraseLanguage(requested: string | undefined, text: string): PhraseLanguage {
  const base = baseLanguage(requested);
  if (base === "ko" || base === "en" || base === "zh" || base === "ja") return base;
  if (base) return "en";
  const detected = detectScript(text).lang;
  return detected === "ko" || detected === "zh" || detected === "ja" ? detected : "en";
}

export const PHRASES: Record<
  PhraseLanguage,
  {
    coMentioned(a: string, b: string, sentences: number): string;
    follows(prev: string, next: string): string;
    elaborates(later: string, earlier: string, shared: string[]): string;
    parallel(a: string, b: string, shared: string[]): string;
    rationale(kind: "document" | "chat", edges: number): string;
    untitled(n: number): string;
    part(title: string, k: number, n: number): string;
  }
> = {
  en: {
    coMentioned: (a, b, n) => `“${a}” and “${b}” are mentioned together${n > 1 ? ` (${n} sentences)` : ""}.`,
    follows: (p, n) => `“${n}” comes after “${p}”.`,
    elaborates: (l, e, s) => `“${l}” expands on “${e}”${s.length ? ` (${s.join(", ")})` : ""}.`,
    parallel: (a, b, s) => `“${a}” and “${b}” cover related points side by side (${s.join(", ")}).`,
    rationale: (k, e) =>
      `Blocks follow the ${k === "chat" ? "conversation" : "document"} order; ${e} links between blocks come from shared key concepts and the heading structure (computed locally, without an LLM).`,
    untitled: (n) => `Part ${n}`,
    part: (t, k, n) => `${t} (${k}/${n})`,
  },
  ko: {
    coMentioned: (a, b, n) => `“${a}”와(과) “${b}”이(가) 함께 언급됩니다${n > 1 ? ` (${n}개 문장)` : ""}.`,
    follows: (p, n) => `“${n}”은(는) “${p}” 다음에 나옵니다.`,
    elaborates: (l, e, s) =>
      `“${l}”은(는) “${e}”을(를) 자세히 설명합니다${s.length ? ` (${s.join(", ")})` : ""}.`,
    parallel: (a, b, s) => `“${a}”와(과) “${b}”은(는) 관련된 내용을 나란히 다룹니다 (${s.join(", ")}).`,
    rationale: (k, e) =>
      `블록은 ${k === "chat" ? "대화" : "문서"} 순서를 따르며, 블록 사이의 연결 ${e}개는 공통 핵심 개념과 제목 구조에서 계산했습니다 (LLM 없이 로컬 계산).`,
    untitled: (n) => `부분 ${n}`,
    part: (t, k, n) => `${t} (${k}/${n})`,
  },
  zh: {
    coMentioned: (a, b, n) => `“${a}”与“${b}”一同出现${n > 1 ? `（${n}个句子）` : ""}。`,
    follows: (p, n) => `“${n}”在“${p}”之后。`,
    elaborates: (l, e, s) => `“${l}”进一步阐述了“${e}”${s.length ? `（${s.join("、")}）` : ""}。`,
    parallel: (a, b, s) => `“${a}”与“${b}”并列讨论相关内容（${s.join("、")}）。`,
    rationale: (k, e) =>
      `区块按${k === "chat" ? "对话" : "文档"}顺序排列；区块之间的 ${e} 条连接来自共同的关键概念和标题结构（本地计算，未使用 LLM）。`,
    untitled: (n) => `第${n}部分`,
    part: (t, k, n) => `${t}（${k}/${n}）`,
  },
  ja: {
    coMentioned: (a, b, n) => `「${a}」と「${b}」が一緒に言及されています${n > 1 ? `（${n}文）` : ""}。`,
    follows: (p, n) => `「${n}」は「${p}」の次に来ます。`,
    elaborates: (l, e, s) =>
      `「${l}」は「${e}」を詳しく説明しています${s.length ? `（${s.join("、")}）` : ""}。`,
    parallel: (a, b, s) => `「${a}」と「${b}」は関連する内容を並べて扱っています（${s.join("、")}）。`,
    rationale: (k, e) =>
      `ブロックは${k === "chat" ? "会話" : "文書"}の順序に従い、ブロック間の ${e} 本のつながりは共通のキーコンセプトと見出し構造から計算しました（LLM を使わないローカル計算）。`,
    untitled: (n) => `パート${n}`,
    part: (t, k, n) => `${t}（${k}/${n}）`,
  },
};
