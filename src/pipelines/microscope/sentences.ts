/**
 * Sentence spans with Intl.Segmenter (UAX #29 sentence rules, built into Node): it knows CJK full stops
 * (。！？), does not break inside "e.g." followed by a lower-case word, and breaks at line feeds, so markdown
 * list items and headings are units of their own.
 */

export interface Span {
  /** Offsets into the source text; `text` is `source.slice(start, end)`, trimmed. */
  start: number;
  end: number;
  text: string;
}

const segmenter = new Intl.Segmenter("en", { granularity: "sentence" });
// ICU breaks after these in JS (Intl.Segmenter has no abbreviation suppressions): glue the next piece back.
const ABBREVIATION = /(?:^|[\s(])(?:e\.g|i\.e|etc|vs|cf|al|Dr|Mr|Mrs|Ms|Prof|Fig|No|approx)\.$/i;
const words = new Intl.Segmenter("en", { granularity: "word" });

// A line that starts a structure of its own (list item, heading, quote, table row, fence, chat turn).
const STRUCTURAL =
  /^\s{0,3}(?:[-*+•]\s|\d{1,3}[.)]\s|#{1,6}\s|>|\||```|~~~|(?:Q|A|User|Assistant|Human|AI)\s?:)/i;
const FENCE = /^\s{0,3}(?:```|~~~)/;

/**
 * The text with the line feeds of hard-wrapped prose turned into spaces (same length, so offsets hold):
 * UAX #29 breaks at every line feed, which would cut "...written on it. When the\nplayer presses..." into
 * fragments. Line feeds stay where a blank line, a heading, a list item, a table, a fence or a chat turn
 * makes them meaningful, and everywhere inside fenced code.
 */
function unwrapLines(text: string): string {
  if (!text.includes("\n")) return text;
  const chars = text.split("");
  let lineStart = 0;
  let inFence = false;
  while (lineStart < text.length) {
    const nl = text.indexOf("\n", lineStart);
    if (nl < 0) break;
    const line = text.slice(lineStart, nl);
    const nextEnd = text.indexOf("\n", nl + 1);
    const next = text.slice(nl + 1, nextEnd < 0 ? text.length : nextEnd);
    if (FENCE.test(line)) inFence = !inFence;
    const keep =
      inFence ||
      !line.trim() ||
      !next.trim() ||
      STRUCTURAL.test(next) ||
      /^\s{0,3}(?:#{1,6}\s|\|)/.test(line);
    if (!keep) {
      chars[nl] = " ";
      if (nl > 0 && text[nl - 1] === "\r") chars[nl - 1] = " ";
    }
    lineStart = nl + 1;
  }
  return chars.join("");
}

/** Segmenting one long string is superlinear in V8's Intl.Segmenter (150 KB of prose: over a second for
 * sentences, tens of seconds for words), so long texts are segmented in pieces of at most this many
 * characters, cut at a paragraph, a line feed, a sentence end or a space, in that order of preference. */
const MAX_PIECE = 4000;

function pieceEnd(text: string, from: number): number {
  const limit = from + MAX_PIECE;
  if (limit >= text.length) return text.length;
  const window = text.slice(from, limit);
  for (const re of [/\n[ \t]*\n/g, /\n/g, /[.!?。！？][ \t]/g, /\s/g]) {
    let last = -1;
    for (const m of window.matchAll(re)) last = m.index + m[0].length;
    if (last > MAX_PIECE / 4) return from + last;
  }
  return limit;
}

/** Segments of `text` with offsets into `text`, segmenting piece by piece. */
function* segments(segmenter: Intl.Segmenter, text: string): Generator<{ segment: string; index: number }> {
  for (let from = 0; from < text.length; ) {
    const end = pieceEnd(text, from);
    for (const seg of segmenter.segment(text.slice(from, end)))
      yield { segment: seg.segment, index: from + seg.index };
    from = end;
  }
}

/** Trimmed, non-empty sentence spans of `text`, in order (`text` of a span is the original slice). */
export function sentenceSpans(text: string): Span[] {
  const out: Span[] = [];
  for (const seg of segments(segmenter, unwrapLines(text))) {
    const raw = seg.segment;
    const lead = raw.length - raw.trimStart().length;
    const trimmed = raw.trim();
    if (!trimmed) continue;
    const start = seg.index + lead;
    const body = text.slice(start, start + trimmed.length);
    const prev = out[out.length - 1];
    if (prev && ABBREVIATION.test(prev.text) && !text.slice(prev.end, start).includes("\n")) {
      prev.end = start + body.length;
      prev.text = text.slice(prev.start, prev.end);
      continue;
    }
    out.push({ start, end: start + body.length, text: body });
  }
  return out;
}

export function sentences(text: string): string[] {
  return sentenceSpans(text).map((s) => s.text);
}

/** Word-boundary offsets inside `text` (for cutting a sentence that is longer than a chunk). */
export function wordBoundaries(text: string): number[] {
  const out: number[] = [];
  for (const seg of segments(words, text)) out.push(seg.index);
  out.push(text.length);
  return out;
}

/** Shortens to at most `max` characters at a word boundary, with an ellipsis when cut. */
export function clip(text: string, max: number): string {
  const t = text.replace(/\s+/g, " ").trim();
  if (t.length <= max) return t;
  const cut = t.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** A sentence without its leading markdown marker (heading hashes, bullet, quote, number). */
export function plainSentence(text: string): string {
  return text
    .replace(/^\s*(?:#{1,6}|[-*+•>]|\d{1,3}[.)])\s+/, "")
    .replace(/^(?:Q|A|User|Assistant)\s?:\s*/i, "")
    .trim();
}
