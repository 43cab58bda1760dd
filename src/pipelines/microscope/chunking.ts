/**
 * Token-aware chunking (the incumbent's `chunk_document(documents, 400, 80)`, ORIGINAL-PIPELINES §7.1) and
 * the document size guard.
 *
 * A chunk is a contiguous slice of the source text, so it keeps its markdown and can be mapped back to
 * blocks and turns by offset. Units are sentences (sentences.ts; line feeds break too, so headings and list
 * items are units); units are packed greedily up to `maxTokens`, a chunk closes early at a paragraph or
 * heading once it is three quarters full, and the next chunk starts with the last whole sentences of the
 * previous one (up to `overlapTokens`). A sentence longer than a chunk is cut at word boundaries
 * (Intl.Segmenter words, so Korean and Chinese without spaces are cut between words, not inside them).
 * Written by hand: the splitters on npm (LangChain's RecursiveCharacterTextSplitter and ports) count
 * characters or need a tokenizer callback per split and do not know sentence boundaries in CJK text.
 */
import { terminal } from "../../contract/errors.js";
import { sentenceSpans, wordBoundaries } from "./sentences.js";
import { countTokens } from "./tokens.js";

export interface Chunk {
  index: number;
  text: string;
  tokens: number;
  /** Character offsets of `text` in the source (chunks overlap, so start < previous end is normal). */
  start: number;
  end: number;
}

export interface ChunkOptions {
  /** Default 400 (the incumbent's). */
  maxTokens?: number;
  /** Default 80. */
  overlapTokens?: number;
  /** Above this many chunks the document is refused (DOCUMENT_TOO_LARGE). Default DEFAULT_LIMITS.maxChunks. */
  maxChunks?: number;
  /** Index of the first chunk (block mode numbers chunks across blocks). Default 0. */
  firstIndex?: number;
  /** Added to start/end (block mode: the block's offset in the document). Default 0. */
  offset?: number;
}

export interface SizeLimits {
  /** Checked before any work; a cheap guard against absurd inputs. Default 3 000 000. */
  maxChars?: number;
  /**
   * The incumbent refused documents of about 750 chunks and more (`chunks // 25 >= 30`), i.e. roughly
   * 240 000 tokens of new text with 400/80 chunks. Default 750.
   */
  maxChunks?: number;
}

export const DEFAULT_LIMITS = { maxChars: 3_000_000, maxChunks: 750 } as const;
export const DEFAULT_CHUNK_TOKENS = 400;
export const DEFAULT_OVERLAP_TOKENS = 80;

/** Throws terminal DOCUMENT_TOO_LARGE when a measured size is above its limit. */
export function assertDocumentSize(size: { chars?: number; chunks?: number }, limits: SizeLimits = {}): void {
  const maxChars = limits.maxChars ?? DEFAULT_LIMITS.maxChars;
  const maxChunks = limits.maxChunks ?? DEFAULT_LIMITS.maxChunks;
  if (size.chars !== undefined && size.chars > maxChars) {
    throw terminal(
      "DOCUMENT_TOO_LARGE",
      `The document is too large (${size.chars.toLocaleString("en")} characters; the limit is ${maxChars.toLocaleString("en")}).`,
    );
  }
  if (size.chunks !== undefined && size.chunks > maxChunks) {
    throw terminal(
      "DOCUMENT_TOO_LARGE",
      `The document is too large (more than ${maxChunks} chunks of ${DEFAULT_CHUNK_TOKENS} tokens). Split it into smaller files.`,
    );
  }
}

interface Unit {
  start: number;
  end: number;
  tokens: number;
  /** Starts a paragraph (blank line before it) or is a markdown heading. */
  breakBefore: boolean;
  heading?: boolean;
}

const HEADING = /^ {0,3}#{1,6}\s/;

/** Cuts one over-long sentence at word boundaries into pieces of at most `max` tokens. */
function splitLong(text: string, start: number, end: number, max: number): Unit[] {
  const slice = text.slice(start, end);
  const bounds = wordBoundaries(slice);
  const out: Unit[] = [];
  let from = 0;
  let acc = 0;
  for (let i = 1; i < bounds.length; i++) {
    const wordTokens = countTokens(slice.slice(bounds[i - 1]!, bounds[i]!));
    if (acc > 0 && acc + wordTokens > max) {
      out.push(trimmedUnit(text, start + from, start + bounds[i - 1]!, acc, out.length === 0));
      from = bounds[i - 1]!;
      acc = 0;
    }
    acc += wordTokens;
  }
  if (from < slice.length) out.push(trimmedUnit(text, start + from, end, acc, out.length === 0));
  // A single "word" longer than a chunk (a base64 blob, a URL): cut by characters.
  return out.flatMap((u) => (u.tokens > max * 1.5 ? cutByChars(text, u, max) : [u]));
}

