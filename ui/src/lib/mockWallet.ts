/**
 * The wallet, SMS and key rotation commands of the in-memory backend (tests and the browser
 * demo), behaving as the app does (src-tauri/src/commands/wallet.rs, core vault/wallets.rs):
 *
 * - keystores open with `options.keystorePassword`; a path containing "wrong" never opens
 *   (`wrong_password`), one containing "invalid", "cbc" or "argon" is not a usable wallet
 *   (`invalid_wallet`); a file named `wallet.json` is iexec's plain wallet (no password, always
 *   kept in the ring);
 * - an SMS holds a key for the addresses listed in `options.smsKeys[network]`; its state combines
 *   that with the push journal of the ring's keys;
 * - `options.pushFailures[network]` makes the next pushes there fail, one error per push;
 * - the rotation lives in `options.rotation` (it survives a remount, as on disk), and its kit step
 *   passes only once a verified kit holds the new key (`backup_create` then `backup_verify`).
 */
import type { Backend } from "./backend";
import { toChecksumAddress, keccak256, checkAddress } from "./eip55";
import type {
  FoundKeystore,
  ImportOutcome,
  IpcError,
  KeySummary,
  Network,
  PushRecord,
  Rotation,
  RotationChanged,
  RotationStep,
  SmsStatus,
  VaultOverview,
  WalletSummary,
} from "./ipc/bindings";
import { ADDRESS_A, ADDRESS_B } from "./mockTasks";

/** The options of the mock this part reads and changes (a subset of MockOptions). */
export type MockWalletOptions = {
  networks: { network: Network }[];
  watched: { network: string; address: string; label: string; added: number; last_refresh: number | null; last_source: string | null }[];
  ringKeys: KeySummary[];
  errors: Record<string, IpcError>;
  manualGenerate: boolean;
  generateMs: number;
  /** Imported wallets. */
  wallets: WalletSummary[];
  /** What `keystores_found` lists. */
  keystores: FoundKeystore[];
  /** The password of the mock's keystores. */
  keystorePassword: string;
  /** Per network name: the addresses (any case) whose key that network's SMS holds. */
  smsKeys: Record<string, string[]>;
  /** Errors `sms_status` rejects with, by network (an SMS that cannot be reached...). */
  smsErrors: Record<string, IpcError>;
  /** Per network name: errors the next pushes there reject with, one per push. */
  pushFailures: Record<string, IpcError[]>;
  /** The current or last key rotation. */
  rotation: Rotation | null;
};

/** A `keys_generate` or `rotation_generate` call waiting for the test to drive it. */
export type MockGenerationLike = {
  jobId: string;
  label: string;
  resolve(): void;
  reject(error: IpcError): void;
  settled: boolean;
};

export type WalletCommands = Pick<
  Backend,
  | "walletsList"
  | "keystoresFound"
  | "walletImportFile"
  | "walletImportKey"
  | "walletRemove"
  | "walletNeedsPassword"
  | "smsStatus"
  | "smsPush"
  | "rotationStatus"
  | "rotationStart"
  | "rotationGenerate"
  | "rotationCheckKit"
  | "rotationPush"
  | "rotationFinish"
>;

/** Private keys of Remix's first two accounts (ADDRESS_A, ADDRESS_B): pasting them gives these. */
export const SAMPLE_PRIVATE_KEY_A = "0x503f38a9c967ed597e47fe25643985f032b072db8075426a92110f82df48dfcb";
export const SAMPLE_PRIVATE_KEY_B = "0x7e5bfb82febc4c2c8529167104271ceec190eafdca277314912eaabdb67c6e5f";
const KNOWN_KEYS: Record<string, string> = {
  [SAMPLE_PRIVATE_KEY_A.slice(2)]: ADDRESS_A,
  [SAMPLE_PRIVATE_KEY_B.slice(2)]: ADDRESS_B,
};

/** The password of the mock's keystores (unless a test sets another). */
export const SAMPLE_KEYSTORE_PASSWORD = "hunter2 hunter2";

