import type { Backend, DropEvent, SaveKind } from "./backend";
import { shortFingerprint } from "./format";
import { checkAddress } from "./eip55";
import type {
  ArchiveInfo,
  DropCheck,
  E2eMode,
  FetchEvent,
  FoundKeystore,
  ImportOutcome,
  IpcError,
  KeyLocation,
  KeySummary,
  Network,
  NetworkInfo,
  OpenOutcome,
  ProgressEvent,
  ProtectionKind,
  RefreshOutcome,
  RefreshProgress,
  RestoreOutcome,
  Rotation,
  TaskFetched,
  TaskRow,
  Verification,
  VaultOverview,
  WalletSummary,
  WatchedAddress,
  KeysImported,
  FilePreview,
  LibraryFile,
  LibraryItem,
  WatchReport,
  WatchSettings,
} from "./ipc/bindings";
import { createMockWallet, keystorePathOf, SAMPLE_KEYSTORE_PASSWORD } from "./mockWallet";
import {
  ADDRESS_A,
  BUILTIN_NETWORKS,
  builtinNetworkInfos,
  copyNetwork,
  mismatchOf,
  sameNetwork,
  unverifiableOf,
  verifiedOf,
} from "./mockTasks";

/** A recorded call: command name (as in the contract) and its arguments. */
export type MockCall = { cmd: string; args: Record<string, unknown> };

/** An `open_archive` call waiting for the test (or the demo) to drive it. */
export type MockJob = {
  jobId: string;
  archive: string;
  keyPaths: string[];
  progress(event: ProgressEvent): void;
  resolve(outcome: OpenOutcome): void;
  reject(error: IpcError): void;
  settled: boolean;
};

export type MockOptions = {
  keyLocations: KeyLocation[];
  /** What `open_archive` ends with, when `manual` is false. */
  outcome: OpenOutcome | { error: IpcError };
  /** Progress events sent before the outcome, when `manual` is false. */
  progress: ProgressEvent[];
  /** Delay between progress events (ms) when `manual` is false. */
  stepMs: number;
  /** When true, `open_archive` stays pending until the test drives `jobs[i]`. */
  manual: boolean;
  /** Answer of `check_drop`; default: a path "looks like a zip" when it ends in .zip. */
  checkDrop: (paths: string[]) => DropCheck[];
  /** Paths the dialogs return (null = the user closed the dialog). */
  pickArchive: string | null;
  pickKeyFile: string | null;
  pickKeyFolder: string | null;
  /** Errors `remember_key_path` rejects with, by path. */
  rememberErrors: Record<string, IpcError>;
  /** Error for `reveal_output` / `open_output_file`. */
  openError: IpcError | null;

  // Key ring.
  /** What `vault_protection` says is on disk. */
  protection: ProtectionKind;
  /** Errors `vault_open` rejects with, one per call, before it succeeds. */
  vaultOpenErrors: IpcError[];
  /** The passphrase of a passphrase ring. */
  passphrase: string;
  /** Keys in the ring. */
  ringKeys: KeySummary[];
  /** A kit exists but lacks some key. */
  kitOutOfDate: boolean;
  /** The words `backup_create` hands out. */
  phrase: string[];
  /** Kits on "disk", by path: their words and keys (`backup_create` adds one). */
  kits: Record<string, { words: string[]; keys: KeySummary[] }>;
  /** When true, `keys_generate` stays pending until the test drives `generations[i]`. */
  manualGenerate: boolean;
  /** Delay of `keys_generate` (ms) when not manual. */
  generateMs: number;
  /** Paths the kit and save dialogs return (null = closed). */
  pickKitFile: string | null;
  savePath: (kind: SaveKind, defaultName: string) => string | null;
  /** Errors by command name (`keys_delete`, `backup_verify`...), for the key ring commands. */
  errors: Record<string, IpcError>;
  /** What `e2e_mode` returns. */
  e2e: E2eMode;
  /** Key rings set aside by a restore. */
  setAside: string[];
  /** The results library. */
  library: LibraryItem[];
  /** Files and previews of the library's results, by id. */
  libraryFiles: Record<number, LibraryFile[]>;
  previews: Record<string, FilePreview>;
  /** What `results_take_focus` returns once. */
  resultsFocus: string | null;
  /** The watch settings and last report. */
  watch: WatchSettings;
  lastCheck: WatchReport | null;

  // Tasks, networks and downloads.
  /** What `networks_list` returns (built-ins by default). */
  networks: NetworkInfo[];
  /** Watched addresses. */
  watched: WatchedAddress[];
  /** The task cache (what `tasks_list` reads). */
  tasks: TaskRow[];
  /** What the indexes know: a refresh of an address copies its tasks from here into `tasks`. */
  indexed: TaskRow[];
  /** Warning every refresh ends with (the market API stood in...). */
  refreshWarning: string | null;
  /** When true, `tasks_refresh` stays pending until the test drives `refreshes[i]`. */
  manualRefresh: boolean;
  /** When true, `task_fetch` stays pending until the test drives `fetches[i]`. */
  manualFetch: boolean;
  /** Delay between the events of a refresh or a fetch (ms) when not manual. */
  taskStepMs: number;
  /** How a fetch ends, by task id (default: verified when the task has a digest). */
  fetchEnds: Record<string, FetchEnd>;
  /** What an RPC URL answers for `eth_chainId`, or the error reaching it (default: the right id). */
  rpcChainIds: Record<string, number | IpcError>;
  /** Delay of `network_save` (ms): the chain id check. */
  networkSaveMs: number;

  // Wallet, SMS and key rotation (see mockWallet.ts for how they behave).
  /** Imported wallets. */
  wallets: WalletSummary[];
  /** What `keystores_found` lists. */
  keystores: FoundKeystore[];
  /** The password that opens the mock's keystores (a path containing "wrong" never opens). */
  keystorePassword: string;
  /** Path the wallet file dialog returns (null = closed). */
  pickWalletFile: string | null;
  /** Per network name: the addresses whose key that network's SMS holds. */
  smsKeys: Record<string, string[]>;
  /** Errors `sms_status` rejects with, by network. */
  smsErrors: Record<string, IpcError>;
  /** Per network name: errors the next pushes there reject with, one per push. */
  pushFailures: Record<string, IpcError[]>;
  /** The current or last key rotation (kept across remounts, as on disk). */
  rotation: Rotation | null;

  // The app's own files.
  /** What `startup_paths` returns the first time (then nothing, as the app does). */
  startupPaths: string[];
};

