/**
 * The conversation element of `input.json` and of AddNode `batch.json` (contract §2.1): a ChatGPT-export-like
 * record whose `mapping` is a linear chain of messages. Tolerant: `mapping: {}` (no messages), `message: null`,
 * extra keys, numeric ids; the test-endpoint variant has no `conversationId`. The incumbent's flat
 * `messages: [{role, content}]` form is accepted too.
 */
import { z } from "zod";
import { inputIdSchema, inputTimeSchema } from "../fields.js";

export const chatMessageSchema = z.looseObject({
  id: inputIdSchema.optional(),
  author: z.looseObject({ role: z.string() }).nullish(),
  /** `parts` has one string in the backend's files; real exports may hold objects (images) too. */
  content: z
    .looseObject({
      content_type: z.string().optional(),
      parts: z.array(z.unknown()).optional(),
    })
    .nullish(),
});

export const mappingEntrySchema = z.looseObject({
  id: inputIdSchema.optional(),
  message: chatMessageSchema.nullish(),
  parent: z.union([z.string(), z.null()]).optional(),
  children: z.array(z.string()).optional(),
});

/** The incumbent's flat message form (`{role, content}`), accepted by its AddNode adapter. */
export const flatMessageSchema = z.looseObject({
  role: z.string(),
  content: z.unknown(),
  createdAt: inputTimeSchema,
});

export const conversationElementSchema = z
  .looseObject({
    id: inputIdSchema.optional(),
    conversation_id: inputIdSchema.optional(),
    conversationId: inputIdSchema.optional(),
    title: z.string().nullish(),
    create_time: inputTimeSchema,
    update_time: inputTimeSchema,
    mapping: z.record(z.string(), mappingEntrySchema).optional(),
    messages: z.array(flatMessageSchema).optional(),
  })
  .refine((c) => c.id !== undefined || c.conversation_id !== undefined || c.conversationId !== undefined, {
    message: "a conversation needs an id (id, conversation_id or conversationId)",
    path: ["id"],
  });

/** `graph-generation/{taskId}/input.json`: one element per conversation (may be `[]`). */
export const inputJsonSchema = z.array(conversationElementSchema);

export type ConversationElement = z.output<typeof conversationElementSchema>;
export type MappingEntry = z.output<typeof mappingEntrySchema>;
