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
