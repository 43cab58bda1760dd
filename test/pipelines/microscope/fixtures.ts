/** Texts and AI SDK mock models for the microscope pipeline tests. */
import { loadDebianDev } from "../../ai/embeddings/debianDev.js";
import { type CallOptions, promptText, reply, scripted } from "../../ai/llm/support.js";

/** Real package descriptions from debian-dev, joined into one long document per language. */
export function debianDocument(lang: "en" | "ko", items = 40): string {
  return loadDebianDev()
    .filter((i) => i.lang === lang && i.text.trim())
    .slice(0, items)
    .map((i) => i.text.trim())
    .join("\n\n");
}

/** A markdown note about graph learning with nested headings and acronym variants. */
export const GNN_NOTE = `# Graph learning notes

Graph neural networks (GNNs) learn from data shaped as graphs. A GNN updates each node from its neighbours.

## Message passing

Message passing is the core operation of GNNs. Each node sends messages to its neighbours, and the messages are aggregated with a sum or a mean. Message passing repeats for several layers, so information spreads across the graph.

### Aggregation functions

The aggregation step of message passing can use a sum, a mean or an attention weight. Attention lets a node weigh its neighbours differently, which is what graph attention networks do.

## Transformers

Transformers use attention over all pairs of tokens. A transformer can be read as a GNN on a complete graph, where message passing uses attention weights.

## Applications

GNNs are used for molecules, social networks and recommendation. In chemistry, a molecule is a graph of atoms, and GNNs predict its properties. Recommendation systems use message passing between users and items.
`;

/** Entity vocabulary of GNN_NOTE for the fake extractor: name → ontology type. */
export const GNN_VOCAB: Record<string, string> = {
  "Graph neural networks": "Method",
  GNN: "Method",
  GNNs: "Method",
  "Message passing": "Method",
  attention: "Concept",
  Transformers: "Technology",
  transformer: "Technology",
  molecule: "Concept",
  "Recommendation systems": "Technology",
  neighbours: "Concept",
};

/** Chunk ids and texts of an extraction request ("[Chunk n]\n<text>" blocks). */
export function chunksInPrompt(options: CallOptions): { id: number; text: string }[] {
  const text = promptText(options);
  const out: { id: number; text: string }[] = [];
  const re = /\[Chunk (\d+)\]\n([\s\S]*?)(?=\n\n\[Chunk \d+\]\n|\n\nExtract the nodes)/g;
  for (const m of text.matchAll(re)) out.push({ id: Number(m[1]), text: m[2]! });
  return out;
}

/**
 * An extraction answer a careful model would give: every vocabulary name found in a chunk becomes a node,
 * consecutive names in a sentence become a "uses" edge with that sentence as evidence.
 */
export function fakeExtraction(options: CallOptions, vocab: Record<string, string> = GNN_VOCAB) {
  const nodes: { name: string; type: string; description: string; source_chunk_id: number }[] = [];
  const edges: Record<string, unknown>[] = [];
  for (const chunk of chunksInPrompt(options)) {
    const seen = new Set<string>();
    for (const sentence of chunk.text.split(/(?<=[.!?])\s+/)) {
      const found = Object.keys(vocab)
        .filter((name) => new RegExp(`\\b${name}\\b`).test(sentence))
        .sort((a, b) => sentence.indexOf(a) - sentence.indexOf(b));
      for (const name of found) {
        if (seen.has(name)) continue;
        seen.add(name);
        nodes.push({
          name,
          type: vocab[name]!,
          description: `${name} as used in the note.`,
          source_chunk_id: chunk.id,
        });
      }
      for (let i = 0; i + 1 < found.length; i++) {
        edges.push({
          start: found[i],
          target: found[i + 1],
          type: "uses",
          description: `${found[i]} relates to ${found[i + 1]}.`,
          source_chunk_id: chunk.id,
          evidence: sentence.trim(),
          confidence: 0.8,
        });
      }
    }
  }
  return { nodes, edges };
}

export type PromptKind = "extract" | "resolve" | "labels" | "order";

export function promptKind(options: CallOptions): PromptKind {
  const text = promptText(options);
  if (text.includes("[Chunk ")) return "extract";
  if (text.includes("Pairs:")) return "resolve";
  if (/\[blk_\d{4}\]/.test(text)) return "labels";
  return "order";
}

/** Block ids in a labels or ordering request. */
export function blockIdsIn(options: CallOptions): string[] {
  return [...new Set([...promptText(options).matchAll(/blk_\d{4}/g)].map((m) => m[0]))];
}

/**
 * A model that answers every kind of microscope request through `answers`, and counts calls per kind and
 * the most calls in flight at once.
 */
export function microscopeModel(answers: Partial<Record<PromptKind, (o: CallOptions) => unknown | string>>) {
  const calls: Record<PromptKind, number> = { extract: 0, resolve: 0, labels: 0, order: 0 };
  let inFlight = 0;
  let maxInFlight = 0;
  const model = scripted([
    async (options) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      const kind = promptKind(options);
      calls[kind]++;
      const answer = answers[kind]?.(options) ?? (kind === "resolve" ? { decisions: [] } : {});
      return reply(typeof answer === "string" ? answer : JSON.stringify(answer));
    },
  ]);
  return { model, calls, maxInFlight: () => maxInFlight };
}
