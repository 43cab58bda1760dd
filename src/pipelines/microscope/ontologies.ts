/**
 * The named ontologies a request can pick with `schema_name` (ORIGINAL-PIPELINES §7.1 schema shape). The
 * incumbent's `ontology_schema_general.json` was not available [NF], so "general" is written from its prompt
 * rules: a small set of broad node types, edge types with typical and forbidden pairs (`"any"` matches every
 * type; forbidden wins), and the field instructions the extraction prompt repeats.
 */
import type { Ontology } from "./ontology.js";

const NODE_FIELDS = {
  name: "The entity's name as written in the text, in the text's language (do not translate); one consistent name per entity.",
  type: "Exactly one of the node types.",
  description: "One short sentence saying what the entity is in this document.",
};

const EDGE_FIELDS = {
  start: "Name of the source node (must be one of the extracted nodes).",
  target: "Name of the target node (must be one of the extracted nodes).",
  type: "Exactly one of the edge types.",
  description: "One short sentence describing the relation as the text states it.",
  evidence: "A short verbatim quote (at most 200 characters) from the chunk that supports the relation.",
  confidence:
    "A number from 0 to 1: 0.8–1 stated explicitly, 0.5–0.8 clearly implied, 0.3–0.5 weak but plausible.",
};

export const GENERAL_ONTOLOGY: Ontology = {
  name: "general",
  node_types: [
    "Person",
    "Organization",
    "Location",
    "Event",
    "Concept",
    "Method",
    "Technology",
    "Artifact",
    "Metric",
    "Topic",
  ],
  edge_types: [
    {
      name: "is_a",
      typical_pairs: [
        ["Concept", "Concept"],
        ["Method", "Concept"],
        ["Technology", "Concept"],
      ],
    },
    {
      name: "part_of",
      forbidden_pairs: [
        ["Person", "Concept"],
        ["Metric", "any"],
      ],
    },
    {
      name: "uses",
      typical_pairs: [
        ["Method", "Technology"],
        ["Person", "Technology"],
        ["Method", "Method"],
      ],
      forbidden_pairs: [
        ["Metric", "any"],
        ["Location", "any"],
      ],
    },
    {
      name: "depends_on",
      forbidden_pairs: [
        ["Person", "any"],
        ["Location", "any"],
      ],
    },
    {
      name: "causes",
      typical_pairs: [
        ["Event", "Event"],
        ["Concept", "Concept"],
      ],
    },
    {
      name: "improves",
      typical_pairs: [
        ["Method", "Metric"],
        ["Method", "Method"],
        ["Technology", "Technology"],
      ],
    },
    {
      name: "evaluated_by",
      typical_pairs: [
        ["Method", "Metric"],
        ["Technology", "Metric"],
      ],
    },
    {
      name: "created_by",
      typical_pairs: [
        ["Artifact", "Person"],
        ["Technology", "Organization"],
        ["Method", "Person"],
      ],
    },
    {
      name: "affiliated_with",
      typical_pairs: [
        ["Person", "Organization"],
        ["Organization", "Organization"],
      ],
      forbidden_pairs: [
        ["Concept", "any"],
        ["Metric", "any"],
        ["Method", "any"],
      ],
    },
    {
      name: "located_in",
      typical_pairs: [
        ["Organization", "Location"],
        ["Event", "Location"],
        ["Person", "Location"],
      ],
      forbidden_pairs: [
        ["any", "Concept"],
        ["any", "Metric"],
      ],
    },
    {
      name: "participates_in",
      typical_pairs: [
        ["Person", "Event"],
        ["Organization", "Event"],
      ],
      forbidden_pairs: [
        ["Concept", "any"],
        ["Metric", "any"],
      ],
    },
    {
      name: "example_of",
      typical_pairs: [
        ["Artifact", "Concept"],
        ["Technology", "Concept"],
        ["Method", "Concept"],
      ],
    },
    { name: "contrasts_with" },
    {
      name: "precedes",
      typical_pairs: [
        ["Event", "Event"],
        ["Method", "Method"],
      ],
    },
    { name: "related_to" },
  ],
  node_fields: NODE_FIELDS,
  edge_fields: EDGE_FIELDS,
};

