/** A small two-topic corpus (graph learning, sourdough baking) plus a third topic for new items (gardening). */
import type { SourceItem } from "../../../src/pipelines/sources/types.js";

export const GRAPH = [
  "graph neural networks learn node embeddings by message passing between neighbour nodes",
  "graph attention networks weight neighbour messages with attention in message passing",
  "knowledge graph embeddings place entities and relations of a graph in a vector space",
  "node classification with graph convolution networks aggregates neighbour node features",
  "link prediction on a knowledge graph scores node pairs with learned embeddings",
  "graph neural network pooling summarises node embeddings into a graph embedding",
];
export const BAKING = [
  "sourdough bread dough ferments for hours before baking in a hot oven",
  "sourdough starter needs flour and water feeding every day before baking bread",
  "bake sourdough bread in a hot oven with steam for a crisp crust",
  "high protein bread flour gives sourdough dough its structure and a good crumb",
  "bulk fermentation of sourdough dough at room temperature takes hours",
  "shaping sourdough bread dough before the final proof and baking in the oven",
];
export const GARDEN = [
  "tomato seedlings in the vegetable garden need compost soil and daily watering",
  "watering tomato plants and adding compost to garden soil in the vegetable beds",
  "pruning tomato plants in the vegetable garden and mulching the soil with compost",
];

export function item(kind: SourceItem["kind"], origId: string, title: string, texts: string[]): SourceItem {
  return {
    kind,
    origId,
    title,
    createTime: 1760000000,
    updateTime: 1760000100,
    numSections: texts.length,
    sourceType: kind === "conversation" ? "chat" : kind === "file" ? "pdf" : "markdown",
    texts: texts.map((text) => ({ text, ...(kind === "conversation" ? { role: "user" as const } : {}) })),
    language: "en",
    meta: {},
  };
}
