/** debian-dev items for realistic tests: the assistant text of each conversation (or the note's content) and its label. */
import { readFileSync } from "node:fs";
import { datasetDir } from "../../support/datasets.js";

export const DEBIAN_DEV = datasetDir("debian-dev");

export interface LabelledText {
  id: string;
  text: string;
  label: string;
  lang: string;
}

interface ChatNode {
  message?: { author?: { role?: string }; content?: { parts?: string[] } };
}

export function loadDebianDev(): LabelledText[] {
  const conv = JSON.parse(readFileSync(`${DEBIAN_DEV}/input.json`, "utf8")) as {
    id: string;
    mapping: Record<string, ChatNode>;
  }[];
  const notes = JSON.parse(readFileSync(`${DEBIAN_DEV}/notes.json`, "utf8")) as {
    source_nodes: { id: string; sections: { content: string }[] }[];
  };
  const labels = JSON.parse(readFileSync(`${DEBIAN_DEV}/labels.json`, "utf8")) as Record<
    string,
    { label: string; lang: string }
  >;
  const out: LabelledText[] = [];
  for (const c of conv) {
    const parts: string[] = [];
    for (const n of Object.values(c.mapping)) {
      if (n.message?.author?.role === "assistant") parts.push(...(n.message.content?.parts ?? []));
    }
    out.push({ id: c.id, text: parts.join("\n"), ...labels[c.id]! });
  }
  for (const n of notes.source_nodes)
    out.push({ id: n.id, text: n.sections.map((s) => s.content).join("\n"), ...labels[n.id]! });
  return out;
}
