/**
 * Korean particle and ending stripping for one eojeol (a space-separated Hangul word), without a
 * morphological analyser. Our own rule lists (the Python worker's rule files were not readable):
 * case/topic particles, their common compounds, copula and 하다/되다 endings, and a few generic verbal
 * endings. No maintained JS Korean analyser exists that runs without native code or a dictionary download
 * (mecab-ko, khaiii), so this is written by hand.
 *
 * Rules: the longest matching suffix wins; a suffix is only stripped when the stem left over is long
 * enough (2 syllables for single-syllable suffixes, except the unambiguous 을/를/은/는; 1 syllable
 * otherwise) and when the particle's allomorph agrees with the stem's last syllable (을/은/이/과/으로 need
 * a final consonant, 를/는/가/와/로 need none): that check keeps 마을, 국가, 전문가 and 분야 intact.
 * A plural 들 left after stripping is removed too (사용자들을 → 사용자).
 */

/** Which stems a suffix attaches to: "final" = last syllable has a final consonant (batchim). */
type Attach = "final" | "open" | "openOrRieul" | "any";

interface Suffix {
  text: string;
  attach: Attach;
  /** A noun particle (as opposed to a copula or verbal ending). */
  particle: boolean;
}

/** Space-separated lists; "text:attach" where the attachment is not "any". */
function list(...lines: string[]): [string, Attach][] {
  return lines
    .flatMap((l) => l.split(" "))
    .filter(Boolean)
    .map((item) => {
      const [text, attach] = item.split(":");
      return [text!, (attach ?? "any") as Attach];
    });
}

// Case, topic and other particles, with the allomorph condition of their first syllable.
const PARTICLES = list(
  "은:final 는:open 이:final 가:open 을:final 를:open 과:final 와:open 으로:final 로:openOrRieul",
  "으로서:final 로서:openOrRieul 으로써:final 로써:openOrRieul 이나:final 나:open 이랑:final 랑:open",
  "이든:final 든:open 이든지:final 든지:open 이라도:final 라도:open",
  "의 에 에서 에게 에게서 한테 한테서 께 께서 도 만 까지 부터 처럼 보다 마다 조차 밖에 뿐",
);

// Particles that combine with a following topic/additive/genitive particle (에서는, 으로도, 까지의 …).
const COMBINING_TAILS = ["는", "도", "만", "의", "나", "라도"];
const COMBINABLE = list(
  "에서 에게 에게서 한테 한테서 으로 로 으로서 로서 에 까지 부터 와 과 처럼 보다 께 께서 마다 만",
).map(([t]) => t);

// Copula endings (…이다, …입니다, …이야, …인) with the same allomorph rule as 이/가.
const COPULA = list(
  "이다:final 다:open 입니다 이며:final 며:open 이고:final 이고요:final 이에요:final 예요:open 이야:final 야:open",
  "이었다:final 였다:open 이었습니다:final 였습니다:open 이므로:final 이지만:final 인데:final 인지:final",
  "이라는:final 라는:open 이란:final 란:open 이라고:final 라고:open 이라:final 인:final 이죠:final 죠:open",
);

// 하다/되다/시키다 forms on Sino-Korean verb nouns (지원합니다 → 지원, 제공되는 → 제공).
const LIGHT_VERB_FORMS = list(
  "하다 한다 하는 하고 하며 하여 하여서 하였다 하였습니다 합니다 하기 하게 하면 하지 하지만 하도록 하려면 하려고",
  "할 한 하던 함 하세요 하십시오 하므로 하면서 하기도 해 해서 했다 했습니다 했던 해요 해야 해줘 해주세요 해주는",
  "해준다 해줍니다 할수 하는지 하는데",
  "되다 된다 되는 되고 되며 되어 되어서 되었다 되었습니다 됩니다 되기 되게 되면 되지 되지만 되도록 될 된 되던 됨",
  "돼 돼서 됐다 됐습니다 되기도 되는지 되는데",
  "시키다 시킨다 시키는 시키고 시키며 시켜 시킵니다 시킬 시킨",
);

// Generic verbal endings on any stem (만들었습니다 → 만들, 읽으면 → 읽).
const VERBAL_ENDINGS = list(
  "습니다 었습니다 았습니다 였습니다 었다 았다 는다 지만 면서 으며:final 으면:final 도록 려면 으려면:final 려고",
  "으려고:final 어서 아서 세요 으세요:final 십시오 으십시오:final 는지 는데 는가",
);

const PLURAL = "들";

