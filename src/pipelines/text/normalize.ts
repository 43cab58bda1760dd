/**
 * The one canonical text clean-up used before embedding and keyword extraction (macro graph and add_node
 * alike, so both put items in the same space: ORIGINAL-PIPELINES §4.2, §12 "Silent truncation").
 *
 * Steps, in order: NFKC; drop fenced code blocks, HTML comments/script/style, HTML tags (and decode the
 * common entities); turn markdown links/images into their text; drop URLs and e-mail addresses; drop chat
 * citation artefacts (【4:0†source】, [3†source], the private-use `cite` markers and their plain-text
 * leftovers such as "citeturn0search3"); inline code (see below); markdown markers and horizontal rules;
 * emoji; zero-width and control characters; collapse all whitespace to single spaces.
 *
 * Written by hand: these are a handful of regular expressions for chat-transcript artefacts that no
 * markdown/HTML library strips the way we need (we want the prose, not a rendering).
 */

export interface NormalizeOptions {
  /** Lower-case the result (the Python macro recipe embedded lower-cased text). Default false. */
  lowercase?: boolean;
  /**
   * Inline `code`: "identifiers" (default) keeps the content when it is a single identifier-like word
   * (`numpy`, `gnuplot`, `node.js`), which usually names the topic, and drops anything longer (commands,
   * expressions). "remove" drops all inline code, as the Python worker did.
   */
  inlineCode?: "identifiers" | "remove";
}

