import { Channel, invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import { getCurrentWebview } from "@tauri-apps/api/webview";
import type {
  BackupVerified,
  KeyChanged,
  KeysImported,
  RotationChanged,
  SmsPushed,
  FilePreview,
  LibraryFile,
  LibraryItem,
  WatchReport,
  WatchSettings,
  WatchStatus,
  ArchiveInfo,
  BackupCreated,
  CreateWith,
  E2eMode,
  ErrorFacts,
  DropCheck,
  ErrorKind,
  FetchEvent,
  FoundKeystore,
  IpcError,
  KeyLocation,
  KeySummary,
  Network,
  NetworkInfo,
  OpenOutcome,
  PhraseCheck,
  ProgressEvent,
  ProtectionKind,
  RefreshOutcome,
  RefreshProgress,
  RestoreOutcome,
  Rotation,
  SmsStatus,
  TaskFetched,
  TaskRow,
  VaultOverview,
  WalletKeep,
  WalletSummary,
  WatchedAddress,
  OpenedFile,
} from "./ipc/bindings";

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
  /** Opens a result's file, or shows it in its folder when opening it could run a program. */
  openOutputFile(path: string): Promise<OpenedFile>;
  /** Native "open file" dialog for a result archive; null when the user closes it. */
  pickArchive(): Promise<string | null>;
  /** Native "open file" dialog for a private key file; null when closed. */
  pickKeyFile(): Promise<string | null>;
  /** Native folder dialog for a `.secrets/beneficiary` folder; null when closed. */
  pickKeyFolder(): Promise<string | null>;
  /** Subscribes to native drag and drop; returns the unsubscribe function. */
  onDragDrop(handler: (event: DropEvent) => void): () => void;

  // Key ring (docs/ipc-contract.md, "Key ring").
  vaultProtection(): Promise<ProtectionKind>;
  /** `createWith`: how to create a ring when there is none (null: the OS keychain). */
  vaultOpen(passphrase: string | null, createWith: CreateWith | null): Promise<VaultOverview>;
  keysOverview(): Promise<VaultOverview>;
  /** Every key ring change returns the ring as it is after it: nothing is read again. */
  keysGenerate(label: string, jobId: string): Promise<KeysImported>;
  keysImportPath(path: string): Promise<KeysImported>;
  keysImportPem(pem: string, label: string): Promise<KeysImported>;
  keysRename(fingerprint: string, label: string): Promise<KeySummary>;
  keysRetire(fingerprint: string): Promise<KeyChanged>;
  keysDelete(fingerprint: string): Promise<KeyChanged>;
  keysExportPublic(fingerprint: string, path: string): Promise<string>;
  keysExportPrivate(fingerprint: string, path: string): Promise<string>;
  keysSuggestName(fingerprint: string, isPrivate: boolean): Promise<string>;
  backupCreate(path: string): Promise<BackupCreated>;
  /** Marks the kit verified; returns the ring after (its keys backed up). */
  backupVerify(path: string, words: string): Promise<BackupVerified>;
  phraseCheck(words: string): Promise<PhraseCheck>;
  phraseComplete(prefix: string): Promise<string[]>;
  restoreKit(path: string, words: string, passphrase: string | null): Promise<RestoreOutcome>;
  /** Native "open file" dialog for a recovery kit (.age); null when closed. */
  pickKitFile(): Promise<string | null>;
  /** The key rings a restore set aside, newest first. */
  keyringSetAsideList(): Promise<string[]>;
  /** Reopens one (the current ring set aside in its turn) after a native confirmation. */
  keyringReopenSetAside(name: string): Promise<void>;
  /** Native "save file" dialog; null when closed. */
  saveFile(kind: SaveKind, defaultName: string): Promise<string | null>;
  /** Whether the app runs for the end-to-end tests (`RESULT_VAULT_E2E`): `off`, `hooks`, `tour`. */
  e2eMode(): Promise<E2eMode>;
  /** Test hook (end-to-end builds): the next file dialog returns `path` without showing anything. */
  setNextDialogPath(path: string): Promise<void>;
  /** Test hook (end-to-end builds): `path` may be read, as if the user had dropped it. */
  grantForTest(path: string): Promise<void>;
  /** The window's language, for the dialogs Rust shows. */
  setLanguage(tag: string): Promise<void>;

  // Results library, preview and background watch (docs/ipc-contract.md, "Results").
  /** Every result this vault opened, newest first; `query` searches app, task, key, paths. */
  libraryList(query: string | null): Promise<LibraryItem[]>;
  /** The files of a result. `io` when they were moved or deleted outside the app. */
  libraryFiles(id: number): Promise<LibraryFile[]>;
  /** A file's preview, read by Rust from the result's folder only. */
  libraryPreview(id: number, path: string): Promise<FilePreview>;
  /** Deletes a result's decrypted files (and its archive), after a native confirmation. */
  libraryDelete(id: number, archive: boolean): Promise<void>;
  /** The last background check, whether one runs, and the watch settings. */
  watchStatus(): Promise<WatchStatus>;
  watchSettingsSave(settings: WatchSettings): Promise<WatchSettings>;
  /** Asks for a check now; its report comes through `onWatchStatus`. */
  watchCheckNow(): Promise<void>;
  /** The result a clicked notification asked to show (a task id, "" for the list), taken once. */
  takeResultsFocus(): Promise<string | null>;
  /** Subscribes to clicks on notifications (a task id, "" for the list). */
  onShowResults(handler: (taskId: string) => void): () => void;
  /** Subscribes to the reports of background checks; returns the unsubscribe function. */
  onWatchStatus(handler: (report: WatchReport) => void): () => void;

  // Tasks, networks and downloads (docs/ipc-contract.md, "Tasks, networks and downloads").
  networksList(): Promise<NetworkInfo[]>;
  /** Checks the RPC's chain id, then saves: `chain_mismatch`, `network`, `invalid_address` (hub). */
  networkSave(network: Network): Promise<NetworkInfo[]>;
  /** A built-in network back to its defaults; a custom one removed. */
  networkReset(name: string): Promise<NetworkInfo[]>;
  watchedList(): Promise<WatchedAddress[]>;
  /** `invalid_address` when the address is not one (EIP-55 checked). */
  watchedAdd(network: string, address: string, label: string): Promise<WatchedAddress>;
  watchedRemove(network: string, address: string): Promise<void>;
  /** The cached list (instant), newest first; null: every network / every address. */
  tasksList(network: string | null, address: string | null): Promise<TaskRow[]>;
  tasksRefresh(
    network: string,
    address: string,
    full: boolean,
    jobId: string,
    onProgress: (event: RefreshProgress) => void,
  ): Promise<RefreshOutcome>;
  /** A task id adds one task; a deal id adds all its tasks. `task_not_found`. */
  tasksAddById(network: string, id: string): Promise<TaskRow[]>;
  /** Confirms, downloads (resuming), opens and verifies; `cancelJob(jobId)` pauses. */
  taskFetch(
    network: string,
    taskId: string,
    jobId: string,
    onProgress: (event: FetchEvent) => void,
  ): Promise<TaskFetched>;
  taskDiscardDownload(network: string, taskId: string): Promise<void>;

  // Wallet, SMS and key rotation (docs/ipc-contract.md, "Wallet, SMS and key rotation").
  walletsList(): Promise<WalletSummary[]>;
  /** Keystores found in `~/.ethereum/keystore`. */
  keystoresFound(): Promise<FoundKeystore[]>;
  /** `wrong_password` (also when one is needed and null), `invalid_wallet`, `io`. */
  walletImportFile(path: string, password: string | null, keep: WalletKeep): Promise<WalletSummary>;
  /** A pasted private key (kept in the ring); `invalid_wallet`. */
  walletImportKey(privateKey: string, label: string): Promise<WalletSummary>;
  walletRemove(address: string): Promise<void>;
  /** True for a path-only keystore: signing asks its password. */
  walletNeedsPassword(address: string): Promise<boolean>;
  /** What the network's SMS holds for `address`, with this vault's journal. */
  smsStatus(network: string, address: string): Promise<SmsStatus>;
  /** Pushes the active key (create or update), signed by the wallet of `address`; returns the ring after (the key's journal). */
  smsPush(network: string, address: string, password: string | null): Promise<SmsPushed>;
  /** The current or last rotation (resume the wizard at its `step`). */
  rotationStatus(): Promise<Rotation | null>;
  /** Starts a rotation, or returns the unfinished one. */
  rotationStart(address: string, networks: string[]): Promise<Rotation>;
  /** Generates the new key (seconds); `cancelJob(jobId)` cancels. Returns the ring after, as the next two. */
  rotationGenerate(jobId: string): Promise<RotationChanged>;
  /** `backup_required` until a verified kit holds the new key. */
  rotationCheckKit(): Promise<Rotation>;
  /** Pushes the new key to one network's SMS. */
  rotationPush(network: string, password: string | null): Promise<RotationChanged>;
  /** Retires the old key; `step: "done"`. */
  rotationFinish(): Promise<RotationChanged>;
  /** Native "open file" dialog for a wallet keystore (JSON); null when closed. */
  pickWalletFile(): Promise<string | null>;

  // The app's own files and windows.
  /** Files the app was started with ("Open with" in the file manager); returns them once. */
  startupPaths(): Promise<string[]>;
  /** Opens the log folder in the file manager. */
  openLogFolder(): Promise<void>;
  /**
   * Files a second launch of the app handed to this window (the `open-paths` event);
   * returns the unsubscribe function.
   */
  onOpenPaths(handler: (paths: string[]) => void): () => void;
}

