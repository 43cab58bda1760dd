/**
 * The summary's fixed phrases in the four languages the local fallback writes (ko, en, zh, ja). Any other
 * requested language uses English here (the metadata says so); the LLM path still writes in that language.
 */
export type TemplateLanguage = "ko" | "en" | "zh" | "ja";

export function templateLanguage(code: string): { lang: TemplateLanguage; fallback: boolean } {
  const base = code.toLowerCase().split(/[-_]/)[0] ?? "";
  if (base === "ko" || base === "en" || base === "zh" || base === "ja")
    return { lang: base, fallback: false };
  return { lang: "en", fallback: true };
}

export type DayKind = "weekday" | "weekend";
export type DayPart = "morning" | "afternoon" | "evening" | "night";
export type QuestionType =
  | "how-to"
  | "definition"
  | "why"
  | "troubleshooting"
  | "comparison"
  | "recommendation";

export interface Phrases {
  /** Quotes a topic name (names may contain commas). */
  quote(name: string): string;
  period(day: DayKind, part: DayPart): string;
  topic(n: number): string;
  questionType: Record<QuestionType, string>;
  list(items: string[]): string;
  sources(counts: { chat: number; note: number; file: number }): string;
  overview(f: { nodes: number; sources: string; clusters: number; span: string | null }): string;
  largest(names: string[]): string;
  activePeriod(period: string): string;
  style(
    kind: "brief" | "balanced" | "in-depth",
    avg: number,
    main: "chat" | "note" | "file" | "mixed",
  ): string;
  recency: Record<"active" | "dormant" | "new" | "unknown", string>;
  clusterInsight(f: {
    name: string;
    size: number;
    share: number;
    recency: string;
    themes: string[];
    density: number;
  }): string;
  connection(a: string, b: string, edges: number, keywords: string[]): string;
  repetition(n: number, topic: string): string;
  progression(topic: string, n: number, from: string, to: string): string;
  gap(topic: string, last: string): string;
  bridge(n: number, topics: string[]): string;
  recConsolidate: [string, (topic: string, n: number) => string];
  recReview: [string, (topic: string) => string];
  recConnect: [string, (a: string, b: string) => string];
  recExplore: [string, (topic: string) => string];
}

const en: Phrases = {
  quote: (n) => `“${n}”`,
  period: (d, p) => `${d} ${p}`,
  topic: (n) => `Topic ${n}`,
  questionType: {
    "how-to": "how-to",
    definition: "definition",
    why: "why / reasoning",
    troubleshooting: "troubleshooting",
    comparison: "comparison",
    recommendation: "recommendation",
  },
  list: (items) => items.join(", "),
  sources: ({ chat, note, file }) =>
    [chat ? `${chat} conversations` : "", note ? `${note} notes` : "", file ? `${file} files` : ""]
      .filter(Boolean)
      .join(", "),
  overview: ({ nodes, sources, clusters, span }) =>
    `The graph holds ${nodes} items (${sources}) in ${clusters} topic clusters${span ? `, from ${span}` : ""}.`,
  largest: (names) => `The largest topics are ${names.join(", ")}.`,
  activePeriod: (p) => `Activity peaks on ${p}.`,
  style: (kind, avg, main) =>
    `${kind === "brief" ? "Short, quick exchanges" : kind === "in-depth" ? "Long, in-depth sessions" : "Moderate-length sessions"} (about ${avg.toFixed(1)} messages or sections per item)${main === "mixed" ? ", mixing chats, notes and files" : main === "chat" ? ", mostly chats" : main === "note" ? ", mostly notes" : ", mostly files"}.`,
  recency: { active: "still active", dormant: "dormant", new: "new", unknown: "of unknown recency" },
  clusterInsight: ({ name, size, share, recency, themes, density }) =>
    `${name} has ${size} items (${Math.round(share * 100)}% of the graph) and is ${recency}.${themes.length ? ` Main themes: ${themes.join(", ")}.` : ""} Internal link density is ${density.toFixed(2)}.`,
  connection: (a, b, edges, kw) =>
    `${a} and ${b} are linked by ${edges} edge${edges === 1 ? "" : "s"}${kw.length ? `, around ${kw.join(", ")}` : ""}.`,
  repetition: (n, t) => `${n} near-duplicate questions about ${t}.`,
  progression: (t, n, from, to) =>
    `${t} was revisited ${n} times from ${from} to ${to}, with longer content over time.`,
  gap: (t, last) => `${t} has been quiet since ${last}.`,
  bridge: (n, topics) =>
    `${n} item${n === 1 ? " links" : "s link"} otherwise distant topics: ${topics.join(" and ")}.`,
  recConsolidate: [
    "Consolidate repeated questions",
    (t, n) => `${n} similar questions about ${t} could be merged into one note.`,
  ],
  recReview: [
    "Review a dormant topic",
    (t) => `${t} has not been touched for a while; review what you learned there.`,
  ],
  recConnect: [
    "Connect related topics",
    (a, b) => `${a} and ${b} share ideas; linking them may reveal more.`,
  ],
  recExplore: [
    "Explore a new topic further",
    (t) => `${t} is new and small; it may be worth exploring further.`,
  ],
};

