/**
 * Checks one piece of text an LLM wrote against what was asked for, before it replaces a local text: the
 * script of the requested language, a minimum length, complete sentences where sentences were asked for,
 * no runaway repetition, no text copied from the prompt's instructions or the schema, and no cited id that
 * does not exist. A schema-valid answer can still be "새롭에 있어운방에…" for an English graph or a
 * sentence cut off by the token budget; the caller then keeps its local text for that item alone.
 */

export type TextKind = "label" | "sentence";

export interface TextRequest {
  /** ISO code of the language asked for; unknown codes skip the script check. */
  language?: string | undefined;
  /** `label`: a name or short phrase. `sentence`: one or more complete sentences. */
  kind: TextKind;
  /** Fewer characters (after trimming) is rejected; halved for ko/ja/zh. Default 2 for labels, 12 for sentences. */
  minChars?: number;
  /** Texts the answer must not just repeat: schema keys, instruction phrases, ids. Compared normalised. */
  echoes?: readonly string[];
  /** Longer instruction texts (system prompt, task lines) a sentence must not be a copy of. */
  instructions?: readonly string[];
  /** Ids that exist; an id-like token (`cluster_7`, `subcluster_2`) in the text that is not one is rejected. */
  knownIds?: ReadonlySet<string>;
}

export type TextRejection =
  | "empty"
  | "too_short"
  | "wrong_script"
  | "incomplete_sentence"
  | "repetitive"
  | "copied_from_prompt"
  | "markup"
  | "unknown_id";

type ScriptRule = { scripts: RegExp; minShare: number; labelShare: number };

