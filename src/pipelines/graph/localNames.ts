/**
 * LLM-free cluster labels from a cluster's distinctive terms (class-based TF-IDF): a name of its top terms,
 * a factual one-sentence description and 3–5 key themes, in the output language where a template exists.
 */
import type { ClusterLabel } from "../naming/clusterNames.js";

function capitalise(term: string): string {
  return /^[a-z]/.test(term) ? term[0]!.toUpperCase() + term.slice(1) : term;
}

/** Drops terms that repeat a word of a term already taken ("game", "games engine" → keep one). */
function distinct(terms: readonly string[], max: number): string[] {
  const out: string[] = [];
  const words = new Set<string>();
  for (const t of terms) {
    const ws = t.toLowerCase().split(/\s+/);
    if (ws.some((w) => words.has(w))) continue;
    out.push(t);
    for (const w of ws) words.add(w);
    if (out.length === max) break;
  }
  return out;
}

export function localClusterLabel(
  terms: readonly string[],
  size: number,
  language: string | undefined,
  fallbackId: string,
): ClusterLabel {
  const top = distinct(terms, 3);
  const themes = distinct(terms, 5);
  const lang = (language ?? "en").toLowerCase().split(/[-_]/)[0];
  if (top.length === 0) {
    const name =
      lang === "ko" ? `주제 ${fallbackId.replace(/\D+/g, "")}` : `Topic ${fallbackId.replace(/\D+/g, "")}`;
    return { name, description: "", key_themes: [] };
  }
  // Two to five words: the top terms, each one to two words long.
  let name = top.map(capitalise).join(", ");
  const words = name.split(/\s+/);
  if (words.length > 5) name = words.slice(0, 5).join(" ").replace(/,$/, "");
  const list = themes.join(", ");
  const description =
    lang === "ko"
      ? `${size}개 항목의 주제: ${list}.`
      : lang === "zh"
        ? `${size} 个项目，主题：${list}。`
        : lang === "ja"
          ? `${size} 件の項目。主なテーマ：${list}。`
          : `${size} item${size === 1 ? "" : "s"} about ${list}.`;
  return { name, description, key_themes: themes.length >= 3 ? themes : themes.concat(top).slice(0, 3) };
}

/**
 * Removes from each cluster's term list the terms that top many clusters (corpus-wide words such as
 * "package" or "file" in a software corpus): they describe the whole corpus, not the cluster. Keeps at least
 * three terms per cluster.
 */
export function dropSharedTerms(clusterTerms: readonly (readonly string[])[]): string[][] {
  const counts = new Map<string, number>();
  for (const terms of clusterTerms) for (const t of new Set(terms)) counts.set(t, (counts.get(t) ?? 0) + 1);
  const limit = Math.max(2, Math.floor(clusterTerms.length / 4));
  return clusterTerms.map((terms) => {
    const kept = terms.filter((t) => (counts.get(t) ?? 0) <= limit);
    return kept.length >= 3
      ? kept
      : [...kept, ...terms.filter((t) => !kept.includes(t))].slice(0, Math.max(3, kept.length));
  });
}
