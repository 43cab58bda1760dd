/**
 * The ontology that guides extraction (ORIGINAL-PIPELINES §7.1): node types, edge types with typical and
 * forbidden (source, target) type pairs, and per-field instructions. A request's own schema object wins;
 * else a known `schema_name`; else (absent, or unknown such as the e2e's "test_schema") the general one, so
 * an unknown name never fails a task (contract §2.4). `resolveOntology` says which one was used and why.
 */
import { z } from "zod";
import { terminal } from "../../contract/errors.js";
import { describeIssues } from "../../contract/fields.js";
import { GENERAL_ONTOLOGY, NAMED_ONTOLOGIES } from "./ontologies.js";

/** `"any"` in a pair matches every node type. */
export type TypePair = [string, string];

export interface EdgeType {
  name: string;
  description?: string;
  typical_pairs?: TypePair[];
  forbidden_pairs?: TypePair[];
}

export interface Ontology {
  name: string;
  node_types: string[];
  edge_types: EdgeType[];
  /** Field name → instruction for the model. Keys beyond name/type/description become extra node fields. */
  node_fields: Record<string, string>;
  /** Keys beyond the standard edge fields become extra edge fields. */
  edge_fields: Record<string, string>;
}

export type OntologySource = "request" | "named" | "default";

export interface ResolvedOntology {
  ontology: Ontology;
  source: OntologySource;
  /** The schema_name the request asked for, if any (also when it was unknown). */
  requested?: string;
}

const typeName = z.string().trim().min(1).max(80);
const pair = z.tuple([typeName, typeName]);
const typeEntry = z.union([typeName, z.looseObject({ name: typeName, description: z.string().optional() })]);

/**
 * A request's schema object. Lenient where the incumbent's JSON files vary (types as strings or
 * `{name, description}`), strict where extraction needs it (at least one node and one edge type).
 * `_comment`, `meta`, `merge_policy`, `extraction_output` are accepted and ignored, as the incumbent did.
 */
export const ontologyInputSchema = z.looseObject({
  name: z.string().optional(),
  node_types: z.array(typeEntry).min(1).max(200),
  edge_types: z
    .array(
      z.union([
        typeName,
        z.looseObject({
          name: typeName,
          description: z.string().optional(),
          typical_pairs: z.array(pair).optional(),
          forbidden_pairs: z.array(pair).optional(),
        }),
      ]),
    )
    .min(1)
    .max(200),
  node_fields: z.record(z.string(), z.string()).optional(),
  edge_fields: z.record(z.string(), z.string()).optional(),
});

/** Schema names match case-insensitively, with or without the incumbent's file-name decoration. */
export function canonicalSchemaName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/\.json$/, "")
    .replace(/^ontology_schema_/, "");
}

const ALIASES: Record<string, string> = { default: "general", generic: "general", paper: "research" };

export function resolveOntology(request: { schemaName?: string | null; schema?: unknown }): ResolvedOntology {
  const requested = request.schemaName?.trim() || undefined;
  const withRequested = <T extends object>(r: T) => (requested ? { ...r, requested } : r);
  if (request.schema !== undefined && request.schema !== null) {
    const parsed = ontologyInputSchema.safeParse(request.schema);
    if (!parsed.success) {
      throw terminal("VALIDATION_ERROR", `The ontology schema is invalid: ${describeIssues(parsed.error)}`);
    }
    const s = parsed.data;
    const ontology: Ontology = {
      name: s.name?.trim() || requested || "custom",
      node_types: unique(s.node_types.map((t) => (typeof t === "string" ? t : t.name))),
      edge_types: uniqueBy(
        s.edge_types.map((e) =>
          typeof e === "string"
            ? { name: e }
            : {
                name: e.name,
                ...(e.description ? { description: e.description } : {}),
                ...(e.typical_pairs ? { typical_pairs: e.typical_pairs } : {}),
                ...(e.forbidden_pairs ? { forbidden_pairs: e.forbidden_pairs } : {}),
              },
        ),
      ),
      node_fields: s.node_fields ?? GENERAL_ONTOLOGY.node_fields,
      edge_fields: s.edge_fields ?? GENERAL_ONTOLOGY.edge_fields,
    };
    return withRequested({ ontology, source: "request" as const });
  }
  if (requested) {
    const key = canonicalSchemaName(requested);
    const named = NAMED_ONTOLOGIES.get(ALIASES[key] ?? key);
    if (named) return withRequested({ ontology: named, source: "named" as const });
  }
  return withRequested({ ontology: GENERAL_ONTOLOGY, source: "default" as const });
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}

