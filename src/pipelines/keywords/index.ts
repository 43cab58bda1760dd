/** Keywords per node (TF-IDF + MMR) and distinctive terms per cluster (class-based TF-IDF), over tokenised docs. */
export { type Candidate, documentCandidates } from "./candidates.js";
export { clusterKeywords, type GroupId } from "./clusters.js";
export {
  buildKeywordStats,
  buildKeywordStatsOf,
  extractKeywords,
  extractKeywordsOf,
  type KeywordStats,
  keywordsForDoc,
  type TokenDocs,
} from "./extract.js";
export { candidateSimilarity, mmrSelect, type Scored } from "./mmr.js";
export type { Keyword, KeywordOptions } from "./types.js";
