/**
 * Conversations in the `mapping` format: the backend's input.json elements (a linear chain, contract §2.1)
 * and real ChatGPT exports (a branching tree with `current_node`). One adapter serves both, because the
 * backend deliberately imitates the export shape.
 *
 * Unlike the incumbent, which walked every branch breadth-first and embedded system/tool text, this follows
 * the active branch only (current_node back to the root) and keeps user/assistant text only; every message
 * on the branch is still counted in `numSections`, since the backend compares that count with its own.
 */
import { idString, isObject, type JsonObject, nonEmpty, textField, toUnixSeconds } from "./fields.js";
import { buildItem } from "./item.js";
import { UnusableElement } from "./skip.js";
import type { SourceItem, SourceText, TextRole } from "./types.js";

export interface ConversationOptions {
  /** Where the element came from, for error messages ("input.json"). */
  label: string;
  /** Position in the file, for error messages and the fallback id. */
  index: number;
  /**
   * Without an id (missing or empty): the element is unusable (backend inputs: ids are the graph's orig_id;
   * the reader skips it with a warning) or falls back to `conv_{index}`.
   */
  requireId: boolean;
}

/**
 * True when `value` looks like a mapping-format conversation, or the incumbent's flat form
 * `{conversationId, title, messages: [{role, content}]}` (ORIGINAL-PIPELINES §6.1), which is read too.
 */
export function isMappingConversation(value: unknown): value is JsonObject {
  return isObject(value) && (isObject(value.mapping) || Array.isArray(value.messages));
}

/** `{role, content}` → the mapping message shape. */
function fromFlatMessage(m: JsonObject): JsonObject {
  const content = typeof m.content === "string" ? { content_type: "text", parts: [m.content] } : m.content;
  return { ...m, author: isObject(m.author) ? m.author : { role: m.role }, content };
}

/**
 * A ChatGPT export element without `mapping` (a title-only conversation: real exports hold some): it still
 * becomes a node with what it has, its title and times.
 */
export function isTitleOnlyConversation(value: unknown): value is JsonObject {
  return (
    isObject(value) &&
    typeof value.title === "string" &&
    (idString(value.id) !== undefined ||
      idString(value.conversation_id) !== undefined ||
      "create_time" in value ||
      "current_node" in value ||
      "mapping" in value)
  );
}

/** Throws UnusableElement (skipped by the reader) for an element that is not an object or lacks a needed id. */
export function conversationFromMapping(raw: unknown, options: ConversationOptions): SourceItem {
  if (!isObject(raw)) {
    throw new UnusableElement(`${options.label}: element ${options.index} is not an object`);
  }
  // idString treats "" as no id: an empty-string id would make a node no backend record can match.
  const origId = idString(raw.id) ?? idString(raw.conversation_id) ?? idString(raw.conversationId);
  if (origId === undefined && options.requireId) {
    throw new UnusableElement(`${options.label}: conversation at index ${options.index} has no id`);
  }
  const chain =
    !isObject(raw.mapping) && Array.isArray(raw.messages)
      ? raw.messages.filter(isObject).map(fromFlatMessage)
      : activeChain(isObject(raw.mapping) ? raw.mapping : {}, idString(raw.current_node));
  const texts: SourceText[] = [];
  for (const message of chain) {
    const piece = messageText(message);
    if (piece) texts.push(piece);
  }
  return buildItem({
    kind: "conversation",
    origId: origId ?? `conv_${options.index}`,
    title: textField(raw.title).trim(),
    createTime: toUnixSeconds(raw.create_time ?? raw.createdAt),
    updateTime: toUnixSeconds(raw.update_time ?? raw.updatedAt),
    numSections: chain.length,
    sourceType: "chat",
    texts,
    meta: {},
  });
}

/**
 * The messages of the active branch, root first. Nodes without a message (ChatGPT's synthetic root) are
 * passed through but not returned.
 *
 * - With `current_node` (ChatGPT export): walk parent links from it to the root.
 * - Without it and with no node having two children (the backend's linear chain): take every message in the
 *   object's insertion order, which the backend writes chronologically. This stays right even if a parent
 *   link were broken, so the count always matches what the backend sent.
 * - Without it and branching: walk back from the last inserted leaf (the most recent branch).
 */
function activeChain(mapping: JsonObject, currentNode: string | undefined): JsonObject[] {
  const nodes = Object.entries(mapping).filter((entry): entry is [string, JsonObject] => isObject(entry[1]));
  let tip = currentNode !== undefined && isObject(mapping[currentNode]) ? currentNode : undefined;
  if (tip === undefined) {
    const branching = nodes.some(([, n]) => Array.isArray(n.children) && n.children.length > 1);
    if (!branching) return nodes.map(([, n]) => n.message).filter(isObject);
    for (let i = nodes.length - 1; i >= 0 && tip === undefined; i--) {
      const [id, node] = nodes[i]!;
      if (!Array.isArray(node.children) || node.children.length === 0) tip = id;
    }
    if (tip === undefined) return nodes.map(([, n]) => n.message).filter(isObject);
  }
  const chain: JsonObject[] = [];
  const seen = new Set<string>();
  let id: string | undefined = tip;
  while (id !== undefined && !seen.has(id)) {
    seen.add(id);
    const node: unknown = mapping[id];
    if (!isObject(node)) break;
    if (isObject(node.message)) chain.push(node.message);
    id = idString(node.parent);
  }
  return chain.reverse();
}

/** Content types whose string parts are conversation text; code, tool output, browsing, thoughts are not. */
const TEXT_CONTENT_TYPES = new Set(["text", "multimodal_text"]);

function messageText(message: JsonObject): SourceText | undefined {
  const author = isObject(message.author) ? message.author : {};
  const role = roleOf(textField(author.role));
  if (role === undefined) return undefined;
  const metadata = isObject(message.metadata) ? message.metadata : {};
  if (metadata.is_visually_hidden_from_conversation === true) return undefined;
  // An assistant message addressed to a tool (python, browser, dalle) is a tool call, not an answer.
  const recipient = message.recipient;
  if (role === "assistant" && typeof recipient === "string" && recipient !== "all") return undefined;
  const content = isObject(message.content) ? message.content : {};
  const type = content.content_type;
  if (type !== undefined && !TEXT_CONTENT_TYPES.has(String(type))) return undefined;
  let text = "";
  if (Array.isArray(content.parts)) {
    text = content.parts.map(partText).filter(nonEmpty).join("\n");
  } else if (typeof content.text === "string") {
    text = content.text;
  } else if (typeof message.content === "string") {
    text = message.content;
  }
  return nonEmpty(text) ? { role, text } : undefined;
}

/**
 * A string part is text. Of the object parts (images, audio, file pointers), only a voice chat's
 * `audio_transcription` carries words: what was said, the user's own content.
 */
function partText(part: unknown): string {
  if (typeof part === "string") return part;
  if (isObject(part) && part.content_type === "audio_transcription") return textField(part.text);
  return "";
}

/** user/assistant keep their role; system and tool messages are skipped; anything else is "other". */
function roleOf(role: string): TextRole | undefined {
  switch (role) {
    case "user":
    case "human":
      return "user";
    case "assistant":
      return "assistant";
    case "system":
    case "tool":
    case "function":
      return undefined;
    default:
      return "other";
  }
}
