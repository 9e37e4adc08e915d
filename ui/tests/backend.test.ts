import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import type { InvokeArgs } from "@tauri-apps/api/core";
import { afterEach, describe, expect, it } from "vitest";
import { isTauri, tauriBackend, toIpcError } from "../src/lib/backend";
import type { FetchEvent, ProgressEvent, RefreshProgress } from "../src/lib/ipc/bindings";
import { BUILTIN_NETWORKS } from "../src/lib/mockTasks";
import { sampleOutcome } from "../src/lib/mockBackend";

afterEach(() => {
  clearMocks();
  delete (window as unknown as Record<string, unknown>).__TAURI_INTERNALS__;
});

describe("toIpcError", () => {
  it("keeps a well-formed IpcError", () => {
    expect(toIpcError({ kind: "io", message: "m", hint: "h" })).toEqual({
      kind: "io",
      message: "m",
      hint: "h",
    });
  });
  it("fills a missing hint", () => {
    expect(toIpcError({ kind: "no_matching_key", message: "m" })).toEqual({
      kind: "no_matching_key",
      message: "m",
      hint: "",
    });
  });
  it("keeps the facts of an error, and only in their shape", () => {
    const facts = { word: null, keys_tried: ["9B63 454B 7A87 E880 (laptop)"] };
    expect(toIpcError({ kind: "no_matching_key", message: "m", hint: "h", facts })).toEqual({
      kind: "no_matching_key",
      message: "m",
      hint: "h",
      facts,
    });
    expect(toIpcError({ kind: "invalid_phrase", message: "m", hint: "h", facts: { word: 7, keys_tried: [] } }).facts).toEqual({
      word: 7,
      keys_tried: [],
    });
    // Junk in the facts is dropped, not passed on.
    expect(
      toIpcError({ kind: "invalid_phrase", message: "m", hint: "h", facts: { word: "7", keys_tried: [1, "k"] } }).facts,
    ).toEqual({ word: null, keys_tried: ["k"] });
    expect(toIpcError({ kind: "io", message: "m", hint: "h", facts: "x" }).facts).toBeUndefined();
  });
  it("turns unknown kinds, strings, Errors and junk into internal", () => {
    expect(toIpcError({ kind: "weird", message: "m", hint: "" }).kind).toBe("internal");
    expect(toIpcError("boom")).toEqual({ kind: "internal", message: "boom", hint: "" });
    expect(toIpcError(new Error("bad"))).toMatchObject({ kind: "internal", message: "bad" });
    expect(toIpcError(undefined).kind).toBe("internal");
    expect(toIpcError(42)).toEqual({ kind: "internal", message: "42", hint: "" });
  });
});

