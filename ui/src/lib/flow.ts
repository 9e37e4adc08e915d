import { get, writable, type Readable } from "svelte/store";
import type { Backend } from "./backend";
import { toIpcError } from "./backend";
import type { IpcError, OpenOutcome, ProgressEvent, Stage } from "./ipc/bindings";

/**
 * The screen's state machine:
 *
 *   idle ──drag_enter──▶ dragging(check pending → zip | not_zip) ──drag_leave──▶ (previous)
 *     │                        │ drop
 *     └──────start─────────────┴──▶ working(progress) ──▶ result | error
 *                                          │ failed(cancelled)
 *                                          └──▶ idle(notice "cancelled")
 *   result | error ──reset──▶ idle
 */
export type SettledState =
  | { name: "idle"; notice: "cancelled" | null }
  | { name: "result"; archive: string; outcome: OpenOutcome }
  | { name: "error"; archive: string | null; error: IpcError };

export type DragCheck = "pending" | "zip" | "not_zip" | "unknown";

export type WorkingState = {
  name: "working";
  jobId: string;
  archive: string;
  progress: ProgressEvent | null;
  /** When the current stage began (ms), for the speed. */
  stageStartedAt: number;
  /** Last progress update (ms). */
  updatedAt: number;
  cancelling: boolean;
};

export type FlowState =
  | SettledState
  | { name: "dragging"; paths: string[]; check: DragCheck; prev: SettledState }
  | WorkingState;

export type FlowEvent =
  | { type: "drag_enter"; paths: string[] }
  | { type: "drag_checked"; paths: string[]; looksLikeZip: boolean | null }
  | { type: "drag_leave" }
  | { type: "start"; jobId: string; archive: string; now: number }
  | { type: "progress"; jobId: string; event: ProgressEvent; now: number }
  | { type: "cancel_requested"; jobId: string }
  | { type: "cancel_failed"; jobId: string }
  | { type: "succeeded"; jobId: string; outcome: OpenOutcome }
  | { type: "failed"; jobId: string | null; archive?: string | null; error: IpcError }
  | { type: "dismiss_notice" }
  | { type: "reset" };

export const initialState: FlowState = { name: "idle", notice: null };

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Pure transition function; unknown or out-of-place events leave the state unchanged. */
export function reduce(state: FlowState, event: FlowEvent): FlowState {
  switch (event.type) {
    case "drag_enter":
      if (state.name === "working") return state;
      return {
        name: "dragging",
        paths: event.paths,
        check: event.paths.length ? "pending" : "unknown",
        prev: state.name === "dragging" ? state.prev : state,
      };
    case "drag_checked":
      if (state.name !== "dragging" || !sameList(state.paths, event.paths)) return state;
      return {
        ...state,
        check: event.looksLikeZip === null ? "unknown" : event.looksLikeZip ? "zip" : "not_zip",
      };
    case "drag_leave":
      return state.name === "dragging" ? state.prev : state;
    case "start":
      if (state.name === "working") return state;
      return {
        name: "working",
        jobId: event.jobId,
        archive: event.archive,
        progress: null,
        stageStartedAt: event.now,
        updatedAt: event.now,
        cancelling: false,
      };
    case "progress": {
      if (state.name !== "working" || state.jobId !== event.jobId) return state;
      const stageChanged: boolean = state.progress?.stage !== event.event.stage;
      return {
        ...state,
        progress: event.event,
        stageStartedAt: stageChanged ? event.now : state.stageStartedAt,
        updatedAt: event.now,
      };
    }
    case "cancel_requested":
      if (state.name !== "working" || state.jobId !== event.jobId) return state;
      return { ...state, cancelling: true };
    case "cancel_failed":
      if (state.name !== "working" || state.jobId !== event.jobId) return state;
      return { ...state, cancelling: false };
    case "succeeded":
      if (state.name !== "working" || state.jobId !== event.jobId) return state;
      return { name: "result", archive: state.archive, outcome: event.outcome };
    case "failed":
      if (event.jobId === null) {
        // A failure before any job started (e.g. the file dialog could not open).
        if (state.name === "working") return state;
        return { name: "error", archive: event.archive ?? null, error: event.error };
      }
      if (state.name !== "working" || state.jobId !== event.jobId) return state;
      if (event.error.kind === "cancelled") return { name: "idle", notice: "cancelled" };
      return { name: "error", archive: state.archive, error: event.error };
    case "dismiss_notice":
      return state.name === "idle" && state.notice ? { name: "idle", notice: null } : state;
    case "reset":
      if (state.name === "working") return state;
      return { name: "idle", notice: null };
  }
}

