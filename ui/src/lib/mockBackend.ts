import type { Backend, DropEvent } from "./backend";
import type {
  ArchiveInfo,
  DropCheck,
  IpcError,
  KeyLocation,
  OpenOutcome,
  ProgressEvent,
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
};

export type MockBackend = Backend & {
  calls: MockCall[];
  jobs: MockJob[];
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
    ...overrides,
  };
  const calls: MockCall[] = [];
  const jobs: MockJob[] = [];
  /** Job ids `cancel_job` was called for before `open_archive` (they start cancelled). */
  const cancelledBeforeStart = new Set<string>();
  /** Folders found by convention that a remembered entry for the same path hides. */
  const hiddenFound = new Map<string, KeyLocation>();
  const dragHandlers = new Set<(event: DropEvent) => void>();
  const record = (cmd: string, args: Record<string, unknown> = {}) => calls.push({ cmd, args });

  const mock: MockBackend = {
    calls,
    jobs,
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
      const job = jobs.find((j) => j.jobId === jobId);
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
      return options.pickArchive;
    },
    async pickKeyFile() {
      record("pick_key_file");
      return options.pickKeyFile;
    },
    async pickKeyFolder() {
      record("pick_key_folder");
      return options.pickKeyFolder;
    },

    onDragDrop(handler) {
      dragHandlers.add(handler);
      return () => dragHandlers.delete(handler);
    },
  };
  return mock;
}