function uniqueBy(xs: EdgeType[]): EdgeType[] {
  const seen = new Set<string>();
  return xs.filter((e) => !seen.has(e.name) && seen.add(e.name));
}

/** Matching key for type names the model may re-case or re-space ("USES", "Uses", "is a" → "uses", "isa"). */
export function typeKey(name: string): string {
  return name
    .normalize("NFKC")
    .toLowerCase()
    .replace(/^\[+|\]+$/g, "")
    .replace(/[^\p{L}\p{N}]/gu, "");
}

/** Lookups an extraction needs, built once per ontology. */
export interface OntologyIndex {
  ontology: Ontology;
  /** The exact node type for a model-written type, or undefined. */
  nodeType(raw: string): string | undefined;
  edgeType(raw: string): string | undefined;
  /** The broad node type unknown types map to (Concept, Entity, … or the first type). */
  genericNodeType: string;
  /** The relation co-occurrence edges use (related_to, … or undefined when the ontology has none). */
  genericEdgeType: string | undefined;
  isForbidden(edgeType: string, startType: string, targetType: string): boolean;
  /** Extra node/edge fields the schema defines beyond the standard ones. */
  extraNodeFields: string[];
  extraEdgeFields: string[];
}

const STANDARD_NODE_FIELDS = new Set(["name", "type", "description", "source_chunk_id", "id"]);
const STANDARD_EDGE_FIELDS = new Set([
  "start",
  "source",
  "target",
  "type",
  "description",
  "source_chunk_id",
  "evidence",
  "confidence",
  "id",
]);

export function indexOntology(ontology: Ontology): OntologyIndex {
  const nodes = new Map(ontology.node_types.map((t) => [typeKey(t), t]));
  const edges = new Map(ontology.edge_types.map((e) => [typeKey(e.name), e]));
  const generic =
    ["concept", "entity", "thing", "topic", "term"].map((k) => nodes.get(k)).find(Boolean) ??
    ontology.node_types[0]!;
  const genericEdge =
    ["relatedto", "relates", "related", "associatedwith", "relation"]
      .map((k) => edges.get(k)?.name)
      .find(Boolean) ??
    ontology.edge_types.find((e) => !e.typical_pairs?.length && !e.forbidden_pairs?.length)?.name;
  const matches = (pattern: string, type: string) => pattern === "any" || typeKey(pattern) === typeKey(type);
  return {
    ontology,
    nodeType: (raw) => nodes.get(typeKey(raw)),
    edgeType: (raw) => edges.get(typeKey(raw))?.name,
    genericNodeType: generic,
    genericEdgeType: genericEdge,
    isForbidden(edgeType, startType, targetType) {
      const e = edges.get(typeKey(edgeType));
      return !!e?.forbidden_pairs?.some(([s, t]) => matches(s, startType) && matches(t, targetType));
    },
    extraNodeFields: Object.keys(ontology.node_fields).filter((k) => !STANDARD_NODE_FIELDS.has(k)),
    extraEdgeFields: Object.keys(ontology.edge_fields).filter((k) => !STANDARD_EDGE_FIELDS.has(k)),
  };
}

/** The ontology as the extraction prompt shows it (compact JSON). */
export function ontologyForPrompt(ontology: Ontology): string {
  return JSON.stringify({
    node_types: ontology.node_types,
    edge_types: ontology.edge_types,
    node_fields: ontology.node_fields,
    edge_fields: ontology.edge_fields,
  });
}
