/**
 * Chat turns: given by the caller (a conversation read from Mongo), or parsed back from the text the
 * incumbent's ingest_from_node wrote (`Q: …` / `A: …` lines, also `User:` / `Assistant:`), where a turn runs
 * until the next marker line.
 */

export interface ChatTurn {
  role: "user" | "assistant";
  content: string;
}

const MARKER = /^\s{0,3}(?:\*\*)?(Q|A|User|Assistant|Human|AI|질문|답변)(?:\*\*)?\s?[:：]\s?/i;

export function parseChatText(text: string): ChatTurn[] {
  const turns: ChatTurn[] = [];
  let cur: { role: ChatTurn["role"]; lines: string[] } | undefined;
  const flush = () => {
    if (cur) turns.push({ role: cur.role, content: cur.lines.join("\n").trim() });
  };
  for (const line of text.split(/\r?\n/)) {
    const m = MARKER.exec(line);
    if (m) {
      flush();
      const who = m[1]!.toLowerCase();
      const role = who === "q" || who === "user" || who === "human" || who === "질문" ? "user" : "assistant";
      cur = { role, lines: [line.slice(m[0].length)] };
    } else if (cur) cur.lines.push(line);
  }
  flush();
  return turns.filter((t) => t.content.length > 0);
}

/** The conversation as text, in the incumbent's format (for chunking and raw_text). */
export function turnText(turn: ChatTurn): string {
  return `${turn.role === "user" ? "Q" : "A"}: ${turn.content.trim()}`;
}
