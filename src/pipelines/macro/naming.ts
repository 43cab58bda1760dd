/**
 * Cluster names without an LLM (the fallback when no model is configured or the call fails): a 2–5 word
 * name from the cluster's distinctive terms (computed elsewhere, e.g. class-based TF-IDF, best first), a
 * one-sentence description and 3–5 key themes. Terms that repeat words of a better term ("chess" after
 * "chess engine") are skipped so names and themes do not stutter. Names are made unique across clusters.
 */

export interface ClusterLabel {
  name: string;
  description: string;
  key_themes: string[];
}

export interface NamingOptions {
  /** Output language (the request's `language`): "ko" gets Korean wording; anything else English. */
  language?: string;
}

interface Term {
  term: string;
  score?: number;
}

function words(term: string): string[] {
  return term
    .toLowerCase()
    .split(/[\s\-_/·,]+/u)
    .filter((w) => w.length > 0);
}

/** Distinct terms, best first: a term sharing a word with an earlier kept term is dropped. */
export function distinctTerms(terms: readonly Term[], max: number): string[] {
  const used = new Set<string>();
  const out: string[] = [];
  for (const t of terms) {
    const text = t.term.trim();
    if (!text) continue;
    const ws = words(text);
    if (ws.length === 0 || ws.some((w) => used.has(w))) continue;
    for (const w of ws) used.add(w);
    out.push(text);
    if (out.length >= max) break;
  }
  return out;
}

function titleCase(term: string): string {
  // Latin words get a capital; other scripts have no case and stay as they are.
  return term.replace(/(^|[\s-])(\p{Ll})/gu, (_, sep: string, ch: string) => sep + ch.toUpperCase());
}

/** Name, description and themes of one cluster from its distinctive terms. */
export function localClusterLabel(
  terms: readonly Term[],
  size: number,
  index: number,
  opts: NamingOptions = {},
): ClusterLabel {
  const ko = opts.language?.toLowerCase().startsWith("ko") ?? false;
  const themes = distinctTerms(terms, 5);
  if (themes.length === 0) {
    return {
      name: ko ? `주제 ${index + 1}` : `Topic ${index + 1}`,
      description: ko
        ? `공통 핵심어가 뚜렷하지 않은 항목 ${size}개입니다.`
        : `${size} items without a clear common theme.`,
      key_themes: [],
    };
  }
  // Name: the best terms while the name stays within five words (at least two words when possible).
  const parts: string[] = [];
  let count = 0;
  for (const t of themes) {
    const w = words(t).length;
    if (parts.length > 0 && (count + w > 5 || parts.length >= 2)) break;
    parts.push(titleCase(t));
    count += w;
  }
  let name = parts.join(ko ? " · " : " & ");
  if (count < 2) name = ko ? `${name} 관련` : `${name} Topics`;
  const listed = themes.slice(0, 3);
  const description = ko
    ? `${listed.join(", ")} 등을 다루는 항목 ${size}개입니다.`
    : `${size} ${size === 1 ? "item" : "items"} about ${englishList(listed)}.`;
  return { name, description, key_themes: themes };
}

function englishList(xs: string[]): string {
  if (xs.length <= 1) return xs.join("");
  return `${xs.slice(0, -1).join(", ")} and ${xs[xs.length - 1]}`;
}

/**
 * Labels for all clusters (index-aligned with `termsPerCluster` and `sizes`); a name already taken by a
 * larger cluster gets the cluster's next distinct term, or a number.
 */
export function localClusterLabels(
  termsPerCluster: readonly (readonly Term[])[],
  sizes: readonly number[],
  opts: NamingOptions = {},
): ClusterLabel[] {
  const taken = new Set<string>();
  return termsPerCluster.map((terms, c) => {
    const label = localClusterLabel(terms, sizes[c] ?? 0, c, opts);
    let name = label.name;
    if (taken.has(name.toLowerCase())) {
      const extra = label.key_themes.find((t) => !name.toLowerCase().includes(t.toLowerCase()));
      const candidate = extra ? `${label.name.split(/ & | · /u)[0]} & ${titleCase(extra)}` : "";
      name = extra && !taken.has(candidate.toLowerCase()) ? candidate : `${label.name} (${c + 1})`;
    }
    taken.add(name.toLowerCase());
    return { ...label, name };
  });
}
