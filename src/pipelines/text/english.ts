/**
 * Light English stemming: plural folding only (libraries → library, boxes → box, classes → class).
 *
 * Why not Porter/Snowball: in short chat texts the variance that hurts TF-IDF most is singular/plural;
 * heavier stemmers conflate unrelated words (university/universe, organ/organization) and produce stems
 * that cannot be shown as keywords. The embedder's character n-grams already cover the rest of the
 * morphology (-ing, -ed, -er), and keywords are displayed in their most frequent surface form, so the stem
 * is only a matching key. Written by hand: it is ten lines of suffix rules.
 */

// Plurals the rules would get wrong (movies → movy, caches → cach, news → new).
const EXCEPTIONS: Record<string, string> = {
  movies: "movie",
  cookies: "cookie",
  zombies: "zombie",
  selfies: "selfie",
  rookies: "rookie",
  newbies: "newbie",
  calories: "calorie",
  caches: "cache",
  niches: "niche",
  headaches: "headache",
  series: "series",
  species: "species",
  news: "news",
  lens: "lens",
  alias: "alias",
  aliases: "alias",
  canvas: "canvas",
  atlas: "atlas",
  bias: "bias",
  chaos: "chaos",
  kudos: "kudos",
  emacs: "emacs",
  xemacs: "xemacs",
  windows: "windows",
  postgres: "postgres",
  kubernetes: "kubernetes",
  mathematics: "mathematics",
};

const VOWEL = /[aeiouy]/;

export function stemEnglish(word: string): string {
  const n = word.length;
  if (n <= 3 || word.charCodeAt(n - 1) !== 0x73 /* s */) return word;
  const ex = EXCEPTIONS[word];
  if (ex !== undefined) return ex;
  // -ss (class), -us (virus, gnus), -is (analysis), -ics (graphics, physics): not plurals, or best kept whole.
  if (word.endsWith("ss") || word.endsWith("us") || word.endsWith("is") || word.endsWith("ics")) return word;
  if (word.endsWith("ies") && n > 4 && !word.endsWith("eies") && !word.endsWith("aies"))
    return word.slice(0, -3) + "y";
  if (word.endsWith("sses")) return word.slice(0, -2);
  if (word.endsWith("es") && /(?:x|ch|sh|zz)es$/.test(word)) return word.slice(0, -2);
  const stem = word.slice(0, -1);
  // Consonant-only stems are acronyms (gps, dns, mms → gp, dn, mm would be wrong).
  return VOWEL.test(stem) ? stem : word;
}
