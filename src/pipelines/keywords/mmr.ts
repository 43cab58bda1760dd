/**
 * Maximal Marginal Relevance selection over keyword candidates, without embeddings: similarity between
 * two candidates is the larger of (a) word containment (|A ∩ B| / min(|A|, |B|): "chess" vs
 * "chess engine" = 1) and (b) Jaccard similarity of their display strings' character bigrams (catches
 * near-duplicates such as "편집기" / "편집", "gnuchess" / "chess"). Written by hand: a dozen lines, and the
 * KeyBERT-style libraries need an embedding model per candidate.
 */

export interface Scored {
  key: string;
  words: readonly string[];
  display: string;
  /** Relevance in (0, 1]. */
  score: number;
}

function bigrams(s: string): Set<string> {
  const chars = Array.from(s.replace(/\s+/g, ""));
  const out = new Set<string>();
  if (chars.length === 1) out.add(chars[0]!);
  for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i]! + chars[i + 1]!);
  return out;
}

function cachedBigrams(s: string, cache: Map<string, Set<string>>): Set<string> {
  let g = cache.get(s);
  if (!g) {
    g = bigrams(s);
    cache.set(s, g);
  }
  return g;
}

export function candidateSimilarity(a: Scored, b: Scored, cache: Map<string, Set<string>>): number {
  const wa = new Set(a.words);
  let shared = 0;
  for (const w of b.words) if (wa.has(w)) shared++;
  const containment = shared / Math.min(a.words.length, b.words.length);
  const ga = cachedBigrams(a.display, cache);
  const gb = cachedBigrams(b.display, cache);
  let inter = 0;
  for (const g of ga) if (gb.has(g)) inter++;
  const union = ga.size + gb.size - inter;
  return Math.max(containment, union > 0 ? inter / union : 0);
}

/**
 * Picks up to `topN` candidates: each step takes the one maximising
 * (1 - diversity) · score - diversity · max similarity to those already picked. Ties keep input order.
 * Only the best `pool` candidates by score are considered (MMR is quadratic in the pool).
 */
export function mmrSelect(cands: readonly Scored[], topN: number, diversity: number, pool = 60): Scored[] {
  const sorted = [...cands].sort((a, b) => b.score - a.score).slice(0, Math.max(pool, topN));
  const chosen: Scored[] = [];
  const maxSim = new Float64Array(sorted.length);
  const used = new Uint8Array(sorted.length);
  const cache = new Map<string, Set<string>>();
  const seenDisplay = new Set<string>();
  while (chosen.length < topN) {
    let best = -1;
    let bestValue = -Infinity;
    for (let i = 0; i < sorted.length; i++) {
      if (used[i]) continue;
      const v = (1 - diversity) * sorted[i]!.score - diversity * maxSim[i]!;
      if (v > bestValue) {
        bestValue = v;
        best = i;
      }
    }
    if (best < 0) break;
    used[best] = 1;
    const pick = sorted[best]!;
    if (seenDisplay.has(pick.display)) continue;
    seenDisplay.add(pick.display);
    chosen.push(pick);
    for (let i = 0; i < sorted.length; i++) {
      if (!used[i]) maxSim[i] = Math.max(maxSim[i]!, candidateSimilarity(sorted[i]!, pick, cache));
    }
  }
  return chosen;
}