/** What a save dialog is for (title and filters). */
export type SaveKind = "kit" | "public_key" | "private_key";

/** Every kind, once: a kind added to the generated type fails the type check until listed here. */
const KIND_SET: Record<ErrorKind, true> = {
  not_a_result: true,
  incomplete_archive: true,
  invalid_key_file: true,
  no_matching_key: true,
  damaged_ciphertext: true,
  damaged_contents: true,
  unsafe_archive: true,
  output_exists: true,
  io: true,
  cancelled: true,
  keychain_unavailable: true,
  keychain_locked: true,
  keyring_damaged: true,
  wrong_passphrase: true,
  key_not_found: true,
  backup_required: true,
  invalid_phrase: true,
  phrase_for_another_kit: true,
  invalid_kit: true,
  network: true,
  invalid_address: true,
  chain_mismatch: true,
  task_not_found: true,
  no_result: true,
  wrong_password: true,
  invalid_wallet: true,
  wallet_required: true,
  sms_unauthorized: true,
  sms_key_absent: true,
  sms_key_exists: true,
  sms_value_too_large: true,
  keyring_not_open: true,
  keyring_empty: true,
  unknown_network: true,
  invalid_input: true,
  busy: true,
  internal: true,
};

export const ERROR_KINDS: readonly ErrorKind[] = Object.keys(KIND_SET) as ErrorKind[];

