/**
 * Distinctive terms per group of documents (cluster naming without an LLM): class-based TF-IDF as in
 * BERTopic, weight(t, c) = tf(t, c) / |c| · ln(1 + A / f(t)), where tf(t, c) sums the term's sublinear
 * frequency over the class's documents (so one long document cannot dominate its cluster), |c| is the
 * class's total, A the average class total and f(t) the term's total over all classes. Then MMR.
 */
import type { Token } from "../text/tokenize.js";
import { documentCandidates } from "./candidates.js";
import { roundScore } from "./extract.js";
import { mmrSelect, type Scored } from "./mmr.js";
import type { Keyword, KeywordOptions } from "./types.js";

export type GroupId = string | number;

interface ClassTerm {
  words: string[];
  weight: number;
  docs: number;
  displays: Map<string, number>;
}

/**
 * `groups[i]` is document i's cluster (null/undefined: not in any cluster, still counted in f(t)).
 * Returns the top terms of every cluster, best first.
 */
export function clusterKeywords(
  docs: readonly (readonly Token[])[],
  groups: readonly (GroupId | null | undefined)[],
  opts: KeywordOptions = {},
): Map<GroupId, Keyword[]> {
  if (groups.length !== docs.length)
    throw new RangeError("clusterKeywords: one group per document is required");
  const maxNgram = opts.maxNgram ?? 3;
  const minPhraseDf = opts.minPhraseDf ?? 2;
  const classes = new Map<GroupId, Map<string, ClassTerm>>();
  const classSize = new Map<GroupId, number>();
  const total = new Map<string, number>();
  docs.forEach((doc, i) => {
    const g = groups[i];
    const cands = documentCandidates(doc, maxNgram);
    let terms: Map<string, ClassTerm> | undefined;
    if (g !== null && g !== undefined) {
      terms = classes.get(g);
      if (!terms) {
        terms = new Map();
        classes.set(g, terms);
      }
    }
    let size = 0;
    for (const c of cands.values()) {
      const w = 1 + Math.log(c.tf);
      total.set(c.key, (total.get(c.key) ?? 0) + w);
      if (!terms) continue;
      size += w;
      let t = terms.get(c.key);
      if (!t) {
        t = { words: c.words, weight: 0, docs: 0, displays: new Map() };
        terms.set(c.key, t);
      }
      t.weight += w;
      t.docs++;
      t.displays.set(c.display, (t.displays.get(c.display) ?? 0) + 1);
    }
    if (g !== null && g !== undefined) classSize.set(g, (classSize.get(g) ?? 0) + size);
  });
  let avg = 0;
  for (const s of classSize.values()) avg += s;
  avg = classes.size > 0 ? avg / classes.size : 0;

  const classDocs = new Map<GroupId, number>();
  for (const g of groups) if (g !== null && g !== undefined) classDocs.set(g, (classDocs.get(g) ?? 0) + 1);
  const out = new Map<GroupId, Keyword[]>();
  for (const [g, terms] of classes) {
    const size = classSize.get(g) || 1;
    // In a cluster of several documents, a term from a single document does not describe the cluster.
    const minDocs = (classDocs.get(g) ?? 0) >= 4 ? 2 : 1;
    const scored: Scored[] = [];
    for (const [key, t] of terms) {
      // Phrases must recur: in two documents of the class, or twice overall.
      if (t.docs < minDocs) continue;
      if (t.words.length > 1 && t.docs < minPhraseDf && t.weight < 2) continue;
      let display = "";
      let best = -1;
      for (const [d, n] of t.displays) {
        if (n > best) {
          best = n;
          display = d;
        }
      }
      const w = (t.weight / size) * Math.log(1 + avg / (total.get(key) ?? t.weight));
      scored.push({ key, words: t.words, display, score: w });
    }
    let max = 0;
    for (const s of scored) max = Math.max(max, s.score);
    for (const s of scored) s.score = max > 0 ? s.score / max : 0;
    out.set(
      g,
      mmrSelect(
        scored.filter((s) => s.score > 0),
        opts.topN ?? 10,
        opts.diversity ?? 0.3,
      ).map((s) => ({ term: s.display, score: roundScore(s.score) })),
    );
  }
  return out;
}
