/**
 * Every item's tokens in a compact form, for the graph build's later stages (embedder fit, keywords, cluster
 * terms), which each read the tokens again. A Token[] per document costs an object and two strings per token
 * (about 100 bytes); here each distinct token (term, surface, script, joined) is stored once and a document is
 * a run of 4-byte ids in one growing Int32Array. `doc(i)` gives back Token objects equal to what `tokenize`
 * produced (the shared instances), so every stage computes exactly what it computed on the original lists.
 */
import type { TermSequence } from "../../ai/embeddings/local/model.js";
import type { Token } from "../text/tokenize.js";

/**
 * A fresh copy of a string: a token's term may be a slice of the text it came from, and V8 keeps a sliced
 * string's whole parent alive, so one kept token would otherwise pin a message's full text.
 */
function detached(s: string): string {
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}

export class TokenCorpus {
  private readonly index = new Map<string, number>();
  private readonly distinct: Token[] = [];
  private ids = new Int32Array(1 << 16);
  private used = 0;
  /** Document d's ids are ids[starts[d] … starts[d + 1]). */
  private readonly starts: number[] = [0];

  get size(): number {
    return this.starts.length - 1;
  }

  /** Appends one document's tokens (as `tokenize` returned them). */
  add(tokens: readonly Token[]): void {
    this.reserve(tokens.length);
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      const key = `${t.joined ? 1 : 0}${t.script}\u0000${t.term}\u0000${t.surface}`;
      let id = this.index.get(key);
      if (id === undefined) {
        id = this.distinct.length;
        this.index.set(key, id);
        const term = detached(t.term);
        this.distinct.push({
          term,
          surface: t.surface === t.term ? term : detached(t.surface),
          script: t.script,
          joined: t.joined,
        });
      }
      this.ids[this.used++] = id;
    }
    this.starts.push(this.used);
  }

  /** The number of tokens of document d. */
  length(d: number): number {
    return this.starts[d + 1]! - this.starts[d]!;
  }

  /** Document d's tokens (shared, read-only Token objects). */
  doc(d: number): Token[] {
    const from = this.starts[d]!;
    const to = this.starts[d + 1]!;
    const out = new Array<Token>(to - from);
    for (let i = from; i < to; i++) out[i - from] = this.distinct[this.ids[i]!]!;
    return out;
  }

  /** Document d as the local embedder reads it (what termSequence(doc(d)) gives). */
  sequence(d: number): TermSequence {
    const from = this.starts[d]!;
    const to = this.starts[d + 1]!;
    const terms = new Array<string>(to - from);
    const joined = new Uint8Array(to - from);
    for (let i = from; i < to; i++) {
      const t = this.distinct[this.ids[i]!]!;
      terms[i - from] = t.term;
      joined[i - from] = t.joined ? 1 : 0;
    }
    return { terms, joined };
  }

  /** Drops the lookup table once every document is in (doc and sequence do not need it). */
  seal(): void {
    this.index.clear();
    if (this.ids.length > this.used) this.ids = this.ids.slice(0, this.used);
  }

  private reserve(more: number): void {
    if (this.used + more <= this.ids.length) return;
    let size = this.ids.length;
    while (size < this.used + more) size *= 2;
    const grown = new Int32Array(size);
    grown.set(this.ids.subarray(0, this.used));
    this.ids = grown;
  }
}