const FENCED_BACKTICK = /(^|\n)[ \t]*```[^\n]*\n[\s\S]*?\n[ \t]*```[ \t]*(?=\n|$)/g;
const FENCED_TILDE = /(^|\n)[ \t]*~~~[^\n]*\n[\s\S]*?\n[ \t]*~~~[ \t]*(?=\n|$)/g;
// An unclosed fence: drop only the fence line so the rest of the message survives.
const FENCE_LINE = /^[ \t]*(?:```|~~~)[^\n]*$/gm;
const HTML_COMMENT = /<!--[\s\S]*?-->/g;
const HTML_SCRIPT_STYLE = /<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
// A tag name right after "<" (so "a < b > c" in prose survives).
const HTML_TAG = /<\/?[a-zA-Z][a-zA-Z0-9:-]*(?:\s[^<>]*)?\/?>/g;
const MD_IMAGE = /!\[([^\]\n]*)\]\([^)\n]*\)/g;
const MD_LINK = /\[([^\]\n]+)\]\((?:[^()\n]|\([^()\n]*\))*\)/g;
// A URL ends before trailing sentence punctuation ("see www.x.org, then").
const URL = /\b(?:(?:https?|ftp|file):\/\/|www\.)[^\s<>"'`]*[^\s<>"'`.,;:!?)\]}]/gi;
const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;
// ChatGPT file/browse citations. Only lenticular brackets that look like citations are removed, because
// 【…】 is also ordinary CJK punctuation around titles (【公告】).
const CITATION_LENTICULAR = /【[^【】\n]{0,120}?(?:†|\d+:\d+|turn\d)[^【】\n]{0,120}?】/g;
const CITATION_DAGGER = /\[\d+(?::\d+)?†[^\]\n]{0,80}\]/g;
// U+E200 … U+E201 wrap the "cite"/"filecite"/"navlist" markers in raw ChatGPT exports.
const CITATION_PRIVATE_USE = /\uE200[^\uE201]{0,500}\uE201/g;
const PRIVATE_USE_MARKERS = /[\uE200-\uE2FF]/g;
// Their plain-text leftovers once the private-use characters are lost: "citeturn0search3turn0news1".
const CITATION_PLAIN = /\b(?:cite|filecite|navlist)?\s?(?:turn\d+[a-z]+\d+(?:L\d+(?:-L\d+)?)?)+/gi;
const INLINE_CODE = /`([^`\n]+)`/g;
const IDENTIFIER = /^[\p{L}][\p{L}\p{N}._+#-]{0,39}$/u;
const MD_HEADING = /^[ \t]{0,3}#{1,6}[ \t]+/gm;
const MD_RULE = /^[ \t]*([-*_])(?:[ \t]*\1){2,}[ \t]*$/gm;
const MD_QUOTE = /^[ \t]*>+[ \t]?/gm;
const MD_BULLET = /^[ \t]*(?:[-*+•]|\d{1,3}[.)])[ \t]+/gm;
const MD_EMPHASIS = /(\*\*|__|~~)(?=\S)([\s\S]*?\S)\1/g;
const MD_TABLE_RULE = /^[ \t]*\|?(?:[ \t]*:?-{3,}:?[ \t]*\|)+[ \t]*:?-{0,}:?[ \t]*$/gm;
// Pictographs plus the invisible parts of emoji sequences: ZWJ, variation selectors, skin tones,
// regional-indicator flags, keycap and tag characters.
const EMOJI =
  /\p{Extended_Pictographic}|[\u{1F3FB}-\u{1F3FF}\u{1F1E6}-\u{1F1FF}\u{E0020}-\u{E007F}]|\u20E3|\uFE0E|\uFE0F|\u200D/gu;
const INVISIBLE = /[\u200B-\u200C\u200E\u200F\u2060\uFEFF\u00AD]/g;
// Control characters except tab/newline/carriage return (those are whitespace and get collapsed).
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
const WHITESPACE = /\s+/g;
const NON_ASCII = /[^\p{ASCII}]/u;

const NAMED_ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
  ndash: "–",
  mdash: "—",
  hellip: "…",
  laquo: "«",
  raquo: "»",
  copy: "©",
  reg: "®",
};
const ENTITY = /&(?:#(\d{1,7})|#x([0-9a-fA-F]{1,6})|([a-zA-Z]{2,8}));/g;

function decodeEntities(text: string): string {
  return text.replace(
    ENTITY,
    (whole, dec: string | undefined, hex: string | undefined, name: string | undefined) => {
      const code = dec !== undefined ? Number(dec) : hex !== undefined ? Number.parseInt(hex, 16) : undefined;
      if (code !== undefined) return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : " ";
      return NAMED_ENTITIES[name!.toLowerCase()] ?? whole;
    },
  );
}

/** Cleans one text for embedding and tokenisation. */
export function normalizeText(text: string, opts: NormalizeOptions = {}): string {
  if (!text) return "";
  // Each step is guarded by a cheap indexOf so that plain prose costs a handful of scans, not twenty.
  let t = text.normalize("NFKC");
  if (t.includes("\r")) t = t.replace(/\r\n?/g, "\n");
  if (t.includes("```") || t.includes("~~~")) {
    t = t.replace(FENCED_BACKTICK, "$1 ").replace(FENCED_TILDE, "$1 ").replace(FENCE_LINE, " ");
  }
  if (t.includes("<"))
    t = t.replace(HTML_COMMENT, " ").replace(HTML_SCRIPT_STYLE, " ").replace(HTML_TAG, " ");
  if (t.includes("&")) t = decodeEntities(t);
  if (t.includes("](")) t = t.replace(MD_IMAGE, " $1 ").replace(MD_LINK, "$1");
  if (t.includes("://") || t.includes("www.")) t = t.replace(URL, " ");
  if (t.includes("@")) t = t.replace(EMAIL, " ");
  if (t.includes("\uE200") || t.includes("\uE201") || t.includes("\uE202")) {
    t = t.replace(CITATION_PRIVATE_USE, " ").replace(PRIVATE_USE_MARKERS, " ");
  }
  if (t.includes("【")) t = t.replace(CITATION_LENTICULAR, " ");
  if (t.includes("†")) t = t.replace(CITATION_DAGGER, " ");
  if (t.includes("turn")) t = t.replace(CITATION_PLAIN, " ");
  if (t.includes("`")) {
    const keepIdentifiers = (opts.inlineCode ?? "identifiers") === "identifiers";
    t = t.replace(INLINE_CODE, (_m, code: string) => {
      const c = code.trim();
      return keepIdentifiers && IDENTIFIER.test(c) ? ` ${c} ` : " ";
    });
  }
  if (t.includes("---") || t.includes("***") || t.includes("___") || t.includes("|")) {
    t = t.replace(MD_TABLE_RULE, " ").replace(MD_RULE, " ").replace(/\|/g, " ");
  }
  if (t.includes("#")) t = t.replace(MD_HEADING, "");
  if (t.includes(">")) t = t.replace(MD_QUOTE, "");
  t = t.replace(MD_BULLET, "");
  if (t.includes("**") || t.includes("__") || t.includes("~~")) t = t.replace(MD_EMPHASIS, "$2");
  if (NON_ASCII.test(t)) t = t.replace(EMOJI, " ").replace(INVISIBLE, "");
  t = t.replace(CONTROL, " ").replace(WHITESPACE, " ").trim();
  return opts.lowercase ? t.toLowerCase() : t;
}
