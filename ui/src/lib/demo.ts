/**
 * Browser demo (no Tauri): an in-memory backend plus a way to put the screen in any state,
 * for `npm run dev` and screenshots. Query string:
 *
 *   ?demo=idle | working | result | not-encrypted | error | drag-bad | drag-ok | cancelled
 *   &kind=<ErrorKind>   with demo=error (default no_matching_key)
 *   &keys=none|many     no key found / several key locations (two remembered, one found)
 *   &files=<n>          number of files in the result
 *   &long=1             very long paths and names
 *   &lang=en|fr         language
 */
import type { ErrorKind, IpcError, KeyLocation, OpenOutcome, ResultFile } from "./ipc/bindings";
import { ERROR_KINDS } from "./backend";
import type { Flow } from "./flow";
import { setLanguage } from "./i18n";
import {
  createMockBackend,
  sampleOutcome,
  sampleProgress,
  type MockBackend,
} from "./mockBackend";

export const DEMO_ERRORS: Record<ErrorKind, IpcError> = {
  not_a_result: {
    kind: "not_a_result",
    message: "“holiday-photos.zip” is a zip file, but it holds neither aes-key.rsa nor computed.json.",
    hint: "Choose the archive you downloaded for your task.",
  },
  incomplete_archive: {
    kind: "incomplete_archive",
    message: "The archive ends early: its table of contents is missing.",
    hint: "The download was probably cut short. Download the result again.",
  },
  invalid_key_file: {
    kind: "invalid_key_file",
    message: "“0x5B38_key.pub” is a public key, not a private key.",
    hint: "Choose the file without .pub at the end.",
  },
  no_matching_key: {
    kind: "no_matching_key",
    message: "Tried 2 keys: 3F2A 91C0 77DE 0B44, 8C1D 0E42 5A7B 9F03.",
    hint: "Add the private key of the task's beneficiary. Keys made by DataProtector must be exported from it first.",
  },
  damaged_ciphertext: {
    kind: "damaged_ciphertext",
    message: "The key fits, but the encrypted data has a wrong length (48,000,011 bytes).",
    hint: "Download the result again.",
  },
  damaged_contents: {
    kind: "damaged_contents",
    message: "The decrypted data is not a valid zip (checksum mismatch in result.txt).",
    hint: "Download the result again.",
  },
  unsafe_archive: {
    kind: "unsafe_archive",
    message: "The entry “../../.bashrc” would be written outside the results folder.",
    hint: "Nothing was written outside the results folder.",
  },
  output_exists: {
    kind: "output_exists",
    message: "/home/alice/Results/result-0x6ac1 already exists.",
    hint: "Move or rename the existing folder, then try again.",
  },
  io: {
    kind: "io",
    message: "No space left on device while writing /home/alice/Results/result-0x6ac1/data.bin.",
    hint: "Free some space, then try again.",
  },
  cancelled: { kind: "cancelled", message: "The job was cancelled.", hint: "" },
  internal: {
    kind: "internal",
    message: "Unexpected state in the decryption worker.",
    hint: "",
  },
};

const LONG =
  "/home/alice/Documents/Projects/confidential-computing/iexec/deals/0x6ac1f9c2d3e4b5a69788990aabbccddeeff00112233445566778899aabbccddee";

function demoFiles(n: number, long: boolean): ResultFile[] {
  const base = sampleOutcome().files;
  const files: ResultFile[] = [...base];
  for (let i = files.length; i < n; i++) {
    files.push({
      path: long
        ? `outputs/very/deeply/nested/folder/structure/with-a-long-name/part-${String(i).padStart(4, "0")}-of-the-computation-results.csv`
        : `outputs/part-${String(i).padStart(3, "0")}.csv`,
      size: 1_000 + i * 37_123,
    });
  }
  return files.slice(0, n);
}

export function createDemo(search: string): { backend: MockBackend; run: (flow: Flow) => void } {
  const q = new URLSearchParams(search);
  const scenario = q.get("demo") ?? "idle";
  const long = q.get("long") === "1";
  const lang = q.get("lang");
  if (lang === "en" || lang === "fr") void setLanguage(lang);

  const keys = q.get("keys");
  let keyLocations: KeyLocation[] = [
    {
      path: long ? `${LONG}/.secrets/beneficiary` : "/home/alice/.secrets/beneficiary",
      kind: "folder",
      key_count: 2,
      remembered: false,
    },
  ];
  if (keys === "none") keyLocations = [];
  if (keys === "many")
    keyLocations = [
      {
        path: "/home/alice/keys/0x5B38Da6a701c568545dCfcB03FcB875f56beddC4_key",
        kind: "file",
        key_count: 1,
        remembered: true,
      },
      { path: "/home/alice/project/.secrets/beneficiary", kind: "folder", key_count: 3, remembered: true },
      { path: "/home/alice/.secrets/beneficiary", kind: "folder", key_count: 1, remembered: false },
    ];

  const nFiles = Number(q.get("files") ?? "") || (long ? 12 : 3);
  let outcome: OpenOutcome = sampleOutcome({
    files: demoFiles(nFiles, long),
    output: long ? `${LONG}/Results/result-0x6ac1f9c2d3e4b5a6` : sampleOutcome().output,
  });
  if (scenario === "not-encrypted" || scenario === "not_encrypted") {
    outcome = { ...outcome, status: "not_encrypted", format: null, key_fingerprint: null, key_label: null };
  }
  const kindParam = q.get("kind") as ErrorKind | null;
  const kind: ErrorKind = kindParam && ERROR_KINDS.includes(kindParam) ? kindParam : "no_matching_key";

  const backend = createMockBackend({
    keyLocations,
    outcome: scenario === "error" ? { error: DEMO_ERRORS[kind] } : outcome,
    progress: sampleProgress(48_000_000, 12),
    stepMs: scenario === "result" || scenario === "not-encrypted" || scenario === "error" ? 0 : 350,
    manual: scenario === "working" || scenario === "cancelled",
    pickArchive: long ? `${LONG}/Downloads/result-of-task-0x6ac1f9c2d3e4b5a6.zip` : "/home/alice/Downloads/result.zip",
  });

  const archive = long
    ? `${LONG}/Downloads/result-of-task-0x6ac1f9c2d3e4b5a6978899aabbccddeeff.zip`
    : "/home/alice/Downloads/result.zip";

  function run(flow: Flow) {
    switch (scenario) {
      case "result":
      case "not-encrypted":
      case "not_encrypted":
      case "error":
        void flow.openPath(archive);
        break;
      case "working": {
        void flow.openPath(archive);
        const job = () => backend.jobs[backend.jobs.length - 1];
        const total = 48_000_000;
        const steps = [
          { stage: "unwrapping_key" as const, done: 0, total: 0 },
          { stage: "decrypting" as const, done: 4_000_000, total },
          { stage: "decrypting" as const, done: 12_500_000, total },
          { stage: "decrypting" as const, done: 20_300_000, total },
        ];
        steps.forEach((e, i) => setTimeout(() => job()?.progress(e), 50 + i * 500));
        break;
      }
      case "cancelled":
        void flow.openPath(archive);
        setTimeout(() => void flow.cancel(), 50);
        break;
      case "drag-bad":
        backend.emitDrag({ type: "enter", paths: ["/home/alice/Pictures/photo.jpg"] });
        break;
      case "drag-ok":
        backend.emitDrag({ type: "enter", paths: [archive] });
        break;
    }
  }

  return { backend, run };
}
