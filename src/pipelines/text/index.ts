/** Text processing shared by embeddings and keywords: clean-up, script detection, tokenisation. */
export { stemEnglish } from "./english.js";
export { isKoreanSuffix, stripKoreanSuffix } from "./korean.js";
export { type NormalizeOptions, normalizeText } from "./normalize.js";
export {
  type CharClass,
  charClass,
  detectScript,
  type ScriptLanguage,
  type ScriptProfile,
} from "./script.js";
export { MARKUP_JUNK, STOPWORDS } from "./stopwords.js";
export { type Token, type TokenizeOptions, type TokenScript, terms, tokenize } from "./tokenize.js";
