import { writable, type Readable } from "svelte/store";
import type { Backend } from "../backend";
import { toIpcError } from "../backend";
import type { Vault } from "./keys";
import type {
  FoundKeystore,
  IpcError,
  Rotation,
  RotationChanged,
  SmsStatus,
  WalletKeep,
  WalletSummary,
  WatchedAddress,
} from "../ipc/bindings";

/**
 * The wallets, the key service (SMS) and the key rotation: one store that owns their IPC calls
 * (docs/ipc-contract.md, "Wallet, SMS and key rotation"). The Keys screen, the first-run tour and
 * the rotation wizard read the wallet list here; an import or a removal updates it from what the
 * command returned, without asking for the list again. A push and the rotation's steps change the
 * key ring (a key's push journal, the new key, the old one retired): their commands return the ring
 * after, handed to the key ring's store (`Vault.takeOverview`), which reads nothing again.
 */
export type WalletsState = {
  /** The beneficiary wallets in the key ring, as `wallets_list` returns them. */
  list: WalletSummary[];
  /** A load finished (whether it worked or not). */
  loaded: boolean;
  /** Why the last load failed. */
  error: IpcError | null;
};

export type Wallets = Readable<WalletsState> & {
  /** Reads the list (a load under way is shared). */
  load(): Promise<void>;
  /** Keystores found where the iexec CLI keeps them. */
  keystoresFound(): Promise<FoundKeystore[]>;
  /** The system's file dialog for a keystore (opened by Rust); null when closed. */
  pickFile(): Promise<string | null>;
  /** Imports a keystore; the list gets it. Rejects with an `IpcError` (`wrong_password`…). */
  importFile(path: string, password: string | null, keep: WalletKeep): Promise<WalletSummary>;
  /** Imports a pasted private key; the list gets it. */
  importKey(privateKey: string, label: string): Promise<WalletSummary>;
  /** Removes a wallet; the list loses it. */
  remove(address: string): Promise<void>;
  /** Whether signing with the wallet of `address` needs its password. */
  needsPassword(address: string): Promise<boolean>;
  /** What the network's SMS holds for `address`. */
  smsStatus(network: string, address: string): Promise<SmsStatus>;
  /** The watched addresses (the tasks' domain, read here to know which networks to check). */
  watchedList(): Promise<WatchedAddress[]>;
  /** Pushes the active key (after the app's native confirmation when the key changes); the key ring takes the ring returned. */
  smsPush(network: string, address: string, password: string | null): Promise<SmsStatus>;
  /** The key rotation, step by step (docs/ipc-contract.md); `generate`, `push` and `finish` hand the ring returned to the key ring. */
  rotation: {
    status(): Promise<Rotation | null>;
    start(address: string, networks: string[]): Promise<Rotation>;
    generate(jobId: string): Promise<Rotation>;
    /** Cancels the generation `jobId`. */
    cancel(jobId: string): Promise<void>;
    checkKit(): Promise<Rotation>;
    push(network: string, password: string | null): Promise<Rotation>;
    finish(): Promise<Rotation>;
  };
};

export function createWallets(backend: Backend, deps: { vault: Pick<Vault, "takeOverview"> }): Wallets {
  const { vault } = deps;
  const store = writable<WalletsState>({ list: [], loaded: false, error: null });
  let loading: Promise<void> | null = null;

  /** A rotation step changed the ring: the key ring takes the ring returned, the caller the rotation. */
  async function ringChanged(step: Promise<RotationChanged>): Promise<Rotation> {
    const r = await step;
    vault.takeOverview(r.overview);
    return r.rotation;
  }

  function put(w: WalletSummary) {
    store.update((s) => ({
      ...s,
      list: [...s.list.filter((x) => x.address.toLowerCase() !== w.address.toLowerCase()), w],
    }));
  }

  return {
    subscribe: store.subscribe,
    load() {
      loading ??= (async () => {
        try {
          const list = await backend.walletsList();
          store.set({ list, loaded: true, error: null });
        } catch (err) {
          store.update((s) => ({ ...s, loaded: true, error: toIpcError(err) }));
        } finally {
          loading = null;
        }
      })();
      return loading;
    },
    keystoresFound: () => backend.keystoresFound(),
    pickFile: () => backend.pickWalletFile(),
    async importFile(path, password, keep) {
      const w = await backend.walletImportFile(path, password, keep);
      put(w);
      return w;
    },
    async importKey(privateKey, label) {
      const w = await backend.walletImportKey(privateKey, label);
      put(w);
      return w;
    },
    async remove(address) {
      await backend.walletRemove(address);
      store.update((s) => ({ ...s, list: s.list.filter((x) => x.address.toLowerCase() !== address.toLowerCase()) }));
    },
    needsPassword: (address) => backend.walletNeedsPassword(address),
    smsStatus: (network, address) => backend.smsStatus(network, address),
    watchedList: () => backend.watchedList(),
    async smsPush(network, address, password) {
      const r = await backend.smsPush(network, address, password);
      vault.takeOverview(r.overview);
      return r.status;
    },
    rotation: {
      status: () => backend.rotationStatus(),
      start: (address, networks) => backend.rotationStart(address, networks),
      generate: (jobId) => ringChanged(backend.rotationGenerate(jobId)),
      cancel: (jobId) => backend.cancelJob(jobId),
      checkKit: () => backend.rotationCheckKit(),
      push: (network, password) => ringChanged(backend.rotationPush(network, password)),
      finish: () => ringChanged(backend.rotationFinish()),
    },
  };
}
