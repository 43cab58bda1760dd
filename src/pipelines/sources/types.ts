/**
 * The common item model every input loader produces: one `SourceItem` per source document (conversation,
 * note, Notion page, user file), whatever format it came in. Later stages embed `texts`, and the graph output
 * copies `origId`, `numSections`, `sourceType` and the timestamps into its nodes (contract §3.2.a).
 * Items are plain data (structured-cloneable) so they can cross into worker threads.
 */
import type { ExtractOptions } from "./files/extract.js";

export type SourceKind = "conversation" | "note" | "notion" | "file";

/**
 * Extension buckets for file nodes. The backend keeps a file node's non-standard `source_type` as
 * `ai_raw_source_type` and counts it per bucket in `file_counts_by_extension`; only these values are valid
 * there (never "word", "powerpoint" or a raw extension such as "xyz"). See files/buckets.ts for the mapping.
 */
export const FILE_BUCKETS = ["pdf", "docx", "pptx", "xlsx", "txt", "other"] as const;
export type FileBucket = (typeof FILE_BUCKETS)[number];

/** chat = conversation, markdown = note, notion = Notion page, a bucket (or plain "file") = user file. */
export type SourceType = "chat" | "markdown" | "notion" | FileBucket | "file";

export type TextRole = "user" | "assistant" | "other";

/** One piece of text to embed: a chat message, a note section, a PDF page, a slide, a sheet. */
export interface SourceText {
  /** Set for chat messages only (system/tool messages never become texts). */
  role?: TextRole;
  text: string;
}

export interface SourceItemMeta {
  /** The file's display name (for bundle files: the object name after the first `_`). */
  fileName?: string;
  mimeType?: string;
  /** Why text extraction failed or was skipped; the item still exists (one node per source document). */
  parseError?: string;
  /** Extraction stopped at a cap (pages, characters); `texts` hold the part before the cap. */
  truncated?: boolean;
  /** Where the item came from, for logs: a bundle-relative path or a local path. */
  origin?: string;
}

export interface SourceItem {
  kind: SourceKind;
  /** The exact source id (conversation `_id`, note `_id`, user-file ULID, Notion page id, or relative path). */
  origId: string;
  title: string;
  /** Unix seconds; null when unknown (the backend writes 0 for unknown, which becomes null here). */
  createTime: number | null;
  updateTime: number | null;
  /**
   * Chat: the number of messages in the active chain, every role counted (the backend compares it with its
   * Mongo message count). Note/Notion: the section count (at least 1). File: pages/slides/sheets (at least 1).
   */
  numSections: number;
  sourceType: SourceType;
  /** The text to embed, in order. May be empty (an empty conversation, a file that failed to parse). */
  texts: SourceText[];
  /** Coarse hint from the dominant script: "ko", "ja", "zh" or "en" (Latin); absent when there is no text. */
  language?: string;
  meta: SourceItemMeta;
}

/** Options shared by the loaders. */
export interface LoadOptions {
  /** File extraction settings (limits, timeout). */
  files?: ExtractOptions;
  /** Aborts loading (and any PDF being parsed); the loader then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Non-fatal oddities: duplicate ids skipped, unreadable files turned into parseError items, … */
  onWarning?: (message: string) => void;
  /**
   * An element that could not become an item (not an object, no id) and was skipped; the caller counts and
   * reports it. Without it, a skip is reported through onWarning.
   */
  onSkip?: (message: string) => void;
}
