/**
 * The macro (knowledge-graph) pipeline's algorithms, pure and seeded, on plain arrays: neighbour search,
 * clustering (spherical k-means, k by silhouette), similarity edges, refinement, Louvain subclusters and
 * clustering metrics. Naming and graph.json/features.json assembly live in src/pipelines/graph/.
 */
export {
  type ClusterOptions,
  type ClusterResult,
  clusterId,
  clusterVectors,
  type KSelection,
} from "./cluster.js";
export {
  buildSimilarityEdges,
  type EdgeConfidence,
  type EdgeOptions,
  type EdgeSet,
  edgesFromNeighbours,
  type SimilarityEdge,
} from "./edges.js";
export { assignToCentroids, type KMeansOptions, type KMeansResult, sphericalKMeans } from "./kmeans.js";
export { adjustedRandIndex, type ClusteringScores, clusteringScores, vMeasure } from "./metrics.js";
export { type NeighbourOptions, type Neighbours, nearestNeighbours } from "./neighbours.js";
export {
  type MacroAlgorithmOptions,
  type MacroAlgorithmResult,
  type MacroStage,
  runMacroAlgorithms,
} from "./pipeline.js";
export { Rng } from "./random.js";
export { type Projection, principalDirections, project, reduceDimensions } from "./reduce.js";
export { markIntraCluster, type RefineOptions, type RefineResult, refineClusters } from "./refine.js";
export { cosineSilhouette, SimilarityTable } from "./silhouette.js";
export { type SmoothOptions, smoothVectors } from "./smooth.js";
export { buildSubclusters, type Subcluster, type SubclusterOptions } from "./subclusters.js";
export { type Matrix, normalizeRows, toMatrix, type VectorInput } from "./vectors.js";