/** A keystore as the iexec CLI and geth name them, for an address. */
export function keystorePathOf(address: string, dir = "/home/alice/.ethereum/keystore"): string {
  return `${dir}/UTC--2024-11-02T16-05-10.000Z--${address.slice(2).toLowerCase()}`;
}

export function sampleWallet(overrides: Partial<WalletSummary> = {}): WalletSummary {
  return {
    address: ADDRESS_A,
    label: "UTC--2024-11-02T16-05-10.000Z--5b38da6a701c568545dcfcb03fcb875f56beddc4",
    added: "2025-04-20T10:00:00Z",
    in_ring: true,
    keystore_path: null,
    ...overrides,
  };
}

const baseName = (path: string) => path.replace(/[\\/]+$/, "").split(/[\\/]/).pop() ?? path;
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const nowIso = () => new Date().toISOString();
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const STEPS: RotationStep[] = ["started", "key_generated", "kit_updated", "pushed", "done"];
const atLeast = (r: Rotation, step: RotationStep) => STEPS.indexOf(r.step) >= STEPS.indexOf(step);
const copyRotation = (r: Rotation): Rotation => ({ ...r, networks: [...r.networks], pushed: [...r.pushed] });

function pseudoAddress(seed: string): string {
  return toChecksumAddress(keccak256(`wallet:${seed}`).slice(24));
}

const wrongPassword = (needed: boolean): IpcError =>
  needed
    ? {
        kind: "wrong_password",
        message: "This wallet keystore needs its password.",
        hint: "Type the keystore password (for scripts: --password-file FILE).",
      }
    : {
        kind: "wrong_password",
        message: "This password does not open the wallet keystore.",
        hint: "Type the password you chose when the wallet was created (the iexec CLI asks for it at `iexec wallet create`). Letter case matters.",
      };

const invalidWallet = (message: string, hint = "Export the wallet again as a standard keystore, or paste its private key."): IpcError => ({
  kind: "invalid_wallet",
  message,
  hint,
});