describe("tauriBackend", () => {
  it("is detected through __TAURI_INTERNALS__", () => {
    expect(isTauri()).toBe(false);
    mockIPC(() => null);
    expect(isTauri()).toBe(true);
  });

  it("invokes the contract's command names with the contract's argument names", async () => {
    const seen: [string, InvokeArgs | undefined][] = [];
    mockIPC((cmd, args) => {
      seen.push([cmd, args]);
      if (cmd === "key_locations") return [];
      if (cmd === "check_drop") return [{ path: "/a", looks_like_zip: true }];
      if (cmd === "remember_key_path") return { path: "/k", kind: "file", key_count: 1, remembered: true };
      return null;
    });
    await tauriBackend.inspectArchive("/a.zip");
    await tauriBackend.cancelJob("j1");
    await tauriBackend.keyLocations();
    await tauriBackend.rememberKeyPath("/k");
    await tauriBackend.forgetKeyPath("/k");
    await tauriBackend.checkDrop(["/a"]);
    await tauriBackend.revealOutput("/out");
    await tauriBackend.openOutputFile("/out/f");
    expect(seen).toEqual([
      ["inspect_archive", { path: "/a.zip" }],
      ["cancel_job", { jobId: "j1" }],
      ["key_locations", {}],
      ["remember_key_path", { path: "/k" }],
      ["forget_key_path", { path: "/k" }],
      ["check_drop", { paths: ["/a"] }],
      ["reveal_output", { path: "/out" }],
      ["open_output_file", { path: "/out/f" }],
    ]);
  });

  it("open_archive gets a Channel whose messages reach onProgress", async () => {
    const outcome = sampleOutcome();
    mockIPC((cmd, args) => {
      if (cmd !== "open_archive") return null;
      const a = args as Record<string, unknown>;
      expect(a.jobId).toBe("j1");
      expect(a.archive).toBe("/r.zip");
      expect(a.keyPaths).toEqual(["/k"]);
      const channel = a.onProgress as { id: number };
      const internals = (window as unknown as { __TAURI_INTERNALS__: { runCallback(id: number, d: unknown): void } })
        .__TAURI_INTERNALS__;
      internals.runCallback(channel.id, { index: 0, message: { stage: "decrypting", done: 1, total: 2 } });
      internals.runCallback(channel.id, { index: 1, message: { stage: "finishing", done: 2, total: 2 } });
      return outcome;
    });
    const events: ProgressEvent[] = [];
    await expect(tauriBackend.openArchive("j1", "/r.zip", ["/k"], (e) => events.push(e))).resolves.toEqual(outcome);
    expect(events).toEqual([
      { stage: "decrypting", done: 1, total: 2 },
      { stage: "finishing", done: 2, total: 2 },
    ]);
  });

  it("rejects with IpcError objects, normalising others to internal", async () => {
    mockIPC((cmd) => {
      if (cmd === "inspect_archive") throw { kind: "not_a_result", message: "no", hint: "check" };
      throw "plain string failure";
    });
    await expect(tauriBackend.inspectArchive("/x")).rejects.toEqual({
      kind: "not_a_result",
      message: "no",
      hint: "check",
    });
    await expect(tauriBackend.keyLocations()).rejects.toEqual({
      kind: "internal",
      message: "plain string failure",
      hint: "",
    });
  });

  it("dialogs are opened by Rust (pick_path), which grants the chosen path; null when closed", async () => {
    const seen: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      seen.push([cmd, args]);
      const kind = (args as { kind: string }).kind;
      return kind === "key_folder" ? null : "/home/a/result.zip";
    });
    await expect(tauriBackend.pickArchive()).resolves.toBe("/home/a/result.zip");
    await expect(tauriBackend.pickKeyFolder()).resolves.toBeNull();
    expect(seen).toEqual([
      ["pick_path", { kind: "archive", defaultName: null }],
      ["pick_path", { kind: "key_folder", defaultName: null }],
    ]);
    // The web view cannot open a dialog by itself: the dialog plugin is never called.
    expect(seen.some(([cmd]) => cmd.startsWith("plugin:dialog"))).toBe(false);
  });

  it("invokes the key ring commands with the contract's names and arguments", async () => {
    const seen: [string, InvokeArgs | undefined][] = [];
    mockIPC((cmd, args) => {
      seen.push([cmd, args]);
      if (cmd === "e2e_mode") return "hooks";
      return null;
    });
    await tauriBackend.vaultProtection();
    await tauriBackend.vaultOpen(null, null);
    await tauriBackend.vaultOpen("pass", "passphrase");
    await tauriBackend.keysOverview();
    await tauriBackend.keysGenerate("Laptop", "j2");
    await tauriBackend.keysImportPath("/k");
    await tauriBackend.keysImportPem("PEM", "Pasted");
    await tauriBackend.keysRename("ab", "New");
    await tauriBackend.keysRetire("ab");
    await tauriBackend.keysDelete("ab");
    await tauriBackend.keysExportPublic("ab", "/o.pub");
    await tauriBackend.keysExportPrivate("ab", "/o");
    await tauriBackend.keysSuggestName("ab", true);
    await tauriBackend.backupCreate("/kit.age");
    await tauriBackend.backupVerify("/kit.age", "w1 w2");
    await tauriBackend.phraseCheck("w1");
    await tauriBackend.phraseComplete("ab");
    await tauriBackend.restoreKit("/kit.age", "w1 w2", null);
    await expect(tauriBackend.e2eMode()).resolves.toBe("hooks");
    expect(seen).toEqual([
      ["vault_protection", {}],
      ["vault_open", { passphrase: null, createWith: null }],
      ["vault_open", { passphrase: "pass", createWith: "passphrase" }],
      ["keys_overview", {}],
      ["keys_generate", { label: "Laptop", jobId: "j2" }],
      ["keys_import_path", { path: "/k" }],
      ["keys_import_pem", { pem: "PEM", label: "Pasted" }],
      ["keys_rename", { fingerprint: "ab", label: "New" }],
      ["keys_retire", { fingerprint: "ab" }],
      ["keys_delete", { fingerprint: "ab" }],
      ["keys_export_public", { fingerprint: "ab", path: "/o.pub" }],
      ["keys_export_private", { fingerprint: "ab", path: "/o" }],
      ["keys_suggest_name", { fingerprint: "ab", private: true }],
      ["backup_create", { path: "/kit.age" }],
      ["backup_verify", { path: "/kit.age", words: "w1 w2" }],
      ["phrase_check", { words: "w1" }],
      ["phrase_complete", { prefix: "ab" }],
      ["restore_kit", { path: "/kit.age", words: "w1 w2", passphrase: null }],
      ["e2e_mode", {}],
    ]);
  });

  it("keeps the new error kinds, and says e2e is off when the command is missing", async () => {
    mockIPC((cmd) => {
      if (cmd === "restore_kit") throw { kind: "phrase_for_another_kit", message: "m", hint: "h" };
      throw "unknown command e2e_mode";
    });
    await expect(tauriBackend.restoreKit("/k.age", "w", null)).rejects.toEqual({
      kind: "phrase_for_another_kit",
      message: "m",
      hint: "h",
    });
    await expect(tauriBackend.e2eMode()).resolves.toBe("off");
  });

  it("save, kit and wallet dialogs name their kind; the e2e hooks call commands only e2e builds have", async () => {
    const seen: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      seen.push([cmd, args]);
      if (cmd === "e2e_next_dialog_path" || cmd === "e2e_grant") throw "unknown command";
      return (args as { kind?: string }).kind === "save_kit" ? "/home/a/kit.age" : "/home/a/old-kit.age";
    });
    await expect(tauriBackend.saveFile("kit", "result-vault-recovery-kit-2025-05-01.age")).resolves.toBe(
      "/home/a/kit.age",
    );
    await expect(tauriBackend.pickKitFile()).resolves.toBe("/home/a/old-kit.age");
    await tauriBackend.saveFile("private_key", "0xAB_key");
    await tauriBackend.pickWalletFile();
    expect(seen).toEqual([
      ["pick_path", { kind: "save_kit", defaultName: "result-vault-recovery-kit-2025-05-01.age" }],
      ["pick_path", { kind: "kit", defaultName: null }],
      ["pick_path", { kind: "save_private_key", defaultName: "0xAB_key" }],
      ["pick_path", { kind: "keystore", defaultName: null }],
    ]);
    // Outside an e2e build the hooks' commands do not exist: the calls fail quietly.
    await expect(tauriBackend.setNextDialogPath("/e2e/a")).resolves.toBeUndefined();
    await expect(tauriBackend.grantForTest("/e2e/a")).resolves.toBeUndefined();
    expect(seen.slice(4)).toEqual([
      ["e2e_next_dialog_path", { path: "/e2e/a" }],
      ["e2e_grant", { path: "/e2e/a" }],
    ]);
  });

  it("invokes the task commands with the contract's names and arguments", async () => {
    const seen: [string, InvokeArgs | undefined][] = [];
    mockIPC((cmd, args) => {
      seen.push([cmd, args]);
      return cmd.endsWith("_list") || cmd === "tasks_add_by_id" || cmd.startsWith("network_") ? [] : null;
    });
    const network = { ...BUILTIN_NETWORKS[0] };
    await tauriBackend.networksList();
    await tauriBackend.networkSave(network);
    await tauriBackend.networkReset("arbitrum-mainnet");
    await tauriBackend.watchedList();
    await tauriBackend.watchedAdd("arbitrum-mainnet", "0xabc", "Work");
    await tauriBackend.watchedRemove("arbitrum-mainnet", "0xabc");
    await tauriBackend.tasksList(null, null);
    await tauriBackend.tasksList("bellecour", "0xabc");
    await tauriBackend.tasksAddById("bellecour", "0x12");
    await tauriBackend.taskDiscardDownload("bellecour", "0x34");
    expect(seen).toEqual([
      ["networks_list", {}],
      ["network_save", { network }],
      ["network_reset", { name: "arbitrum-mainnet" }],
      ["watched_list", {}],
      ["watched_add", { network: "arbitrum-mainnet", address: "0xabc", label: "Work" }],
      ["watched_remove", { network: "arbitrum-mainnet", address: "0xabc" }],
      ["tasks_list", { network: null, address: null }],
      ["tasks_list", { network: "bellecour", address: "0xabc" }],
      ["tasks_add_by_id", { network: "bellecour", id: "0x12" }],
      ["task_discard_download", { network: "bellecour", taskId: "0x34" }],
    ]);
  });

  it("tasks_refresh and task_fetch get a Channel whose messages reach onProgress", async () => {
    const internals = () =>
      (window as unknown as { __TAURI_INTERNALS__: { runCallback(id: number, d: unknown): void } }).__TAURI_INTERNALS__;
    const fetchEvents: FetchEvent[] = [
      { stage: "confirming" },
      { stage: "opening", progress: { stage: "decrypting", done: 1, total: 2 } },
      { stage: "verifying" },
    ];
    const refreshEvents: RefreshProgress[] = [
      { stage: "indexing", deals: 4 },
      { stage: "confirming", done: 1, total: 4 },
    ];
    mockIPC((cmd, args) => {
      const a = args as Record<string, unknown>;
      const channel = a.onProgress as { id: number };
      if (cmd === "tasks_refresh") {
        expect(a).toMatchObject({ network: "arbitrum-mainnet", address: "0xabc", full: true, jobId: "r1" });
        refreshEvents.forEach((message, index) => internals().runCallback(channel.id, { index, message }));
        return { new_tasks: 2 };
      }
      if (cmd === "task_fetch") {
        expect(a).toMatchObject({ network: "arbitrum-mainnet", taskId: "0xt", jobId: "f1" });
        fetchEvents.forEach((message, index) => internals().runCallback(channel.id, { index, message }));
        return { row: null };
      }
      return null;
    });
    const gotRefresh: RefreshProgress[] = [];
    await expect(
      tauriBackend.tasksRefresh("arbitrum-mainnet", "0xabc", true, "r1", (e) => gotRefresh.push(e)),
    ).resolves.toEqual({ new_tasks: 2 });
    expect(gotRefresh).toEqual(refreshEvents);
    const gotFetch: FetchEvent[] = [];
    await expect(tauriBackend.taskFetch("arbitrum-mainnet", "0xt", "f1", (e) => gotFetch.push(e))).resolves.toEqual({
      row: null,
    });
    expect(gotFetch).toEqual(fetchEvents);
  });

  it("keeps the task error kinds", async () => {
    mockIPC(() => {
      throw { kind: "chain_mismatch", message: "m", hint: "h" };
    });
    await expect(tauriBackend.networkSave({ ...BUILTIN_NETWORKS[0] })).rejects.toEqual({
      kind: "chain_mismatch",
      message: "m",
      hint: "h",
    });
    for (const kind of ["invalid_address", "task_not_found", "no_result"]) {
      expect(toIpcError({ kind, message: "m", hint: "h" }).kind).toBe(kind);
    }
  });

  it("invokes the wallet, SMS and rotation commands with the contract's names and arguments", async () => {
    const seen: [string, InvokeArgs | undefined][] = [];
    mockIPC((cmd, args) => {
      seen.push([cmd, args]);
      return null;
    });
    await tauriBackend.walletsList();
    await tauriBackend.keystoresFound();
    await tauriBackend.walletImportFile("/ks", "pw", "path_only");
    await tauriBackend.walletImportFile("/wallet.json", null, "in_ring");
    await tauriBackend.walletImportKey("0xabc", "Mine");
    await tauriBackend.walletRemove("0xA");
    await tauriBackend.walletNeedsPassword("0xA");
    await tauriBackend.smsStatus("arbitrum-mainnet", "0xA");
    await tauriBackend.smsPush("arbitrum-mainnet", "0xA", null);
    await tauriBackend.rotationStatus();
    await tauriBackend.rotationStart("0xA", ["arbitrum-mainnet", "bellecour"]);
    await tauriBackend.rotationGenerate("r1");
    await tauriBackend.rotationCheckKit();
    await tauriBackend.rotationPush("arbitrum-mainnet", "pw");
    await tauriBackend.rotationFinish();
    expect(seen).toEqual([
      ["wallets_list", {}],
      ["keystores_found", {}],
      ["wallet_import_file", { path: "/ks", password: "pw", keep: "path_only" }],
      ["wallet_import_file", { path: "/wallet.json", password: null, keep: "in_ring" }],
      ["wallet_import_key", { privateKey: "0xabc", label: "Mine" }],
      ["wallet_remove", { address: "0xA" }],
      ["wallet_needs_password", { address: "0xA" }],
      ["sms_status", { network: "arbitrum-mainnet", address: "0xA" }],
      ["sms_push", { network: "arbitrum-mainnet", address: "0xA", password: null }],
      ["rotation_status", {}],
      ["rotation_start", { address: "0xA", networks: ["arbitrum-mainnet", "bellecour"] }],
      ["rotation_generate", { jobId: "r1" }],
      ["rotation_check_kit", {}],
      ["rotation_push", { network: "arbitrum-mainnet", password: "pw" }],
      ["rotation_finish", {}],
    ]);
  });

  it("keeps the wallet and SMS error kinds", async () => {
    for (const kind of [
      "wrong_password",
      "invalid_wallet",
      "wallet_required",
      "sms_unauthorized",
      "sms_key_absent",
      "sms_key_exists",
      "sms_value_too_large",
    ]) {
      mockIPC(() => {
        throw { kind, message: "m", hint: "h" };
      });
      await expect(tauriBackend.smsPush("n", "0xA", null)).rejects.toEqual({ kind, message: "m", hint: "h" });
      clearMocks();
    }
  });
});

