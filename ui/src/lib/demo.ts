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
 *
 * Key ring (the Keys screen and its wizards):
 *   ?demo=keys | backup | restore | generating | export-private | delete | rename
 *   &ring=some|empty|backed|many   keys in the ring (default some: one not backed up)
 *   &vault=open|passphrase|keychain_unavailable|keychain_locked|damaged|failed
 *                       how the ring opens at start (default open)
 *   &step=words|quiz|quiz-typing|quiz-wrong|done   with demo=backup: walk the wizard to that step
 *   &step=passphrase    with vault=keychain_*: the "use a passphrase instead" form
 *   &outcome=correct|other_kit|invalid|typing   with demo=restore: type words (and submit)
 *
 * Tasks and settings:
 *   ?demo=tasks           two watched addresses, tasks in every state, a download at 42 %, the
 *                         details of a verified task open
 *   ?demo=tasks-mismatch  the details of a task whose files do not match the chain
 *   ?demo=tasks-empty     nothing watched yet
 *   ?demo=settings        Settings: language, log folder, welcome tour, and the networks (one
 *                         customised, one custom)
 *
 * Home and the welcome tour:
 *   ?demo=home            Home filled: keys (one not backed up), the key service of each network,
 *                         the latest results, and reminders of the tour's skipped steps
 *   ?demo=home-empty      Home of a fresh install: every section's empty state
 *   ?demo=onboarding      the welcome tour; &step=welcome|keys|backup|wallet|watch|done
 *                         &sub=restore (keys step: the restore screen) | words (backup step: the
 *                         kit's words) | generating (keys step: a key being made)
 *
 * Wallet, key service (SMS) and key rotation:
 *   ?demo=wallet          the Keys screen with two wallets (one kept in the ring, one asking its
 *                         password) and the key service of each network in the three states
 *   ?demo=rotation        the rotation wizard's first step
 *   ?demo=rotation-kit    the rotation resumed at the recovery kit step (the new key not backed up)
 *   ?demo=rotation-push   the push step: one network done, one failed (the SMS refused the signature)
 *   ?demo=rotation-done   the summary of a finished rotation
 *   &sms=<ErrorKind>      with demo=rotation-push: how the failed push failed (default sms_unauthorized)
 */
import type {
  ErrorKind,
  IpcError,
  KeyLocation,
  KeySummary,
  OpenOutcome,
  ResultFile,
  Rotation,
} from "./ipc/bindings";
import { ERROR_KINDS } from "./backend";
import type { AppHandle } from "../App.svelte";
import { setLanguage } from "./i18n";
import { isOnboardingStep, type OnboardingRecord } from "./onboarding";
import {
  createMockBackend,
  OTHER_WORDS,
  SAMPLE_FINGERPRINT,
  SAMPLE_FINGERPRINT_2,
  SAMPLE_WORDS,
  sampleKey,
  sampleOutcome,
  sampleProgress,
  type MockBackend,
} from "./mockBackend";
import { keystorePathOf, sampleWallet } from "./mockWallet";
import { baseName } from "./format";
import {
  ADDRESS_A,
  ADDRESS_B,
  BUILTIN_NETWORKS,
  builtinNetworkInfos,
  copyNetwork,
  sampleTaskId,
  sampleTasks,
  sampleWatched,
} from "./mockTasks";

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
  keychain_unavailable: {
    kind: "keychain_unavailable",
    message: "No Secret Service answered on the session bus (org.freedesktop.secrets).",
    hint: "Start your keychain (GNOME Keyring, KWallet), or protect your keys with a passphrase.",
  },
  keychain_locked: {
    kind: "keychain_locked",
    message: "The keychain did not unlock within 20 seconds.",
    hint: "Unlock your keychain, then try again.",
  },
  keyring_damaged: {
    kind: "keyring_damaged",
    message: "The key ring is here, but its key is no longer in the system keychain.",
    hint: "Restore your keys from your recovery kit (a new key ring will be made).",
  },
  wrong_passphrase: {
    kind: "wrong_passphrase",
    message: "This passphrase does not open the key ring.",
    hint: "Type it again, paying attention to capital letters.",
  },
  key_not_found: {
    kind: "key_not_found",
    message: "No key of the key ring has the fingerprint 3F2A 91C0.",
    hint: "",
  },
  backup_required: {
    kind: "backup_required",
    message: "“Laptop key” is in no verified recovery kit.",
    hint: "Back up your keys, then delete it.",
  },
  invalid_phrase: {
    kind: "invalid_phrase",
    message: 'Word 5 ("orbitt") is not a recovery-phrase word.',
    hint: "Check each word against your written kit: 24 words, in order, from the BIP39 English list.",
  },
  phrase_for_another_kit: {
    kind: "phrase_for_another_kit",
    message: "These 24 words are valid, but they belong to another recovery kit.",
    hint: "Use the words written down with this kit file.",
  },
  invalid_kit: {
    kind: "invalid_kit",
    message: "holiday.age is not a Result Vault recovery kit.",
    hint: "Choose the .age file saved with your recovery kit.",
  },
  network: {
    kind: "network",
    message: "The RPC https://arb1.arbitrum.io/rpc cannot be reached (connection refused).",
    hint: "Check your connection and the network's RPC URL (Settings), then try again.",
  },
  invalid_address: {
    kind: "invalid_address",
    message:
      "“0x5B38Da6a701c568545dCfcB03FcB875f56beddc4” is not a valid Ethereum address: its capital letters do not match its EIP-55 checksum (a character is probably wrong).",
    hint: "Copy the address again from your wallet or from the iExec explorer (0x followed by 40 hexadecimal digits).",
  },
  chain_mismatch: {
    kind: "chain_mismatch",
    message: "The RPC https://sepolia-rollup.arbitrum.io/rpc serves chain 421614, not chain 42161 (Arbitrum One).",
    hint: "Check the RPC URL: it must be an endpoint of this network. Nothing was saved.",
  },
  task_not_found: {
    kind: "task_not_found",
    message: "No task or deal has this id on Arbitrum One.",
    hint: "Check the id (0x followed by 64 hexadecimal digits) and the network: a task of another network is not found here.",
  },
  no_result: {
    kind: "no_result",
    message: "Task 0x6ac1f9c2… sent its result to a callback contract: there is no file to download.",
    hint: "Only a completed task whose result is stored on IPFS can be downloaded.",
  },
  wrong_password: {
    kind: "wrong_password",
    message: "This password does not open the wallet keystore.",
    hint: "Type the password you chose when the wallet was created (the iexec CLI asks for it at `iexec wallet create`). Letter case matters.",
  },
  invalid_wallet: {
    kind: "invalid_wallet",
    message: "This keystore uses the cipher “aes-128-cbc”, which Result Vault does not support (only aes-128-ctr, the standard one).",
    hint: "Export the wallet again from your wallet software as a standard keystore, or paste its private key.",
  },
  keyring_not_open: {
    kind: "keyring_not_open",
    message: "The key ring is not open.",
    hint: "Open or unlock the key ring first (restart Result Vault if this persists).",
  },
  keyring_empty: {
    kind: "keyring_empty",
    message: "The key ring is empty: there is nothing to back up.",
    hint: "Generate or import a key first.",
  },
  unknown_network: {
    kind: "unknown_network",
    message: "No network named \u201cmy-testnet\u201d.",
    hint: "Choose a network from the list in Settings.",
  },
  invalid_input: {
    kind: "invalid_input",
    message: "A network needs a name.",
    hint: "Type a short name, e.g. my-testnet.",
  },
  busy: {
    kind: "busy",
    message: "Another Result Vault (the app or a command) has been changing the key ring for more than 20 s.",
    hint: "Wait for the other one to finish (or close it), then try again.",
  },
  wallet_required: {
    kind: "wallet_required",
    message: "Signing for the SMS needs the wallet of 0x5B38Da6a701c568545dCfcB03FcB875f56beddC4, and it is not imported.",
    hint: "Import the beneficiary's wallet (its keystore file, iexec's wallet.json, or its private key) in Keys > Wallet.",
  },
  sms_unauthorized: {
    kind: "sms_unauthorized",
    message: "The SMS https://sms.arbitrum-mainnet.iex.ec refused the signature of 0x5B38Da6a701c568545dCfcB03FcB875f56beddC4 (HTTP 401).",
    hint: "The wallet must be the beneficiary's own wallet (the address the key is for). Import that wallet and try again.",
  },
  sms_key_absent: {
    kind: "sms_key_absent",
    message: "The SMS https://sms.arbitrum-mainnet.iex.ec holds no key for 0x5B38Da6a701c568545dCfcB03FcB875f56beddC4 to update (HTTP 404).",
    hint: "Push it as a new key instead (Result Vault does this by itself when it checks first).",
  },
  sms_key_exists: {
    kind: "sms_key_exists",
    message: "The SMS https://sms.arbitrum-mainnet.iex.ec already holds a key for 0x5B38Da6a701c568545dCfcB03FcB875f56beddC4 (HTTP 409).",
    hint: "Update it instead (replace), after making sure the key there is backed up or no longer needed.",
  },
  sms_value_too_large: {
    kind: "sms_value_too_large",
    message: "The key is 6214 bytes once encoded; the SMS accepts at most 4096 (HTTP 413).",
    hint: "Use an RSA key of 4,096 bits or less (Result Vault generates RSA-4096, which fits).",
  },
  internal: {
    kind: "internal",
    message: "Unexpected state in the decryption worker.",
    hint: "",
  },
};

