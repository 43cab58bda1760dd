/**
 * Claude.ai data exports (`conversations.json`): an array of `{uuid, name, created_at, updated_at,
 * chat_messages: [{uuid, sender: "human"|"assistant", text, content: [{type, text}], created_at,
 * parent_message_uuid?}]}`. The incumbent had no parser for these (ORIGINAL-PIPELINES §4.1).
 */
import { idString, isObject, type JsonObject, nonEmpty, textField, toUnixSeconds } from "./fields.js";
import { buildItem } from "./item.js";
import type { SourceItem, SourceText } from "./types.js";

export function isClaudeConversation(value: unknown): value is JsonObject {
  return isObject(value) && Array.isArray(value.chat_messages);
}

export function conversationFromClaude(raw: JsonObject, index: number): SourceItem {
  const messages = activeMessages(raw.chat_messages as unknown[]);
  const texts: SourceText[] = [];
  for (const m of messages) {
    const sender = textField(m.sender);
    const role =
      sender === "human" || sender === "user" ? "user" : sender === "assistant" ? "assistant" : "other";
    const text = messageText(m);
    if (nonEmpty(text)) texts.push({ role, text });
    // The text Claude extracted from the files the user attached is the user's own content.
    for (const attached of attachmentTexts(m)) texts.push({ role, text: attached });
  }
  const title = textField(raw.name ?? raw.title).trim();
  return buildItem({
    kind: "conversation",
    origId: idString(raw.uuid) ?? idString(raw.id) ?? `conv_${index}`,
    title: title || titleFromFirstTurn(texts),
    createTime: toUnixSeconds(raw.created_at),
    updateTime: toUnixSeconds(raw.updated_at),
    numSections: messages.length,
    sourceType: "chat",
    texts,
    meta: {},
  });
}

/**
 * Newer exports carry `parent_message_uuid` and keep edited/regenerated branches in the same list; follow the
 * last message back to the root then. Older exports are a plain linear list.
 */
function activeMessages(list: unknown[]): JsonObject[] {
  const messages = list.filter(isObject);
  const byId = new Map<string, JsonObject>();
  for (const m of messages) {
    const id = idString(m.uuid);
    if (id !== undefined) byId.set(id, m);
  }
  const hasParents = messages.some((m) => idString(m.parent_message_uuid) !== undefined);
  const last = messages[messages.length - 1];
  if (!hasParents || last === undefined) return messages;
  const chain: JsonObject[] = [];
  const seen = new Set<JsonObject>();
  let current: JsonObject | undefined = last;
  while (current !== undefined && !seen.has(current)) {
    seen.add(current);
    chain.push(current);
    const parent = idString(current.parent_message_uuid);
    current = parent === undefined ? undefined : byId.get(parent);
  }
  return chain.reverse();
}

/** The text blocks of `content` (tool_use, tool_result and thinking blocks are skipped), else `text`. */
function messageText(m: JsonObject): string {
  if (Array.isArray(m.content)) {
    const blocks = m.content
      .filter((b): b is JsonObject => isObject(b) && b.type === "text" && typeof b.text === "string")
      .map((b) => b.text as string)
      .filter(nonEmpty);
    if (blocks.length > 0) return blocks.join("\n\n");
    if (m.content.length > 0) return "";
  }
  return textField(m.text);
}

/** `attachments[].extracted_content`: the text of a file the user attached (a pasted document, a log). */
function attachmentTexts(m: JsonObject): string[] {
  if (!Array.isArray(m.attachments)) return [];
  return m.attachments
    .filter(isObject)
    .map((a) => textField(a.extracted_content))
    .filter(nonEmpty);
}

/** Most characters of a title made from the first user turn. */
const MAX_DERIVED_TITLE = 80;

/**
 * An untitled chat (Claude leaves `name` empty until it names one) is called by its first user turn: its
 * first non-empty line, cut at a word boundary.
 */
function titleFromFirstTurn(texts: readonly SourceText[]): string {
  const first = texts.find((t) => t.role === "user") ?? texts[0];
  if (!first) return "";
  const line = (first.text.split("\n").find(nonEmpty) ?? "").trim().replace(/\s+/g, " ");
  if (line.length <= MAX_DERIVED_TITLE) return line;
  const cut = line.slice(0, MAX_DERIVED_TITLE);
  const space = cut.lastIndexOf(" ");
  return `${(space > MAX_DERIVED_TITLE / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