/** How a mocked fetch ends. */
export type FetchEnd = "verified" | "mismatch" | "unverifiable" | "not_encrypted" | IpcError;

/** A `tasks_refresh` call waiting for the test to drive it. */
export type MockRefresh = {
  jobId: string;
  network: string;
  address: string;
  full: boolean;
  progress(event: RefreshProgress): void;
  /** Ends it as the app would (indexed tasks of the address land in the cache). */
  resolve(): void;
  reject(error: IpcError): void;
  settled: boolean;
};

/** A `task_fetch` call waiting for the test to drive it. */
export type MockFetch = {
  jobId: string;
  network: string;
  taskId: string;
  progress(event: FetchEvent): void;
  /** Ends it (default: `fetchEnds[taskId]`, else verified). */
  resolve(end?: FetchEnd): void;
  reject(error: IpcError): void;
  settled: boolean;
};

/** A `keys_generate` call waiting for the test to drive it. */
export type MockGeneration = {
  jobId: string;
  label: string;
  resolve(): void;
  reject(error: IpcError): void;
  settled: boolean;
};

export type MockBackend = Backend & {
  calls: MockCall[];
  jobs: MockJob[];
  generations: MockGeneration[];
  refreshes: MockRefresh[];
  fetches: MockFetch[];
  options: MockOptions;
  /** Simulates a native drag and drop event. */
  emitDrag(event: DropEvent): void;
  /** Simulates the `open-paths` event (a second launch handing files to this window). */
  emitOpenPaths(paths: string[]): void;
  /** A click on a notification (a task id, "" for the list). */
  emitShowResults(taskId: string): void;
  /** Sends a background check's report, as the app does after each check. */
  emitWatchStatus(report: WatchReport): void;
  /** Calls recorded for one command. */
  callsTo(cmd: string): Record<string, unknown>[];
};

export const SAMPLE_FINGERPRINT =
  "3f2a91c077de0b44a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718";

export function sampleOutcome(overrides: Partial<OpenOutcome> = {}): OpenOutcome {
  return {
    status: "decrypted",
    format: "aes-256-cbc",
    key_fingerprint: SAMPLE_FINGERPRINT,
    key_label: "0x5B38Da6a701c568545dCfcB03FcB875f56beddC4_key",
    output: "/home/alice/Results/result-0x6ac1",
    files: [
      { path: "computed.json", size: 93 },
      { path: "result.txt", size: 12_480 },
      { path: "charts/summary.png", size: 2_345_678 },
    ],
    ...overrides,
  };
}

export function sampleProgress(total = 48_000_000, steps = 4): ProgressEvent[] {
  const events: ProgressEvent[] = [{ stage: "unwrapping_key", done: 0, total: 0 }];
  for (let i = 1; i <= steps; i++) {
    events.push({ stage: "decrypting", done: Math.round((total * i) / steps), total });
  }
  events.push({ stage: "finishing", done: total, total });
  return events;
}

/** Part of the BIP39 English list: enough for the mock's completion and checks. */
export const MOCK_WORDS: readonly string[] = (
  "abandon ability able about above absent absorb abstract absurd abuse access accident account " +
  "accuse achieve acid acoustic acquire across act action actor actress actual adapt add addict " +
  "address adjust admit adult advance advice aerobic affair afford afraid again age agent agree " +
  "ahead aim air airport aisle alarm album alcohol alert alien all alley allow almost alone alpha " +
  "already also alter always amateur amazing among amount amused analyst anchor ancient anger " +
  "angle angry animal ankle announce annual another answer antenna antique anxiety any apart " +
  "apology appear apple approve april arch arctic area arena argue arm armed armor army around " +
  "arrange arrest arrive arrow art artefact artist artwork ask aspect assault asset assist assume " +
  "asthma athlete atom attack attend attitude attract auction audit august aunt author auto " +
  "autumn average avocado avoid awake aware away awesome awful awkward axis " +
  "ladder canyon fossil orbit meadow rescue timber quantum velvet harbor glimpse marble nephew " +
  "olive pioneer ribbon saddle thunder uniform vessel walnut yellow zebra"
).split(" ");

/** The 24 words the mock's `backup_create` hands out by default. */
export const SAMPLE_WORDS: readonly string[] = (
  "avocado ladder canyon fossil orbit meadow rescue timber quantum velvet harbor glimpse " +
  "marble nephew olive pioneer ribbon saddle thunder uniform vessel walnut yellow zebra"
).split(" ");

/** A second valid phrase (another kit's). */
export const OTHER_WORDS: readonly string[] = MOCK_WORDS.slice(24, 48);

export const SAMPLE_FINGERPRINT_2 =
  "8c1d0e425a7b9f03c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b";