const ko: Phrases = {
  quote: (n) => `‘${n}’`,
  period: (d, p) =>
    `${d === "weekday" ? "평일" : "주말"} ${{ morning: "오전", afternoon: "오후", evening: "저녁", night: "밤" }[p]}`,
  topic: (n) => `주제 ${n}`,
  questionType: {
    "how-to": "방법",
    definition: "개념 설명",
    why: "이유",
    troubleshooting: "문제 해결",
    comparison: "비교",
    recommendation: "추천",
  },
  list: (items) => items.join(", "),
  sources: ({ chat, note, file }) =>
    [chat ? `대화 ${chat}개` : "", note ? `노트 ${note}개` : "", file ? `파일 ${file}개` : ""]
      .filter(Boolean)
      .join(", "),
  overview: ({ nodes, sources, clusters, span }) =>
    `그래프에는 ${nodes}개 항목(${sources})이 ${clusters}개의 주제 클러스터로 묶여 있습니다${span ? ` (기간: ${span})` : ""}.`,
  largest: (names) => `가장 큰 주제는 ${names.join(", ")}입니다.`,
  activePeriod: (p) => `활동은 ${p}에 가장 많습니다.`,
  style: (kind, avg, main) =>
    `${kind === "brief" ? "짧고 빠른 질문 위주" : kind === "in-depth" ? "길고 깊이 있는 대화 위주" : "적당한 길이의 대화 위주"} (항목당 평균 ${avg.toFixed(1)}개 메시지/섹션)${main === "mixed" ? ", 대화·노트·파일 혼합" : main === "chat" ? ", 주로 대화" : main === "note" ? ", 주로 노트" : ", 주로 파일"}.`,
  recency: { active: "현재 활발함", dormant: "휴면 상태", new: "새로 생김", unknown: "시기 정보 없음" },
  clusterInsight: ({ name, size, share, recency, themes, density }) =>
    `${name}에는 ${size}개 항목(전체의 ${Math.round(share * 100)}%)이 있으며 ${recency}입니다.${themes.length ? ` 주요 주제: ${themes.join(", ")}.` : ""} 내부 연결 밀도는 ${density.toFixed(2)}입니다.`,
  connection: (a, b, edges, kw) =>
    `${a}와(과) ${b}는 ${edges}개의 연결로 이어져 있습니다${kw.length ? ` (공통 키워드: ${kw.join(", ")})` : ""}.`,
  repetition: (n, t) => `${t}에 대해 비슷한 질문이 ${n}번 반복되었습니다.`,
  progression: (t, n, from, to) =>
    `${t} 주제를 ${from}부터 ${to}까지 ${n}번 다시 다루며 내용이 점점 깊어졌습니다.`,
  gap: (t, last) => `${t} 주제는 ${last} 이후로 활동이 없습니다.`,
  bridge: (n, topics) => `${n}개 항목이 서로 먼 주제(${topics.join(", ")})를 이어 줍니다.`,
  recConsolidate: [
    "반복 질문 정리하기",
    (t, n) => `${t}에 대한 비슷한 질문 ${n}개를 하나의 노트로 정리해 보세요.`,
  ],
  recReview: [
    "휴면 주제 복습하기",
    (t) => `${t} 주제를 한동안 다루지 않았습니다. 배운 내용을 복습해 보세요.`,
  ],
  recConnect: [
    "관련 주제 연결하기",
    (a, b) => `${a}와(과) ${b}는 공통된 내용이 있습니다. 함께 살펴보면 새로운 통찰을 얻을 수 있습니다.`,
  ],
  recExplore: ["새 주제 더 탐구하기", (t) => `${t}는 새롭고 아직 작은 주제입니다. 더 탐구해 볼 만합니다.`],
};

