import { get, writable, type Readable } from "svelte/store";
import type { Backend } from "../backend";
import { toIpcError } from "../backend";
import { createNetworks, type Networks } from "./networks";
import type {
  FetchEvent,
  IpcError,
  RefreshOutcome,
  RefreshProgress,
  TaskFetched,
  TaskRow,
  TaskStatus,
  WatchedAddress,
} from "../ipc/bindings";

/**
 * The tasks' store: the watched addresses and the tasks of the cache, with every call that reads or
 * changes them (watch, refresh, add by id, fetch, discard). Kept by the app (not the screen) so
 * that refreshes and downloads go on, and are still shown, after leaving the screen. A fetch
 * takes the task's row from its answer (`TaskFetched.row`); the changes whose answer lacks the
 * rows (unwatch, add by id, discard, a refresh, a failed fetch) read the cache again, here.
 *
 *   open ──▶ networks (the networks' store), watched, tasks_list (cache, instant) ──▶ tasks_refresh of each address
 *   fetch(row) ──▶ job (confirming → downloading → opening → verifying) ──▶ result | error
 *                      └── cancelFetch ──▶ cancelled (the row reloads: partial)
 */

/** A refresh of one watched address: running, or how the last one ended. */
export type RefreshState = {
  /** Set while it runs. */
  jobId: string | null;
  progress: RefreshProgress | null;
  cancelling: boolean;
  /** The last refresh that finished (its warning is shown). */
  outcome: RefreshOutcome | null;
  /** The last refresh that failed. */
  error: IpcError | null;
  /** The last refresh was cancelled. */
  cancelled: boolean;
};

/** A download (task_fetch) under way. */
export type FetchJob = {
  jobId: string;
  network: string;
  taskId: string;
  /** The last event; null until the first. */
  event: FetchEvent | null;
  cancelling: boolean;
};

/** How the last fetch of a task ended, in this session. */
export type FetchResult =
  | { type: "done"; fetched: TaskFetched }
  | { type: "error"; error: IpcError }
  | { type: "paused" };

export type TasksState = {
  /** The first load (networks, watched, cache) finished. */
  loaded: boolean;
  /** The first load failed. */
  loadError: IpcError | null;
  watched: WatchedAddress[];
  /** The cached rows, newest first. */
  rows: TaskRow[];
  /** By `addressKey`. */
  refreshes: Record<string, RefreshState>;
  /** Downloads under way, by job id. */
  fetches: Record<string, FetchJob>;
  /** The last fetch of each task, by `taskKey`. */
  results: Record<string, FetchResult>;
};

/** Key of a watched address (addresses compare without case). */
export function addressKey(network: string, address: string): string {
  return `${network}|${address.toLowerCase()}`;
}

/** Key of a task (one network's task ids are unique). */
export function taskKey(network: string, taskId: string): string {
  return `${network}|${taskId.toLowerCase()}`;
}

/** The download under way for a task, if any. */
export function fetchOf(state: TasksState, row: Pick<TaskRow, "network" | "task_id">): FetchJob | null {
  const key = taskKey(row.network, row.task_id);
  return Object.values(state.fetches).find((f) => taskKey(f.network, f.taskId) === key) ?? null;
}

/** The task has a result this app can download (completed, stored on IPFS). */
export function downloadable(row: TaskRow): boolean {
  return row.status === "completed" && row.result.storage === "ipfs";
}

/** Values of the task list's filter. */
export type TaskFilter = "all" | TaskStatus | "has_result";
export const TASK_FILTERS: readonly TaskFilter[] = [
  "all",
  "active",
  "revealing",
  "completed",
  "failed",
  "timeout",
  "unset",
  "has_result",
];

export function matchesFilter(row: TaskRow, filter: TaskFilter): boolean {
  if (filter === "all") return true;
  if (filter === "has_result") return row.status === "completed" && row.result.storage !== "none";
  return row.status === filter;
}

/** Search over the task id, the deal id, the app's name and address (case-insensitive). */
export function matchesSearch(row: TaskRow, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  return [row.task_id, row.deal_id, row.app, row.app_name ?? ""].some((v) => v.toLowerCase().includes(q));
}

/** One group of the list: the tasks of one beneficiary on one network. */
export type TaskGroup = {
  key: string;
  network: string;
  address: string;
  /** The watched address, when it is one (tasks added by id may have another beneficiary). */
  watched: WatchedAddress | null;
  rows: TaskRow[];
};

/** Groups rows by network and beneficiary: watched addresses first (in their order), newest first inside. */
export function groupTasks(watched: WatchedAddress[], rows: TaskRow[]): TaskGroup[] {
  const groups = new Map<string, TaskGroup>();
  for (const w of watched) {
    const key = addressKey(w.network, w.address);
    groups.set(key, { key, network: w.network, address: w.address, watched: w, rows: [] });
  }
  for (const row of rows) {
    const key = addressKey(row.network, row.beneficiary);
    let group = groups.get(key);
    if (!group) {
      group = { key, network: row.network, address: row.beneficiary, watched: null, rows: [] };
      groups.set(key, group);
    }
    group.rows.push(row);
  }
  for (const g of groups.values()) g.rows.sort((a, b) => b.start_time - a.start_time);
  return [...groups.values()];
}