export function sampleKey(overrides: Partial<KeySummary> = {}): KeySummary {
  const fingerprint = overrides.fingerprint ?? SAMPLE_FINGERPRINT;
  return {
    fingerprint,
    short_fingerprint: shortFingerprint(fingerprint),
    label: "Laptop key",
    created: "2025-03-14T09:26:53Z",
    source: "generated",
    addresses: ["0x5B38Da6a701c568545dCfcB03FcB875f56beddC4"],
    status: "active",
    backed_up: false,
    push_journal: [],
    ...overrides,
  };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** An in-memory backend with recorded calls, for tests and for the browser demo. */
export function createMockBackend(overrides: Partial<MockOptions> = {}): MockBackend {
  const options: MockOptions = {
    keyLocations: [
      {
        path: "/home/alice/.secrets/beneficiary",
        kind: "folder",
        key_count: 1,
        remembered: false,
      },
    ],
    outcome: sampleOutcome(),
    progress: sampleProgress(),
    stepMs: 0,
    manual: false,
    checkDrop: (paths) => paths.map((path) => ({ path, looks_like_zip: /\.zip$/i.test(path) })),
    pickArchive: "/home/alice/Downloads/result.zip",
    pickKeyFile: "/home/alice/keys/0x5B38_key",
    pickKeyFolder: "/home/alice/project/.secrets/beneficiary",
    rememberErrors: {},
    openError: null,
    protection: "keychain",
    vaultOpenErrors: [],
    passphrase: "correct horse battery staple",
    ringKeys: [],
    kitOutOfDate: false,
    phrase: [...SAMPLE_WORDS],
    kits: {},
    manualGenerate: false,
    generateMs: 0,
    pickKitFile: "/home/alice/result-vault-recovery-kit-2025-05-01.age",
    savePath: (_kind, defaultName) => `/home/alice/Documents/${defaultName}`,
    errors: {},
    e2e: "off",
    setAside: [],
    library: [],
    libraryFiles: {},
    previews: {},
    watch: {
      enabled: true,
      interval_minutes: 10,
      on_new_result: "notify",
      close_to_tray: true,
      close_explained: false,
      start_at_login: false,
    },
    lastCheck: null,
    resultsFocus: null,
    networks: builtinNetworkInfos(),
    watched: [],
    tasks: [],
    indexed: [],
    refreshWarning: null,
    manualRefresh: false,
    manualFetch: false,
    taskStepMs: 0,
    fetchEnds: {},
    rpcChainIds: {},
    networkSaveMs: 0,
    wallets: [],
    keystores: [{ path: keystorePathOf(ADDRESS_A), address: ADDRESS_A }],
    keystorePassword: SAMPLE_KEYSTORE_PASSWORD,
    pickWalletFile: keystorePathOf(ADDRESS_A, "/home/alice/Downloads"),
    smsKeys: {},
    smsErrors: {},
    pushFailures: {},
    rotation: null,
    startupPaths: [],
    ...overrides,
  };
  const calls: MockCall[] = [];
  const jobs: MockJob[] = [];
  const generations: MockGeneration[] = [];
  const refreshes: MockRefresh[] = [];
  const fetches: MockFetch[] = [];
  let nextDialogPath: string | null = null;
  let generated = 0;
  const takeDialog = (fallback: () => string | null) => {
    if (nextDialogPath === null) return fallback();
    const path = nextDialogPath;
    nextDialogPath = null;
    return path;
  };
  const fail = (cmd: string) => {
    const err = options.errors[cmd];
    if (err) throw err;
  };
  const overview = (): VaultOverview => ({
    protection: options.protection,
    keys: options.ringKeys.map((k) => ({ ...k, addresses: [...k.addresses] })),
    not_backed_up: options.ringKeys.filter((k) => !k.backed_up).map((k) => k.fingerprint),
    kit_out_of_date: options.kitOutOfDate,
    // As the engine decides it: the newest key whose status is active.
    active_key:
      options.ringKeys
        .filter((k) => k.status === "active")
        .sort((a, b) => Date.parse(b.created) - Date.parse(a.created))[0]?.fingerprint ?? null,
  });
  const findKey = (fingerprint: string): KeySummary => {
    const key = options.ringKeys.find((k) => k.fingerprint === fingerprint);
    if (!key) {
      throw {
        kind: "key_not_found",
        message: `No key of the key ring has the fingerprint ${fingerprint}.`,
        hint: "",
      } satisfies IpcError;
    }
    return key;
  };
  const update = (fingerprint: string, change: Partial<KeySummary>): KeySummary => {
    const key = { ...findKey(fingerprint), ...change };
    options.ringKeys = options.ringKeys.map((k) => (k.fingerprint === fingerprint ? key : k));
    return { ...key };
  };
  const addKey = (key: KeySummary): ImportOutcome => {
    const existing = options.ringKeys.find((k) => k.fingerprint === key.fingerprint);
    if (existing) return { key: { ...existing }, added: false };
    options.ringKeys = [...options.ringKeys, key];
    return { key: { ...key }, added: true };
  };
  const newFingerprint = () => {
    generated += 1;
    const hex = (0x1a2b3c00 + generated * 0x01010101).toString(16).padStart(8, "0");
    return hex.repeat(8);
  };
  /** As the app's `check_phrase`: unknown word (1-based position), then count. */
  const checkWords = (typed: string): IpcError | null => {
    const words = typed.split(/\s+/).filter(Boolean).map((w) => w.toLowerCase());
    const hint = "Check each word against your written kit: 24 words, in order, from the BIP39 English list.";
    const unknown = words.findIndex((w) => !MOCK_WORDS.includes(w));
    if (unknown >= 0) {
      return {
        kind: "invalid_phrase",
        message: `Word ${unknown + 1} ("${words[unknown]}") is not a recovery-phrase word.`,
        hint,
        facts: { word: unknown + 1, keys_tried: [] },
      };
    }
    if (words.length !== 24) {
      return {
        kind: "invalid_phrase",
        message: `The phrase has ${words.length} words; a recovery phrase has 24.`,
        hint,
      };
    }
    return null;
  };
  const normalise = (typed: string) => typed.split(/\s+/).filter(Boolean).map((w) => w.toLowerCase()).join(" ");
  const openKit = (path: string, words: string) => {
    const kit = options.kits[path];
    if (!kit) {
      throw {
        kind: "invalid_kit",
        message: `${path} is not a Result Vault recovery kit.`,
        hint: "Choose the .age file saved with your recovery kit.",
      } satisfies IpcError;
    }
    const invalid = checkWords(words);
    if (invalid) throw invalid;
    if (normalise(words) !== kit.words.join(" ")) {
      throw {
        kind: "phrase_for_another_kit",
        message: "These 24 words are valid, but they belong to another recovery kit.",
        hint: "Use the words written down with this kit file, or choose the kit file these words belong to.",
      } satisfies IpcError;
    }
    return kit;
  };
  /** Job ids `cancel_job` was called for before `open_archive` (they start cancelled). */
  const cancelledBeforeStart = new Set<string>();
  /** Folders found by convention that a remembered entry for the same path hides. */
  const hiddenFound = new Map<string, KeyLocation>();
  const dragHandlers = new Set<(event: DropEvent) => void>();
  const openPathHandlers = new Set<(paths: string[]) => void>();
  const watchHandlers = new Set<(report: WatchReport) => void>();
  const showResultsHandlers = new Set<(taskId: string) => void>();
  const record = (cmd: string, args: Record<string, unknown> = {}) => calls.push({ cmd, args });

  const tasks = createMockTasks(options, cancelledBeforeStart, record, refreshes, fetches);
  const wallet = createMockWallet({
    options,
    record,
    generations,
    cancelledBeforeStart,
    newFingerprint,
    addKey,
    makeKey: sampleKey,
    overview,
  });

  const mock: MockBackend = {
    calls,
    jobs,
    generations,
    refreshes,
    fetches,
    options,
    callsTo: (cmd) => calls.filter((c) => c.cmd === cmd).map((c) => c.args),
    emitDrag: (event) => dragHandlers.forEach((h) => h(event)),
    emitOpenPaths: (paths) => openPathHandlers.forEach((h) => h(paths)),
    emitShowResults: (taskId) => showResultsHandlers.forEach((h) => h(taskId)),
    emitWatchStatus: (report) => {
      options.lastCheck = report;
      watchHandlers.forEach((h) => h(report));
    },

    async inspectArchive(path) {
      record("inspect_archive", { path });
      const info: ArchiveInfo = {
        layout: "encrypted",
        entries: [
          { path: "aes-key.rsa", size: 512, compressed_size: 517 },
          { path: "iexec_out.zip.aes", size: 48_000_016, compressed_size: 47_990_000 },
        ],
        rsa_key_bits: 4096,
        ciphertext_size: 48_000_016,
      };
      return info;
    },

    openArchive(jobId, archive, keyPaths, onProgress) {
      record("open_archive", { jobId, archive, keyPaths });
      return new Promise<OpenOutcome>((resolve, reject) => {
        const job: MockJob = {
          jobId,
          archive,
          keyPaths,
          settled: false,
          progress: (e) => {
            if (!job.settled) onProgress(e);
          },
          resolve: (o) => {
            if (job.settled) return;
            job.settled = true;
            resolve(o);
          },
          reject: (e) => {
            if (job.settled) return;
            job.settled = true;
            reject(e);
          },
        };
        jobs.push(job);
        if (cancelledBeforeStart.delete(jobId)) {
          job.reject({ kind: "cancelled", message: "The job was cancelled.", hint: "" });
          return;
        }
        if (options.manual) return;
        void (async () => {
          for (const e of options.progress) {
            if (options.stepMs > 0) await sleep(options.stepMs);
            else await Promise.resolve();
            job.progress(e);
          }
          if (options.stepMs > 0) await sleep(options.stepMs);
          const outcome = options.outcome;
          if ("error" in outcome) job.reject(outcome.error);
          else job.resolve(outcome);
        })();
      });
    },

    async cancelJob(jobId) {
      record("cancel_job", { jobId });
      const job =
        jobs.find((j) => j.jobId === jobId) ??
        generations.find((g) => g.jobId === jobId) ??
        refreshes.find((r) => r.jobId === jobId && !r.settled) ??
        fetches.find((f) => f.jobId === jobId && !f.settled);
      // As the app does: a job not started yet starts cancelled.
      if (job) job.reject({ kind: "cancelled", message: "The job was cancelled.", hint: "" });
      else cancelledBeforeStart.add(jobId);
    },

    async keyLocations() {
      record("key_locations");
      return options.keyLocations.map((k) => ({ ...k }));
    },

    async rememberKeyPath(path) {
      record("remember_key_path", { path });
      const err = options.rememberErrors[path];
      if (err) throw err;
      const kind = /beneficiary\/?$/.test(path) ? "folder" : "file";
      const location: KeyLocation = { path, kind, key_count: 1, remembered: true };
      const found = options.keyLocations.find((k) => k.path === path && !k.remembered);
      if (found) hiddenFound.set(path, found);
      // Most recent first, as the app keeps them.
      options.keyLocations = [location, ...options.keyLocations.filter((k) => k.path !== path)];
      return { ...location };
    },

    async forgetKeyPath(path) {
      record("forget_key_path", { path });
      // Only remembered paths are forgotten; a folder found by convention is still found.
      options.keyLocations = options.keyLocations.filter((k) => !(k.path === path && k.remembered));
      const found = hiddenFound.get(path);
      if (found) {
        hiddenFound.delete(path);
        options.keyLocations = [...options.keyLocations, found];
      }
    },

    async checkDrop(paths) {
      record("check_drop", { paths });
      return options.checkDrop(paths);
    },

    async revealOutput(path) {
      record("reveal_output", { path });
      if (options.openError) throw options.openError;
    },

    async openOutputFile(path) {
      record("open_output_file", { path });
      if (options.openError) throw options.openError;
      // As the engine's open policy: a file that could run a program is shown in its folder.
      return /\.(exe|bat|cmd|com|scr|msi|lnk|url|hta|js|vbs|ps1|sh|desktop|app|jar|command)$/i.test(path)
        ? "shown_in_folder"
        : "opened";
    },

    async pickArchive() {
      record("pick_archive");
      return takeDialog(() => options.pickArchive);
    },
    async pickKeyFile() {
      record("pick_key_file");
      return takeDialog(() => options.pickKeyFile);
    },
    async pickKeyFolder() {
      record("pick_key_folder");
      return takeDialog(() => options.pickKeyFolder);
    },

    onDragDrop(handler) {
      dragHandlers.add(handler);
      return () => dragHandlers.delete(handler);
    },

    async vaultProtection() {
      record("vault_protection");
      return options.protection;
    },

    async vaultOpen(passphrase, createWith) {
      record("vault_open", { passphrase, createWith });
      const err = options.vaultOpenErrors.shift();
      if (err) throw err;
      if (options.protection === "passphrase" && passphrase !== options.passphrase) {
        throw {
          kind: "wrong_passphrase",
          message: "This passphrase does not open the key ring.",
          hint: "Type it again, paying attention to capital letters.",
        } satisfies IpcError;
      }
      if (options.protection === "none" || createWith === "passphrase") {
        options.protection = createWith === "passphrase" ? "passphrase" : "keychain";
        if (passphrase !== null) options.passphrase = passphrase;
      }
      return overview();
    },

    async keysOverview() {
      record("keys_overview");
      fail("keys_overview");
      return overview();
    },

    keysGenerate(label, jobId) {
      record("keys_generate", { label, jobId });
      return new Promise<KeysImported>((resolve, reject) => {
        const generation: MockGeneration = {
          jobId,
          label,
          settled: false,
          resolve: () => {
            if (generation.settled) return;
            generation.settled = true;
            const fingerprint = newFingerprint();
            const outcome = addKey(
              sampleKey({
                fingerprint,
                label,
                created: new Date().toISOString(),
                source: "generated",
                addresses: [],
              }),
            );
            resolve({ outcomes: [outcome], overview: overview() });
          },
          reject: (e) => {
            if (generation.settled) return;
            generation.settled = true;
            reject(e);
          },
        };
        generations.push(generation);
        if (cancelledBeforeStart.delete(jobId)) {
          generation.reject({ kind: "cancelled", message: "The job was cancelled.", hint: "" });
          return;
        }
        const err = options.errors.keys_generate;
        if (err) {
          generation.reject(err);
          return;
        }
        if (options.manualGenerate) return;
        void sleep(options.generateMs).then(() => generation.resolve());
      });
    },

    async keysImportPath(path) {
      record("keys_import_path", { path });
      fail("keys_import_path");
      const name = path.replace(/[\\/]+$/, "").split(/[\\/]/).pop() ?? path;
      const address = /^(0x[0-9a-fA-F]{40})_key$/.exec(name)?.[1];
      const folder = /beneficiary$/.test(path);
      const key = sampleKey({
        fingerprint: folder ? SAMPLE_FINGERPRINT_2 : newFingerprint(),
        label: name,
        created: new Date().toISOString(),
        source: folder ? "iexec_secrets_folder" : "imported_file",
        addresses: address ? [address] : [],
      });
      const outcome = addKey(key);
      return { outcomes: [outcome], overview: overview() };
    },

    async keysImportPem(pem, label) {
      record("keys_import_pem", { pem, label });
      fail("keys_import_pem");
      if (!pem.includes("PRIVATE KEY")) {
        throw {
          kind: "invalid_key_file",
          message: "The pasted text is not a private key.",
          hint: "Paste the whole private key, from -----BEGIN PRIVATE KEY----- to -----END PRIVATE KEY-----.",
        } satisfies IpcError;
      }
      const key = sampleKey({
        fingerprint: pem.includes("SAME") ? SAMPLE_FINGERPRINT : newFingerprint(),
        label: label || "Pasted key",
        created: new Date().toISOString(),
        source: "pasted",
        addresses: [],
      });
      const outcome = addKey(key);
      return { outcomes: [outcome], overview: overview() };
    },

    async keysRename(fingerprint, label) {
      record("keys_rename", { fingerprint, label });
      fail("keys_rename");
      return update(fingerprint, { label });
    },

    async keysRetire(fingerprint) {
      record("keys_retire", { fingerprint });
      fail("keys_retire");
      const key = update(fingerprint, { status: "retired" });
      return { key, overview: overview() };
    },

    async keysDelete(fingerprint) {
      record("keys_delete", { fingerprint });
      fail("keys_delete");
      const key = findKey(fingerprint);
      if (!key.backed_up) {
        throw {
          kind: "backup_required",
          message: "This key is in no verified recovery kit.",
          hint: "Back up your keys first.",
        } satisfies IpcError;
      }
      options.ringKeys = options.ringKeys.filter((k) => k.fingerprint !== fingerprint);
      return { key: { ...key }, overview: overview() };
    },

    async keysExportPublic(fingerprint, path) {
      record("keys_export_public", { fingerprint, path });
      fail("keys_export_public");
      findKey(fingerprint);
      return path;
    },

    async keysExportPrivate(fingerprint, path) {
      record("keys_export_private", { fingerprint, path });
      fail("keys_export_private");
      findKey(fingerprint);
      return path;
    },

    async keysSuggestName(fingerprint, isPrivate) {
      record("keys_suggest_name", { fingerprint, private: isPrivate });
      const key = findKey(fingerprint);
      const base = key.addresses[0] ?? `key-${key.fingerprint.slice(0, 8)}`;
      return `${base}_key${isPrivate ? "" : ".pub"}`;
    },

    async backupCreate(path) {
      record("backup_create", { path });
      fail("backup_create");
      const keys = options.ringKeys.map((k) => ({ ...k, backed_up: true, source: "restored" as const }));
      options.kits[path] = { words: [...options.phrase], keys };
      // As the engine: a kit is recorded, not verified; keys outside a verified kit make it
      // out of date until then.
      options.kitOutOfDate = options.ringKeys.some((k) => !k.backed_up);
      return {
        file: path,
        words: [...options.phrase],
        fingerprints: keys.map((k) => k.fingerprint),
        kit_id: `kit-${Object.keys(options.kits).length}`,
        overview: overview(),
      };
    },

    async backupVerify(path, words) {
      record("backup_verify", { path, words });
      fail("backup_verify");
      const kit = openKit(path, words);
      const fingerprints = kit.keys.map((k) => k.fingerprint);
      options.ringKeys = options.ringKeys.map((k) =>
        fingerprints.includes(k.fingerprint) ? { ...k, backed_up: true } : k,
      );
      options.kitOutOfDate = false;
      const outcome: RestoreOutcome = {
        kit_id: "kit-verified",
        fingerprints,
        added: [],
        already_present: fingerprints,
      };
      return { outcome, overview: overview() };
    },

    async phraseCheck(words) {
      record("phrase_check", { words });
      const error = checkWords(words);
      return { valid: error === null, error };
    },

    async phraseComplete(prefix) {
      record("phrase_complete", { prefix });
      const p = prefix.toLowerCase();
      if (!p) return [];
      return [...MOCK_WORDS].sort().filter((w) => w.startsWith(p)).slice(0, 8);
    },

    async restoreKit(path, words, passphrase) {
      record("restore_kit", { path, words, passphrase });
      fail("restore_kit");
      const kit = openKit(path, words);
      const added: string[] = [];
      const already: string[] = [];
      for (const key of kit.keys) {
        const outcome = addKey({ ...key, backed_up: true, source: "restored" });
        (outcome.added ? added : already).push(key.fingerprint);
      }
      options.vaultOpenErrors = [];
      if (options.protection === "none") options.protection = passphrase ? "passphrase" : "keychain";
      return {
        kit_id: "kit-restored",
        fingerprints: kit.keys.map((k) => k.fingerprint),
        added,
        already_present: already,
      };
    },

    async pickKitFile() {
      record("pick_kit_file");
      return takeDialog(() => options.pickKitFile);
    },

    async saveFile(kind, defaultName) {
      record("save_file", { kind, defaultName });
      return takeDialog(() => options.savePath(kind, defaultName));
    },

    async e2eMode() {
      record("e2e_mode");
      return options.e2e;
    },

    async setNextDialogPath(path) {
      nextDialogPath = path;
    },

    async keyringSetAsideList() {
      record("keyring_set_aside_list");
      return [...options.setAside];
    },

    async keyringReopenSetAside(name) {
      record("keyring_reopen_set_aside", { name });
      options.setAside = options.setAside.filter((n) => n !== name);
    },

    async libraryList(query) {
      record("library_list", { query });
      const q = query?.trim().toLowerCase() ?? "";
      return options.library.filter(
        (i) =>
          !q ||
          [i.entry.app, i.entry.task_id, i.entry.network, i.entry.key_label, i.entry.archive_path, i.entry.output_path].some(
            (v) => v?.toLowerCase().includes(q),
          ),
      );
    },

    async libraryFiles(id) {
      record("library_files", { id });
      const item = options.library.find((i) => i.entry.id === id);
      if (!item?.output_exists) {
        throw {
          kind: "io",
          message: "The files of this result are no longer there.",
          hint: "Open the result again from its archive, or remove it from the library.",
        } satisfies IpcError;
      }
      return options.libraryFiles[id] ?? [];
    },

    async libraryPreview(id, path) {
      record("library_preview", { id, path });
      const p = options.previews[`${id}/${path}`];
      if (!p) throw { kind: "invalid_input", message: "Not a file of this result.", hint: "" } satisfies IpcError;
      return p;
    },

    async libraryDelete(id, archive) {
      record("library_delete", { id, archive });
      options.library = options.library.filter((i) => i.entry.id !== id);
    },

    async watchStatus() {
      record("watch_status");
      return { last: options.lastCheck, running: false, settings: { ...options.watch } };
    },

    async watchSettingsSave(settings) {
      record("watch_settings_save", { settings });
      if (settings.interval_minutes < 1 || settings.interval_minutes > 1440) {
        throw { kind: "invalid_input", message: "Not an interval.", hint: "Choose between 1 and 1,440 minutes." } satisfies IpcError;
      }
      options.watch = { ...settings };
      return { ...settings };
    },

    async takeResultsFocus() {
      record("results_take_focus");
      const f = options.resultsFocus;
      options.resultsFocus = null;
      return f;
    },

    onShowResults(handler) {
      showResultsHandlers.add(handler);
      return () => showResultsHandlers.delete(handler);
    },

    async watchCheckNow() {
      record("watch_check_now");
    },

    onWatchStatus(handler) {
      watchHandlers.add(handler);
      return () => watchHandlers.delete(handler);
    },

    async grantForTest(path) {
      record("e2e_grant", { path });
    },

    async setLanguage(tag) {
      record("set_language", { tag });
    },

    async pickWalletFile() {
      record("pick_wallet_file");
      return takeDialog(() => options.pickWalletFile);
    },

    async startupPaths() {
      record("startup_paths");
      // As the app: the paths are handed out once.
      const paths = options.startupPaths;
      options.startupPaths = [];
      return [...paths];
    },

    async openLogFolder() {
      record("open_log_folder");
      fail("open_log_folder");
    },

    onOpenPaths(handler) {
      openPathHandlers.add(handler);
      return () => openPathHandlers.delete(handler);
    },

    ...tasks,
    ...wallet,
  };
  return mock;
}

const CANCELLED: IpcError = { kind: "cancelled", message: "The job was cancelled.", hint: "" };

type TaskCommands = Pick<
  Backend,
  | "networksList"
  | "networkSave"
  | "networkReset"
  | "watchedList"
  | "watchedAdd"
  | "watchedRemove"
  | "tasksList"
  | "tasksRefresh"
  | "tasksAddById"
  | "taskFetch"
  | "taskDiscardDownload"
>;

/** The task commands of the in-memory backend, over `options` (networks, watched, tasks). */
function createMockTasks(
  options: MockOptions,
  cancelledBeforeStart: Set<string>,
  record: (cmd: string, args?: Record<string, unknown>) => void,
  refreshes: MockRefresh[],
  fetches: MockFetch[],
): TaskCommands {
  const fail = (cmd: string) => {
    const err = options.errors[cmd];
    if (err) throw err;
  };
  const now = () => Math.floor(Date.now() / 1000);
  const wait = () => (options.taskStepMs > 0 ? sleep(options.taskStepMs) : Promise.resolve());
  const copyRow = (r: TaskRow): TaskRow => ({
    ...r,
    result: { ...r.result },
    verification: r.verification ? { ...r.verification } : null,
  });
  const listNetworks = () =>
    options.networks.map((n) => ({ ...n, network: copyNetwork(n.network) }));
  const networkNamed = (name: string): Network => {
    const found = options.networks.find((n) => n.network.name === name);
    if (!found) {
      throw {
        kind: "task_not_found",
        message: `No network named \u201c${name}\u201d.`,
        hint: "Choose a network from the list in Settings.",
      } satisfies IpcError;
    }
    return found.network;
  };
  const parse = (input: string): string => {
    const checked = checkAddress(input);
    if ("problem" in checked) {
      throw {
        kind: "invalid_address",
        message: `\u201c${input.trim()}\u201d is not a valid Ethereum address: ${checked.problem}.`,
        hint: "Copy the address again from your wallet or from the iExec explorer (0x followed by 40 hexadecimal digits).",
      } satisfies IpcError;
    }
    return checked.address;
  };
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const findRow = (network: string, taskId: string) =>
    options.tasks.find((r) => r.network === network && same(r.task_id, taskId));
  const updateRow = (network: string, taskId: string, change: Partial<TaskRow>): TaskRow | null => {
    let updated: TaskRow | null = null;
    options.tasks = options.tasks.map((r) => {
      if (r.network !== network || !same(r.task_id, taskId)) return r;
      updated = { ...r, ...change };
      return updated;
    });
    return updated ? copyRow(updated) : null;
  };
  const byNewest = (a: TaskRow, b: TaskRow) => b.start_time - a.start_time;

  return {
    async networksList() {
      record("networks_list");
      fail("networks_list");
      return listNetworks();
    },

    async networkSave(network) {
      record("network_save", { network });
      if (options.networkSaveMs > 0) await sleep(options.networkSaveMs);
      fail("network_save");
      const n = copyNetwork({ ...network, name: network.name.trim() });
      if (!n.name) {
        throw { kind: "io", message: "A network needs a name.", hint: "Type a short name, e.g. my-testnet." } satisfies IpcError;
      }
      const builtin = BUILTIN_NETWORKS.find((b) => b.name === n.name);
      if (builtin) {
        n.chain_id = builtin.chain_id;
        n.legacy = builtin.legacy;
      }
      parse(n.hub);
      const answer = options.rpcChainIds[n.rpc_url] ?? n.chain_id;
      if (typeof answer !== "number") throw answer;
      if (answer !== n.chain_id) {
        throw {
          kind: "chain_mismatch",
          message: `The RPC ${n.rpc_url} serves chain ${answer}, not chain ${n.chain_id} (${n.label}).`,
          hint: "Check the RPC URL: it must be an endpoint of this network. Nothing was saved.",
        } satisfies IpcError;
      }
      const info: NetworkInfo = {
        network: n,
        builtin: !!builtin,
        customised: !builtin || !sameNetwork(n, builtin),
      };
      const index = options.networks.findIndex((x) => x.network.name === n.name);
      options.networks =
        index >= 0 ? options.networks.map((x, i) => (i === index ? info : x)) : [...options.networks, info];
      return listNetworks();
    },

    async networkReset(name) {
      record("network_reset", { name });
      fail("network_reset");
      const builtin = BUILTIN_NETWORKS.find((b) => b.name === name);
      options.networks = builtin
        ? options.networks.map((x) =>
            x.network.name === name ? { network: copyNetwork(builtin), builtin: true, customised: false } : x,
          )
        : options.networks.filter((x) => x.network.name !== name);
      return listNetworks();
    },

    async watchedList() {
      record("watched_list");
      fail("watched_list");
      return options.watched.map((w) => ({ ...w }));
    },

    async watchedAdd(network, address, label) {
      record("watched_add", { network, address, label });
      fail("watched_add");
      const checksummed = parse(address);
      networkNamed(network);
      const existing = options.watched.find((w) => w.network === network && w.address === checksummed);
      const watched: WatchedAddress = existing
        ? { ...existing, label }
        : { network, address: checksummed, label, added: now(), last_refresh: null, last_source: null };
      options.watched = existing
        ? options.watched.map((w) => (w === existing ? watched : w))
        : [...options.watched, watched];
      return { ...watched };
    },

    async watchedRemove(network, address) {
      record("watched_remove", { network, address });
      fail("watched_remove");
      const checksummed = parse(address);
      options.watched = options.watched.filter((w) => !(w.network === network && w.address === checksummed));
    },

    async tasksList(network, address) {
      record("tasks_list", { network, address });
      fail("tasks_list");
      const beneficiary = address === null ? null : parse(address);
      return options.tasks
        .filter((r) => (network === null || r.network === network) && (beneficiary === null || same(r.beneficiary, beneficiary)))
        .sort(byNewest)
        .map(copyRow);
    },

    tasksRefresh(network, address, full, jobId, onProgress) {
      record("tasks_refresh", { network, address, full, jobId });
      return new Promise<RefreshOutcome>((resolve, reject) => {
        let beneficiary: string;
        try {
          beneficiary = parse(address);
          networkNamed(network);
        } catch (err) {
          reject(err);
          return;
        }
        const found = () =>
          options.indexed.filter((r) => r.network === network && same(r.beneficiary, beneficiary));
        const refresh: MockRefresh = {
          jobId,
          network,
          address,
          full,
          settled: false,
          progress: (e) => {
            if (!refresh.settled) onProgress(e);
          },
          resolve: () => {
            if (refresh.settled) return;
            refresh.settled = true;
            const deals = found();
            let added = 0;
            for (const row of deals) {
              const known = findRow(row.network, row.task_id);
              if (known) updateRow(row.network, row.task_id, { status: row.status, result: row.result, confirmed_at: now() });
              else {
                options.tasks = [...options.tasks, copyRow(row)];
                added += 1;
              }
            }
            const at = now();
            options.watched = options.watched.map((w) =>
              w.network === network && w.address === beneficiary
                ? { ...w, last_refresh: at, last_source: "subgraph" }
                : w,
            );
            resolve({
              network,
              address: beneficiary,
              source: "subgraph",
              deals_seen: new Set(deals.map((d) => d.deal_id)).size,
              new_tasks: added,
              confirmed: deals.length,
              warning: options.refreshWarning,
              index_ms: 420,
              confirm_ms: 180,
            });
          },
          reject: (e) => {
            if (refresh.settled) return;
            refresh.settled = true;
            reject(e);
          },
        };
        refreshes.push(refresh);
        if (cancelledBeforeStart.delete(jobId)) {
          refresh.reject(CANCELLED);
          return;
        }
        const err = options.errors.tasks_refresh;
        if (err) {
          refresh.reject(err);
          return;
        }
        if (options.manualRefresh) return;
        void (async () => {
          const deals = found();
          const dealCount = new Set(deals.map((d) => d.deal_id)).size;
          for (const n of [0, Math.ceil(dealCount / 2), dealCount]) {
            await wait();
            refresh.progress({ stage: "indexing", deals: n });
          }
          for (let done = 0; done <= deals.length; done += Math.max(1, Math.ceil(deals.length / 3))) {
            await wait();
            refresh.progress({ stage: "confirming", done, total: deals.length });
          }
          await wait();
          refresh.progress({ stage: "confirming", done: deals.length, total: deals.length });
          refresh.resolve();
        })();
      });
    },

    async tasksAddById(network, id) {
      record("tasks_add_by_id", { network, id });
      fail("tasks_add_by_id");
      const net = networkNamed(network);
      const notFound = (why: string): IpcError => ({
        kind: "task_not_found",
        message: `${why} on ${net.label}.`,
        hint: "Check the id (0x followed by 64 hexadecimal digits) and the network: a task of another network is not found here.",
      });
      const clean = id.trim().toLowerCase();
      if (!/^0x[0-9a-f]{64}$/.test(clean)) throw notFound("This is not a task or deal id");
      const matches = [...options.indexed, ...options.tasks].filter(
        (r) => r.network === network && (same(r.task_id, clean) || same(r.deal_id, clean)),
      );
      if (matches.length === 0) throw notFound("No task or deal has this id");
      const rows: TaskRow[] = [];
      for (const row of matches) {
        if (rows.some((r) => r.task_id === row.task_id)) continue;
        if (!findRow(row.network, row.task_id)) options.tasks = [...options.tasks, { ...copyRow(row), source: "manual" }];
        rows.push(copyRow(findRow(row.network, row.task_id) as TaskRow));
      }
      return rows;
    },

    taskFetch(network, taskId, jobId, onProgress) {
      record("task_fetch", { network, taskId, jobId });
      return new Promise<TaskFetched>((resolve, reject) => {
        const row = findRow(network, taskId);
        if (!row || row.status !== "completed" || row.result.storage !== "ipfs") {
          reject({
            kind: "no_result",
            message: row
              ? `Task ${taskId.slice(0, 10)}… has no result stored on IPFS.`
              : `Task ${taskId.slice(0, 10)}… is not in the list.`,
            hint: "Only a completed task whose result is on IPFS can be downloaded.",
          } satisfies IpcError);
          return;
        }
        const total = row.total_bytes || 40_000_000;
        const resumedFrom = row.vault === "partial" ? row.downloaded_bytes : 0;
        let have = resumedFrom;
        const before = row.vault;
        const fetch: MockFetch = {
          jobId,
          network,
          taskId,
          settled: false,
          progress: (e) => {
            if (fetch.settled) return;
            if (e.stage === "downloading") have = e.progress.done;
            onProgress(e);
          },
          resolve: (end) => {
            if (fetch.settled) return;
            const how = end ?? options.fetchEnds[taskId] ?? (row.result_digest ? "verified" : "unverifiable");
            if (typeof how !== "string") {
              fetch.reject(how);
              return;
            }
            fetch.settled = true;
            const archive = `/home/alice/.local/share/result-vault/downloads/${network}/${taskId}.zip`;
            const output = `/home/alice/Results/result-${taskId.slice(2, 10)}`;
            const verification: Verification =
              how === "mismatch" ? mismatchOf(row) : how === "unverifiable" || !row.result_digest ? unverifiableOf() : verifiedOf(row);
            const vault = how === "not_encrypted" ? "not_encrypted" : verification.status === "unverifiable" ? "decrypted" : verification.status;
            const updated = updateRow(network, taskId, {
              vault,
              archive_path: archive,
              output_path: output,
              verification,
              downloaded_bytes: total,
              total_bytes: total,
            });
            resolve({
              outcome: {
                task: {
                  task_id: row.task_id,
                  deal_id: row.deal_id,
                  idx: row.idx,
                  status: row.status,
                  final_deadline: row.final_deadline,
                  result_digest: row.result_digest ?? `0x${"0".repeat(64)}`,
                  result: row.result,
                  results_raw: row.results_raw,
                },
                download: {
                  path: archive,
                  bytes: total,
                  resumed_from: resumedFrom,
                  gateway: "https://ipfs-gateway.arbitrum-mainnet.iex.ec",
                  attempts: 1,
                },
                open: sampleOutcome({
                  status: how === "not_encrypted" ? "not_encrypted" : "decrypted",
                  output,
                  ...(how === "not_encrypted" ? { format: null, key_fingerprint: null, key_label: null } : {}),
                }),
                verification,
              },
              row: updated,
            });
          },
          reject: (e) => {
            if (fetch.settled) return;
            fetch.settled = true;
            // As the app: a cancelled download is kept (partial); a key problem keeps the archive.
            if (e.kind === "no_matching_key") {
              updateRow(network, taskId, { vault: "needs_key", downloaded_bytes: total, total_bytes: total });
            } else if (have >= total) {
              updateRow(network, taskId, { vault: "downloaded", downloaded_bytes: total, total_bytes: total });
            } else if (have > 0) {
              updateRow(network, taskId, { vault: "partial", downloaded_bytes: have, total_bytes: total });
            } else {
              updateRow(network, taskId, { vault: before === "downloading" ? "not_downloaded" : before });
            }
            reject(e);
          },
        };
        fetches.push(fetch);
        updateRow(network, taskId, { vault: "downloading", downloaded_bytes: resumedFrom, total_bytes: total });
        if (cancelledBeforeStart.delete(jobId)) {
          fetch.reject(CANCELLED);
          return;
        }
        const err = options.errors.task_fetch;
        if (err) {
          fetch.reject(err);
          return;
        }
        if (options.manualFetch) return;
        void (async () => {
          await wait();
          fetch.progress({ stage: "confirming" });
          for (let i = 0; i <= 3; i++) {
            await wait();
            fetch.progress({
              stage: "downloading",
              progress: {
                done: Math.round(resumedFrom + ((total - resumedFrom) * i) / 3),
                total,
                bytes_per_sec: 5_100_000,
                gateway: "https://ipfs-gateway.arbitrum-mainnet.iex.ec",
                attempt: 1,
                retry_in_ms: null,
                retry_reason: null,
              },
            });
          }
          for (const e of sampleProgress(total, 2)) {
            await wait();
            fetch.progress({ stage: "opening", progress: e });
          }
          await wait();
          fetch.progress({ stage: "verifying" });
          await wait();
          fetch.resolve();
        })();
      });
    },

    async taskDiscardDownload(network, taskId) {
      record("task_discard_download", { network, taskId });
      fail("task_discard_download");
      // As the app: a partial or complete download is deleted; the opened folder is not touched.
      updateRow(network, taskId, { vault: "not_downloaded", downloaded_bytes: 0, total_bytes: 0, archive_path: null });
    },
  };
}