// Hangul/Han/kana texts often carry Latin technical terms, so their own script needs only a share of the
// letters; Latin-script languages must be almost all Latin.
const LATIN: ScriptRule = { scripts: /\p{Script=Latin}/u, minShare: 0.85, labelShare: 0.75 };
const SCRIPTS: Record<string, ScriptRule> = {
  ko: { scripts: /\p{Script=Hangul}/u, minShare: 0.35, labelShare: 0 },
  ja: { scripts: /[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}]/u, minShare: 0.35, labelShare: 0 },
  zh: { scripts: /\p{Script=Han}/u, minShare: 0.35, labelShare: 0 },
  ru: { scripts: /\p{Script=Cyrillic}/u, minShare: 0.5, labelShare: 0 },
  uk: { scripts: /\p{Script=Cyrillic}/u, minShare: 0.5, labelShare: 0 },
};
const LATIN_LANGUAGES = new Set([
  "en",
  "de",
  "fr",
  "es",
  "it",
  "pt",
  "nl",
  "sv",
  "da",
  "no",
  "fi",
  "pl",
  "cs",
  "tr",
  "vi",
  "id",
]);
/** For labels in CJK languages: letters may be the language's script or Latin (technical terms), not others. */
const LABEL_FRIENDS =
  /[\p{Script=Latin}\p{Script=Hangul}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

function ruleFor(language: string | undefined): ScriptRule | null {
  if (!language) return null;
  const base = language.toLowerCase().split(/[-_]/)[0] ?? "";
  if (LATIN_LANGUAGES.has(base)) return LATIN;
  return SCRIPTS[base] ?? null;
}

function letters(text: string): string[] {
  return [...text].filter((ch) => /\p{L}/u.test(ch));
}

function scriptOk(text: string, kind: TextKind, language: string | undefined): boolean {
  const rule = ruleFor(language);
  if (!rule) return true;
  const ls = letters(text);
  if (ls.length === 0) return kind === "label";
  const share = (re: RegExp) => ls.filter((ch) => re.test(ch)).length / ls.length;
  if (kind === "label") {
    if (rule === LATIN) return share(LATIN.scripts) >= rule.labelShare;
    // A Korean label may be "Python 데이터" or plain "Kubernetes", never Cyrillic or Thai.
    return share(LABEL_FRIENDS) >= 0.9 || share(rule.scripts) >= 0.5;
  }
  return share(rule.scripts) >= rule.minShare;
}

/** Ends like a sentence: terminal punctuation, optionally followed by closing quotes or brackets. */
const SENTENCE_END = /[.!?。！？…](?:["'”’)\]」』]*)$/u;

function repetitive(text: string): boolean {
  // The same 2+ character unit three times in a row: "playplayplay", "있어운방있어운방있어운방".
  if (/(\p{L}{2,}?)\1{2,}/u.test(text.replace(/[\s,;"']+/g, ""))) return true;
  const words = text
    .toLowerCase()
    .split(/[\s,;]+/)
    .filter(Boolean);
  if (words.length >= 6) {
    const distinct = new Set(words).size;
    if (distinct / words.length < 0.5) return true;
  }
  return false;
}

/** Lower case, no punctuation or spacing: "Key_Themes" and "key themes" compare equal. */
export function normaliseForEcho(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\p{P}\p{S}\s_]+/gu, "")
    .trim();
}

const ID_TOKEN = /\b(?:sub)?cluster_-?\d+\b/gi;

/** null when the text can be used; otherwise why not. */
export function checkText(raw: string | undefined | null, request: TextRequest): TextRejection | null {
  const text = (raw ?? "").trim();
  if (text === "") return "empty";
  const asked = request.minChars ?? (request.kind === "label" ? 2 : 12);
  // Hangul, kana and Han say in one character what Latin scripts say in two or three.
  const min = request.language && /^(?:ko|ja|zh)/i.test(request.language) ? Math.ceil(asked / 2) : asked;
  // JSON or schema fragments leaking into a text field.
  if (/[{}[\]]|":|\\n|<\/?\w+>/.test(text)) return "markup";
  const norm = normaliseForEcho(text);
  if (norm === "") return "too_short";
  for (const echo of request.echoes ?? []) if (normaliseForEcho(echo) === norm) return "copied_from_prompt";
  if (request.kind === "sentence" && norm.length >= 16) {
    for (const instruction of request.instructions ?? [])
      if (normaliseForEcho(instruction).includes(norm)) return "copied_from_prompt";
  }
  if (request.knownIds) {
    for (const m of text.matchAll(ID_TOKEN)) if (!request.knownIds.has(m[0])) return "unknown_id";
  }
  if (repetitive(text)) return "repetitive";
  if (!scriptOk(text, request.kind, request.language)) return "wrong_script";
  if ([...text].length < min) return "too_short";
  if (request.kind === "sentence" && !SENTENCE_END.test(text)) return "incomplete_sentence";
  return null;
}

/** Per-item bookkeeping of checked LLM texts, for metadata and logs (reasons only, never the texts). */
export class TextVerdicts {
  accepted = 0;
  readonly rejected: { item: string; reason: TextRejection | "unknown_id_in_answer" | "duplicate" }[] = [];

  /** Checks `text`; records the verdict under `item`; returns the trimmed text or null. */
  take(item: string, text: string | undefined | null, request: TextRequest): string | null {
    const reason = checkText(text, request);
    if (reason) {
      this.rejected.push({ item, reason });
      return null;
    }
    this.accepted++;
    return (text ?? "").trim();
  }

  reject(item: string, reason: TextRejection | "unknown_id_in_answer" | "duplicate"): void {
    this.rejected.push({ item, reason });
  }

  /** Counts per reason. */
  reasons(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.rejected) out[r.reason] = (out[r.reason] ?? 0) + 1;
    return out;
  }
}

/**
 * The checks that fit a free-form answer (RAG answers and syntheses: paragraphs, lists, code): not empty,
 * not a loop, and in the script of the answer's language once code, URLs and citation markers are set
 * aside (a Korean answer about code is mostly Latin inside its code blocks). Null when usable.
 */
export function checkAnswerText(raw: string, language: string | undefined): TextRejection | null {
  const prose = raw
    .replace(/```[\s\S]*?```/g, " ")
    .replace(/`[^`]*`/g, " ")
    .replace(/https?:\/\/\S+/g, " ")
    .replace(/\[\d+\]/g, " ")
    .trim();
  if (raw.trim() === "") return "empty";
  if (repetitive(raw.slice(-600))) return "repetitive";
  if (prose !== "" && !scriptOk(prose, "sentence", language)) return "wrong_script";
  return null;
}
