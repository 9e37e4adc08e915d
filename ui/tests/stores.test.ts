/** The domain stores of lib/stores that the screens share (the key ring's has its own file, vault.test.ts). */
import { get } from "svelte/store";
import { describe, expect, it, vi } from "vitest";
import type { VaultOverview } from "../src/lib/ipc/bindings";
import { createMockBackend, SAMPLE_FINGERPRINT, SAMPLE_WORDS, sampleKey } from "../src/lib/mockBackend";
import { sampleWallet } from "../src/lib/mockWallet";
import { ADDRESS_A } from "../src/lib/mockTasks";
import { createVault, type Vault } from "../src/lib/stores/keys";
import { createWallets } from "../src/lib/stores/wallets";
import { createNetworks, withKeyService } from "../src/lib/stores/networks";
import { createHome } from "../src/lib/home";
import { createSettings } from "../src/lib/stores/settings";
import { createTasks } from "../src/lib/stores/tasks";

describe("the networks' store", () => {
  it("reads the list once for every screen loading at the same time", async () => {
    const backend = createMockBackend();
    const networks = createNetworks(backend);
    expect(get(networks)).toEqual({ list: [], loaded: false });
    const [a, b] = await Promise.all([networks.load(), networks.load()]);
    expect([a, b]).toEqual([null, null]);
    expect(backend.callsTo("networks_list")).toHaveLength(1);
    expect(get(networks).loaded).toBe(true);
    expect(get(networks).list.map((n) => n.network.name)).toEqual(backend.options.networks.map((n) => n.network.name));
  });

  it("takes the list a save or a reset answers with, without reading it again", async () => {
    const backend = createMockBackend();
    const networks = createNetworks(backend);
    await networks.load();
    const first = get(networks).list[0].network;
    expect(await networks.save({ ...first, rpc_url: "https://rpc.example.org" })).toBeNull();
    expect(get(networks).list[0].network.rpc_url).toBe("https://rpc.example.org");
    expect(await networks.reset(first.name)).toBeNull();
    expect(get(networks).list[0].network.rpc_url).toBe(first.rpc_url);
    expect(backend.callsTo("networks_list")).toHaveLength(1);
  });

  it("resolves with the error of a failed change and keeps the list", async () => {
    const backend = createMockBackend();
    const networks = createNetworks(backend);
    await networks.load();
    const before = get(networks).list;
    backend.options.errors.network_save = { kind: "chain_mismatch", message: "m", hint: "h" };
    expect(await networks.save(before[0].network)).toMatchObject({ kind: "chain_mismatch" });
    expect(get(networks).list).toBe(before);
  });

  it("lists the networks with a key service", async () => {
    const backend = createMockBackend();
    const list = await backend.networksList();
    expect(withKeyService(list).every((n) => n.sms_urls.length > 0)).toBe(true);
    expect(withKeyService(list).length).toBeGreaterThan(0);
  });

  it("is the one list Tasks and Home read", async () => {
    const backend = createMockBackend({ wallets: [sampleWallet()] });
    const networks = createNetworks(backend);
    const tasks = createTasks(backend, { networks });
    const home = createHome(backend, { networks });
    await tasks.open();
    await home.load();
    expect(get(networks).loaded).toBe(true);
    expect(get(tasks).loadError).toBeNull();
    // Home's key service chips: one per current network of the shared list.
    expect(get(home).sms.map((c) => c.network)).toEqual(
      get(networks).list.map((n) => n.network).filter((n) => n.sms_urls.length > 0 && !n.legacy).map((n) => n.name),
    );
  });
});

describe("the settings' store", () => {
  it("opens the log folder once at a time, and keeps why it could not", async () => {
    const backend = createMockBackend();
    const settings = createSettings(backend);
    expect(get(settings)).toMatchObject({ language: "system", openingLogs: false, logError: null });
    const first = settings.openLogFolder();
    expect(get(settings).openingLogs).toBe(true);
    await Promise.all([first, settings.openLogFolder()]);
    expect(backend.callsTo("open_log_folder")).toHaveLength(1);
    expect(get(settings)).toMatchObject({ openingLogs: false, logError: null });
    backend.options.errors.open_log_folder = { kind: "io", message: "no file manager", hint: "" };
    await settings.openLogFolder();
    expect(get(settings).logError).toMatchObject({ kind: "io" });
  });

  it("reads and changes the language kept by the i18n module", async () => {
    const settings = createSettings(createMockBackend());
    await settings.chooseLanguage("fr");
    expect(get(settings).language).toBe("fr");
    await settings.chooseLanguage("system");
    expect(get(settings).language).toBe("system");
  });
});

