/**
 * Stopword sets per script: stopwords-iso (en, ko, zh, ja) with our own corrections.
 *
 * English: stopwords-iso "en" is a union of web-search lists and contains topic words ("computer",
 * "system", "text", "web", "research", "information", "html", "ai") that name exactly what a knowledge
 * graph of someone's chats is about, so those are taken out again (EN_KEEP).
 *
 * Extras (EN_EXTRA, KO_EXTRA) are chat-transcript scaffolding: words people use to ask and assistants use
 * to answer whatever the topic ("explain", "tell me", "certainly", "어떤", "설명해줘", "알려줘"). They are
 * deliberately generic. Words that merely recur in one data set's question template ("program",
 * "프로그램") are NOT listed: they are content words in general, and IDF already discounts a word that
 * every item shares.
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const iso = require("stopwords-iso") as Record<string, string[]>;

/** Space-separated word lists keep these tables short and readable. */
const words = (...lines: string[]): string[] => lines.flatMap((l) => l.split(" ")).filter(Boolean);

const EN_KEEP = words(
  "ai io tv gb mb web net html computer system text test research information page pages line world home",
  "homepage website webpage microsoft index length width copy date value number numbers problem problems state",
  "states group groups area areas order orders point points section million billion fire ring room rooms face",
  "faces member members keys detail free open high name null zero empty interest importance effect changes",
  "results words work works working click invention novel site bottom front young thick thin large small long",
  "little great good best better old big opening grouping ordering turn",
);

const EN_EXTRA = words(
  "explain explains explained explaining explanation tell please thanks thank hello hi hey sure okay ok",
  "certainly absolutely question questions answer answers mean meaning does doing did can could would should",
  "let lets hope helps glad happy feel anyway basically actually simply just really etc eg ie vs via also like",
  "want know need",
);

const KO_EXTRA = words(
  // Question and request scaffolding of chat transcripts.
  "어떤 어떻게 무엇 무엇인가 무엇인지 뭐 뭐야 뭔가 무슨 어디 언제 누구 왜 설명 설명해 설명해줘 설명해주세요",
  "알려 알려줘 알려주세요 말해줘 해줘 주세요 줘 궁금 궁금해 궁금합니다 질문 답변 안녕 안녕하세요 감사 감사합니다",
  "고마워 네 예 응 아니 좀 혹시 정말 진짜 그냥 물론",
  // Function words, bound nouns and adverbs.
  "있 없 수 것 등 및 또 또한 그리고 하지만 그러나 그래서 때문 때 중 위 더 이런 저런 그런 이것 그것 저것 여기 거기",
  "대한 대해 위해 통해 통 따라 같은 다른 여러 모든 각 경우 가능 사용 이용 하 되 같 않 못 나 너 저 우리 당신 제 내",
  "가지고 개의 매우 다시 아래 현재 용 쉽게 이렇게 있게",
  // Auxiliary verbs and bound forms that survive stripping as whole words (할 수 있어, 위한, 많은).
  "위한 위하여 할 한 하는 합니다 된다 될 된 되는 있어 있는 없는 있다 없다 있으며 있고 줄 많 많은 많이 해 해요 돼",
  "됩니다 입니다 이다 아닌 아니라 니다 읽",
);

function build(
  list: readonly string[],
  keep: readonly string[] = [],
  extra: readonly string[] = [],
): Set<string> {
  const k = new Set(keep);
  const set = new Set<string>();
  for (const w of list) if (!k.has(w) && !/\s/.test(w)) set.add(w.toLowerCase());
  for (const w of extra) set.add(w);
  return set;
}

export const STOPWORDS = {
  en: build(iso.en ?? [], EN_KEEP, EN_EXTRA),
  ko: build(iso.ko ?? [], [], KO_EXTRA),
  zh: build(iso.zh ?? []),
  ja: build(iso.ja ?? []),
} as const;

/** Leftovers of markup and URLs that survive as words (entity names, URL parts). */
export const MARKUP_JUNK: ReadonlySet<string> = new Set([
  "nbsp",
  "amp",
  "quot",
  "apos",
  "lt",
  "gt",
  "http",
  "https",
  "www",
  "href",
  "src",
]);
