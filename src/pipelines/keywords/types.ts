/** A keyword or key phrase with its relevance, in (0, 1] (1 = the most relevant term of its node or cluster). */
export interface Keyword {
  term: string;
  score: number;
}

export interface KeywordOptions {
  /** Keywords per node. Default 5 (the Python worker's top_n). */
  topN?: number;
  /** Longest phrase, in terms. Default 3. */
  maxNgram?: number;
  /** MMR trade-off: 0 = pure relevance, 1 = pure diversity. Default 0.3. */
  diversity?: number;
  /**
   * A phrase (2+ terms) is a candidate only when it is frequent: in at least this many documents of the
   * corpus, or at least twice in its own document. Default 2.
   */
  minPhraseDf?: number;
}
