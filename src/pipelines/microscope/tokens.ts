/**
 * Token counts with the o200k_base BPE (gpt-4o, gpt-4.1, gpt-5, o-series), via `gpt-tokenizer`: pure JS,
 * no native code, so chunk sizes and batch budgets are real model tokens (CJK text is about one token per
 * one or two characters, which a characters/4 estimate gets badly wrong). Other providers' tokenizers
 * differ by a few percent, which the budgets leave room for.
 */
import { countTokens as countO200k } from "gpt-tokenizer/encoding/o200k_base";

export function countTokens(text: string): number {
  return text ? countO200k(text) : 0;
}

/** Keeps about `maxTokens` tokens of `text`, cut at a whitespace boundary when one is near. */
export function truncateToTokens(text: string, maxTokens: number): string {
  const total = countTokens(text);
  if (total <= maxTokens) return text;
  // Characters per token of this text, then one correction step on the actual count.
  let end = Math.floor((text.length * maxTokens) / total);
  const measured = countTokens(text.slice(0, end));
  if (measured > maxTokens) end = Math.floor((end * maxTokens) / measured);
  const space = text.lastIndexOf(" ", end);
  if (space > end * 0.8) end = space;
  return `${text.slice(0, end).trimEnd()}…`;
}