function isErrorKind(value: unknown): value is ErrorKind {
  return typeof value === "string" && (ERROR_KINDS as readonly string[]).includes(value);
}

/** Turns whatever a rejected call produced into an `IpcError` (unknown shapes -> `internal`). */
export function toIpcError(err: unknown): IpcError {
  if (err && typeof err === "object") {
    const o = err as Record<string, unknown>;
    const message = typeof o.message === "string" ? o.message : "";
    const hint = typeof o.hint === "string" ? o.hint : "";
    if (isErrorKind(o.kind)) {
      const facts = toFacts(o.facts);
      return facts ? { kind: o.kind, message, hint, facts } : { kind: o.kind, message, hint };
    }
    return { kind: "internal", message: message || safeString(err), hint };
  }
  if (typeof err === "string") return { kind: "internal", message: err, hint: "" };
  return { kind: "internal", message: safeString(err), hint: "" };
}

/** The `facts` of an error when they have the expected shape (see `ErrorFacts`), else none. */
function toFacts(value: unknown): ErrorFacts | undefined {
  if (!value || typeof value !== "object") return undefined;
  const f = value as Record<string, unknown>;
  const word = typeof f.word === "number" && Number.isInteger(f.word) && f.word > 0 ? f.word : null;
  const keys = Array.isArray(f.keys_tried) ? f.keys_tried.filter((k): k is string => typeof k === "string") : [];
  return { word, keys_tried: keys };
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

/**
 * What a native dialog is for. The dialog is opened by Rust (`pick_path`), which grants the
 * chosen path to the commands that read or write it: the web view never names a file itself
 * (docs/trust.md, "The window").
 */
type PickKind =
  | "archive"
  | "key_file"
  | "key_folder"
  | "kit"
  | "keystore"
  | "save_kit"
  | "save_public_key"
  | "save_private_key";

function pick(kind: PickKind, defaultName: string | null = null): Promise<string | null> {
  return call<string | null>("pick_path", { kind, defaultName });
}

const SAVE_KINDS: Record<SaveKind, PickKind> = {
  kit: "save_kit",
  public_key: "save_public_key",
  private_key: "save_private_key",
};

/**
 * A subscription Tauri starts asynchronously (an app event, the webview's drag and drop), as a
 * function that ends it at once: ended before it started, it is ended as soon as it starts. One
 * that cannot start is logged under `what`; the app goes on without it.
 */
function subscription(started: Promise<UnlistenFn>, what: string): () => void {
  let unlisten: UnlistenFn | null = null;
  let stopped = false;
  started
    .then((fn) => {
      if (stopped) fn();
      else unlisten = fn;
    })
    .catch((err: unknown) => console.error(`${what} unavailable`, err));
  return () => {
    stopped = true;
    unlisten?.();
    unlisten = null;
  };
}

/** Hands the payload of each app event `name` (emitted by Rust) to `handler`, until ended. */
function onEvent<T>(name: string, handler: (payload: T) => void): () => void {
  return subscription(listen<T>(name, (event) => handler(event.payload)), `${name} events`);
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
  openOutputFile: (path) => call<OpenedFile>("open_output_file", { path }),
  pickArchive: () => pick("archive"),
  pickKeyFile: () => pick("key_file"),
  pickKeyFolder: () => pick("key_folder"),
  vaultProtection: () => call("vault_protection"),
  vaultOpen: (passphrase, createWith) => call("vault_open", { passphrase, createWith }),
  keysOverview: () => call("keys_overview"),
  keysGenerate: (label, jobId) => call("keys_generate", { label, jobId }),
  keysImportPath: (path) => call("keys_import_path", { path }),
  keysImportPem: (pem, label) => call("keys_import_pem", { pem, label }),
  keysRename: (fingerprint, label) => call("keys_rename", { fingerprint, label }),
  keysRetire: (fingerprint) => call("keys_retire", { fingerprint }),
  keysDelete: (fingerprint) => call("keys_delete", { fingerprint }),
  keysExportPublic: (fingerprint, path) => call("keys_export_public", { fingerprint, path }),
  keysExportPrivate: (fingerprint, path) => call("keys_export_private", { fingerprint, path }),
  keysSuggestName: (fingerprint, isPrivate) =>
    call("keys_suggest_name", { fingerprint, private: isPrivate }),
  backupCreate: (path) => call("backup_create", { path }),
  backupVerify: (path, words) => call("backup_verify", { path, words }),
  phraseCheck: (words) => call("phrase_check", { words }),
  phraseComplete: (prefix) => call("phrase_complete", { prefix }),
  restoreKit: (path, words, passphrase) => call("restore_kit", { path, words, passphrase }),
  pickKitFile: () => pick("kit"),
  keyringSetAsideList: () => call("keyring_set_aside_list"),
  keyringReopenSetAside: (name) => call("keyring_reopen_set_aside", { name }),
  saveFile: (kind, defaultName) => pick(SAVE_KINDS[kind], defaultName),
  e2eMode: async () => {
    try {
      return await invoke<E2eMode>("e2e_mode");
    } catch {
      return "off"; // an app without the command is not under test
    }
  },
  // Only end-to-end builds have the command; elsewhere the call fails and nothing happens.
  libraryList: (query) => call("library_list", { query }),
  libraryFiles: (id) => call("library_files", { id }),
  libraryPreview: (id, path) => call("library_preview", { id, path }),
  libraryDelete: (id, archive) => call("library_delete", { id, archive }),
  watchStatus: () => call("watch_status"),
  watchSettingsSave: (settings) => call("watch_settings_save", { settings }),
  watchCheckNow: () => call("watch_check_now"),
  takeResultsFocus: () => call("results_take_focus"),
  onShowResults: (handler) =>
    onEvent<unknown>("show-results", (taskId) => handler(typeof taskId === "string" ? taskId : "")),
  onWatchStatus: (handler) => onEvent<WatchReport>("watch-status", handler),
  grantForTest: (path) => invoke<void>("e2e_grant", { path }).catch(() => undefined),
  setLanguage: (tag) => invoke<void>("set_language", { tag }).catch(() => undefined),
  setNextDialogPath: (path) => invoke<void>("e2e_next_dialog_path", { path }).catch(() => undefined),
  networksList: () => call("networks_list"),
  networkSave: (network) => call("network_save", { network }),
  networkReset: (name) => call("network_reset", { name }),
  watchedList: () => call("watched_list"),
  watchedAdd: (network, address, label) => call("watched_add", { network, address, label }),
  watchedRemove: (network, address) => call("watched_remove", { network, address }),
  tasksList: (network, address) => call("tasks_list", { network, address }),
  tasksRefresh: (network, address, full, jobId, onProgress) => {
    const channel = new Channel<RefreshProgress>();
    channel.onmessage = onProgress;
    return call<RefreshOutcome>("tasks_refresh", { network, address, full, jobId, onProgress: channel });
  },
  tasksAddById: (network, id) => call("tasks_add_by_id", { network, id }),
  taskFetch: (network, taskId, jobId, onProgress) => {
    const channel = new Channel<FetchEvent>();
    channel.onmessage = onProgress;
    return call<TaskFetched>("task_fetch", { network, taskId, jobId, onProgress: channel });
  },
  taskDiscardDownload: (network, taskId) => call("task_discard_download", { network, taskId }),
  walletsList: () => call("wallets_list"),
  keystoresFound: () => call("keystores_found"),
  walletImportFile: (path, password, keep) => call("wallet_import_file", { path, password, keep }),
  walletImportKey: (privateKey, label) => call("wallet_import_key", { privateKey, label }),
  walletRemove: (address) => call("wallet_remove", { address }),
  walletNeedsPassword: (address) => call("wallet_needs_password", { address }),
  smsStatus: (network, address) => call("sms_status", { network, address }),
  smsPush: (network, address, password) => call("sms_push", { network, address, password }),
  rotationStatus: () => call("rotation_status"),
  rotationStart: (address, networks) => call("rotation_start", { address, networks }),
  rotationGenerate: (jobId) => call("rotation_generate", { jobId }),
  rotationCheckKit: () => call("rotation_check_kit"),
  rotationPush: (network, password) => call("rotation_push", { network, password }),
  rotationFinish: () => call("rotation_finish"),
  pickWalletFile: () => pick("keystore"),
  startupPaths: async () => {
    const paths = await call<unknown>("startup_paths");
    return Array.isArray(paths) ? paths.filter((p): p is string => typeof p === "string") : [];
  },
  openLogFolder: () => call("open_log_folder"),
  onOpenPaths: (handler) =>
    onEvent<unknown>("open-paths", (payload) => {
      const paths = Array.isArray(payload) ? payload.filter((p): p is string => typeof p === "string") : [];
      if (paths.length) handler(paths);
    }),
  onDragDrop: (handler) =>
    subscription(
      getCurrentWebview().onDragDropEvent((event) => {
        const p = event.payload;
        if (p.type === "enter") handler({ type: "enter", paths: p.paths });
        else if (p.type === "over") handler({ type: "over" });
        else if (p.type === "drop") handler({ type: "drop", paths: p.paths });
        else handler({ type: "leave" });
      }),
      "drag and drop",
    ),
};

export function isTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}