describe("the wallets' store", () => {
  it("loads once for screens asking together; an import or a removal updates the list without a second read", async () => {
    const { SAMPLE_PRIVATE_KEY_A } = await import("../src/lib/mockWallet");
    const backend = createMockBackend();
    const wallets = createWallets(backend, { vault: createVault(backend) });
    await Promise.all([wallets.load(), wallets.load()]);
    expect(backend.callsTo("wallets_list")).toHaveLength(1);
    expect(get(wallets)).toMatchObject({ list: [], loaded: true, error: null });
    const w = await wallets.importKey(SAMPLE_PRIVATE_KEY_A, "Work");
    expect(get(wallets).list.map((x) => x.address)).toEqual([w.address]);
    await wallets.remove(w.address.toLowerCase());
    expect(get(wallets).list).toEqual([]);
    expect(backend.callsTo("wallets_list")).toHaveLength(1);
  });
});

/** The overview the key ring's store shows (it must be open). */
function shown(vault: Vault): VaultOverview {
  const state = get(vault);
  if (state.name !== "open") throw new Error(`the ring is ${state.name}`);
  return state.overview;
}

describe("the changes of the wallets' store hand the key ring the ring their command returned", () => {
  /** An open ring with one active key in a verified kit, and the wallet of ADDRESS_A. */
  async function open() {
    const backend = createMockBackend({ ringKeys: [sampleKey({ backed_up: true })], wallets: [sampleWallet()] });
    const vault = createVault(backend);
    const wallets = createWallets(backend, { vault });
    await vault.start();
    return { backend, vault, wallets };
  }

  it("an SMS push: the key's journal holds it, and the ring is not read again", async () => {
    const { backend, vault, wallets } = await open();
    const push = vi.spyOn(backend, "smsPush");
    const status = await wallets.smsPush("arbitrum-mainnet", ADDRESS_A, null);
    expect(status).toMatchObject({ state: "pushed_from_vault", fingerprint: SAMPLE_FINGERPRINT });
    const returned = await push.mock.results[0].value;
    expect(shown(vault)).toBe(returned.overview);
    expect(shown(vault).keys[0].push_journal).toEqual([expect.objectContaining({ network: "arbitrum-mainnet", ok: true })]);
    expect(backend.callsTo("keys_overview")).toHaveLength(0);
  });

  it("a failed push leaves the overview as it was", async () => {
    const { backend, vault, wallets } = await open();
    const before = shown(vault);
    backend.options.errors.sms_push = { kind: "network", message: "unreachable", hint: "" };
    await expect(wallets.smsPush("arbitrum-mainnet", ADDRESS_A, null)).rejects.toMatchObject({ kind: "network" });
    expect(shown(vault)).toBe(before);
    expect(backend.callsTo("keys_overview")).toHaveLength(0);
  });

  it("the rotation's steps: the new key generated, pushed, the old one retired; the ring is never read again", async () => {
    const { backend, vault, wallets } = await open();
    const generate = vi.spyOn(backend, "rotationGenerate");
    const push = vi.spyOn(backend, "rotationPush");
    const finish = vi.spyOn(backend, "rotationFinish");
    await wallets.rotation.start(ADDRESS_A, ["arbitrum-mainnet"]);

    const generated = await wallets.rotation.generate("job-1");
    expect(generated.step).toBe("key_generated");
    expect(shown(vault)).toBe((await generate.mock.results[0].value).overview);
    expect(shown(vault).keys).toHaveLength(2);
    // The engine names the new key active, and it is in no verified kit yet.
    expect(shown(vault).active_key).toBe(generated.new_fingerprint);
    expect(shown(vault).not_backed_up).toEqual([generated.new_fingerprint]);
    expect(get(vault.active)?.fingerprint).toBe(generated.new_fingerprint);

    // The kit step (a kit made and tested: backup_create and backup_verify return the ring
    // too). Made, not yet verified: the ring says the kits are out of date at once.
    const kit = await vault.backup("/kit.age");
    expect(shown(vault)).toBe(kit.overview);
    expect(shown(vault).kit_out_of_date).toBe(true);
    await vault.verifyBackup(kit.file, SAMPLE_WORDS.join(" "));
    expect(shown(vault).kit_out_of_date).toBe(false);
    expect(shown(vault).not_backed_up).toEqual([]);
    await wallets.rotation.checkKit();

    const pushed = await wallets.rotation.push("arbitrum-mainnet", null);
    expect(pushed.step).toBe("pushed");
    expect(shown(vault)).toBe((await push.mock.results[0].value).overview);
    const newKey = shown(vault).keys.find((k) => k.fingerprint === generated.new_fingerprint);
    expect(newKey?.push_journal).toEqual([expect.objectContaining({ network: "arbitrum-mainnet", ok: true })]);

    const done = await wallets.rotation.finish();
    expect(done.step).toBe("done");
    expect(shown(vault)).toBe((await finish.mock.results[0].value).overview);
    expect(shown(vault).keys.map((k) => [k.fingerprint, k.status])).toEqual([
      [SAMPLE_FINGERPRINT, "retired"],
      [generated.new_fingerprint, "active"],
    ]);
    expect(backend.callsTo("keys_overview")).toHaveLength(0);
  });
});
