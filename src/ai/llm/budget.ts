/**
 * Output budgets (max output tokens) for LLM calls. Without one a looping reply ("play","play",…) runs
 * until the server's own cap, and with a paid provider that is money. A budget is an upper bound of what
 * the answer can legitimately need: the characters its schema allows for the number of items the request
 * asks for, converted to tokens for the answer's language, plus JSON overhead. Generous enough that a
 * proper answer never hits it; tight enough that a runaway one stops early.
 */
import { z } from "zod";
import { jsonSchemaOf } from "./structured.js";

/** A call without its own budget gets one from its schema; this is the ceiling of such defaults. */
export const MAX_DEFAULT_BUDGET = 4096;
/** Plain-text calls that name no budget. */
export const DEFAULT_TEXT_BUDGET = 1024;
/** No budget is smaller: short answers still need room for the JSON frame. */
export const MIN_BUDGET = 64;
/** Unbounded strings in a schema are assumed to need this many characters. */
const UNBOUNDED_STRING_CHARS = 300;

const CJK = /^(?:ko|ja|zh)/i;

/**
 * Characters per token, conservatively (few chars per token → more tokens → a larger budget): Latin-script
 * text runs ~4 characters per token on common BPE vocabularies; Hangul, kana and Han ~1 (byte-level
 * vocabularies of small models split them further, hence below 1).
 */
export function charsPerToken(language: string | undefined): number {
  return language && CJK.test(language) ? 0.8 : 3;
}

/** Tokens for `chars` characters of text in `language`, with a 25% margin. */
export function tokensForChars(chars: number, language: string | undefined): number {
  return Math.ceil((Math.max(0, chars) / charsPerToken(language)) * 1.25);
}

export interface BudgetHints {
  /** Items expected in arrays that have no maxItems (e.g. the clusters of one batch). Default 8. */
  items?: number;
  language?: string | undefined;
  /** Upper limit of the result. Default MAX_DEFAULT_BUDGET. */
  cap?: number;
}

type JsonSchema = Record<string, unknown>;

/** Characters of text (in the answer's language) and of JSON punctuation/keys (ASCII) a value may take. */
interface Size {
  text: number;
  ascii: number;
}

function sizeOf(schema: unknown, items: number, depth: number): Size {
  if (!schema || typeof schema !== "object" || depth > 12) return { text: 0, ascii: 16 };
  const s = schema as JsonSchema;
  const alternatives = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (Array.isArray(alternatives)) {
    return alternatives.reduce<Size>(
      (best, alt) => {
        const size = sizeOf(alt, items, depth + 1);
        return size.text + size.ascii > best.text + best.ascii ? size : best;
      },
      { text: 0, ascii: 0 },
    );
  }
  const type = s.type;
  if (type === "string") {
    if (Array.isArray(s.enum)) {
      return { text: 0, ascii: Math.max(...s.enum.map((v) => String(v).length), 1) + 2 };
    }
    const max = typeof s.maxLength === "number" ? s.maxLength : UNBOUNDED_STRING_CHARS;
    return { text: max, ascii: 2 };
  }
  if (type === "number" || type === "integer") return { text: 0, ascii: 12 };
  if (type === "boolean" || type === "null") return { text: 0, ascii: 5 };
  if (type === "array") {
    const n = typeof s.maxItems === "number" ? Math.min(s.maxItems, Math.max(items, 1) * 4) : items;
    const item = sizeOf(s.items, items, depth + 1);
    return { text: item.text * n, ascii: (item.ascii + 2) * n + 2 };
  }
  if (type === "object" || s.properties) {
    const props = (s.properties ?? {}) as Record<string, unknown>;
    let text = 0;
    let ascii = 2;
    for (const [key, value] of Object.entries(props)) {
      const size = sizeOf(value, items, depth + 1);
      text += size.text;
      ascii += size.ascii + key.length + 4;
    }
    return { text, ascii };
  }
  return { text: 0, ascii: 16 };
}

/** The output budget of a structured call: what the schema allows for the expected number of items. */
export function budgetForSchema(schema: z.ZodType | JsonSchema, hints: BudgetHints = {}): number {
  const json = schema instanceof z.ZodType ? jsonSchemaOf(schema) : schema;
  const size = sizeOf(json, hints.items ?? 8, 0);
  // JSON punctuation and keys tokenise at roughly 3 characters per token whatever the language.
  const tokens = tokensForChars(size.text, hints.language) + Math.ceil(size.ascii / 3) + 16;
  return Math.max(MIN_BUDGET, Math.min(hints.cap ?? MAX_DEFAULT_BUDGET, tokens));
}

/** The output budget of a plain-text call expected to be at most `chars` characters long. */
export function budgetForText(chars: number, language: string | undefined, cap = MAX_DEFAULT_BUDGET): number {
  return Math.max(MIN_BUDGET, Math.min(cap, tokensForChars(chars, language) + 16));
}
