import type { TFunction } from "i18next";
import { derived, get, writable, type Readable } from "svelte/store";
import type { Backend } from "../backend";
import { toIpcError } from "../backend";
import type {
  BackupCreated,
  ImportOutcome,
  IpcError,
  KeySummary,
  PhraseCheck,
  ProtectionKind,
  RestoreOutcome,
  VaultOverview,
} from "../ipc/bindings";
import { generateKey, importKeysFrom, type KeyAction } from "../keyActions";

/**
 * The key ring's store: its state, its overview (`keys_overview`) and every call that changes the
 * ring's keys. Components read it and call its methods; none of them asks the backend about keys.
 *
 * After a change, the overview is never read again: every command that changes the ring returns
 * it as it is after the change (`overview`, where the engine names the active key) and the store
 * shows that — imports and generations, `keys_retire`, `keys_delete`, `backup_verify` here, and
 * the SMS push and the rotation's steps through the wallets' store (`takeOverview`). `keys_rename`
 * returns the key alone: nothing else in the overview depends on a label.
 *
 * The ring's states:
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
export type KeyRingState =
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

/**
 * The ring's active key: the key a push sends and a rotation replaces. The engine decides it
 * (`VaultOverview.active_key`); the UI only looks it up (Keys, the tour and the rotation wizard
 * read `Vault.active`).
 */
export function activeKey(overview: VaultOverview): KeySummary | null {
  return overview.keys.find((k) => k.fingerprint === overview.active_key) ?? null;
}

/** The overview with one key replaced (`keys_rename`, `keys_retire`): nothing else depends on it. */
export function withKey(overview: VaultOverview, key: KeySummary): VaultOverview {
  return { ...overview, keys: overview.keys.map((k) => (k.fingerprint === key.fingerprint ? key : k)) };
}

/** The overview without a deleted key: it leaves the keys not backed up, and maybe the kit's reminder. */
export function withoutKey(overview: VaultOverview, fingerprint: string): VaultOverview {
  const notBackedUp = overview.not_backed_up.filter((f) => f !== fingerprint);
  return {
    ...overview,
    keys: overview.keys.filter((k) => k.fingerprint !== fingerprint),
    not_backed_up: notBackedUp,
    kit_out_of_date: overview.kit_out_of_date && notBackedUp.length > 0,
  };
}

export type Vault = Readable<KeyRingState> & {
  /** The active key of an open ring (see `activeKey`); null when the ring is not open or has none. */
  active: Readable<KeySummary | null>;
  /** Start-up: vault_protection, then vault_open unless a passphrase is needed. */
  start(): Promise<void>;
  /** Unlocks a passphrase ring. */
  unlock(passphrase: string): Promise<void>;
  /** vault_open again (keychain problem, failure). */
  retry(): Promise<void>;
  /** Makes a new ring protected by a passphrase instead of the keychain. */
  createWithPassphrase(passphrase: string): Promise<void>;
  /** Reads the overview of an open ring again, as on disk now (no change needs it: each returns the ring). */
  refresh(): Promise<void>;
  /**
   * The ring as a command of another store returned it after its change (an SMS push, a rotation
   * step: stores/wallets.ts); shown as it is, nothing is read again. Ignored unless the ring is open.
   */
  takeOverview(overview: VaultOverview): void;
  /** After a restore: the ring now exists and holds the keys; show it. */
  afterRestore(): Promise<void>;
  /** Cancels a key generation (`cancel_job`). */
  cancelJob(jobId: string): Promise<void>;
  /** The save dialog for a new recovery kit (opened by Rust); null when closed. */
  saveKitPath(defaultName: string): Promise<string | null>;
  /** Writes a recovery kit (after the app's native confirmation) and returns its words, once; takes the ring it returns. */
  backup(path: string): Promise<BackupCreated>;
  /** Test-restores a kit in memory with its words; marks it verified and takes the ring it returns. */
  verifyBackup(path: string, words: string): Promise<RestoreOutcome>;
  /** Whether typed words are a valid phrase (no I/O). */
  phraseCheck(words: string): Promise<PhraseCheck>;
  /** The words of the list that start with `prefix`. */
  phraseComplete(prefix: string): Promise<string[]>;
  /** The open dialog for a recovery kit (opened by Rust); null when closed. */
  pickKit(): Promise<string | null>;
  /** Restores a kit into the key ring (`passphrase` for a new passphrase ring). */
  restore(path: string, words: string, passphrase: string | null): Promise<RestoreOutcome>;
  /** The key rings a restore set aside (file names, newest first). */
  setAsideRings(): Promise<string[]>;
  /** Reopens a set-aside ring (after the app's native confirmation), then opens it as at start. */
  reopenSetAside(name: string): Promise<void>;
  /** Generates a key (RSA-4096, seconds; `cancel_job(jobId)` cancels); a blank label gets the default one. */
  generate(label: string, jobId: string, tr: TFunction, language: string): Promise<KeyAction>;
  /** Imports the key file or `.secrets/beneficiary` folder chosen in a dialog. */
  importFrom(source: "file" | "folder", onStart?: () => void): Promise<KeyAction>;
  /** Imports a pasted PEM key; rejects with an `IpcError`. */
  importPem(pem: string, label: string): Promise<ImportOutcome>;
  /** Renames a key; rejects with an `IpcError`. */
  rename(fingerprint: string, label: string): Promise<KeySummary>;
  /** Retires a key (it still opens old results); rejects with an `IpcError`. */
  retire(fingerprint: string): Promise<KeySummary>;
  /** Deletes a key (`backup_required` unless a verified kit holds it); rejects with an `IpcError`. */
  remove(fingerprint: string): Promise<KeySummary>;
  /** Asks where to save a key (its iexec CLI name offered), then writes it; null when no place was chosen. */
  exportKey(fingerprint: string, isPrivate: boolean): Promise<string | null>;
};

