/** Language codes to English names for prompts ("ko" → "Korean"), via Intl.DisplayNames (built into Node). */
const names = new Intl.DisplayNames(["en"], { type: "language", fallback: "none" });

export function languageName(code: string | undefined | null): string | undefined {
  const c = code?.trim();
  if (!c) return undefined;
  try {
    return names.of(c.replace("_", "-")) ?? undefined;
  } catch {
    return undefined;
  }
}

/** The two-letter base of a language code, lower-cased ("ko-KR" → "ko"). */
export function baseLanguage(code: string | undefined | null): string | undefined {
  const base = code?.trim().toLowerCase().split(/[-_]/)[0];
  return base || undefined;
}
