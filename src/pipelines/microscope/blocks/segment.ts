/**
 * Local block segmentation (block mode, ORIGINAL-PIPELINES §7.2). Boundaries are always computed here, so
 * raw_text and turn_range are exact; the LLM (label.ts) only rewrites titles, summaries and key concepts.
 * - Documents and notes: markdown ATX headings (outside fenced code) start sections; a section with almost
 *   no text joins the next one; a section longer than MAX_BLOCK_TOKENS is cut at paragraphs; text without
 *   headings is cut into parts of about PART_TOKENS.
 * - Chats: a block starts at a user question; a following exchange joins it when it is a short follow-up
 *   or shares enough terms with the block (same topic), up to CHAT_BLOCK_TOKENS. turn_range = [first, last]
 *   message index.
 * Either way, at most `maxBlocks` blocks: the adjacent pair with the fewest tokens merges until it fits.
 */
import { terms } from "../../text/index.js";
import { chunkText } from "../chunking.js";
import { countTokens } from "../tokens.js";
import { type ChatTurn, turnText } from "./chat.js";

/** A section with less body than this (a heading with a line under it) joins the next section. */
export const MIN_SECTION_TOKENS = 12;
export const MAX_BLOCK_TOKENS = 1200;
export const PART_TOKENS = 800;
export const CHAT_BLOCK_TOKENS = 600;
/** An exchange this small (a short follow-up) joins the block before it. */
export const CHAT_TINY_TOKENS = 60;
/** Share of the smaller term set two exchanges must have in common to be one topic. */
export const CHAT_TOPIC_OVERLAP = 0.2;
export const DEFAULT_MAX_BLOCKS = 60;

export interface Segment {
  /** The heading or first question the block starts with (the local title). */
  heading: string | undefined;
  /** Document headings from the top down to this block's own heading; [] for chats. */
  heading_path: string[];
  turn_range: [number, number] | null;
  raw_text: string;
  tokens: number;
  /** Chats: the block's first question and first answer (for titles and summaries). */
  question?: string;
  answer?: string;
  /** Part k of n of one long section (1-based), when it was cut. */
  part?: [number, number];
}

export interface SegmentOptions {
  maxBlocks?: number;
}

interface Section {
  level: number;
  heading: string | undefined;
  path: string[];
  start: number;
  end: number;
  bodyTokens: number;
}

