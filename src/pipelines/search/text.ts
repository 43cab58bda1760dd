/**
 * Which text of a node the search index embeds, and its content hash.
 *
 * The text is the title, then the item's texts in order (a conversation's messages, user and assistant, from
 * the start; a note's sections; a file's pages), joined by newlines. The model reads only its first
 * max-sequence-length tokens (128 for the default model, 256 for all-MiniLM-L6-v2), so this is "the title plus
 * the start of the conversation or note": what a person would recognise the node by, and what the backend's
 * short search queries are closest to. Texts are not windowed over their whole length (the issue asks for a
 * measurement first). The characters are capped before tokenising (a cap well above what the model reads:
 * 12 characters per token, at most SEARCH_TEXT_MAX_CHARS), so a 190 MB document is never tokenised whole.
 *
 * The hash covers everything the vector depends on: the model's name, its weights variant, its maximum
 * sequence length, a version of this text recipe, and the capped text. Equal hash, equal vector.
 */
import { createHash } from "node:crypto";
import type { SourceItem } from "../sources/types.js";

/** Bump when the recipe below changes, so every stored vector is recomputed once. */
export const SEARCH_TEXT_VERSION = "title+texts/v1";

/**
 * The most characters searchText reads of an item, whatever the model: 12 per token for a 512-token model.
 * What a graph build keeps of each item's texts for the search index afterwards (graphGeneration/generate.ts).
 */
export const SEARCH_TEXT_MAX_CHARS = 512 * 12;

export function searchText(item: Pick<SourceItem, "title" | "texts">, maxTokens: number): string {
  const cap = Math.min(SEARCH_TEXT_MAX_CHARS, Math.max(64, maxTokens * 12));
  let out = item.title.trim();
  for (const t of item.texts) {
    if (out.length >= cap) break;
    const piece = t.text.trim();
    if (piece) out = out ? `${out}\n${piece}` : piece;
  }
  return out.slice(0, cap);
}

export interface SearchModelIdentity {
  model: string;
  dtype: string;
  maxTokens: number;
}

export function contentHash(text: string, model: SearchModelIdentity): string {
  return createHash("sha256")
    .update(`${SEARCH_TEXT_VERSION}\0${model.model}\0${model.dtype}\0${model.maxTokens}\0`)
    .update(text)
    .digest("hex")
    .slice(0, 32);
}