export type Tasks = Readable<TasksState> & {
  /** Screen opened: networks, watched, cache; then a refresh of each address (not `full`). */
  open(): Promise<void>;
  /** Reloads the cached rows and the watched addresses. */
  reload(): Promise<void>;
  /** Watches an address and refreshes it; resolves with the error to show, or null. */
  watch(network: string, address: string, label: string): Promise<IpcError | null>;
  unwatch(network: string, address: string): Promise<IpcError | null>;
  refresh(network: string, address: string, full?: boolean): Promise<void>;
  cancelRefresh(network: string, address: string): Promise<void>;
  /** Forgets how the last refresh of an address ended (its notice is dismissed). */
  dismissRefresh(network: string, address: string): void;
  /** Adds a task or deal by id; resolves with the rows added, or the error. */
  addById(network: string, id: string): Promise<{ rows: TaskRow[] } | { error: IpcError }>;
  /** Downloads, opens and verifies a task's result. */
  fetch(row: TaskRow): Promise<void>;
  cancelFetch(row: TaskRow): Promise<void>;
  /** Forgets how the last fetch of a task ended. */
  dismissResult(row: TaskRow): void;
  /** Deletes the download of a task, partial or complete (the opened folder stays). */
  discard(row: TaskRow): Promise<IpcError | null>;
};

export type TasksDeps = {
  newJobId?: () => string;
  now?: () => number;
  /** An address refreshed by `open()` less than this long ago (ms) is not refreshed again. */
  autoRefreshEveryMs?: number;
  /** The app's networks' store (the first load reads the list there); a store of its own when absent. */
  networks?: Networks;
};

const idleRefresh: RefreshState = {
  jobId: null,
  progress: null,
  cancelling: false,
  outcome: null,
  error: null,
  cancelled: false,
};