const HEADING = /^ {0,3}(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$/;
const FENCE = /^\s{0,3}(?:```|~~~)/;

export function cleanHeading(raw: string): string {
  return raw
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/[*_`~]+/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

function sections(text: string): Section[] {
  const out: Section[] = [];
  const path: { level: number; title: string }[] = [];
  let inFence = false;
  let cur: Section = { level: 0, heading: undefined, path: [], start: 0, end: text.length, bodyTokens: 0 };
  let offset = 0;
  for (const line of text.split("\n")) {
    const lineStart = offset;
    offset += line.length + 1;
    if (FENCE.test(line)) inFence = !inFence;
    const m = inFence ? null : HEADING.exec(line);
    if (!m) continue;
    cur.end = lineStart;
    out.push(cur);
    const level = m[1]!.length;
    const title = cleanHeading(m[2]!);
    while (path.length && path[path.length - 1]!.level >= level) path.pop();
    path.push({ level, title });
    cur = {
      level,
      heading: title,
      path: path.map((p) => p.title),
      start: lineStart,
      end: text.length,
      bodyTokens: 0,
    };
  }
  out.push(cur);
  for (const s of out) {
    const body = text.slice(s.start, s.end);
    s.bodyTokens = countTokens(s.heading === undefined ? body : body.replace(/^[^\n]*\n?/, ""));
  }
  return out.filter((s) => text.slice(s.start, s.end).trim().length > 0);
}

export function segmentDocument(text: string, opts: SegmentOptions = {}): Segment[] {
  const secs = sections(text);
  // Small sections join the next one; the block keeps the heading of its largest part.
  const merged: { secs: Section[] }[] = [];
  let pending: Section[] = [];
  for (const s of secs) {
    pending.push(s);
    if (s.bodyTokens >= MIN_SECTION_TOKENS) {
      merged.push({ secs: pending });
      pending = [];
    }
  }
  if (pending.length) {
    const last = merged[merged.length - 1];
    // One by one: the trailing short sections may be more than a call's arguments.
    if (last) for (const p of pending) last.secs.push(p);
    else merged.push({ secs: pending });
  }
  const out: Segment[] = [];
  for (const group of merged) {
    const lead = group.secs.reduce((a, b) => (b.bodyTokens > a.bodyTokens ? b : a));
    const start = group.secs[0]!.start;
    const end = group.secs[group.secs.length - 1]!.end;
    const raw = text.slice(start, end).trim();
    const tokens = countTokens(raw);
    if (tokens <= MAX_BLOCK_TOKENS) {
      out.push({ heading: lead.heading, heading_path: lead.path, turn_range: null, raw_text: raw, tokens });
      continue;
    }
    const parts = chunkText(raw, {
      maxTokens: PART_TOKENS,
      overlapTokens: 0,
      maxChunks: Number.MAX_SAFE_INTEGER,
    });
    parts.forEach((p, k) => {
      out.push({
        heading: lead.heading,
        heading_path: lead.path,
        turn_range: null,
        raw_text: p.text,
        tokens: p.tokens,
        part: [k + 1, parts.length],
      });
    });
  }
  return capBlocks(out, opts.maxBlocks ?? DEFAULT_MAX_BLOCKS, (a, b) => ({
    ...a,
    raw_text: `${a.raw_text}\n\n${b.raw_text}`,
    tokens: a.tokens + b.tokens,
    ...(a.part && b.part && a.heading === b.heading
      ? { part: [a.part[0], b.part[1]] as [number, number] }
      : {}),
  }));
}

interface Exchange {
  first: number;
  last: number;
  question?: string;
  answer?: string;
  text: string;
  tokens: number;
  terms: Set<string>;
}

function overlap(a: Set<string>, b: Set<string>): number {
  if (!a.size || !b.size) return 0;
  let shared = 0;
  for (const t of b) if (a.has(t)) shared++;
  return shared / Math.min(a.size, b.size);
}

export function segmentChat(turns: readonly ChatTurn[], opts: SegmentOptions = {}): Segment[] {
  const exchanges: Exchange[] = [];
  turns.forEach((turn, i) => {
    if (!turn.content.trim()) return;
    const last = exchanges[exchanges.length - 1];
    const text = turnText(turn);
    if (turn.role === "user" || !last) {
      exchanges.push({
        first: i,
        last: i,
        ...(turn.role === "user" ? { question: turn.content.trim() } : { answer: turn.content.trim() }),
        text,
        tokens: countTokens(text),
        terms: new Set(terms(turn.content)),
      });
      return;
    }
    last.last = i;
    last.answer ??= turn.content.trim();
    last.text += `\n\n${text}`;
    last.tokens += countTokens(text);
    for (const t of terms(turn.content)) last.terms.add(t);
  });
  const blocks: (Exchange & { n: number })[] = [];
  for (const ex of exchanges) {
    const cur = blocks[blocks.length - 1];
    const join =
      cur &&
      cur.tokens + ex.tokens <= CHAT_BLOCK_TOKENS &&
      (ex.tokens < CHAT_TINY_TOKENS || overlap(cur.terms, ex.terms) >= CHAT_TOPIC_OVERLAP);
    if (!join) {
      blocks.push({ ...ex, terms: new Set(ex.terms), n: 1 });
      continue;
    }
    cur.last = ex.last;
    cur.text += `\n\n${ex.text}`;
    cur.tokens += ex.tokens;
    cur.answer ??= ex.answer;
    cur.n++;
    for (const t of ex.terms) cur.terms.add(t);
  }
  const segs: Segment[] = blocks.map((b) => ({
    heading: b.question,
    heading_path: [],
    turn_range: [b.first, b.last],
    raw_text: b.text,
    tokens: b.tokens,
    ...(b.question ? { question: b.question } : {}),
    ...(b.answer ? { answer: b.answer } : {}),
  }));
  return capBlocks(segs, opts.maxBlocks ?? DEFAULT_MAX_BLOCKS, (a, b) => ({
    ...a,
    turn_range: [a.turn_range![0], b.turn_range![1]],
    raw_text: `${a.raw_text}\n\n${b.raw_text}`,
    tokens: a.tokens + b.tokens,
  }));
}

/** Merges the adjacent pair with the fewest tokens until at most `max` segments remain. */
function capBlocks(segs: Segment[], max: number, merge: (a: Segment, b: Segment) => Segment): Segment[] {
  const out = [...segs];
  while (out.length > Math.max(1, max)) {
    let best = 0;
    for (let i = 1; i + 1 < out.length; i++) {
      if (out[i]!.tokens + out[i + 1]!.tokens < out[best]!.tokens + out[best + 1]!.tokens) best = i;
    }
    out.splice(best, 2, merge(out[best]!, out[best + 1]!));
  }
  return out;
}
