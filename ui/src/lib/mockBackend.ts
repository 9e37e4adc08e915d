import type { Backend, DropEvent, SaveKind } from "./backend";
import { shortFingerprint } from "./format";
import type {
  ArchiveInfo,
  DropCheck,
  ImportOutcome,
  IpcError,
  KeyLocation,
  KeySummary,
  OpenOutcome,
  ProgressEvent,
  ProtectionKind,
  RestoreOutcome,
  VaultOverview,
} from "./ipc/bindings";

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
  /** What `e2e_enabled` returns. */
  e2e: boolean;
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
  options: MockOptions;
  /** Simulates a native drag and drop event. */
  emitDrag(event: DropEvent): void;
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
    e2e: false,
    ...overrides,
  };
  const calls: MockCall[] = [];
  const jobs: MockJob[] = [];
  const generations: MockGeneration[] = [];
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
  const record = (cmd: string, args: Record<string, unknown> = {}) => calls.push({ cmd, args });

  const mock: MockBackend = {
    calls,
    jobs,
    generations,
    options,
    callsTo: (cmd) => calls.filter((c) => c.cmd === cmd).map((c) => c.args),
    emitDrag: (event) => dragHandlers.forEach((h) => h(event)),

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
      const job = jobs.find((j) => j.jobId === jobId) ?? generations.find((g) => g.jobId === jobId);
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
      return new Promise<ImportOutcome>((resolve, reject) => {
        const generation: MockGeneration = {
          jobId,
          label,
          settled: false,
          resolve: () => {
            if (generation.settled) return;
            generation.settled = true;
            const fingerprint = newFingerprint();
            resolve(
              addKey(
                sampleKey({
                  fingerprint,
                  label,
                  created: new Date().toISOString(),
                  source: "generated",
                  addresses: [],
                }),
              ),
            );
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
      return [addKey(key)];
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
      return addKey(key);
    },

    async keysRename(fingerprint, label) {
      record("keys_rename", { fingerprint, label });
      fail("keys_rename");
      return update(fingerprint, { label });
    },

    async keysRetire(fingerprint) {
      record("keys_retire", { fingerprint });
      fail("keys_retire");
      return update(fingerprint, { status: "retired" });
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
      return { ...key };
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
      return {
        file: path,
        words: [...options.phrase],
        fingerprints: keys.map((k) => k.fingerprint),
        kit_id: `kit-${Object.keys(options.kits).length}`,
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
      return outcome;
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

    async e2eEnabled() {
      record("e2e_enabled");
      return options.e2e;
    },

    setNextDialogPath(path) {
      nextDialogPath = path;
    },
  };
  return mock;
}
