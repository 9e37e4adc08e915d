import { get, writable, type Readable } from "svelte/store";
import type { Backend } from "./backend";
import { toIpcError } from "./backend";
import type { IpcError, ProtectionKind, VaultOverview } from "./ipc/bindings";

/**
 * The key ring as the UI sees it:
 *
 *   starting ──vault_protection = passphrase──▶ locked ──unlock──▶ open
 *      │                                          └─wrong_passphrase─▶ locked(error)
 *      └──vault_open──▶ open
 *                 ├──keychain_unavailable | keychain_locked──▶ keychain_problem ─retry / passphrase─▶ …
 *                 ├──keyring_damaged──▶ damaged ──restore──▶ open
 *                 └──anything else──▶ failed ──retry──▶ …
 *
 * Opening results never waits for the ring: key files work whatever its state.
 */
export type VaultState =
  | { name: "starting" }
  | { name: "locked"; busy: boolean; error: IpcError | null }
  | {
      name: "keychain_problem";
      /** keychain_unavailable or keychain_locked. */
      error: IpcError;
      /** What is on disk (a keychain ring cannot switch to a passphrase). */
      protection: ProtectionKind;
      busy: boolean;
      /** Error of the last "use a passphrase" attempt. */
      formError: IpcError | null;
    }
  | { name: "damaged"; error: IpcError }
  | { name: "failed"; error: IpcError; busy: boolean }
  | { name: "open"; overview: VaultOverview };

export type Vault = Readable<VaultState> & {
  /** Start-up: vault_protection, then vault_open unless a passphrase is needed. */
  start(): Promise<void>;
  /** Unlocks a passphrase ring. */
  unlock(passphrase: string): Promise<void>;
  /** vault_open again (keychain problem, failure). */
  retry(): Promise<void>;
  /** Makes a new ring protected by a passphrase instead of the keychain. */
  createWithPassphrase(passphrase: string): Promise<void>;
  /** Reloads the overview of an open ring (after a change). */
  refresh(): Promise<void>;
  /** After a restore: the ring now exists and holds the keys; show it. */
  afterRestore(): Promise<void>;
};

/** True when the ring needs the user before it can be used (unlock, keychain, damage). */
export function needsAttention(state: VaultState): boolean {
  return (
    state.name === "locked" ||
    state.name === "keychain_problem" ||
    state.name === "damaged" ||
    state.name === "failed"
  );
}

/** How many keys the reminder is about; null when there is nothing to remind. */
export function reminderOf(state: VaultState): { count: number; outOfDate: boolean } | null {
  if (state.name !== "open") return null;
  const { not_backed_up, kit_out_of_date } = state.overview;
  if (not_backed_up.length === 0 && !kit_out_of_date) return null;
  return { count: not_backed_up.length, outOfDate: kit_out_of_date };
}

export function createVault(backend: Backend): Vault {
  const store = writable<VaultState>({ name: "starting" });
  let protection: ProtectionKind = "none";

  function failedOpen(err: unknown): VaultState {
    const error = toIpcError(err);
    switch (error.kind) {
      case "keychain_unavailable":
      case "keychain_locked":
        return { name: "keychain_problem", error, protection, busy: false, formError: null };
      case "keyring_damaged":
        return { name: "damaged", error };
      case "wrong_passphrase":
        return { name: "locked", busy: false, error };
      default:
        return { name: "failed", error, busy: false };
    }
  }

  async function open(passphrase: string | null, createWith: "passphrase" | null) {
    try {
      const overview = await backend.vaultOpen(passphrase, createWith);
      protection = overview.protection;
      store.set({ name: "open", overview });
    } catch (err) {
      store.set(failedOpen(err));
    }
  }

  return {
    subscribe: store.subscribe,
    async start() {
      store.set({ name: "starting" });
      try {
        protection = await backend.vaultProtection();
      } catch (err) {
        store.set(failedOpen(err));
        return;
      }
      if (protection === "passphrase") {
        store.set({ name: "locked", busy: false, error: null });
        return;
      }
      await open(null, null);
    },
    async unlock(passphrase) {
      const state = get(store);
      if (state.name !== "locked" || state.busy) return;
      store.set({ ...state, busy: true });
      await open(passphrase, null);
    },
    async retry() {
      const state = get(store);
      if (state.name === "keychain_problem" || state.name === "failed") {
        if (state.busy) return;
        store.set({ ...state, busy: true });
      }
      if (protection === "passphrase") {
        store.set({ name: "locked", busy: false, error: null });
        return;
      }
      await open(null, null);
    },
    async createWithPassphrase(passphrase) {
      const state = get(store);
      if (state.name !== "keychain_problem" || state.busy) return;
      store.set({ ...state, busy: true, formError: null });
      try {
        const overview = await backend.vaultOpen(passphrase, "passphrase");
        protection = overview.protection;
        store.set({ name: "open", overview });
      } catch (err) {
        const next = failedOpen(err);
        // Still no keychain: stay on the form and say why it did not work.
        if (next.name === "keychain_problem") {
          store.set({ ...state, busy: false, formError: toIpcError(err) });
        } else store.set(next);
      }
    },
    async refresh() {
      if (get(store).name !== "open") return;
      try {
        const overview = await backend.keysOverview();
        store.set({ name: "open", overview });
      } catch (err) {
        console.warn("keys_overview failed", err);
      }
    },
    async afterRestore() {
      try {
        const overview = await backend.keysOverview();
        protection = overview.protection;
        store.set({ name: "open", overview });
      } catch {
        await open(null, null);
      }
    },
  };
}
