import { get } from "svelte/store";
import { describe, expect, it, vi } from "vitest";
import { createMockBackend, sampleKey, SAMPLE_FINGERPRINT, SAMPLE_FINGERPRINT_2, SAMPLE_WORDS } from "../src/lib/mockBackend";
import { activeKey, createVault, needsAttention, reminderOf, withoutKey } from "../src/lib/stores/keys";
import { i18n } from "../src/lib/i18n";
import type { IpcError } from "../src/lib/ipc/bindings";

const err = (kind: IpcError["kind"]): IpcError => ({ kind, message: `${kind} message`, hint: "" });

describe("vault state", () => {
  it("opens with the keychain (creating the ring) when there is no ring", async () => {
    const backend = createMockBackend({ protection: "none" });
    const vault = createVault(backend);
    expect(get(vault).name).toBe("starting");
    await vault.start();
    expect(get(vault)).toMatchObject({ name: "open", overview: { protection: "keychain", keys: [] } });
    expect(backend.callsTo("vault_open")).toEqual([{ passphrase: null, createWith: null }]);
  });

  it("waits for the passphrase of a passphrase ring, and stays locked when it is wrong", async () => {
    const backend = createMockBackend({ protection: "passphrase", passphrase: "secret words" });
    const vault = createVault(backend);
    await vault.start();
    expect(get(vault)).toEqual({ name: "locked", busy: false, error: null });
    expect(backend.callsTo("vault_open")).toHaveLength(0);
    await vault.unlock("nope");
    expect(get(vault)).toMatchObject({ name: "locked", busy: false, error: { kind: "wrong_passphrase" } });
    await vault.unlock("secret words");
    expect(get(vault).name).toBe("open");
  });

  it.each([
    ["keychain_unavailable", "keychain_problem"],
    ["keychain_locked", "keychain_problem"],
    ["keyring_damaged", "damaged"],
    ["io", "failed"],
    ["internal", "failed"],
  ] as const)("%s -> %s", async (kind, state) => {
    const backend = createMockBackend({ vaultOpenErrors: [err(kind)] });
    const vault = createVault(backend);
    await vault.start();
    expect(get(vault)).toMatchObject({ name: state, error: { kind } });
    expect(needsAttention(get(vault))).toBe(true);
  });

  it("retries after a keychain problem", async () => {
    const backend = createMockBackend({ vaultOpenErrors: [err("keychain_locked")] });
    const vault = createVault(backend);
    await vault.start();
    await vault.retry();
    expect(get(vault).name).toBe("open");
    expect(needsAttention(get(vault))).toBe(false);
  });

  it("keeps the keychain screen, with the reason, when a passphrase ring cannot be made either", async () => {
    const backend = createMockBackend({
      protection: "none",
      vaultOpenErrors: [err("keychain_unavailable"), err("keychain_unavailable")],
    });
    const vault = createVault(backend);
    await vault.start();
    await vault.createWithPassphrase("long enough passphrase");
    expect(get(vault)).toMatchObject({
      name: "keychain_problem",
      busy: false,
      formError: { kind: "keychain_unavailable" },
    });
    await vault.createWithPassphrase("long enough passphrase");
    expect(get(vault)).toMatchObject({ name: "open", overview: { protection: "passphrase" } });
    expect(backend.callsTo("vault_open").slice(1)).toEqual([
      { passphrase: "long enough passphrase", createWith: "passphrase" },
      { passphrase: "long enough passphrase", createWith: "passphrase" },
    ]);
  });

  it("refreshes the overview of an open ring only", async () => {
    const backend = createMockBackend({ vaultOpenErrors: [err("keyring_damaged")] });
    const vault = createVault(backend);
    await vault.start();
    await vault.refresh();
    expect(backend.callsTo("keys_overview")).toHaveLength(0);
    await vault.afterRestore();
    expect(get(vault).name).toBe("open");
    backend.options.ringKeys = [sampleKey()];
    await vault.refresh();
    expect(get(vault)).toMatchObject({ overview: { not_backed_up: [SAMPLE_FINGERPRINT] } });
  });

  it("reminds while a key is in no verified kit, or the kit is out of date", () => {
    const overview = { protection: "keychain" as const, keys: [], not_backed_up: [], kit_out_of_date: false, active_key: null };
    expect(reminderOf({ name: "open", overview })).toBeNull();
    expect(reminderOf({ name: "open", overview: { ...overview, not_backed_up: ["a", "b"] } })).toEqual({
      count: 2,
      outOfDate: false,
    });
    expect(reminderOf({ name: "open", overview: { ...overview, kit_out_of_date: true } })).toEqual({
      count: 0,
      outOfDate: true,
    });
    expect(reminderOf({ name: "starting" })).toBeNull();
  });
});

