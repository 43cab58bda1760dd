/** The macro algorithms use the project's one seeded PRNG (mulberry32), under the name they were written with. */
export { SeededRandom as Rng } from "../../ai/embeddings/local/random.js";
