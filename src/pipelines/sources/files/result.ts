/** What a format extractor returns. */
export interface ExtractedText {
  /** Text per section (page, slide, sheet; one for a flat document), in order. Empty strings are allowed. */
  sections: string[];
  /** How many sections the document has (pages/slides/sheets), when it differs from `sections.length`. */
  sectionCount?: number;
  /** Set when nothing (or not everything) could be read; the item is still emitted. */
  parseError?: string;
  truncated?: boolean;
}