describe("the key ring's store", () => {
  const older = sampleKey({ label: "Old", created: "2024-01-01T00:00:00Z" });
  const newer = sampleKey({ fingerprint: SAMPLE_FINGERPRINT_2, label: "New", created: "2025-06-01T00:00:00Z" });

  it("takes the active key from the engine's overview, in one place", async () => {
    const base = { protection: "keychain" as const, not_backed_up: [], kit_out_of_date: false };
    expect(activeKey({ ...base, keys: [], active_key: null })).toBeNull();
    expect(activeKey({ ...base, keys: [older, newer], active_key: newer.fingerprint })?.label).toBe("New");
    // Whatever the dates say, the engine's word is the one used.
    expect(activeKey({ ...base, keys: [older, newer], active_key: older.fingerprint })?.label).toBe("Old");
    expect(activeKey({ ...base, keys: [older, newer], active_key: null })).toBeNull();
    const backend = createMockBackend({ ringKeys: [older, newer] });
    const vault = createVault(backend);
    expect(get(vault.active)).toBeNull();
    await vault.start();
    expect(get(vault.active)?.fingerprint).toBe(SAMPLE_FINGERPRINT_2);
  });

  it("takes a renamed key from the command's answer; a retire returns the ring, where the engine says which key is active", async () => {
    const backend = createMockBackend({ ringKeys: [older, newer] });
    const vault = createVault(backend);
    await vault.start();
    await vault.rename(SAMPLE_FINGERPRINT, "Renamed");
    expect(backend.callsTo("keys_overview")).toHaveLength(0);
    expect(get(vault.active)?.label).toBe("New");
    await vault.retire(SAMPLE_FINGERPRINT_2);
    expect(backend.callsTo("keys_overview")).toHaveLength(0);
    const state = get(vault);
    if (state.name !== "open") throw new Error("not open");
    expect(state.overview.keys.map((k) => [k.label, k.status])).toEqual([
      ["Renamed", "active"],
      ["New", "retired"],
    ]);
    expect(get(vault.active)?.label).toBe("Renamed");
  });

  it("drops a deleted key from the keys, the reminder and the kit's state", async () => {
    const backend = createMockBackend({ ringKeys: [{ ...older, backed_up: true }, newer] });
    const vault = createVault(backend);
    await vault.start();
    await vault.remove(SAMPLE_FINGERPRINT);
    expect(backend.callsTo("keys_overview")).toHaveLength(0);
    expect(get(vault)).toMatchObject({ overview: { keys: [{ label: "New" }] } });
    const overview = {
      protection: "keychain" as const,
      keys: [older, newer],
      not_backed_up: [older.fingerprint],
      kit_out_of_date: true,
      active_key: newer.fingerprint,
    };
    expect(withoutKey(overview, older.fingerprint)).toMatchObject({ keys: [newer], not_backed_up: [], kit_out_of_date: false });
    expect(withoutKey(overview, newer.fingerprint)).toMatchObject({ keys: [older], kit_out_of_date: true });
  });

  it("rejects with the IpcError and keeps the overview when a change fails", async () => {
    const backend = createMockBackend({ ringKeys: [older], errors: { keys_delete: err("backup_required") } });
    const vault = createVault(backend);
    await vault.start();
    await expect(vault.remove(SAMPLE_FINGERPRINT)).rejects.toMatchObject({ kind: "backup_required" });
    expect(get(vault)).toMatchObject({ overview: { keys: [{ label: "Old" }] } });
  });

  it("takes the ring a verified kit returns (its keys backed up), without reading it again", async () => {
    const backend = createMockBackend({ ringKeys: [older, newer], kitOutOfDate: true });
    const vault = createVault(backend);
    await vault.start();
    expect(reminderOf(get(vault))).toEqual({ count: 2, outOfDate: true });
    const verify = vi.spyOn(backend, "backupVerify");
    const kit = await vault.backup("/kit.age");
    const outcome = await vault.verifyBackup(kit.file, SAMPLE_WORDS.join(" "));
    expect(outcome.fingerprints).toEqual([SAMPLE_FINGERPRINT, SAMPLE_FINGERPRINT_2]);
    const state = get(vault);
    if (state.name !== "open") throw new Error("not open");
    expect(state.overview).toBe((await verify.mock.results[0].value).overview);
    expect(state.overview.keys.map((k) => k.backed_up)).toEqual([true, true]);
    expect(reminderOf(state)).toBeNull();
    expect(backend.callsTo("keys_overview")).toHaveLength(0);
  });

  it("keeps the overview when a kit does not verify", async () => {
    const backend = createMockBackend({ ringKeys: [older], errors: { backup_verify: err("invalid_kit") } });
    const vault = createVault(backend);
    await vault.start();
    const before = get(vault);
    await expect(vault.verifyBackup("/kit.age", SAMPLE_WORDS.join(" "))).rejects.toMatchObject({ kind: "invalid_kit" });
    expect(get(vault)).toBe(before);
    expect(backend.callsTo("keys_overview")).toHaveLength(0);
  });

  it("takes the ring an import or a generation returns, without reading it again", async () => {
    const backend = createMockBackend({ ringKeys: [] });
    const vault = createVault(backend);
    await vault.start();
    const done = await vault.generate("Made here", "job-1", i18n.t, "en");
    expect(done.type).toBe("imported");
    expect(backend.callsTo("keys_overview")).toHaveLength(0);
    expect(get(vault)).toMatchObject({ overview: { keys: [{ label: "Made here" }] } });
    expect(get(vault.active)?.label).toBe("Made here");
  });
});