export function createTasks(backend: Backend, deps: TasksDeps = {}): Tasks {
  const newJobId = deps.newJobId ?? (() => crypto.randomUUID());
  const now = deps.now ?? (() => Date.now());
  const every = deps.autoRefreshEveryMs ?? 60_000;
  const networks = deps.networks ?? createNetworks(backend);
  const store = writable<TasksState>({
    loaded: false,
    loadError: null,
    watched: [],
    rows: [],
    refreshes: {},
    fetches: {},
    results: {},
  });
  /** When `open()` last refreshed each address automatically. */
  const autoRefreshed = new Map<string, number>();
  let loading: Promise<void> | null = null;

  const setRefresh = (key: string, change: Partial<RefreshState>) =>
    store.update((s) => ({
      ...s,
      refreshes: { ...s.refreshes, [key]: { ...(s.refreshes[key] ?? idleRefresh), ...change } },
    }));

  async function loadRows() {
    const [rows, watched] = await Promise.all([backend.tasksList(null, null), backend.watchedList()]);
    store.update((s) => ({ ...s, rows, watched }));
  }

  async function reload() {
    try {
      await loadRows();
    } catch (err) {
      console.warn("tasks_list failed", err);
    }
  }

  async function firstLoad() {
    try {
      const [networksError, watched, rows] = await Promise.all([
        networks.load(),
        backend.watchedList(),
        backend.tasksList(null, null),
      ]);
      if (networksError) throw networksError;
      store.update((s) => ({ ...s, loaded: true, loadError: null, watched, rows }));
    } catch (err) {
      store.update((s) => ({ ...s, loaded: true, loadError: toIpcError(err) }));
    }
  }

  async function open() {
    if (!loading) loading = firstLoad().finally(() => (loading = null));
    await loading;
    if (get(store).loadError) return;
    const at = now();
    const due = get(store).watched.filter((w) => {
      const key = addressKey(w.network, w.address);
      const last = autoRefreshed.get(key);
      return last === undefined || at - last >= every;
    });
    await Promise.all(
      due.map((w) => {
        autoRefreshed.set(addressKey(w.network, w.address), at);
        return refresh(w.network, w.address, false);
      }),
    );
  }

  async function refresh(network: string, address: string, full = false) {
    const key = addressKey(network, address);
    if (get(store).refreshes[key]?.jobId) return; // one at a time per address
    const jobId = newJobId();
    setRefresh(key, { jobId, progress: null, cancelling: false, error: null, cancelled: false });
    try {
      const outcome = await backend.tasksRefresh(network, address, full, jobId, (progress) => {
        if (get(store).refreshes[key]?.jobId === jobId) setRefresh(key, { progress });
      });
      setRefresh(key, { jobId: null, progress: null, cancelling: false, outcome });
    } catch (err) {
      const error = toIpcError(err);
      if (error.kind === "cancelled") {
        setRefresh(key, { jobId: null, progress: null, cancelling: false, cancelled: true });
      } else {
        setRefresh(key, { jobId: null, progress: null, cancelling: false, error, outcome: null });
      }
    }
    await reload();
  }

  async function cancelRefresh(network: string, address: string) {
    const key = addressKey(network, address);
    const running = get(store).refreshes[key];
    if (!running?.jobId || running.cancelling) return;
    setRefresh(key, { cancelling: true });
    try {
      await backend.cancelJob(running.jobId);
    } catch (err) {
      console.warn("cancel_job failed", err);
      setRefresh(key, { cancelling: false });
    }
  }

  function dismissRefresh(network: string, address: string) {
    setRefresh(addressKey(network, address), { outcome: null, error: null, cancelled: false });
  }

  async function watch(network: string, address: string, label: string): Promise<IpcError | null> {
    let added: WatchedAddress;
    try {
      added = await backend.watchedAdd(network, address, label);
    } catch (err) {
      return toIpcError(err);
    }
    store.update((s) => ({
      ...s,
      watched: s.watched.some((w) => addressKey(w.network, w.address) === addressKey(added.network, added.address))
        ? s.watched.map((w) =>
            addressKey(w.network, w.address) === addressKey(added.network, added.address) ? added : w,
          )
        : [...s.watched, added],
    }));
    autoRefreshed.set(addressKey(added.network, added.address), now());
    void refresh(added.network, added.address, false);
    return null;
  }

  async function unwatch(network: string, address: string): Promise<IpcError | null> {
    try {
      await backend.watchedRemove(network, address);
    } catch (err) {
      return toIpcError(err);
    }
    const key = addressKey(network, address);
    store.update((s) => {
      const refreshes = { ...s.refreshes };
      delete refreshes[key];
      return { ...s, refreshes, watched: s.watched.filter((w) => addressKey(w.network, w.address) !== key) };
    });
    await reload();
    return null;
  }

  async function addById(network: string, id: string): Promise<{ rows: TaskRow[] } | { error: IpcError }> {
    try {
      const rows = await backend.tasksAddById(network, id.trim());
      await reload();
      return { rows };
    } catch (err) {
      return { error: toIpcError(err) };
    }
  }

  const setResult = (key: string, result: FetchResult | null) =>
    store.update((s) => {
      const results = { ...s.results };
      if (result) results[key] = result;
      else delete results[key];
      return { ...s, results };
    });

  async function fetch(row: TaskRow) {
    if (fetchOf(get(store), row)) return;
    const jobId = newJobId();
    const key = taskKey(row.network, row.task_id);
    const job: FetchJob = { jobId, network: row.network, taskId: row.task_id, event: null, cancelling: false };
    store.update((s) => {
      const results = { ...s.results };
      delete results[key];
      return { ...s, results, fetches: { ...s.fetches, [jobId]: job } };
    });
    const endJob = () =>
      store.update((s) => {
        const fetches = { ...s.fetches };
        delete fetches[jobId];
        return { ...s, fetches };
      });
    try {
      const fetched = await backend.taskFetch(row.network, row.task_id, jobId, (event) => {
        store.update((s) =>
          s.fetches[jobId] ? { ...s, fetches: { ...s.fetches, [jobId]: { ...s.fetches[jobId], event } } } : s,
        );
      });
      endJob();
      const updated = fetched.row;
      if (updated) {
        store.update((s) => ({
          ...s,
          rows: s.rows.map((r) => (taskKey(r.network, r.task_id) === key ? updated : r)),
        }));
      } else {
        await reload();
      }
      setResult(key, { type: "done", fetched });
    } catch (err) {
      endJob();
      const error = toIpcError(err);
      setResult(key, error.kind === "cancelled" ? { type: "paused" } : { type: "error", error });
      // The app changed the row (partial, needs_key, downloaded...): show what it says now.
      await reload();
    }
  }

  async function cancelFetch(row: TaskRow) {
    const job = fetchOf(get(store), row);
    if (!job || job.cancelling) return;
    const mark = (cancelling: boolean) =>
      store.update((s) =>
        s.fetches[job.jobId]
          ? { ...s, fetches: { ...s.fetches, [job.jobId]: { ...s.fetches[job.jobId], cancelling } } }
          : s,
      );
    mark(true);
    try {
      await backend.cancelJob(job.jobId);
    } catch (err) {
      console.warn("cancel_job failed", err);
      mark(false);
    }
  }

  function dismissResult(row: TaskRow) {
    setResult(taskKey(row.network, row.task_id), null);
  }

  async function discard(row: TaskRow): Promise<IpcError | null> {
    try {
      await backend.taskDiscardDownload(row.network, row.task_id);
    } catch (err) {
      return toIpcError(err);
    }
    setResult(taskKey(row.network, row.task_id), null);
    await reload();
    return null;
  }

  return {
    subscribe: store.subscribe,
    open,
    reload,
    watch,
    unwatch,
    refresh,
    cancelRefresh,
    dismissRefresh,
    addById,
    fetch,
    cancelFetch,
    dismissResult,
    discard,
  };
}
