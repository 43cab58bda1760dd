/**
 * Notes and Notion pages: `{source_nodes:[…]}` entries (notes.json, notions.json/notion.json), the legacy
 * notes array `[{id,title,content}]`, and AddNode batch notes `{noteId,title,content}`.
 */
import { idString, isObject, type JsonObject, nonEmpty, textField, toUnixSeconds } from "./fields.js";
import { buildItem } from "./item.js";
import { UnusableElement } from "./skip.js";
import type { SourceItem, SourceText, TextRole } from "./types.js";

export interface SourceNodeOptions {
  label: string;
  index: number;
  /** The kind when the entry's own `source_type` does not say ("notion" for notions.json). */
  defaultKind: "note" | "notion";
}

/**
 * A `source_nodes` entry: `{id, title, sections:[{id, content, role?}], source_type, create_time,
 * update_time}`. The node's id is the orig_id (section ids are ignored: a note's single section repeats it,
 * a Notion body section is "<pageId>-body"). Empty sections are dropped from the text but counted, and a
 * title-only Notion page still becomes an item. The incumbent's internal format may also hold chats
 * (`source_type: "chat"`, sections with roles); those become conversations.
 */
export function itemFromSourceNode(raw: unknown, options: SourceNodeOptions): SourceItem {
  if (!isObject(raw))
    throw new UnusableElement(`${options.label}: source_nodes[${options.index}] is not an object`);
  const origId = idString(raw.id);
  if (origId === undefined) {
    throw new UnusableElement(`${options.label}: source_nodes[${options.index}] has no id`);
  }
  const declared = textField(raw.source_type).toLowerCase();
  const sections = Array.isArray(raw.sections) ? raw.sections.filter(isObject) : [];
  const isChat = declared === "chat";
  const texts: SourceText[] = [];
  for (const section of sections) {
    const text = textField(section.content ?? section.text);
    if (!nonEmpty(text)) continue;
    const role = isChat ? chatRole(section.role) : undefined;
    if (isChat && role === undefined) continue;
    texts.push(role ? { role, text } : { text });
  }
  const kind = isChat
    ? "conversation"
    : declared === "notion"
      ? "notion"
      : declared === "markdown"
        ? "note"
        : options.defaultKind;
  return buildItem({
    kind,
    origId,
    title: textField(raw.title).trim(),
    createTime: toUnixSeconds(raw.create_time),
    updateTime: toUnixSeconds(raw.update_time),
    numSections: isChat ? sections.length : Math.max(1, sections.length),
    sourceType: kind === "conversation" ? "chat" : kind === "notion" ? "notion" : "markdown",
    texts,
    meta: {},
  });
}

function chatRole(role: unknown): TextRole | undefined {
  if (role === "user" || role === "human") return "user";
  if (role === "assistant") return "assistant";
  if (role === "system" || role === "tool") return undefined;
  return "other";
}

export function isLegacyNote(value: unknown): value is JsonObject {
  return (
    isObject(value) && !("mapping" in value) && "content" in value && ("id" in value || "noteId" in value)
  );
}

/**
 * A legacy note `{id,title,content}` (contract §2.1, sent via extraS3Keys) or an AddNode batch note
 * `{noteId,title,content}` (§2.2). One section: the whole markdown.
 */
export function noteFromPlain(raw: unknown, label: string, index: number): SourceItem {
  if (!isObject(raw)) throw new UnusableElement(`${label}: note ${index} is not an object`);
  const origId = idString(raw.noteId) ?? idString(raw.id);
  if (origId === undefined) throw new UnusableElement(`${label}: note ${index} has no id`);
  const content = textField(raw.content);
  const texts: SourceText[] = nonEmpty(content) ? [{ text: content }] : [];
  return buildItem({
    kind: "note",
    origId,
    title: textField(raw.title).trim(),
    createTime: toUnixSeconds(raw.create_time ?? raw.createdAt),
    updateTime: toUnixSeconds(raw.update_time ?? raw.updatedAt),
    numSections: 1,
    sourceType: "markdown",
    texts,
    meta: {},
  });
}