/** True when the ring needs the user before it can be used (unlock, keychain, damage). */
export function needsAttention(state: KeyRingState): boolean {
  return (
    state.name === "locked" ||
    state.name === "keychain_problem" ||
    state.name === "damaged" ||
    state.name === "failed"
  );
}

/** How many keys the reminder is about; null when there is nothing to remind. */
export function reminderOf(state: KeyRingState): { count: number; outOfDate: boolean } | null {
  if (state.name !== "open") return null;
  const { not_backed_up, kit_out_of_date } = state.overview;
  if (not_backed_up.length === 0 && !kit_out_of_date) return null;
  return { count: not_backed_up.length, outOfDate: kit_out_of_date };
}

export function createVault(backend: Backend): Vault {
  const store = writable<KeyRingState>({ name: "starting" });
  let protection: ProtectionKind = "none";

  function failedOpen(err: unknown): KeyRingState {
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

  /** Reads the overview again, as on disk now. */
  async function refresh() {
    if (get(store).name !== "open") return;
    try {
      const overview = await backend.keysOverview();
      store.set({ name: "open", overview });
    } catch (err) {
      console.warn("keys_overview failed", err);
    }
  }

  function updateOverview(change: (overview: VaultOverview) => VaultOverview) {
    store.update((s) => (s.name === "open" ? { ...s, overview: change(s.overview) } : s));
  }

  /** Runs a call; a rejection becomes an `IpcError`. */
  async function call<T>(action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (err) {
      throw toIpcError(err);
    }
  }

  /** Keys were added (or not): the command returned the ring as it is now. */
  async function changed(action: Promise<KeyAction>): Promise<KeyAction> {
    const done = await action;
    if (done.type === "imported") updateOverview(() => done.overview);
    return done;
  }

  return {
    subscribe: store.subscribe,
    active: derived(store, (s) => (s.name === "open" ? activeKey(s.overview) : null)),
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
    refresh,
    takeOverview: (overview) => updateOverview(() => overview),
    generate: (label, jobId, tr, language) => changed(generateKey(backend, label, jobId, tr, language)),
    importFrom: (source, onStart) =>
      changed(
        importKeysFrom(backend, () => (source === "file" ? backend.pickKeyFile() : backend.pickKeyFolder()), onStart),
      ),
    async importPem(pem, label) {
      const r = await call(() => backend.keysImportPem(pem, label));
      updateOverview(() => r.overview);
      return r.outcomes[0];
    },
    async rename(fingerprint, label) {
      const key = await call(() => backend.keysRename(fingerprint, label));
      updateOverview((o) => withKey(o, key));
      return key;
    },
    async retire(fingerprint) {
      // Retiring may change which key is active: the overview returned says which.
      const r = await call(() => backend.keysRetire(fingerprint));
      updateOverview(() => r.overview);
      return r.key;
    },
    async remove(fingerprint) {
      const r = await call(() => backend.keysDelete(fingerprint));
      updateOverview(() => r.overview);
      return r.key;
    },
    async exportKey(fingerprint, isPrivate) {
      return call(async () => {
        const name = await backend.keysSuggestName(fingerprint, isPrivate);
        const path = await backend.saveFile(isPrivate ? "private_key" : "public_key", name);
        if (!path) return null;
        return isPrivate
          ? await backend.keysExportPrivate(fingerprint, path)
          : await backend.keysExportPublic(fingerprint, path);
      });
    },
    cancelJob: (jobId) => backend.cancelJob(jobId),
    saveKitPath: (defaultName) => backend.saveFile("kit", defaultName),
    async backup(path) {
      // The kit is recorded (not yet verified): the ring returned says so at once.
      const kit = await backend.backupCreate(path);
      updateOverview(() => kit.overview);
      return kit;
    },
    async verifyBackup(path, words) {
      // The kit's keys are backed up now: the ring returned drops them from the reminder.
      const r = await backend.backupVerify(path, words);
      updateOverview(() => r.overview);
      return r.outcome;
    },
    phraseCheck: (words) => backend.phraseCheck(words),
    phraseComplete: (prefix) => backend.phraseComplete(prefix),
    pickKit: () => backend.pickKitFile(),
    restore: (path, words, passphrase) => backend.restoreKit(path, words, passphrase),
    setAsideRings: () => backend.keyringSetAsideList(),
    async reopenSetAside(name) {
      await backend.keyringReopenSetAside(name);
      await this.start();
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
