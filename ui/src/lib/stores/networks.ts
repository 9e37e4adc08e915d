import { writable, type Readable } from "svelte/store";
import type { Backend } from "../backend";
import { toIpcError } from "../backend";
import type { IpcError, Network, NetworkInfo } from "../ipc/bindings";

/**
 * The networks' store: the list (`networks_list`: built-ins with their overrides, then the custom
 * ones) and its changes. One list for the whole app: Tasks, Settings, Home, the key service
 * section and the rotation wizard read it here.
 *
 * `network_save` and `network_reset` return the whole list: the store takes it as it is, without
 * asking again.
 */
export type NetworksState = {
  /** As `networks_list` returns it. */
  list: NetworkInfo[];
  /** A load finished (whether it worked or not). */
  loaded: boolean;
};

export type Networks = Readable<NetworksState> & {
  /** Reads the list (a load under way is shared); resolves with the error, or null. */
  load(): Promise<IpcError | null>;
  /** Checks (the RPC's chain id) and saves a network; resolves with the error to show, or null. */
  save(network: Network): Promise<IpcError | null>;
  /** A built-in network back to its defaults; a custom one removed. */
  reset(name: string): Promise<IpcError | null>;
};

/** The networks that have a key service (SMS): where a key can be pushed. */
export function withKeyService(list: readonly NetworkInfo[]): Network[] {
  return list.map((n) => n.network).filter((n) => n.sms_urls.length > 0);
}

export function createNetworks(backend: Backend): Networks {
  const store = writable<NetworksState>({ list: [], loaded: false });
  let loading: Promise<IpcError | null> | null = null;

  async function read(): Promise<IpcError | null> {
    try {
      const list = await backend.networksList();
      store.set({ list, loaded: true });
      return null;
    } catch (err) {
      store.update((s) => ({ ...s, loaded: true }));
      return toIpcError(err);
    }
  }

  /** Runs a change that answers with the whole list. */
  async function change(action: () => Promise<NetworkInfo[]>): Promise<IpcError | null> {
    try {
      const list = await action();
      store.set({ list, loaded: true });
      return null;
    } catch (err) {
      return toIpcError(err);
    }
  }

  return {
    subscribe: store.subscribe,
    load() {
      if (!loading) loading = read().finally(() => (loading = null));
      return loading;
    },
    save: (network) => change(() => backend.networkSave(network)),
    reset: (name) => change(() => backend.networkReset(name)),
  };
}
