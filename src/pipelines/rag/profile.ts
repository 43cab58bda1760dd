/**
 * The user's knowledge profile for personalised answers, from their macro graph's summary.json (the
 * incumbent's `build_macro_profile`, ORIGINAL-PIPELINES §8): primary interests (≤5), conversation style,
 * the three most significant patterns and the three highest-priority recommendations. Tolerant of any input:
 * whatever is missing is left out, and nothing usable gives null.
 */

const RANK: Record<string, number> = { high: 0, medium: 1, low: 2 };

function strings(v: unknown, max: number): string[] {
  return Array.isArray(v)
    ? v
        .filter((x): x is string => typeof x === "string" && x.trim() !== "")
        .map((x) => x.trim())
        .slice(0, max)
    : [];
}

function records(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v)
    ? v.filter((x): x is Record<string, unknown> => typeof x === "object" && x !== null)
    : [];
}

function byLevel(items: Record<string, unknown>[], key: string): Record<string, unknown>[] {
  return items
    .map((item, i) => ({ item, i }))
    .sort((a, b) => (RANK[String(a.item[key])] ?? 3) - (RANK[String(b.item[key])] ?? 3) || a.i - b.i)
    .map((x) => x.item);
}

function clip(s: string, max: number): string {
  const t = s.replace(/\s+/g, " ").trim();
  return t.length <= max ? t : `${t.slice(0, max - 1)}…`;
}

export function buildMacroProfile(summary: unknown): string | null {
  if (typeof summary !== "object" || summary === null) return null;
  const s = summary as Record<string, unknown>;
  const overview = (typeof s.overview === "object" && s.overview !== null ? s.overview : {}) as Record<
    string,
    unknown
  >;
  const lines: string[] = [];
  const interests = strings(overview.primary_interests, 5);
  if (interests.length) lines.push(`- Primary interests: ${interests.join(", ")}`);
  if (typeof overview.conversation_style === "string" && overview.conversation_style.trim()) {
    lines.push(`- Learning style: ${clip(overview.conversation_style, 300)}`);
  }
  const patterns = byLevel(records(s.patterns), "significance")
    .map((p) => (typeof p.description === "string" ? clip(p.description, 200) : ""))
    .filter(Boolean)
    .slice(0, 3);
  if (patterns.length) lines.push(`- Patterns: ${patterns.join(" | ")}`);
  const recs = byLevel(records(s.recommendations), "priority")
    .map((r) => (typeof r.title === "string" ? clip(r.title, 120) : ""))
    .filter(Boolean)
    .slice(0, 3);
  if (recs.length) lines.push(`- Suggested next steps: ${recs.join(" | ")}`);
  if (lines.length === 0) return null;
  return ["User knowledge profile (from the user's Macro Graph):", ...lines].join("\n");
}