describe("tauriBackend: the app's own files", () => {
  it("startup_paths and open_log_folder, with the contract's names (no arguments)", async () => {
    const seen: [string, InvokeArgs | undefined][] = [];
    mockIPC((cmd, args) => {
      seen.push([cmd, args]);
      if (cmd === "startup_paths") return ["/home/alice/result.zip", 42];
      return null;
    });
    await expect(tauriBackend.startupPaths()).resolves.toEqual(["/home/alice/result.zip"]);
    await tauriBackend.openLogFolder();
    expect(seen).toEqual([
      ["startup_paths", {}],
      ["open_log_folder", {}],
    ]);
  });

  it("open_log_folder rejects with the app's IpcError", async () => {
    mockIPC(() => {
      throw { kind: "io", message: "Could not open /logs.", hint: "Open it by hand." };
    });
    await expect(tauriBackend.openLogFolder()).rejects.toEqual({
      kind: "io",
      message: "Could not open /logs.",
      hint: "Open it by hand.",
    });
  });

  it("hands the paths of the open-paths event to the handler, until unsubscribed", async () => {
    mockIPC(() => null, { shouldMockEvents: true });
    const { emit } = await import("@tauri-apps/api/event");
    const got: string[][] = [];
    const stop = tauriBackend.onOpenPaths((paths) => got.push(paths));
    await new Promise((r) => setTimeout(r, 0));
    await emit("open-paths", ["/home/alice/a.zip", "/home/alice/b.zip"]);
    await emit("open-paths", []);
    expect(got).toEqual([["/home/alice/a.zip", "/home/alice/b.zip"]]);
    stop();
    await new Promise((r) => setTimeout(r, 0));
    await emit("open-paths", ["/home/alice/c.zip"]);
    expect(got).toHaveLength(1);
  });

  it("hands show-results and watch-status to their handlers, until unsubscribed", async () => {
    mockIPC(() => null, { shouldMockEvents: true });
    const { emit } = await import("@tauri-apps/api/event");
    const shown: string[] = [];
    const reports: unknown[] = [];
    const stopShow = tauriBackend.onShowResults((taskId) => shown.push(taskId));
    const stopWatch = tauriBackend.onWatchStatus((report) => reports.push(report));
    await new Promise((r) => setTimeout(r, 0));
    await emit("show-results", "0xtask");
    await emit("show-results", 42);
    const report = { checked_at: 1, new_results: [] };
    await emit("watch-status", report);
    expect(shown).toEqual(["0xtask", ""]);
    expect(reports).toEqual([report]);
    stopShow();
    stopWatch();
    await new Promise((r) => setTimeout(r, 0));
    await emit("show-results", "0xother");
    await emit("watch-status", report);
    expect(shown).toHaveLength(2);
    expect(reports).toHaveLength(1);
  });

  it("ends a subscription stopped before it started as soon as it starts", async () => {
    mockIPC(() => null, { shouldMockEvents: true });
    const { emit } = await import("@tauri-apps/api/event");
    const got: string[][] = [];
    // Stopped at once: `listen` has not answered yet.
    tauriBackend.onOpenPaths((paths) => got.push(paths))();
    await new Promise((r) => setTimeout(r, 0));
    await emit("open-paths", ["/home/alice/a.zip"]);
    expect(got).toEqual([]);
  });
});
