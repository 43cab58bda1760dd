/**
 * `notes.json` and `notions.json` (contract §2.1): `{source_nodes:[…]}`, one entry per note or Notion page.
 * The documented `notion.json` variant adds `schema_version`, `tree` and workspace ids; all of them are optional.
 */
import { z } from "zod";
import { inputIdSchema, inputTimeSchema } from "../fields.js";

export const sourceSectionSchema = z.looseObject({
  id: inputIdSchema.optional(),
  title: z.string().nullish(),
  content: z.string().nullish(),
});

export const sourceNodeSchema = z.looseObject({
  /** The orig_id of the graph node (a note's section id repeats it; a Notion body section is "<pageId>-body"). */
  id: inputIdSchema,
  title: z.string().nullish(),
  sections: z.array(sourceSectionSchema).optional(),
  /** "markdown" for notes, "notion" for Notion pages. */
  source_type: z.string().optional(),
  create_time: inputTimeSchema,
  update_time: inputTimeSchema,
});

/** `graph-generation/{taskId}/notes.json` (may be `{"source_nodes":[]}`). */
export const notesFileSchema = z.looseObject({
  source_nodes: z.array(sourceNodeSchema),
});

/** `notions.json` (what the code writes) or `notion.json` (the documented variant with a tree). */
export const notionFileSchema = z.looseObject({
  schema_version: z.string().optional(),
  integration_id: z.string().optional(),
  workspace_id: z.string().optional(),
  synced_at: z.union([z.string(), z.number()]).optional(),
  tree: z.looseObject({ nodes: z.array(z.unknown()).optional() }).nullish(),
  source_nodes: z.array(sourceNodeSchema),
});

/** The legacy notes format sent through `extraS3Keys` [doc 20260306]. */
export const legacyNotesFileSchema = z.array(
  z.looseObject({ id: inputIdSchema, title: z.string().nullish(), content: z.string().nullish() }),
);

export type SourceNode = z.output<typeof sourceNodeSchema>;
export type NotesFile = z.output<typeof notesFileSchema>;
export type NotionFile = z.output<typeof notionFileSchema>;
