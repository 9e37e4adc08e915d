import type { KeySummary, WatchedAddress } from "./ipc/bindings";

/**
 * Which key services (SMS) the app asks by itself. Asking every built-in network on each visit is
 * slow, and offline it fills the screen with errors: only the networks in use are checked,
 *
 *   - the networks of a watched address (watched_list),
 *   - the networks the push journal mentions (a key was pushed there, or a push was tried),
 *   - the networks the user asked to check ("Check" on a row), remembered on this computer.
 *
 * The others are listed as "not checked", with a button to check them.
 */

/** Where the networks the user asked to check are remembered (names, JSON). */
export const SMS_PICKED_KEY = "resultVault.smsPicked";

/** The networks the user asked to check. */
export function pickedNetworks(): string[] {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(SMS_PICKED_KEY) ?? "[]");
    return Array.isArray(value) ? value.filter((n): n is string => typeof n === "string") : [];
  } catch {
    return [];
  }
}

/** Remembers that the user asked to check this network: it is checked with the others from now on. */
export function pickNetwork(name: string): void {
  const picked = pickedNetworks();
  if (picked.includes(name)) return;
  try {
    localStorage.setItem(SMS_PICKED_KEY, JSON.stringify([...picked, name]));
  } catch (err) {
    console.warn("cannot remember the network", err);
  }
}

/** The networks in use: watched, in a push journal, or picked. */
export function networksInUse(
  watched: readonly WatchedAddress[] | null,
  keys: readonly KeySummary[] | null,
  picked: readonly string[] = pickedNetworks(),
): Set<string> {
  const names = new Set<string>(picked);
  for (const w of watched ?? []) names.add(w.network);
  for (const k of keys ?? []) for (const p of k.push_journal) names.add(p.network);
  return names;
}