/** The key a demo rotation made. */
const ROTATION_NEW_FINGERPRINT = "5e6f7a8b9c0d1e2f3a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9012";

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

function demoRing(kind: string | null): KeySummary[] {
  const laptop = sampleKey({ label: "Laptop key", backed_up: true });
  const cli = sampleKey({
    fingerprint: SAMPLE_FINGERPRINT_2,
    label: "0xAb8483F64d9C6d1EcF9b849Ae677dD3315835cb2_key",
    created: "2024-11-02T16:05:10Z",
    source: "iexec_secrets_folder",
    addresses: ["0xAb8483F64d9C6d1EcF9b849Ae677dD3315835cb2"],
    status: "retired",
    backed_up: true,
  });
  const pasted = sampleKey({
    fingerprint: "d41e7b09c3a58f2e6b1d0c9f8e7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a",
    label: "DataProtector key",
    created: "2025-04-28T11:42:00Z",
    source: "pasted",
    addresses: [],
    backed_up: false,
  });
  switch (kind) {
    case "empty":
      return [];
    case "backed":
      return [laptop, cli];
    case "many":
      return [
        laptop,
        cli,
        pasted,
        sampleKey({
          fingerprint: "77aa00bb11cc22dd33ee44ff5566778899aabbccddeeff00112233445566778a",
          label: "Office desktop",
          created: "2025-05-01T08:00:00Z",
          source: "restored",
          addresses: ["0x4B20993Bc481177ec7E8f571ceCaE8A9e22C02db", "0x78731D3Ca6b7E34aC0F824c42a7cC18A495cabaB"],
          backed_up: true,
        }),
      ];
    default:
      return [laptop, cli, pasted];
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Waits for an element of the page (the demo drives the real screens, as a user would). */
async function element<T extends HTMLElement>(selector: string, timeout = 4000): Promise<T | null> {
  const start = Date.now();
  while (Date.now() - start < timeout) {
    const found = document.querySelector<T>(selector);
    if (found) return found;
    await sleep(40);
  }
  console.warn("demo: not found", selector);
  return null;
}

async function click(testid: string) {
  (await element(`[data-testid="${testid}"]`))?.click();
  await sleep(60);
}

function fill(input: HTMLInputElement | HTMLTextAreaElement | null, value: string) {
  if (!input) return;
  input.value = value;
  input.dispatchEvent(new Event("input", { bubbles: true }));
}

export function createDemo(search: string): {
  backend: MockBackend;
  run: (app: AppHandle) => void;
  /** The welcome tour's record the demo starts with (instead of the stored one). */
  onboarding: OnboardingRecord | null;
} {
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
    ringKeys: demoRing(q.get("ring")),
    manualGenerate: scenario === "generating",
    generateMs: 2500,
  });
  const ring = demoRing("many");
  backend.options.kits[backend.options.pickKitFile ?? ""] = {
    words: [...SAMPLE_WORDS],
    keys: ring.map((k) => ({ ...k, backed_up: true })),
  };
  const vaultParam = q.get("vault") === "damaged" ? "keyring_damaged" : q.get("vault");
  if (vaultParam === "passphrase") backend.options.protection = "passphrase";
  else if (vaultParam === "failed") backend.options.vaultOpenErrors = [DEMO_ERRORS.io];
  else if (vaultParam && vaultParam in DEMO_ERRORS && vaultParam !== "io") {
    const error = DEMO_ERRORS[vaultParam as ErrorKind];
    backend.options.vaultOpenErrors = [error, error, error];
  }

  const tasksDemo = scenario === "tasks" || scenario === "tasks-mismatch";
  if (tasksDemo) {
    const recently = Math.floor(Date.now() / 1000) - 7 * 60;
    backend.options.watched = [
      sampleWatched({ label: "Work wallet", last_refresh: recently, last_source: "subgraph" }),
      sampleWatched({
        network: "arbitrum-sepolia-testnet",
        address: ADDRESS_B,
        last_refresh: recently - 3 * 3600,
        last_source: "subgraph",
      }),
    ];
    backend.options.tasks = sampleTasks();
    backend.options.indexed = sampleTasks();
    backend.options.manualFetch = true;
    backend.options.taskStepMs = 120;
  }
  if (scenario === "settings") {
    const arbitrum = copyNetwork(BUILTIN_NETWORKS[0]);
    arbitrum.rpc_url = "https://arbitrum-one.my-node.example/rpc";
    backend.options.networks = [
      { network: arbitrum, builtin: true, customised: true },
      ...builtinNetworkInfos().slice(1),
      {
        network: {
          name: "local-test",
          label: "Local test chain",
          chain_id: 65535,
          rpc_url: "http://127.0.0.1:8545",
          hub: "0xC08C3def622Af1476f2Db0E3CC8CcaeAd07BE3bB",
          sms_urls: ["http://127.0.0.1:13300"],
          ipfs_gateways: ["http://127.0.0.1:8080"],
          subgraph_url: "http://127.0.0.1:8000/subgraphs/name/poco",
          market_api_url: "http://127.0.0.1:3000",
          legacy: false,
        },
        builtin: false,
        customised: true,
      },
    ];
    backend.options.networkSaveMs = 900;
  }

  // Home and the welcome tour.
  let onboarding: OnboardingRecord | null = { status: "done", skipped: [] };
  const tourStepParam = q.get("step");
  const tourStep = isOnboardingStep(tourStepParam) ? tourStepParam : "welcome";
  if (scenario === "home") {
    onboarding = { status: "skipped", skipped: ["backup", "wallet"] };
    const recently = Math.floor(Date.now() / 1000) - 7 * 60;
    backend.options.watched = [
      sampleWatched({ label: "Work wallet", last_refresh: recently, last_source: "subgraph" }),
      sampleWatched({ network: "arbitrum-sepolia-testnet", address: ADDRESS_B, last_refresh: recently, last_source: "subgraph" }),
    ];
    backend.options.tasks = sampleTasks();
    backend.options.indexed = sampleTasks();
    backend.options.wallets = [sampleWallet({ label: "Work wallet" })];
    backend.options.smsKeys = { "arbitrum-mainnet": [ADDRESS_A] };
    backend.options.ringKeys = [
      sampleKey({
        label: "Laptop key",
        backed_up: false,
        push_journal: [
          {
            network: "arbitrum-mainnet",
            sms_url: "https://sms.arbitrum-mainnet.iex.ec",
            address: ADDRESS_A,
            at: "2025-04-22T14:03:00Z",
            outcome: "201 (created)",
            ok: true,
          },
        ],
      }),
    ];
  } else if (scenario === "home-empty") {
    backend.options.ringKeys = [];
    backend.options.keyLocations = [];
  } else if (scenario === "onboarding") {
    onboarding = tourStep === "done" ? { status: null, skipped: ["wallet"] } : null;
    const fresh = sampleKey({ label: "Laptop key", created: new Date().toISOString(), addresses: [], backed_up: false });
    backend.options.keyLocations = [];
    backend.options.ringKeys =
      tourStep === "welcome" || tourStep === "keys" ? [] : [{ ...fresh, backed_up: tourStep !== "backup" }];
    backend.options.manualGenerate = q.get("sub") === "generating";
    if (tourStep === "wallet" || tourStep === "watch" || tourStep === "done") {
      backend.options.wallets = tourStep === "wallet" ? [] : [sampleWallet({ label: "Work wallet" })];
      backend.options.smsKeys = { "arbitrum-mainnet": [ADDRESS_A] };
    }
  }

  async function runHome(app: AppHandle) {
    if (scenario !== "onboarding") return;
    app.startTour(tourStep);
    const sub = q.get("sub");
    if (tourStep === "keys" && sub === "restore") await click("onboarding-restore-start");
    if (tourStep === "keys" && sub === "generating") {
      fill(await element("[data-testid=onboarding-key-label]"), "Work laptop");
      await click("onboarding-create-key");
    }
    if (tourStep === "backup" && sub === "words") {
      await click("onboarding-backup");
      await click("backup-save");
    }
  }

  const walletDemo = scenario === "wallet" || scenario.startsWith("rotation");
  if (walletDemo) {
    const laptop = sampleKey({
      label: "Laptop key",
      backed_up: true,
      push_journal: [
        {
          network: "arbitrum-mainnet",
          sms_url: "https://sms.arbitrum-mainnet.iex.ec",
          address: ADDRESS_A,
          at: "2025-04-22T14:03:00Z",
          outcome: "201 (created)",
          ok: true,
        },
      ],
    });
    backend.options.wallets = [
      sampleWallet({ label: "Work wallet" }),
      sampleWallet({
        address: ADDRESS_B,
        label: baseName(keystorePathOf(ADDRESS_B)),
        in_ring: false,
        keystore_path: keystorePathOf(ADDRESS_B),
      }),
    ];
    backend.options.keystores = [{ path: keystorePathOf(ADDRESS_A), address: ADDRESS_A }];
    backend.options.smsKeys = { "arbitrum-mainnet": [ADDRESS_A], "arbitrum-sepolia-testnet": [ADDRESS_A] };
    backend.options.ringKeys = [laptop];
    backend.options.generateMs = 2500;
    if (scenario !== "wallet" && scenario !== "rotation") {
      const fresh = sampleKey({
        fingerprint: ROTATION_NEW_FINGERPRINT,
        label: "Key of 2025-05-02",
        created: "2025-05-02T09:12:00Z",
        addresses: [ADDRESS_A],
        backed_up: scenario !== "rotation-kit",
      });
      backend.options.ringKeys = [laptop, fresh];
      const networks = ["arbitrum-mainnet", "arbitrum-sepolia-testnet"];
      const rotation: Rotation = {
        id: "4f1c2a9be0d37a65",
        address: ADDRESS_A,
        networks,
        old_fingerprint: laptop.fingerprint,
        new_fingerprint: fresh.fingerprint,
        step: scenario === "rotation-kit" ? "key_generated" : scenario === "rotation-push" ? "kit_updated" : "pushed",
        pushed: scenario === "rotation-kit" ? [] : scenario === "rotation-push" ? ["arbitrum-mainnet"] : networks,
        started: "2025-05-02T09:10:00Z",
        finished: null,
      };
      backend.options.rotation = rotation;
      const smsKind = q.get("sms") as ErrorKind | null;
      const failure = DEMO_ERRORS[smsKind && ERROR_KINDS.includes(smsKind) ? smsKind : "sms_unauthorized"];
      backend.options.pushFailures = { "arbitrum-sepolia-testnet": [failure, failure, failure] };
    }
  }

  async function runWallet(app: AppHandle) {
    switch (scenario) {
      case "wallet":
        app.show("keys");
        (await element("[data-testid=sms-section]"))?.scrollIntoView();
        break;
      case "rotation":
      case "rotation-kit":
      case "rotation-done":
        app.show("rotation");
        if (scenario === "rotation-done") await click("rotation-finish");
        break;
      case "rotation-push":
        app.show("rotation");
        await click("rotation-push");
        break;
    }
  }

  /** The row of a sample task, once the list shows it. */
  async function taskRow(seed: string): Promise<HTMLElement | null> {
    return element(`[data-testid="task-row"][data-task-id="${sampleTaskId(seed)}"]`);
  }

  async function runTasks(app: AppHandle) {
    switch (scenario) {
      case "tasks-empty":
        app.show("tasks");
        break;
      case "settings":
        app.show("settings");
        break;
      case "tasks":
      case "tasks-mismatch": {
        app.show("tasks");
        if (scenario === "tasks") {
          (await taskRow("fresh"))?.querySelector<HTMLButtonElement>("[data-testid=fetch-task]")?.click();
          await sleep(60);
          const job = backend.fetches[backend.fetches.length - 1];
          const total = 40_000_000;
          job?.progress({ stage: "confirming" });
          for (const done of [4_000_000, 9_500_000, 16_800_000]) {
            await sleep(200);
            job?.progress({
              stage: "downloading",
              progress: {
                done,
                total,
                bytes_per_sec: 5_100_000,
                gateway: "https://ipfs-gateway.arbitrum-mainnet.iex.ec",
                attempt: 1,
                retry_in_ms: null,
                retry_reason: null,
              },
            });
          }
        }
        const seed = scenario === "tasks" ? "verified" : "mismatch";
        (await taskRow(seed))?.querySelector<HTMLButtonElement>("[data-testid=task-open]")?.click();
        break;
      }
    }
  }

  const archive = long
    ? `${LONG}/Downloads/result-of-task-0x6ac1f9c2d3e4b5a6978899aabbccddeeff.zip`
    : "/home/alice/Downloads/result.zip";

  async function runKeys(app: AppHandle) {
    const step = q.get("step");
    if (step === "passphrase") await click("use-passphrase");
    switch (scenario) {
      case "keys":
        app.show("keys");
        break;
      case "generating":
        app.show("keys");
        fill(await element("[data-testid=key-label-input]"), "Work laptop");
        await click("generate-key");
        break;
      case "export-private":
        app.show("keys");
        await click("export-private");
        break;
      case "delete": {
        app.show("keys");
        await element("[data-testid=key-row]");
        const row = document.querySelector(`[data-fingerprint="${SAMPLE_FINGERPRINT}"]`);
        row?.querySelector<HTMLButtonElement>("[data-testid=delete-key]")?.click();
        break;
      }
      case "rename":
        app.show("keys");
        await click("rename-key");
        break;
      case "backup": {
        app.show("backup");
        if (!step) break;
        await click("backup-save");
        if (step === "words") break;
        await click("backup-continue");
        if (step === "quiz") break;
        if (step === "quiz-typing") {
          const first = await element<HTMLInputElement>("[data-testid=quiz-word-input]");
          first?.focus();
          fill(first, "ab");
          break;
        }
        const inputs = [...document.querySelectorAll<HTMLInputElement>("[data-testid=quiz-word-input]")];
        inputs.forEach((input, i) => {
          const index = Number(input.dataset.index);
          fill(input, step === "quiz-wrong" && i === 1 ? "apple" : SAMPLE_WORDS[index - 1]);
        });
        await click("quiz-submit");
        break;
      }
      case "restore": {
        app.show("restore");
        const outcome = q.get("outcome");
        if (!outcome) break;
        await click("restore-choose-kit");
        const words =
          outcome === "other_kit"
            ? OTHER_WORDS.join(" ")
            : outcome === "invalid"
              ? SAMPLE_WORDS.map((w, i) => (i === 4 ? "orbitt" : w)).join(" ")
              : outcome === "typing"
                ? SAMPLE_WORDS.slice(0, 9).join(" ") + " ac"
                : SAMPLE_WORDS.join(" ");
        const area = await element<HTMLTextAreaElement>("[data-testid=restore-words-input]");
        fill(area, words);
        area?.focus();
        area?.setSelectionRange(words.length, words.length);
        area?.click();
        if (outcome === "typing") break;
        await sleep(400);
        await click("restore-submit");
        break;
      }
    }
  }

  function run(app: AppHandle) {
    const { flow } = app;
    void runHome(app);
    void runKeys(app);
    void runTasks(app);
    void runWallet(app);
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

  return { backend, run, onboarding };
}
