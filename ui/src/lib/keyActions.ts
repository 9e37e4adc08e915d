import type { TFunction } from "i18next";
import type { Backend } from "./backend";
import { toIpcError } from "./backend";
import type { ImportOutcome, IpcError, VaultOverview } from "./ipc/bindings";
import { formatDate } from "./format";

/**
 * Adding keys to the ring, as the Keys screen and the first-run tour's key step do it: generate a
 * key (a label or the default one, cancellable), import a file or a folder chosen in a dialog, and
 * say what was added.
 */

/** What came of generating or importing: keys added (or already there), cancelled, nothing chosen, or an error. */
export type KeyAction =
  | { type: "imported"; outcomes: ImportOutcome[]; overview: VaultOverview }
  | { type: "cancelled" }
  | { type: "nothing" }
  | { type: "error"; error: IpcError };

/** The label of a key generated without one: "Key of <date>". */
export function defaultKeyLabel(tr: TFunction, language: string, now = new Date()): string {
  return tr("ring.defaultLabel", { date: formatDate(now.toISOString(), language) });
}

/** Generates a key (RSA-4096, seconds); `cancel_job(jobId)` cancels it. */
export async function generateKey(
  backend: Backend,
  label: string,
  jobId: string,
  tr: TFunction,
  language: string,
): Promise<KeyAction> {
  try {
    const r = await backend.keysGenerate(label.trim() || defaultKeyLabel(tr, language), jobId);
    return { type: "imported", outcomes: r.outcomes, overview: r.overview };
  } catch (err) {
    const error = toIpcError(err);
    return error.kind === "cancelled" ? { type: "cancelled" } : { type: "error", error };
  }
}

/** Imports the key file or `.secrets/beneficiary` folder the picker gives (nothing when it gives none). */
export async function importKeysFrom(
  backend: Backend,
  picker: () => Promise<string | null>,
  onStart: () => void = () => {},
): Promise<KeyAction> {
  let path: string | null;
  try {
    path = await picker();
  } catch (err) {
    return { type: "error", error: toIpcError(err) };
  }
  if (!path) return { type: "nothing" };
  onStart();
  try {
    const r = await backend.keysImportPath(path);
    return { type: "imported", outcomes: r.outcomes, overview: r.overview };
  } catch (err) {
    return { type: "error", error: toIpcError(err) };
  }
}

/** What an import (or a generation) added, in sentences for people. */
export function importLines(outcomes: readonly ImportOutcome[], tr: TFunction): string[] {
  const added = outcomes.filter((o) => o.added);
  const already = outcomes.filter((o) => !o.added);
  const lines: string[] = [];
  if (added.length === 1) lines.push(tr("ring.added", { label: added[0].key.label }));
  else if (added.length > 1) lines.push(tr("ring.addedMany", { count: added.length }));
  if (already.length === 1) lines.push(tr("ring.already", { label: already[0].key.label }));
  else if (already.length > 1) lines.push(tr("ring.alreadyMany", { count: already.length }));
  if (outcomes.length === 0) lines.push(tr("ring.importedNone"));
  return lines;
}
