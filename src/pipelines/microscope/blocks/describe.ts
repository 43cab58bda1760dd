/**
 * Local block labels: title from the heading or first question (else the first sentence), summary from the
 * first sentences of the body (chats: of the first answer), key concepts from the block's key phrases
 * (TF-IDF over the document's blocks). Block ids are `blk_0001`, … in reading order: stable for the same
 * input and unique within the document.
 */
import { keyPhrases } from "../extract/phrases.js";
import { PHRASES, type PhraseLanguage } from "../i18n.js";
import { clip, plainSentence, sentences } from "../sentences.js";
import type { Segment } from "./segment.js";

export const KEY_CONCEPTS = 5;
export const MAX_TITLE_CHARS = 80;
export const MAX_SUMMARY_CHARS = 240;

export interface LabeledBlock extends Segment {
  block_id: string;
  order_index: number;
  title: string;
  summary: string;
  key_concepts: string[];
}

export function blockId(i: number): string {
  return `blk_${String(i + 1).padStart(4, "0")}`;
}

/** The first sentences of `text` (markdown markers off) until about 80 characters or two sentences. */
export function leadSentences(text: string, skipHeading: boolean): string {
  const out: string[] = [];
  let length = 0;
  for (const raw of sentences(text)) {
    if (skipHeading && /^\s{0,3}#{1,6}\s/.test(raw)) continue;
    const s = plainSentence(raw);
    if (!s) continue;
    out.push(s);
    length += s.length;
    if (length >= 80 || out.length >= 2) break;
  }
  return clip(out.join(" "), MAX_SUMMARY_CHARS);
}

export function describeLocally(segments: readonly Segment[], lang: PhraseLanguage): LabeledBlock[] {
  const phrases = keyPhrases(
    segments.map((s) => s.raw_text),
    () => KEY_CONCEPTS,
  );
  return segments.map((s, i) => {
    const firstSentence = leadSentences(s.question ?? s.raw_text, true).split(/(?<=[.!?。！？])\s/)[0] ?? "";
    let title = s.heading ? clip(s.heading, MAX_TITLE_CHARS) : clip(firstSentence, MAX_TITLE_CHARS);
    if (!title) title = PHRASES[lang].untitled(i + 1);
    if (s.part && s.part[1] > 1) title = PHRASES[lang].part(title, s.part[0], s.part[1]);
    const summary = s.answer ? leadSentences(s.answer, false) : leadSentences(s.raw_text, true);
    return {
      ...s,
      block_id: blockId(i),
      order_index: i,
      title,
      summary: summary || title,
      key_concepts: phrases[i]!.map((p) => p.name),
    };
  });
}
