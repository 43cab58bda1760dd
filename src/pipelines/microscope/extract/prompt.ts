/**
 * The extraction prompts (ORIGINAL-PIPELINES §7.1 rules): the ontology and its field instructions in the
 * system prompt, the batch's chunks as "[Chunk n]" blocks in the user prompt.
 */
import type { ChunkRef } from "../graph.js";
import { languageName } from "../language.js";
import { type Ontology, ontologyForPrompt } from "../ontology.js";
import { countTokens } from "../tokens.js";

export function extractionSystemPrompt(ontology: Ontology, language?: string): string {
  const lang = languageName(language);
  return [
    "You build a knowledge graph from document chunks: the key entities (nodes) and the relations between them (edges).",
    `Ontology (JSON): ${ontologyForPrompt(ontology)}`,
    "Rules:",
    "- Use only the ontology's node types and edge types, spelled exactly as given; every node has exactly one type.",
    "- Follow the instruction given for each field in node_fields and edge_fields.",
    '- Prefer the typical_pairs of an edge type; never produce a forbidden pair ("any" matches every type; forbidden wins).',
    "- Every edge's start and target must be the name of a node in your answer. No edge from a node to itself.",
    "- Keep names in the language and spelling of the text (do not translate). Use one name per entity, the most complete form the text uses.",
    "- source_chunk_id is the number n of the [Chunk n] the node or edge comes from.",
    "- evidence is a short verbatim quote (at most 200 characters) copied from that chunk.",
    "- confidence is a number from 0 to 1. Also include weaker but plausible relations with confidence 0.3 to 0.5; aim for at least 1.5 edges per node.",
    lang ? `- Write descriptions in ${lang}.` : "- Write descriptions in the language of the text.",
    "- Cover all chunks evenly; skip trivial entities (pronouns, generic words, numbers without meaning).",
    'Answer with one JSON object: {"nodes":[{"name","type","description","source_chunk_id"}],"edges":[{"start","target","type","description","source_chunk_id","evidence","confidence"}]}.',
  ].join("\n");
}

export function extractionUserPrompt(batch: readonly ChunkRef[]): string {
  const blocks = batch.map((c) => `[Chunk ${c.index}]\n${c.text}`);
  return `${blocks.join("\n\n")}\n\nExtract the nodes and edges of the chunks above as JSON. Extract all key entities and relationships with balanced coverage of every chunk.`;
}

/** Tokens of everything in a request except the chunk texts. */
export function promptOverheadTokens(ontology: Ontology, language?: string): number {
  return countTokens(extractionSystemPrompt(ontology, language)) + countTokens(extractionUserPrompt([]));
}