/** Speed in bytes per second during the current stage, or null when not meaningful yet. */
export function speedOf(state: WorkingState): number | null {
  const p = state.progress;
  const elapsed = (state.updatedAt - state.stageStartedAt) / 1000;
  if (!p || p.stage !== "decrypting" || elapsed < 1 || p.done <= 0) return null;
  return p.done / elapsed;
}

export function stageOf(state: WorkingState): Stage | "starting" {
  return state.progress?.stage ?? "starting";
}

export type FlowDeps = {
  backend: Backend;
  /** Key files/folders to try, in order. */
  keyPaths: () => string[] | Promise<string[]>;
  newJobId?: () => string;
  now?: () => number;
};

export type Flow = Readable<FlowState> & {
  dispatch(event: FlowEvent): void;
  /** Native drag events. */
  dragEnter(paths: string[]): Promise<void>;
  dragLeave(): void;
  drop(paths: string[]): Promise<void>;
  /** Opens one archive, as a drop would. Resolves when the job has finished. */
  openPath(path: string): Promise<void>;
  /** Opens the file chooser, then the chosen archive. */
  chooseFile(): Promise<void>;
  /** Opens the same archive again (after choosing another key, for instance). */
  retry(): Promise<void>;
  cancel(): Promise<void>;
  reset(): void;
  dismissNotice(): void;
};

export function createFlow(deps: FlowDeps): Flow {
  const store = writable<FlowState>(initialState);
  const newJobId = deps.newJobId ?? (() => crypto.randomUUID());
  const now = deps.now ?? (() => Date.now());
  const dispatch = (event: FlowEvent) => store.update((s) => reduce(s, event));
  let lastDragZip: string | null = null;

  async function openPath(path: string): Promise<void> {
    if (get(store).name === "working") return;
    const jobId = newJobId();
    dispatch({ type: "start", jobId, archive: path, now: now() });
    try {
      // The key list may still be loading (e.g. right after start-up): wait for it.
      const keyPaths = await deps.keyPaths();
      const current = get(store);
      if (current.name !== "working" || current.jobId !== jobId) return;
      if (current.cancelling) {
        dispatch({ type: "failed", jobId, error: { kind: "cancelled", message: "", hint: "" } });
        return;
      }
      const outcome = await deps.backend.openArchive(jobId, path, keyPaths, (event) =>
        dispatch({ type: "progress", jobId, event, now: now() }),
      );
      dispatch({ type: "succeeded", jobId, outcome });
    } catch (err) {
      dispatch({ type: "failed", jobId, error: toIpcError(err) });
    }
  }

  return {
    subscribe: store.subscribe,
    dispatch,
    openPath,
    async dragEnter(paths) {
      lastDragZip = null;
      dispatch({ type: "drag_enter", paths });
      if (get(store).name !== "dragging" || paths.length === 0) return;
      let looksLikeZip: boolean | null = null;
      try {
        const checks = await deps.backend.checkDrop(paths);
        const zip = checks.find((c) => c.looks_like_zip);
        lastDragZip = zip?.path ?? null;
        looksLikeZip = Boolean(zip);
      } catch {
        looksLikeZip = null; // cannot tell: say nothing rather than warn wrongly
      }
      dispatch({ type: "drag_checked", paths, looksLikeZip });
    },
    dragLeave() {
      dispatch({ type: "drag_leave" });
    },
    async drop(paths) {
      const state = get(store);
      if (state.name === "working" || paths.length === 0) {
        if (state.name === "dragging") dispatch({ type: "drag_leave" });
        return;
      }
      // Several files: take the one the check found to be a zip, else the first.
      const path = lastDragZip && paths.includes(lastDragZip) ? lastDragZip : paths[0];
      lastDragZip = null;
      await openPath(path);
    },
    async chooseFile() {
      if (get(store).name === "working") return;
      let path: string | null;
      try {
        path = await deps.backend.pickArchive();
      } catch (err) {
        dispatch({ type: "failed", jobId: null, error: toIpcError(err) });
        return;
      }
      if (path) await openPath(path);
    },
    async retry() {
      const state = get(store);
      const archive =
        state.name === "error" ? state.archive : state.name === "result" ? state.archive : null;
      if (archive) await openPath(archive);
    },
    async cancel() {
      const state = get(store);
      if (state.name !== "working" || state.cancelling) return;
      dispatch({ type: "cancel_requested", jobId: state.jobId });
      try {
        await deps.backend.cancelJob(state.jobId);
      } catch (err) {
        // The job may have just finished; its own outcome decides the state.
        console.warn("cancel_job failed", err);
        dispatch({ type: "cancel_failed", jobId: state.jobId });
      }
    },
    reset() {
      dispatch({ type: "reset" });
    },
    dismissNotice() {
      dispatch({ type: "dismiss_notice" });
    },
  };
}