const zh: Phrases = {
  quote: (n) => `「${n}」`,
  period: (d, p) =>
    `${d === "weekday" ? "工作日" : "周末"}${{ morning: "上午", afternoon: "下午", evening: "傍晚", night: "夜间" }[p]}`,
  topic: (n) => `主题 ${n}`,
  questionType: {
    "how-to": "操作方法",
    definition: "概念解释",
    why: "原因",
    troubleshooting: "故障排查",
    comparison: "比较",
    recommendation: "推荐",
  },
  list: (items) => items.join("、"),
  sources: ({ chat, note, file }) =>
    [chat ? `${chat} 个对话` : "", note ? `${note} 篇笔记` : "", file ? `${file} 个文件` : ""]
      .filter(Boolean)
      .join("、"),
  overview: ({ nodes, sources, clusters, span }) =>
    `图谱包含 ${nodes} 个条目（${sources}），分为 ${clusters} 个主题簇${span ? `，时间范围 ${span}` : ""}。`,
  largest: (names) => `最大的主题是：${names.join("、")}。`,
  activePeriod: (p) => `活动高峰在${p}。`,
  style: (kind, avg, main) =>
    `${kind === "brief" ? "以简短快速的提问为主" : kind === "in-depth" ? "以长篇深入的讨论为主" : "以中等长度的对话为主"}（每个条目平均 ${avg.toFixed(1)} 条消息或段落）${main === "mixed" ? "，对话、笔记和文件混合" : main === "chat" ? "，主要是对话" : main === "note" ? "，主要是笔记" : "，主要是文件"}。`,
  recency: { active: "仍然活跃", dormant: "处于休眠", new: "新出现", unknown: "时间未知" },
  clusterInsight: ({ name, size, share, recency, themes, density }) =>
    `${name} 有 ${size} 个条目（占 ${Math.round(share * 100)}%），${recency}。${themes.length ? `主要主题：${themes.join("、")}。` : ""}内部连接密度为 ${density.toFixed(2)}。`,
  connection: (a, b, edges, kw) =>
    `${a} 与 ${b} 之间有 ${edges} 条连接${kw.length ? `，围绕 ${kw.join("、")}` : ""}。`,
  repetition: (n, t) => `关于 ${t} 有 ${n} 个几乎相同的问题。`,
  progression: (t, n, from, to) => `${t} 从 ${from} 到 ${to} 被重温了 ${n} 次，内容逐渐深入。`,
  gap: (t, last) => `${t} 自 ${last} 以来没有新的活动。`,
  bridge: (n, topics) => `${n} 个条目连接了相距较远的主题：${topics.join("、")}。`,
  recConsolidate: ["整合重复的问题", (t, n) => `关于 ${t} 的 ${n} 个相似问题可以合并为一篇笔记。`],
  recReview: ["回顾休眠的主题", (t) => `${t} 已有一段时间没有涉及，建议回顾其中的内容。`],
  recConnect: ["连接相关主题", (a, b) => `${a} 与 ${b} 有共同之处，把它们联系起来可能带来新的见解。`],
  recExplore: ["深入探索新主题", (t) => `${t} 是一个新的小主题，值得进一步探索。`],
};

