import { Channel, invoke } from "@tauri-apps/api/core";
import { getCurrentWebview } from "@tauri-apps/api/webview";
import { open } from "@tauri-apps/plugin-dialog";
import type {
  ArchiveInfo,
  DropCheck,
  ErrorKind,
  IpcError,
  KeyLocation,
  OpenOutcome,
  ProgressEvent,
} from "./ipc/bindings";
import { translate } from "./i18n";

/** Drag and drop as the UI sees it (the native webview event, without positions). */
export type DropEvent =
  | { type: "enter"; paths: string[] }
  | { type: "over" }
  | { type: "drop"; paths: string[] }
  | { type: "leave" };

/**
 * Everything the UI asks of the app. One method per command of docs/ipc-contract.md,
 * plus the native dialogs and drag and drop. Every promise rejects with an `IpcError`.
 */
export interface Backend {
  inspectArchive(path: string): Promise<ArchiveInfo>;
  openArchive(
    jobId: string,
    archive: string,
    keyPaths: string[],
    onProgress: (event: ProgressEvent) => void,
  ): Promise<OpenOutcome>;
  cancelJob(jobId: string): Promise<void>;
  keyLocations(): Promise<KeyLocation[]>;
  rememberKeyPath(path: string): Promise<KeyLocation>;
  forgetKeyPath(path: string): Promise<void>;
  checkDrop(paths: string[]): Promise<DropCheck[]>;
  revealOutput(path: string): Promise<void>;
  openOutputFile(path: string): Promise<void>;
  /** Native "open file" dialog for a result archive; null when the user closes it. */
  pickArchive(): Promise<string | null>;
  /** Native "open file" dialog for a private key file; null when closed. */
  pickKeyFile(): Promise<string | null>;
  /** Native folder dialog for a `.secrets/beneficiary` folder; null when closed. */
  pickKeyFolder(): Promise<string | null>;
  /** Subscribes to native drag and drop; returns the unsubscribe function. */
  onDragDrop(handler: (event: DropEvent) => void): () => void;
}

export const ERROR_KINDS: readonly ErrorKind[] = [
  "not_a_result",
  "incomplete_archive",
  "invalid_key_file",
  "no_matching_key",
  "damaged_ciphertext",
  "damaged_contents",
  "unsafe_archive",
  "output_exists",
  "io",
  "cancelled",
  "internal",
];

function isErrorKind(value: unknown): value is ErrorKind {
  return typeof value === "string" && (ERROR_KINDS as readonly string[]).includes(value);
}

/** Turns whatever a rejected call produced into an `IpcError` (unknown shapes -> `internal`). */
export function toIpcError(err: unknown): IpcError {
  if (err && typeof err === "object") {
    const o = err as Record<string, unknown>;
    const message = typeof o.message === "string" ? o.message : "";
    const hint = typeof o.hint === "string" ? o.hint : "";
    if (isErrorKind(o.kind)) return { kind: o.kind, message, hint };
    return { kind: "internal", message: message || safeString(err), hint };
  }
  if (typeof err === "string") return { kind: "internal", message: err, hint: "" };
  return { kind: "internal", message: safeString(err), hint: "" };
}

function safeString(value: unknown): string {
  try {
    return typeof value === "object" ? JSON.stringify(value) : String(value);
  } catch {
    return String(value);
  }
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (err) {
    throw toIpcError(err);
  }
}

async function pick(options: Parameters<typeof open>[0]): Promise<string | null> {
  try {
    const chosen = await open({ ...options, multiple: false });
    return typeof chosen === "string" ? chosen : null;
  } catch (err) {
    throw toIpcError(err);
  }
}

/** The real backend, inside the Tauri app. */
export const tauriBackend: Backend = {
  inspectArchive: (path) => call("inspect_archive", { path }),
  openArchive: (jobId, archive, keyPaths, onProgress) => {
    const channel = new Channel<ProgressEvent>();
    channel.onmessage = onProgress;
    return call<OpenOutcome>("open_archive", { jobId, archive, keyPaths, onProgress: channel });
  },
  cancelJob: (jobId) => call("cancel_job", { jobId }),
  keyLocations: () => call("key_locations"),
  rememberKeyPath: (path) => call("remember_key_path", { path }),
  forgetKeyPath: (path) => call("forget_key_path", { path }),
  checkDrop: (paths) => call("check_drop", { paths }),
  revealOutput: (path) => call("reveal_output", { path }),
  openOutputFile: (path) => call("open_output_file", { path }),
  pickArchive: () =>
    pick({
      title: translate("dialog.archiveTitle"),
      directory: false,
      filters: [
        { name: translate("dialog.zipFilter"), extensions: ["zip", "ZIP"] },
        // Downloads from IPFS often come without an extension: the content decides, not the name.
        { name: translate("dialog.allFilter"), extensions: ["*"] },
      ],
    }),
  pickKeyFile: () => pick({ title: translate("keys.dialogFileTitle"), directory: false }),
  pickKeyFolder: () => pick({ title: translate("keys.dialogFolderTitle"), directory: true }),
  onDragDrop: (handler) => {
    let unlisten: (() => void) | null = null;
    let stopped = false;
    getCurrentWebview()
      .onDragDropEvent((event) => {
        const p = event.payload;
        if (p.type === "enter") handler({ type: "enter", paths: p.paths });
        else if (p.type === "over") handler({ type: "over" });
        else if (p.type === "drop") handler({ type: "drop", paths: p.paths });
        else handler({ type: "leave" });
      })
      .then((fn) => {
        if (stopped) fn();
        else unlisten = fn;
      })
      .catch((err: unknown) => console.error("drag and drop unavailable", err));
    return () => {
      stopped = true;
      unlisten?.();
      unlisten = null;
    };
  },
};

export function isTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}
