/**
 * Evidence grounded in the chunk: the model's quote is kept only when it really occurs in the chunk text
 * (whitespace and case folded); otherwise the chunk's sentence that names both endpoints (or one of them)
 * replaces it. The FE shows evidence as a quote from the document, so an invented one is worse than none.
 */
import { clip, sentences } from "../sentences.js";

export const MAX_EVIDENCE_CHARS = 300;

const fold = (s: string) => s.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();

interface Prepared {
  folded: string;
  sentences: { text: string; folded: string }[];
}

/** Per-chunk folded text and sentences, computed once and shared by every edge of the chunk. */
export class ChunkTexts {
  readonly #texts: Map<number, string>;
  readonly #prepared = new Map<number, Prepared>();

  constructor(chunks: readonly { index: number; text: string }[]) {
    this.#texts = new Map(chunks.map((c) => [c.index, c.text]));
  }

  has(index: number): boolean {
    return this.#texts.has(index);
  }

  #get(index: number): Prepared | undefined {
    let p = this.#prepared.get(index);
    if (p) return p;
    const text = this.#texts.get(index);
    if (text === undefined) return undefined;
    p = { folded: fold(text), sentences: sentences(text).map((s) => ({ text: s, folded: fold(s) })) };
    this.#prepared.set(index, p);
    return p;
  }

  /** Whether the chunk mentions `name` (or, for "long form (SHORT)", either part). */
  mentions(index: number, name: string): boolean {
    const p = this.#get(index);
    return !!p && nameForms(name).some((f) => p.folded.includes(f));
  }

  /** The first sentence of the chunk that mentions `name`. */
  sentenceWith(index: number, name: string): string | undefined {
    const forms = nameForms(name);
    return this.#get(index)?.sentences.find((s) => forms.some((f) => s.folded.includes(f)))?.text;
  }

  /** A verified quote for an edge, and whether the model's own quote had to be replaced. */
  evidence(
    index: number,
    quote: string | undefined,
    start: string,
    target: string,
    fallback: string,
  ): { evidence: string; replaced: boolean } {
    const p = this.#get(index);
    const q = cleanQuote(quote ?? "");
    if (!p) return { evidence: clip(q || fallback, MAX_EVIDENCE_CHARS), replaced: false };
    if (q.length >= 4 && p.folded.includes(fold(q)))
      return { evidence: clip(q, MAX_EVIDENCE_CHARS), replaced: false };
    const a = nameForms(start);
    const b = nameForms(target);
    const has = (s: { folded: string }, forms: string[]) => forms.some((f) => s.folded.includes(f));
    const both = p.sentences.find((s) => has(s, a) && has(s, b));
    const one = both ?? p.sentences.find((s) => has(s, a) || has(s, b));
    if (one) return { evidence: clip(one.text, MAX_EVIDENCE_CHARS), replaced: q.length > 0 };
    return { evidence: clip(q || fallback, MAX_EVIDENCE_CHARS), replaced: false };
  }
}

/** Folded forms to look for: the name, and both parts of "long form (SHORT)". */
function nameForms(name: string): string[] {
  const f = fold(name);
  const m = /^(.+?)\s*\((.+)\)$/.exec(f);
  return m ? [f, m[1]!.trim(), m[2]!.trim()].filter((x) => x.length > 0) : f ? [f] : [];
}

function cleanQuote(q: string): string {
  return q
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^["'“”‘’「」『』]+|["'“”‘’「」『』]+$/g, "")
    .replace(/^(?:\.\.\.|…)\s*|\s*(?:\.\.\.|…)$/g, "")
    .trim();
}
