/**
 * Input sources of the knowledge-graph pipelines: every supported input format → SourceItem (types.ts).
 * Pure computation over local files; the task handlers download S3 objects into a folder first.
 */
export type { AddNodeBatch, ExistingCluster } from "./addNodeBatch.js";
export { iterateAddNodeBatch, loadAddNodeBatch, readAddNodeBatchHeader } from "./addNodeBatch.js";
export type { BundleOptions } from "./bundle.js";
export { iterateBundle, iterateConversations, iterateNotesFile, loadBundle } from "./bundle.js";
export { conversationFromMapping, isMappingConversation } from "./chat.js";
export { conversationFromClaude, isClaudeConversation } from "./claude.js";
export type { FileSource } from "./fileItem.js";
export { fileItemFromPath, parseBundleFileName } from "./fileItem.js";
export { fileBucket, mimeFromFileName } from "./files/buckets.js";
export type { ExtractOptions, FileExtraction } from "./files/extract.js";
export { EXTRACT_DEFAULTS, extractFileText } from "./files/extract.js";
export type { ZipLimits } from "./files/zip.js";
export { DEFAULT_ZIP_LIMITS, openZip, ZipFormatError, ZipLimitError } from "./files/zip.js";
export { languageHint } from "./language.js";
export { iterateMarkdownFolder, noteFromMarkdownFile } from "./markdownFolder.js";
export { itemFromSourceNode, noteFromPlain } from "./notes.js";
export type { AnySourceOptions, DetectedSource, SourceFormat } from "./sniff.js";
export {
  detectSource,
  iterateAnySource,
  iterateDetected,
  iterateLegacyInputs,
  loadAnySource,
} from "./sniff.js";
export type {
  FileBucket,
  LoadOptions,
  SourceItem,
  SourceItemMeta,
  SourceKind,
  SourceText,
  SourceType,
  TextRole,
} from "./types.js";
export { FILE_BUCKETS } from "./types.js";