/** Papers, theses, technical reports. */
export const RESEARCH_ONTOLOGY: Ontology = {
  name: "research",
  node_types: [
    "Paper",
    "Author",
    "Institution",
    "Method",
    "Model",
    "Dataset",
    "Task",
    "Metric",
    "Result",
    "Concept",
  ],
  edge_types: [
    {
      name: "proposes",
      typical_pairs: [
        ["Paper", "Method"],
        ["Paper", "Model"],
        ["Author", "Method"],
      ],
    },
    {
      name: "uses",
      typical_pairs: [
        ["Method", "Dataset"],
        ["Method", "Method"],
        ["Model", "Method"],
      ],
    },
    {
      name: "evaluated_on",
      typical_pairs: [
        ["Method", "Dataset"],
        ["Model", "Dataset"],
        ["Method", "Task"],
      ],
    },
    {
      name: "measured_by",
      typical_pairs: [
        ["Result", "Metric"],
        ["Task", "Metric"],
      ],
    },
    {
      name: "achieves",
      typical_pairs: [
        ["Method", "Result"],
        ["Model", "Result"],
      ],
    },
    {
      name: "outperforms",
      typical_pairs: [
        ["Method", "Method"],
        ["Model", "Model"],
      ],
      forbidden_pairs: [
        ["Author", "any"],
        ["Dataset", "any"],
      ],
    },
    {
      name: "extends",
      typical_pairs: [
        ["Method", "Method"],
        ["Model", "Model"],
        ["Paper", "Paper"],
      ],
    },
    {
      name: "addresses",
      typical_pairs: [
        ["Method", "Task"],
        ["Paper", "Task"],
      ],
    },
    {
      name: "authored_by",
      typical_pairs: [["Paper", "Author"]],
      forbidden_pairs: [
        ["Concept", "any"],
        ["Metric", "any"],
      ],
    },
    {
      name: "affiliated_with",
      typical_pairs: [["Author", "Institution"]],
      forbidden_pairs: [
        ["Concept", "any"],
        ["Method", "any"],
      ],
    },
    { name: "cites", typical_pairs: [["Paper", "Paper"]] },
    {
      name: "is_a",
      typical_pairs: [
        ["Method", "Concept"],
        ["Model", "Concept"],
        ["Concept", "Concept"],
      ],
    },
    { name: "related_to" },
  ],
  node_fields: NODE_FIELDS,
  edge_fields: EDGE_FIELDS,
};

/** Meeting notes, plans, business documents. */
export const BUSINESS_ONTOLOGY: Ontology = {
  name: "business",
  node_types: [
    "Person",
    "Team",
    "Organization",
    "Project",
    "Product",
    "Task",
    "Decision",
    "Goal",
    "Metric",
    "Risk",
    "Date",
    "Concept",
  ],
  edge_types: [
    {
      name: "owns",
      typical_pairs: [
        ["Person", "Task"],
        ["Team", "Project"],
        ["Person", "Project"],
      ],
    },
    {
      name: "member_of",
      typical_pairs: [
        ["Person", "Team"],
        ["Team", "Organization"],
      ],
      forbidden_pairs: [
        ["Concept", "any"],
        ["Metric", "any"],
      ],
    },
    {
      name: "part_of",
      typical_pairs: [
        ["Task", "Project"],
        ["Product", "Project"],
        ["Project", "Goal"],
      ],
    },
    {
      name: "decided",
      typical_pairs: [
        ["Person", "Decision"],
        ["Team", "Decision"],
      ],
    },
    {
      name: "affects",
      typical_pairs: [
        ["Decision", "Project"],
        ["Risk", "Project"],
        ["Risk", "Goal"],
      ],
    },
    {
      name: "measured_by",
      typical_pairs: [
        ["Goal", "Metric"],
        ["Product", "Metric"],
      ],
    },
    {
      name: "due_on",
      typical_pairs: [
        ["Task", "Date"],
        ["Project", "Date"],
        ["Goal", "Date"],
      ],
      forbidden_pairs: [["Person", "any"]],
    },
    {
      name: "depends_on",
      typical_pairs: [
        ["Task", "Task"],
        ["Project", "Project"],
      ],
    },
    {
      name: "blocks",
      typical_pairs: [
        ["Risk", "Task"],
        ["Task", "Task"],
      ],
    },
    { name: "related_to" },
  ],
  node_fields: NODE_FIELDS,
  edge_fields: EDGE_FIELDS,
};

export const NAMED_ONTOLOGIES: ReadonlyMap<string, Ontology> = new Map(
  [GENERAL_ONTOLOGY, RESEARCH_ONTOLOGY, BUSINESS_ONTOLOGY].map((o) => [o.name, o]),
);