function trimmedUnit(text: string, start: number, end: number, tokens: number, breakBefore: boolean): Unit {
  let s = start;
  let e = end;
  while (s < e && /\s/.test(text[s]!)) s++;
  while (e > s && /\s/.test(text[e - 1]!)) e--;
  return { start: s, end: e, tokens, breakBefore };
}

function cutByChars(text: string, u: Unit, max: number): Unit[] {
  const n = Math.ceil(u.tokens / max);
  const step = Math.ceil((u.end - u.start) / n);
  const out: Unit[] = [];
  for (let s = u.start; s < u.end; s += step) {
    const e = Math.min(u.end, s + step);
    out.push({ start: s, end: e, tokens: countTokens(text.slice(s, e)), breakBefore: false });
  }
  return out;
}

function units(text: string, max: number): Unit[] {
  const out: Unit[] = [];
  let prevEnd = 0;
  for (const span of sentenceSpans(text)) {
    const gap = text.slice(prevEnd, span.start);
    const heading = HEADING.test(span.text);
    const breakBefore = out.length === 0 || /\n[ \t]*\n/.test(gap) || heading;
    prevEnd = span.end;
    const tokens = countTokens(span.text);
    if (tokens <= max) out.push({ start: span.start, end: span.end, tokens, breakBefore, heading });
    else {
      const parts = splitLong(text, span.start, span.end, max);
      if (parts[0]) parts[0].breakBefore = breakBefore;
      // One by one: a very long run without sentence ends splits into more parts than a call's arguments.
      for (const p of parts) if (p.end > p.start) out.push(p);
    }
  }
  return out;
}

/** Chunks of `text` (empty for blank text). Throws DOCUMENT_TOO_LARGE past `maxChunks`. */
export function chunkText(text: string, opts: ChunkOptions = {}): Chunk[] {
  const max = Math.max(16, opts.maxTokens ?? DEFAULT_CHUNK_TOKENS);
  const overlap = Math.max(0, Math.min(opts.overlapTokens ?? DEFAULT_OVERLAP_TOKENS, Math.floor(max / 2)));
  const maxChunks = opts.maxChunks ?? DEFAULT_LIMITS.maxChunks;
  const firstIndex = opts.firstIndex ?? 0;
  const offset = opts.offset ?? 0;
  const all = units(text, max);
  const chunks: Chunk[] = [];
  // Each join between units costs about one token (a space or line feed).
  const cost = (us: Unit[]) => us.reduce((s, u) => s + u.tokens, 0) + Math.max(0, us.length - 1);

  const emit = (us: Unit[]) => {
    const start = us[0]!.start;
    const end = us[us.length - 1]!.end;
    const body = text.slice(start, end);
    chunks.push({
      index: firstIndex + chunks.length,
      text: body,
      tokens: countTokens(body),
      start: offset + start,
      end: offset + end,
    });
    assertDocumentSize({ chunks: firstIndex + chunks.length }, { maxChunks });
  };

  let cur: Unit[] = [];
  let fresh = 0; // units of `cur` that are not overlap from the previous chunk
  for (const u of all) {
    const total = cost(cur) + u.tokens + (cur.length ? 1 : 0);
    const full = total > max;
    const goodBreak = u.breakBefore && cost(cur) >= max * 0.75;
    if (fresh > 0 && (full || goodBreak)) {
      emit(cur);
      // Overlap: whole sentences from the end of the chunk, as many as fit in `overlap` tokens, never the
      // whole chunk, and only as many as leave room for the next unit. A chunk that starts a new section
      // (at a heading) gets none: the previous section's tail is other context.
      const tail: Unit[] = [];
      for (let i = cur.length - 1; i > 0 && !(goodBreak && u.heading); i--) {
        const next = [cur[i]!, ...tail];
        if (cost(next) > overlap || cost(next) + u.tokens + 1 > max) break;
        tail.unshift(cur[i]!);
      }
      cur = tail;
      fresh = 0;
    }
    cur.push(u);
    fresh++;
  }
  if (fresh > 0) emit(cur);
  return chunks;
}
