/**
 * The search model's CPU-pool jobs (see src/pipelines/jobs.ts): inference runs on a worker thread, never on
 * the main event loop, and the model is loaded lazily, once per thread, by the first job that needs it.
 */
import { describeSearchModel, embedForSearch } from "../../ai/embeddings/search/embed.js";
import type { SearchModelSettings } from "../../ai/embeddings/search/settings.js";

/** Loads the model (first use in this thread) and says what it is: name, dimension, dtype, max tokens. */
export function searchDescribeJob(input: SearchModelSettings) {
  return describeSearchModel(input);
}

/** Embeds texts with the search model; one row of `vectors` per text. */
export function searchEmbedJob(input: { settings: SearchModelSettings; texts: string[] }) {
  return embedForSearch(input.settings, input.texts);
}
