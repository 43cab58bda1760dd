/**
 * The few lines `graph` (and `npm run demo`) end with, for a person: how many items were read, what was left
 * out and why, the clusters by name, and where graph.html is with the command that opens it. `--json`
 * prints the same facts as one JSON object instead.
 */
import { basename, dirname } from "node:path";
import { pathToFileURL } from "node:url";

export interface ClusterLine {
  id: string;
  name: string;
  size: number;
}

export interface GraphRunSummary {
  input: string;
  /** The detected input format (chatgpt, claude, notes, bundle, …). */
  format: string;
  /** Items read from the input (each became a node). */
  items: number;
  /** Why items were skipped or read only in part, one line each (as the readers reported them). */
  warnings: string[];
  /** Notion pages left out on purpose (INCLUDE_NOTION_NODES=false). */
  skippedNotion: number;
  nodes: number;
  edges: number;
  clusters: ClusterLine[];
  /** How the clusters got their names (graph.json metadata.naming). */
  naming?: "llm" | "local" | "mixed" | string;
  html: string;
  files: string[];
  seconds?: number;
}

const NAMING_PHRASES: Record<string, string> = {
  llm: "named by the LLM",
  local: "named from their own terms",
  mixed: "named partly by the LLM",
};

const MAX_WARNINGS_SHOWN = 5;
const MAX_CLUSTERS_SHOWN = 20;

const count = (n: number) => n.toLocaleString("en-US");
const plural = (n: number, one: string, many = `${one}s`) => `${count(n)} ${n === 1 ? one : many}`;

/** The shell command that opens `file` in the default browser on this platform. */
export function openCommand(file: string, platform: NodeJS.Platform = process.platform): string {
  if (platform === "win32") return `start "" "${file}"`;
  const quoted = /^[\w@%+=:,./-]+$/.test(file) ? file : `'${file.replaceAll("'", "'\\''")}'`;
  return `${platform === "darwin" ? "open" : "xdg-open"} ${quoted}`;
}

export function sortedClusters(clusters: Record<string, { name: string; size: number }>): ClusterLine[] {
  return Object.entries(clusters)
    .map(([id, c]) => ({ id, name: c.name || id, size: c.size }))
    .sort((a, b) => b.size - a.size || a.id.localeCompare(b.id));
}

export function formatGraphSummary(s: GraphRunSummary): string {
  const lines: string[] = [];
  const took =
    s.seconds !== undefined ? ` in ${s.seconds < 10 ? s.seconds.toFixed(1) : Math.round(s.seconds)}s` : "";
  lines.push(`Read ${plural(s.items, "item")} from ${s.input} (${s.format})${took}.`);
  if (s.skippedNotion > 0)
    lines.push(`  ${plural(s.skippedNotion, "Notion page")} left out (INCLUDE_NOTION_NODES=false).`);
  if (s.warnings.length > 0) {
    lines.push(`  ${plural(s.warnings.length, "warning")} (what was skipped or changed, and why):`);
    for (const w of s.warnings.slice(0, MAX_WARNINGS_SHOWN)) lines.push(`    - ${w}`);
    const rest = s.warnings.length - MAX_WARNINGS_SHOWN;
    if (rest > 0) lines.push(`    … and ${count(rest)} more (--json lists them all)`);
  } else {
    lines.push("  Nothing was skipped.");
  }
  const naming = s.naming ? `, ${NAMING_PHRASES[s.naming] ?? `named: ${s.naming}`}` : "";
  lines.push(
    `${plural(s.clusters.length, "cluster")} (${plural(s.nodes, "node")}, ${plural(s.edges, "link")}${naming}):`,
  );
  const shown = s.clusters.slice(0, MAX_CLUSTERS_SHOWN);
  const width = Math.min(
    48,
    shown.reduce((w, c) => Math.max(w, c.name.length), 4),
  );
  for (const c of shown) {
    const name = c.name.length > width ? `${c.name.slice(0, width - 1)}…` : c.name.padEnd(width);
    lines.push(`  ${name}  ${plural(c.size, "item")}`);
  }
  if (s.clusters.length > MAX_CLUSTERS_SHOWN)
    lines.push(`  … and ${count(s.clusters.length - MAX_CLUSTERS_SHOWN)} more (see graph.html)`);
  lines.push(`Graph: ${s.html}`);
  lines.push(`  open it in a browser: ${openCommand(s.html)}  (or ${pathToFileURL(s.html).href})`);
  const others = s.files.filter((f) => f !== s.html);
  if (others.length > 0)
    lines.push(`  also written in ${dirname(s.html)}: ${others.map((f) => basename(f)).join(", ")}`);
  return `${lines.join("\n")}\n`;
}

/** The summary as one JSON line (for `--json`): every warning, every cluster, every file. */
export function graphSummaryJson(s: GraphRunSummary): string {
  return `${JSON.stringify(s)}\n`;
}