const ja: Phrases = {
  quote: (n) => `「${n}」`,
  period: (d, p) =>
    `${d === "weekday" ? "平日" : "週末"}の${{ morning: "午前", afternoon: "午後", evening: "夕方", night: "夜" }[p]}`,
  topic: (n) => `トピック ${n}`,
  questionType: {
    "how-to": "やり方",
    definition: "概念の説明",
    why: "理由",
    troubleshooting: "トラブルシューティング",
    comparison: "比較",
    recommendation: "おすすめ",
  },
  list: (items) => items.join("、"),
  sources: ({ chat, note, file }) =>
    [chat ? `会話 ${chat} 件` : "", note ? `ノート ${note} 件` : "", file ? `ファイル ${file} 件` : ""]
      .filter(Boolean)
      .join("、"),
  overview: ({ nodes, sources, clusters, span }) =>
    `グラフには ${nodes} 件の項目（${sources}）があり、${clusters} 個のトピッククラスタに分かれています${span ? `（期間：${span}）` : ""}。`,
  largest: (names) => `最も大きいトピックは ${names.join("、")} です。`,
  activePeriod: (p) => `活動は${p}に最も多くなります。`,
  style: (kind, avg, main) =>
    `${kind === "brief" ? "短く素早い質問が中心" : kind === "in-depth" ? "長く深い対話が中心" : "中程度の長さの対話が中心"}（1 項目あたり平均 ${avg.toFixed(1)} メッセージ／セクション）${main === "mixed" ? "、会話・ノート・ファイルが混在" : main === "chat" ? "、主に会話" : main === "note" ? "、主にノート" : "、主にファイル"}。`,
  recency: { active: "現在も活発", dormant: "休眠中", new: "新しい", unknown: "時期不明" },
  clusterInsight: ({ name, size, share, recency, themes, density }) =>
    `${name} には ${size} 件（全体の ${Math.round(share * 100)}%）があり、${recency}です。${themes.length ? `主なテーマ：${themes.join("、")}。` : ""}内部のリンク密度は ${density.toFixed(2)} です。`,
  connection: (a, b, edges, kw) =>
    `${a} と ${b} は ${edges} 本のリンクでつながっています${kw.length ? `（共通キーワード：${kw.join("、")}）` : ""}。`,
  repetition: (n, t) => `${t} について、ほぼ同じ質問が ${n} 件あります。`,
  progression: (t, n, from, to) =>
    `${t} は ${from} から ${to} までに ${n} 回取り上げられ、内容が深まっています。`,
  gap: (t, last) => `${t} は ${last} 以降、活動がありません。`,
  bridge: (n, topics) => `${n} 件の項目が離れたトピック（${topics.join("、")}）をつないでいます。`,
  recConsolidate: [
    "繰り返しの質問を整理する",
    (t, n) => `${t} に関する似た質問 ${n} 件を一つのノートにまとめましょう。`,
  ],
  recReview: [
    "休眠中のトピックを見直す",
    (t) => `${t} はしばらく扱っていません。学んだ内容を見直しましょう。`,
  ],
  recConnect: [
    "関連トピックをつなぐ",
    (a, b) => `${a} と ${b} には共通点があります。結びつけると新しい発見があるかもしれません。`,
  ],
  recExplore: [
    "新しいトピックをさらに探る",
    (t) => `${t} は新しく小さなトピックです。さらに探る価値があります。`,
  ],
};

export const PHRASES: Record<TemplateLanguage, Phrases> = { en, ko, zh, ja };

/** Question-type cues in titles (all four template languages at once: a title's language is not known). */
export const QUESTION_CUES: [QuestionType, RegExp][] = [
  [
    "troubleshooting",
    /\b(error|fail(?:s|ed|ure)?|bug|broken|crash|not working|issue|fix)\b|오류|에러|안 ?됨|错误|失败|报错|エラー|失敗|動かない/i,
  ],
  ["comparison", /\b(vs\.?|versus|differen(?:ce|t)|compare|better)\b|차이|비교|区别|比较|对比|違い|比較/i],
  ["why", /\bwhy\b|왜|이유|为什么|为何|なぜ|どうして/i],
  ["how-to", /\bhow\b|\bsetup\b|\bset up\b|\binstall|어떻게|방법|如何|怎么|怎样|方法|どう|やり方|手順/i],
  ["definition", /\bwhat (?:is|are)\b|\bmeaning\b|\bexplain|란\b|무엇|뭐야|什么是|是什么|とは|って何/i],
  ["recommendation", /\b(recommend|suggest|best|which)\b|추천|推荐|建议|おすすめ|推奨/i],
];