function buildSuffixes(): Suffix[] {
  const all = new Map<string, Suffix>();
  const add = (text: string, attach: Attach, particle: boolean) => {
    if (!all.has(text)) all.set(text, { text, attach, particle });
  };
  for (const [t, a] of PARTICLES) add(t, a, true);
  for (const head of COMBINABLE) {
    const attach = PARTICLES.find(([t]) => t === head)?.[1] ?? "any";
    for (const tail of COMBINING_TAILS) if (head !== tail) add(head + tail, attach, true);
  }
  for (const [t, a] of [...COPULA, ...LIGHT_VERB_FORMS, ...VERBAL_ENDINGS]) add(t, a, false);
  return [...all.values()].sort((a, b) => b.text.length - a.text.length || (a.text < b.text ? -1 : 1));
}

const SUFFIXES = buildSuffixes();
const SUFFIX_SET = new Set(SUFFIXES.map((s) => s.text));
/** Suffixes by their last syllable, longest first, so a word is only compared with suffixes it can end with. */
const BY_LAST = new Map<string, Suffix[]>();
for (const s of SUFFIXES) {
  const last = s.text[s.text.length - 1]!;
  const bucket = BY_LAST.get(last);
  if (bucket) bucket.push(s);
  else BY_LAST.set(last, [s]);
}
/** Single-syllable particles unambiguous enough to leave a one-syllable stem (책을 → 책). */
const SHORT_STEM_OK = new Set(["을", "를", "은", "는"]);

/**
 * Common nouns whose last syllable(s) look like a particle (결과, 해상도, 회로, 추가, 민주주의, 고양이).
 * Two-syllable ones are already safe through the minimum stem length; they are listed for compounds
 * (실행결과, 최고속도, 전자회로, 기능추가). A suffix lying inside such a tail is not stripped.
 */
const PROTECTED_TAILS = list(
  "결과 성과 효과 학과 사과 교과 일과",
  "해상도 정확도 난이도 선명도 중요도 만족도 유사도 신뢰도 민감도 복잡도 인지도 가속도 밀도 속도 온도 습도 강도",
  "각도 농도 빈도 명도 채도 조도 감도 정도 지도 시도 의도 용도 고도 제도 태도 한도 척도 진도",
  "추가 증가 평가 국가 부가 단가 원가 물가 휴가 인가",
  "고양이 어린이 원숭이 호랑이 종이 길이 높이 넓이 깊이 놀이 먹이",
  "주의 회의 정의 토의 논의 합의 동의 강의 모의 편의",
  "회로 경로 통로 진로 도로 미로 항로 선로 수로",
  "확인 원인 요인 승인 개인 부인 시인 제한 무한 권한 기한 시한 유한 극한 역할 분할",
  "이해 피해 방해 분해 손해 견해 오해 사랑 하나 바나나 불만",
).map(([t]) => t);

function protectedTail(word: string, suffix: string): boolean {
  for (const tail of PROTECTED_TAILS) {
    if (tail.length > suffix.length && word.endsWith(tail) && tail.endsWith(suffix)) return true;
  }
  return false;
}

function finalConsonant(syllable: string): number {
  const cp = syllable.charCodeAt(0);
  if (cp < 0xac00 || cp > 0xd7a3) return -1;
  return (cp - 0xac00) % 28;
}

function attaches(stem: string, attach: Attach): boolean {
  if (attach === "any") return true;
  const jong = finalConsonant(stem[stem.length - 1]!);
  if (jong < 0) return true; // not a Hangul syllable (a Latin or digit stem): no evidence either way
  if (attach === "final") return jong !== 0;
  if (attach === "open") return jong === 0;
  return jong === 0 || jong === 8; // ㄹ is 8
}

/** True when the whole Hangul run is a particle or ending (the 는 of "tapecalc는", the 입니다 of "GNU입니다"). */
export function isKoreanSuffix(run: string): boolean {
  return SUFFIX_SET.has(run);
}

/**
 * Strips one particle/ending (longest match first) and then a plural 들, from a run of Hangul syllables.
 * Returns the stem (possibly the input unchanged).
 */
export function stripKoreanSuffix(word: string): string {
  let w = word;
  let verbal = false;
  for (const s of BY_LAST.get(w[w.length - 1] ?? "") ?? []) {
    if (s.text.length >= w.length || !w.endsWith(s.text)) continue;
    const stem = w.slice(0, w.length - s.text.length);
    const minStem = s.text.length === 1 && !SHORT_STEM_OK.has(s.text) ? 2 : 1;
    if (stem.length < minStem || !attaches(stem, s.attach) || protectedTail(w, s.text)) continue;
    w = stem;
    verbal = !s.particle;
    break;
  }
  // Plural 들 after a noun only (사람들을 → 사람), never on a verb stem (만들었습니다 → 만들).
  if (!verbal && w.length >= 3 && w.endsWith(PLURAL)) w = w.slice(0, -1);
  return w;
}
