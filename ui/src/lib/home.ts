import { get, writable, type Readable } from "svelte/store";
import type { Backend } from "./backend";
import { toIpcError } from "./backend";
import type { IpcError, KeySummary, Network, SmsState, TaskRow, ResultState, WalletSummary } from "./ipc/bindings";
import { networksInUse, pickNetwork } from "./smsNetworks";
import { createNetworks, type Networks } from "./stores/networks";

/**
 * What Home shows at a glance, kept by the app (not the screen) so that coming back to Home does
 * not ask every service again: the wallets, the key service (SMS) of each current network for the
 * first wallet, the latest results and how many addresses are watched.
 *
 *   load() ──▶ wallets_list, tasks_list(null, null), watched_list, the networks' store (local, instant)
 *          └─▶ sms_status of each current network in use (smsNetworks.ts: watched, in the push
 *              journal, or picked), when the wallet or the networks in use changed or the last
 *              check is old; the other current networks are listed as not checked
 *   check(network) ──▶ sms_status of that network, remembered as picked
 */

/** Vault states of a result that was opened (what "latest results" lists). */
export const RESULT_STATES: readonly ResultState[] = ["verified", "decrypted", "not_encrypted", "mismatch"];

/** How many results Home lists. */
export const LATEST_COUNT = 5;

/** The key service of one network, as Home shows it. */
export type SmsChip = {
  network: string;
  label: string;
  state: SmsState | null;
  checking: boolean;
  error: IpcError | null;
  /** Checked by itself (in use); false: listed as not checked, with a button to check it. */
  inUse: boolean;
};

export type HomeState = {
  /** null until known. */
  wallets: WalletSummary[] | null;
  walletsError: IpcError | null;
  /** The latest opened results, newest first; null until known. */
  latest: TaskRow[] | null;
  latestError: IpcError | null;
  watchedCount: number | null;
  /** The address the chips are for (the first wallet's). */
  smsAddress: string | null;
  sms: SmsChip[];
};

export type Home = Readable<HomeState> & {
  /**
   * Reloads what is local; checks the key services in use again when `force`, or when due.
   * `keys`: the ring's keys (their push journal names networks in use); the last ones given are kept.
   */
  load(force?: boolean, keys?: readonly KeySummary[] | null): Promise<void>;
  /** Checks a key service again; one not in use is checked from now on by itself (picked). */
  check(network: string): Promise<void>;
};

export type HomeDeps = {
  now?: () => number;
  /** A check of the key services younger than this (ms) is not repeated by `load()`. */
  smsEveryMs?: number;
  /** The app's networks' store (read again by each load); a store of its own when absent. */
  networks?: Networks;
};

/** The latest results among rows sorted newest first. */
export function latestResults(rows: TaskRow[], count = LATEST_COUNT): TaskRow[] {
  return rows.filter((r) => RESULT_STATES.includes(r.vault)).slice(0, count);
}

/** The networks Home checks: those with a key service, except the legacy ones (old tasks only). */
export function currentNetworks(networks: Network[]): Network[] {
  return networks.filter((n) => n.sms_urls.length > 0 && !n.legacy);
}