export function createMockWallet(ctx: {
  options: MockWalletOptions;
  record: (cmd: string, args?: Record<string, unknown>) => void;
  generations: MockGenerationLike[];
  cancelledBeforeStart: Set<string>;
  newFingerprint: () => string;
  addKey: (key: KeySummary) => ImportOutcome;
  makeKey: (overrides: Partial<KeySummary>) => KeySummary;
  /** The ring as `keys_overview` returns it: the changes below return it, as the app's do. */
  overview: () => VaultOverview;
}): WalletCommands {
  const { options, record } = ctx;
  const fail = (cmd: string) => {
    const err = options.errors[cmd];
    if (err) throw err;
  };

  const networkNamed = (name: string): Network => {
    const found = options.networks.find((n) => n.network.name === name);
    if (!found) {
      throw {
        kind: "unknown_network",
        message: `No network named \u201c${name}\u201d.`,
        hint: "Choose a network in Settings.",
      } satisfies IpcError;
    }
    return found.network;
  };
  const smsUrlOf = (n: Network): string => {
    const url = n.sms_urls[0];
    if (!url) {
      throw {
        kind: "network",
        message: `No SMS is set for ${n.label}.`,
        hint: "Add the SMS URL in Settings.",
      } satisfies IpcError;
    }
    return url;
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

  const store = (w: WalletSummary): WalletSummary => {
    options.wallets = [...options.wallets.filter((x) => !same(x.address, w.address)), w];
    // As the app: the wallet's address becomes watched on every network.
    const at = Math.floor(Date.now() / 1000);
    for (const { network } of options.networks) {
      if (!options.watched.some((x) => x.network === network.name && same(x.address, w.address))) {
        options.watched = [
          ...options.watched,
          { network: network.name, address: w.address, label: "", added: at, last_refresh: null, last_source: null },
        ];
      }
    }
    return { ...w };
  };

  const checkKeystorePassword = (path: string, password: string | null) => {
    if (password === null || password === "") throw wrongPassword(true);
    if (path.toLowerCase().includes("wrong") || password !== options.keystorePassword) throw wrongPassword(false);
  };

  /** As the app's `signer`: the wallet of `address`, unlocked. */
  const signer = (address: string, password: string | null): WalletSummary => {
    const w = options.wallets.find((x) => same(x.address, address));
    if (!w) {
      throw {
        kind: "wallet_required",
        message: `Signing for the SMS needs the wallet of ${address}, and it is not imported.`,
        hint: "Import the beneficiary's wallet (its keystore file, iexec's wallet.json, or its private key) in Keys > Wallet.",
      } satisfies IpcError;
    }
    if (!w.in_ring && w.keystore_path) checkKeystorePassword(w.keystore_path, password);
    return w;
  };

  const activeKey = (): KeySummary => {
    const active = options.ringKeys
      .filter((k) => k.status === "active")
      .sort((a, b) => Date.parse(b.created) - Date.parse(a.created))[0];
    if (!active) {
      throw {
        kind: "keyring_empty",
        message: "The key ring has no active key to push.",
        hint: "Generate a key (Keys > New key) or import one first.",
      } satisfies IpcError;
    }
    return active;
  };

  const journal = (fingerprint: string, record: PushRecord) => {
    options.ringKeys = options.ringKeys.map((k) =>
      k.fingerprint === fingerprint ? { ...k, push_journal: [...k.push_journal, record] } : k,
    );
  };

  const lastPush = (smsUrl: string, address: string): [string, PushRecord] | null => {
    let best: [string, PushRecord] | null = null;
    for (const k of options.ringKeys) {
      for (const r of k.push_journal) {
        if (!r.ok || r.sms_url.replace(/\/+$/, "") !== smsUrl.replace(/\/+$/, "") || !same(r.address, address)) continue;
        if (!best || Date.parse(r.at) >= Date.parse(best[1].at)) best = [k.fingerprint, r];
      }
    }
    return best;
  };

  const statusOf = (network: string, smsUrl: string, address: string): SmsStatus => {
    const keySet = (options.smsKeys[network] ?? []).some((a) => same(a, address));
    const last = lastPush(smsUrl, address);
    return {
      network,
      sms_url: smsUrl,
      address,
      state: !keySet ? "absent" : last ? "pushed_from_vault" : "set_elsewhere",
      fingerprint: last ? last[0] : null,
      at: last ? last[1].at : null,
    };
  };

  /** One push to an SMS, as `Sms::push`: checks first (create or update), journaled. */
  const push = (network: string, smsUrl: string, address: string, fingerprint: string) => {
    const exists = (options.smsKeys[network] ?? []).some((a) => same(a, address));
    const error = options.pushFailures[network]?.shift();
    if (error && error.kind === "network") throw error; // unreachable: not a push
    journal(fingerprint, {
      network,
      sms_url: smsUrl,
      address,
      at: nowIso(),
      outcome: error ? `${error.kind}: ${error.message}` : exists ? "200 (updated)" : "201 (created)",
      ok: !error,
    });
    if (error) throw error;
    if (!exists) options.smsKeys = { ...options.smsKeys, [network]: [...(options.smsKeys[network] ?? []), address] };
  };

  const noRotation = (): IpcError => ({
    kind: "internal",
    message: "No key rotation is in progress.",
    hint: "Start the rotation again.",
  });
  const current = (): Rotation => {
    const r = options.rotation;
    if (!r || r.step === "done") throw noRotation();
    return r;
  };
  const setRotation = (r: Rotation): Rotation => {
    options.rotation = r;
    return copyRotation(r);
  };
  /** A rotation step's answer: the rotation and the ring after it. */
  const changed = (r: Rotation): RotationChanged => ({ rotation: r, overview: ctx.overview() });
  const backupRequired = (): IpcError => ({
    kind: "backup_required",
    message:
      "No verified recovery kit holds the new key yet: pushing it now could lose the results of every task started after the push.",
    hint: "Make a new recovery kit (it will hold every key, old and new) and verify it, then continue.",
  });
  const checkKit = (): Rotation => {
    const r = current();
    if (atLeast(r, "kit_updated")) return copyRotation(r);
    const key = options.ringKeys.find((k) => k.fingerprint === r.new_fingerprint);
    if (!atLeast(r, "key_generated") || !key?.backed_up) throw backupRequired();
    return setRotation({ ...r, step: "kit_updated" });
  };

  return {
    async walletsList() {
      record("wallets_list");
      fail("wallets_list");
      return options.wallets.map((w) => ({ ...w }));
    },

    async keystoresFound() {
      record("keystores_found");
      return options.keystores.map((k) => ({ ...k }));
    },

    async walletImportFile(path, password, keep) {
      record("wallet_import_file", { path, password, keep });
      fail("wallet_import_file");
      const name = baseName(path);
      const lower = name.toLowerCase();
      if (lower.includes("invalid") || lower.includes("not-a-wallet")) {
        throw invalidWallet(
          `${name} is not a wallet: it is neither a JSON keystore nor iexec's wallet.json.`,
          "Choose the wallet file the iexec CLI or your Ethereum wallet exported (a JSON keystore, or iexec's wallet.json), or paste the private key.",
        );
      }
      if (lower.includes("cbc")) {
        throw invalidWallet(
          "This keystore uses the cipher \u201caes-128-cbc\u201d, which Result Vault does not support (only aes-128-ctr, the standard one).",
          "Export the wallet again from your wallet software as a standard keystore, or paste its private key.",
        );
      }
      if (lower.includes("argon")) {
        throw invalidWallet(
          "This keystore uses the key derivation \u201cargon2\u201d, which Result Vault does not support (scrypt or pbkdf2).",
        );
      }
      const plain = lower === "wallet.json";
      if (!plain) checkKeystorePassword(path, password);
      const hex = /([0-9a-fA-F]{40})(?:\.json)?$/.exec(name)?.[1];
      const address = hex ? toChecksumAddress(hex) : plain ? ADDRESS_A : pseudoAddress(path);
      const pathOnly = !plain && keep === "path_only";
      return store({
        address,
        label: name,
        added: nowIso(),
        in_ring: !pathOnly,
        keystore_path: pathOnly ? path : null,
      });
    },

    async walletImportKey(privateKey, label) {
      record("wallet_import_key", { privateKey, label });
      fail("wallet_import_key");
      const clean = privateKey.trim().replace(/^0x/i, "").toLowerCase();
      if (!/^[0-9a-f]{64}$/.test(clean) || /^0+$/.test(clean)) {
        throw invalidWallet(
          "This is not a private key: 64 hexadecimal digits (optionally after 0x) are expected.",
          "Copy the private key again from your wallet software (it is shown once you type your password).",
        );
      }
      return store({
        address: KNOWN_KEYS[clean] ?? pseudoAddress(clean),
        label: label.trim(),
        added: nowIso(),
        in_ring: true,
        keystore_path: null,
      });
    },

    async walletRemove(address) {
      record("wallet_remove", { address });
      fail("wallet_remove");
      const before = options.wallets.length;
      options.wallets = options.wallets.filter((w) => !same(w.address, address));
      if (options.wallets.length === before) signer(address, null);
    },

    async walletNeedsPassword(address) {
      record("wallet_needs_password", { address });
      fail("wallet_needs_password");
      const w = options.wallets.find((x) => same(x.address, address));
      return !!w && !w.in_ring && w.keystore_path !== null;
    },

    async smsStatus(network, address) {
      record("sms_status", { network, address });
      fail("sms_status");
      const a = parse(address);
      const net = networkNamed(network);
      const url = smsUrlOf(net);
      const err = options.smsErrors[network];
      if (err) throw err;
      return statusOf(net.name, url, a);
    },

    async smsPush(network, address, password) {
      record("sms_push", { network, address, password });
      fail("sms_push");
      const a = parse(address);
      const net = networkNamed(network);
      const url = smsUrlOf(net);
      signer(a, password);
      const key = activeKey();
      push(net.name, url, a, key.fingerprint);
      return { status: statusOf(net.name, url, a), overview: ctx.overview() };
    },

    async rotationStatus() {
      record("rotation_status");
      fail("rotation_status");
      return options.rotation ? copyRotation(options.rotation) : null;
    },

    async rotationStart(address, networks) {
      record("rotation_start", { address, networks });
      fail("rotation_start");
      const a = parse(address);
      const r = options.rotation;
      if (r && r.step !== "done") return copyRotation(r);
      let old: string | null = null;
      try {
        old = activeKey().fingerprint;
      } catch {
        old = null;
      }
      return setRotation({
        id: keccak256(`rotation:${Date.now()}:${Math.random()}`).slice(0, 16),
        address: a,
        networks: [...networks],
        old_fingerprint: old,
        new_fingerprint: null,
        step: "started",
        pushed: [],
        started: nowIso(),
        finished: null,
      });
    },

    rotationGenerate(jobId) {
      record("rotation_generate", { jobId });
      return new Promise<RotationChanged>((resolve, reject) => {
        let r: Rotation;
        try {
          r = current();
        } catch (err) {
          reject(err);
          return;
        }
        if (atLeast(r, "key_generated")) {
          resolve(changed(copyRotation(r)));
          return;
        }
        const day = new Date().toISOString().slice(0, 10);
        const generation: MockGenerationLike = {
          jobId,
          label: `Key of ${day}`,
          settled: false,
          resolve: () => {
            if (generation.settled) return;
            generation.settled = true;
            const outcome = ctx.addKey(
              ctx.makeKey({
                fingerprint: ctx.newFingerprint(),
                label: generation.label,
                created: nowIso(),
                source: "generated",
                addresses: [r.address],
                backed_up: false,
              }),
            );
            resolve(
              changed(setRotation({ ...current(), new_fingerprint: outcome.key.fingerprint, step: "key_generated" })),
            );
          },
          reject: (e) => {
            if (generation.settled) return;
            generation.settled = true;
            reject(e);
          },
        };
        ctx.generations.push(generation);
        if (ctx.cancelledBeforeStart.delete(jobId)) {
          generation.reject({ kind: "cancelled", message: "The job was cancelled.", hint: "" });
          return;
        }
        const err = options.errors.rotation_generate;
        if (err) {
          generation.reject(err);
          return;
        }
        if (options.manualGenerate) return;
        void sleep(options.generateMs).then(() => generation.resolve());
      });
    },

    async rotationCheckKit() {
      record("rotation_check_kit");
      fail("rotation_check_kit");
      return checkKit();
    },

    async rotationPush(network, password) {
      record("rotation_push", { network, password });
      fail("rotation_push");
      const r = current();
      if (!atLeast(r, "kit_updated")) return changed(checkKit());
      if (r.pushed.includes(network)) return changed(copyRotation(r));
      const net = networkNamed(network);
      const url = smsUrlOf(net);
      signer(r.address, password);
      push(net.name, url, r.address, r.new_fingerprint ?? "");
      const pushed = [...r.pushed, network];
      const all = r.networks.every((n) => pushed.includes(n));
      return changed(setRotation({ ...r, pushed, step: all ? "pushed" : r.step }));
    },

    async rotationFinish() {
      record("rotation_finish");
      fail("rotation_finish");
      const r = current();
      if (!atLeast(r, "pushed")) {
        throw {
          kind: "internal",
          message: "The new key is not pushed to every chosen network yet.",
          hint: "Finish the push step first.",
        } satisfies IpcError;
      }
      if (r.old_fingerprint && r.old_fingerprint !== r.new_fingerprint) {
        options.ringKeys = options.ringKeys.map((k) =>
          k.fingerprint === r.old_fingerprint ? { ...k, status: "retired" } : k,
        );
      }
      return changed(setRotation({ ...r, step: "done", finished: nowIso() }));
    },
  };
}
