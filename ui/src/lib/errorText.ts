import type { IpcError } from "./ipc/bindings";

/**
 * An error panel says each thing once: its title, a lead (what the error means on this screen),
 * the core's message and its hint often come from different places (the UI's translations, the
 * backend) and can say the same sentence twice. `sayOnce` drops the parts that only repeat what an
 * earlier part said.
 */

/** The words of a text, lower case, without punctuation. */
export function wordsOf(text: string): string[] {
  return text.normalize("NFKC").toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** The sentences and clauses of a text (split after `.`, `!`, `?`, `:`, `;`). */
export function clausesOf(text: string): string[] {
  return text
    .split(/(?<=[.!?:;])\s+/u)
    .map((c) => c.trim())
    .filter((c) => wordsOf(c).length > 0);
}

/**
 * The two clauses say the same thing: the same words, or all the words of the shorter one (three
 * or more) with at most one added word in four ("does not open the keystore" / "does not open the
 * wallet keystore"). A word changed ("message for x" / "hint for x") makes another clause.
 */
export function sameClause(a: string, b: string): boolean {
  const wa = wordsOf(a);
  const wb = wordsOf(b);
  if (wa.length === 0 || wb.length === 0) return false;
  if (wa.join(" ") === wb.join(" ")) return true;
  const [short, long] = new Set(wa).size <= new Set(wb).size ? [new Set(wa), new Set(wb)] : [new Set(wb), new Set(wa)];
  if (short.size < 3) return false;
  for (const w of short) if (!long.has(w)) return false;
  return long.size - short.size <= Math.max(1, Math.floor(long.size / 4));
}

/**
 * The parts of a panel in the order shown (title first), each saying only what no earlier part
 * said: a clause that repeats an earlier one is left out (what remains starts with a capital), a
 * part with nothing new becomes null; empty parts stay null.
 */
export function sayOnce(parts: readonly (string | null | undefined)[]): (string | null)[] {
  const said: string[] = [];
  return parts.map((part) => {
    const clauses = clausesOf(part?.trim() ?? "");
    const fresh = clauses.filter((c) => !said.some((e) => sameClause(c, e)));
    said.push(...fresh);
    if (fresh.length === 0) return null;
    const text = fresh.join(" ");
    return fresh[0] === clauses[0] ? text : text.charAt(0).toLocaleUpperCase() + text.slice(1);
  });
}

/** What an error panel shows, each part once (null: not shown). */
export type ErrorText = {
  title: string;
  /** What the error means (the screen's words, or the kind's in the UI's language). */
  lead: string | null;
  /** The backend's own message, shown as such (English UI only). */
  message: string | null;
  hint: string | null;
  /**
   * The backend's own words (in English) when the UI speaks another language: shown only under
   * "Technical details" (ErrorDetails.svelte), never as the panel's text.
   */
  details: string | null;
};

type Translate = (key: string, options?: Record<string, unknown>) => string;

/** The backend writes its messages and hints in English: shown as they are only in English. */
export function speaksBackendLanguage(language: string | undefined): boolean {
  return !language || language.toLowerCase().startsWith("en");
}

/**
 * The parts of an error panel. In English: the title, the screen's lead, the backend's message
 * and hint (more specific than the kind's own words), each said once; the kind's lead stands in
 * for a missing message. In another language: the title, the lead (the screen's, or the kind's)
 * and the kind's hint, all translated; the backend's message and hint only as `details`.
 */
export function errorText(
  tr: Translate,
  language: string | undefined,
  error: IpcError,
  own: { title?: string | null; lead?: string | null } = {},
): ErrorText {
  const title = own.title || tr(`errors.title.${error.kind}`);
  const kindHint = tr(`errors.defaultHint.${error.kind}`);
  if (speaksBackendLanguage(language)) {
    const message = error.message?.trim() || (own.lead ? null : tr(`errors.lead.${error.kind}`));
    const [t, lead, said, hint] = sayOnce([title, own.lead, message, error.hint?.trim() || kindHint]);
    return { title: t ?? title, lead, message: said, hint, details: null };
  }
  const [t, lead, hint] = sayOnce([title, own.lead || tr(`errors.lead.${error.kind}`), kindHint]);
  const [message, backendHint] = sayOnce([error.message, error.hint]);
  const details = [message, backendHint].filter(Boolean).join(" ") || null;
  return { title: t ?? title, lead, message: null, hint, details };
}

/** An error said in one line: the backend's message in English, the kind's title otherwise. */
export function errorLine(tr: Translate, language: string | undefined, error: IpcError): string {
  return (speaksBackendLanguage(language) && error.message?.trim()) || tr(`errors.title.${error.kind}`);
}

/** The backend's own words about an error, for "Technical details" (null in English: said already). */
export function technicalDetails(language: string | undefined, error: IpcError): string | null {
  if (speaksBackendLanguage(language)) return null;
  return [error.message, error.hint].map((p) => p?.trim()).filter(Boolean).join(" ") || null;
}