export function createHome(backend: Backend, deps: HomeDeps = {}): Home {
  const now = deps.now ?? (() => Date.now());
  const every = deps.smsEveryMs ?? 5 * 60_000;
  const networkStore = deps.networks ?? createNetworks(backend);
  const store = writable<HomeState>({
    wallets: null,
    walletsError: null,
    latest: null,
    latestError: null,
    watchedCount: null,
    smsAddress: null,
    sms: [],
  });
  let smsCheckedAt = -Infinity;
  /** The networks in use at the last check (names, joined). */
  let checkedInUse = "";
  let lastKeys: readonly KeySummary[] | null = null;
  let run = 0;

  async function checkOne(address: string, n: { network: string }, mine: number) {
    let change: Partial<SmsChip>;
    try {
      const status = await backend.smsStatus(n.network, address);
      change = { state: status.state, checking: false, error: null };
    } catch (err) {
      change = { state: null, checking: false, error: toIpcError(err) };
    }
    if (mine !== run) return;
    store.update((s) => ({
      ...s,
      sms: s.sms.map((c) => (c.network === n.network ? { ...c, ...change } : c)),
    }));
  }

  async function checkSms(address: string, networks: Network[], inUse: Set<string>) {
    const mine = ++run;
    smsCheckedAt = now();
    const chips: SmsChip[] = networks.map((n) => ({
      network: n.name,
      label: n.label,
      state: null,
      checking: inUse.has(n.name),
      error: null,
      inUse: inUse.has(n.name),
    }));
    store.update((s) => ({ ...s, smsAddress: address, sms: chips }));
    await Promise.all(chips.filter((c) => c.inUse).map((c) => checkOne(address, c, mine)));
  }

  async function check(network: string) {
    const state = get(store);
    const address = state.smsAddress;
    if (!address) return;
    // A network not in use is picked (checked by itself from now on); one in use is checked again.
    if (!state.sms.find((c) => c.network === network)?.inUse) pickNetwork(network);
    checkedInUse = [...new Set([...checkedInUse.split("|").filter(Boolean), network])].sort().join("|");
    store.update((s) => ({
      ...s,
      sms: s.sms.map((c) => (c.network === network ? { ...c, inUse: true, checking: true, error: null } : c)),
    }));
    await checkOne(address, { network }, run);
  }

  async function load(force = false, keys?: readonly KeySummary[] | null) {
    if (keys !== undefined) lastKeys = keys;
    const [wallets, rows, watched, networks] = await Promise.all([
      backend.walletsList().then(
        (w) => ({ ok: w }),
        (err: unknown) => ({ error: toIpcError(err) }),
      ),
      backend.tasksList(null, null).then(
        (r) => ({ ok: r }),
        (err: unknown) => ({ error: toIpcError(err) }),
      ),
      backend.watchedList().catch(() => null),
      networkStore.load().then((error) => (error ? null : get(networkStore).list)),
    ]);
    store.update((s) => ({
      ...s,
      wallets: "ok" in wallets ? wallets.ok : s.wallets,
      walletsError: "error" in wallets ? wallets.error : null,
      latest: "ok" in rows ? latestResults(rows.ok) : s.latest,
      latestError: "error" in rows ? rows.error : null,
      watchedCount: watched ? watched.length : s.watchedCount,
    }));
    const address = "ok" in wallets ? (wallets.ok[0]?.address ?? null) : get(store).smsAddress;
    if (!address) {
      run++;
      checkedInUse = "";
      store.update((s) => ({ ...s, smsAddress: null, sms: [] }));
      return;
    }
    const list = currentNetworks((networks ?? []).map((n) => n.network));
    const used = networksInUse(watched, lastKeys);
    const inUse = new Set(list.filter((n) => used.has(n.name)).map((n) => n.name));
    const inUseKey = [...inUse].sort().join("|");
    const state = get(store);
    const before = new Set(checkedInUse.split("|").filter(Boolean));
    checkedInUse = inUseKey;
    const due =
      force || state.smsAddress !== address || now() - smsCheckedAt >= every || state.sms.length !== list.length;
    if (due) {
      if (list.length) await checkSms(address, list, inUse);
      return;
    }
    // Only the networks in use changed (the key ring opened, an address watched): check the new ones.
    const fresh = [...inUse].filter((n) => !before.has(n));
    store.update((s) => ({
      ...s,
      sms: s.sms.map((c) => ({ ...c, inUse: inUse.has(c.network), checking: c.checking || fresh.includes(c.network) })),
    }));
    await Promise.all(fresh.map((network) => checkOne(address, { network }, run)));
  }

  return { subscribe: store.subscribe, load, check };
}
