import { get, writable, type Readable } from "svelte/store";
import type { Backend } from "./backend";
import { toIpcError } from "./backend";
import { baseName, tailPath } from "./format";
import type { IpcError, KeyLocation } from "./ipc/bindings";

/** A short name for a key location: the file name, or the last two folders (".secrets/beneficiary"). */
export function keyShortName(location: Pick<KeyLocation, "path" | "kind">): string {
  return location.kind === "folder" ? tailPath(location.path, 2) : baseName(location.path);
}

export type KeysState = {
  loading: boolean;
  /** As `key_locations` returns them: remembered paths first, then the usual folders. */
  locations: KeyLocation[];
  /** Error of the last key action (loading, remembering, forgetting), shown in the key area. */
  error: IpcError | null;
  /** The location just added, for a short confirmation. */
  added: KeyLocation | null;
  /** The remembered location just forgotten, for a short confirmation. */
  forgotten: KeyLocation | null;
};

export type Keys = Readable<KeysState> & {
  refresh(): Promise<void>;
  chooseFile(): Promise<void>;
  chooseFolder(): Promise<void>;
  remember(path: string): Promise<void>;
  /** Forgets a remembered path (`forget_key_path`), then reloads the list. */
  forget(path: string): Promise<void>;
  /** Paths to hand to `open_archive`, in order (waits for a load under way). */
  paths(): Promise<string[]>;
};

export function createKeys(backend: Backend): Keys {
  const store = writable<KeysState>({
    loading: true,
    locations: [],
    error: null,
    added: null,
    forgotten: null,
  });

  let pending: Promise<unknown> = Promise.resolve();

  async function load() {
    store.update((s) => ({ ...s, loading: true }));
    try {
      const locations = await backend.keyLocations();
      store.update((s) => ({ ...s, loading: false, locations, error: null }));
    } catch (err) {
      store.update((s) => ({ ...s, loading: false, error: toIpcError(err) }));
    }
  }

  /** Runs key actions one after the other, so that `paths()` can wait for them. */
  function queue(action: () => Promise<void>): Promise<void> {
    const run = pending.then(action, action);
    pending = run.catch(() => {});
    return run;
  }

  const refresh = () => queue(load);

  const remember = (path: string) => queue(() => rememberNow(path));

  async function rememberNow(path: string) {
    store.update((s) => ({ ...s, error: null, added: null, forgotten: null }));
    try {
      const added = await backend.rememberKeyPath(path);
      const locations = await backend.keyLocations().catch(() => [
        added,
        ...get(store).locations.filter((l) => l.path !== added.path),
      ]);
      store.update((s) => ({ ...s, locations, added }));
    } catch (err) {
      store.update((s) => ({ ...s, error: toIpcError(err) }));
    }
  }

  async function forgetNow(path: string) {
    const location = get(store).locations.find((l) => l.path === path) ?? null;
    store.update((s) => ({ ...s, error: null, added: null, forgotten: null }));
    try {
      await backend.forgetKeyPath(path);
    } catch (err) {
      store.update((s) => ({ ...s, error: toIpcError(err) }));
      return;
    }
    // The list changes (a folder found by convention may come back as not remembered): reload it.
    const locations = await backend
      .keyLocations()
      .catch(() => get(store).locations.filter((l) => l.path !== path));
    store.update((s) => ({ ...s, locations, forgotten: location }));
  }

  async function choose(picker: () => Promise<string | null>) {
    let path: string | null;
    try {
      path = await picker();
    } catch (err) {
      store.update((s) => ({ ...s, error: toIpcError(err) }));
      return;
    }
    if (path) await remember(path);
  }

  return {
    subscribe: store.subscribe,
    refresh,
    remember,
    chooseFile: () => choose(() => backend.pickKeyFile()),
    chooseFolder: () => choose(() => backend.pickKeyFolder()),
    forget: (path) => queue(() => forgetNow(path)),
    async paths() {
      await pending;
      return get(store).locations.map((l) => l.path);
    },
  };
}
