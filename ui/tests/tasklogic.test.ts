import { describe, expect, it } from "vitest";
import { get } from "svelte/store";
import { ERROR_KINDS } from "../src/lib/backend";
import { DEMO_ERRORS } from "../src/lib/demo";
import { ERROR_ICONS } from "../src/lib/components/ErrorView.svelte";
import { checkAddress, keccak256, toChecksumAddress } from "../src/lib/eip55";
import { formatRelative, shortHex } from "../src/lib/format";
import { i18n } from "../src/lib/i18n";
import { createMockBackend } from "../src/lib/mockBackend";
import { ADDRESS_A, ADDRESS_B, sampleTaskId, sampleTaskRow, sampleTasks, sampleWatched } from "../src/lib/mockTasks";
import { createTasks, fetchOf, groupTasks, matchesFilter, matchesSearch } from "../src/lib/stores/tasks";

describe("error kinds", () => {
  it("lists every kind once, the task ones included, each with an icon and a demo error", () => {
    expect(new Set(ERROR_KINDS).size).toBe(ERROR_KINDS.length);
    for (const kind of ["invalid_address", "chain_mismatch", "task_not_found", "no_result"] as const) {
      expect(ERROR_KINDS).toContain(kind);
    }
    for (const kind of ERROR_KINDS) {
      expect(ERROR_ICONS[kind], kind).toBeTruthy();
      expect(DEMO_ERRORS[kind].kind, kind).toBe(kind);
    }
  });
});

describe("EIP-55 in the mock", () => {
  it("hashes with Keccak-256", () => {
    expect(keccak256("")).toBe("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    expect(keccak256("abc")).toBe("4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
    // Longer than one block (136 bytes).
    expect(keccak256("a".repeat(200))).toMatch(/^[0-9a-f]{64}$/);
  });

  it("checksums addresses as EIP-55 says", () => {
    for (const a of [
      "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
      "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
      "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
      "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
      ADDRESS_A,
      ADDRESS_B,
    ]) {
      expect(toChecksumAddress(a.toLowerCase())).toBe(a);
    }
  });

  it("accepts one-case addresses and refuses a wrong checksum, as the app does", () => {
    expect(checkAddress(`  ${ADDRESS_A.toLowerCase()} `)).toEqual({ address: ADDRESS_A });
    expect(checkAddress(`0x${ADDRESS_A.slice(2).toUpperCase()}`)).toEqual({ address: ADDRESS_A });
    expect(checkAddress(ADDRESS_A.replace("Da6a", "da6a"))).toHaveProperty("problem", expect.stringContaining("checksum"));
    expect(checkAddress("0x12")).toHaveProperty("problem", expect.stringContaining("2 hexadecimal digits"));
    expect(checkAddress(`0x${"z".repeat(40)}`)).toHaveProperty("problem", expect.stringContaining("not hexadecimal"));
  });
});

describe("task list logic", () => {
  it("groups by watched address first, then other beneficiaries, newest first", () => {
    const other = sampleTaskRow("other", { beneficiary: "0xC08C3def622Af1476f2Db0E3CC8CcaeAd07BE3bB" });
    const watched = [
      sampleWatched({ network: "arbitrum-sepolia-testnet", address: ADDRESS_B }),
      sampleWatched({ address: ADDRESS_A.toLowerCase() }),
      sampleWatched({ network: "bellecour" }),
    ];
    const groups = groupTasks(watched, [other, ...sampleTasks()]);
    expect(groups.map((g) => [g.network, g.rows.length])).toEqual([
      ["arbitrum-sepolia-testnet", 7],
      ["arbitrum-mainnet", 8],
      ["bellecour", 0],
      ["arbitrum-mainnet", 1],
    ]);
    expect(groups[3].watched).toBeNull();
    for (const g of groups) {
      const times = g.rows.map((r) => r.start_time);
      expect(times).toEqual([...times].sort((a, b) => b - a));
    }
  });

  it("filters by state and by 'has a result'; searches ids and apps without case", () => {
    const rows = sampleTasks();
    expect(rows.filter((r) => matchesFilter(r, "timeout")).map((r) => r.task_id)).toEqual([sampleTaskId("timeout")]);
    const withResult = rows.filter((r) => matchesFilter(r, "has_result"));
    expect(withResult.every((r) => r.status === "completed" && r.result.storage !== "none")).toBe(true);
    expect(withResult.some((r) => r.result.storage === "ethereum")).toBe(true);
    const task = rows[0];
    expect(matchesSearch(task, task.task_id.toUpperCase().slice(0, 12))).toBe(true);
    expect(matchesSearch(task, task.deal_id.slice(-8))).toBe(true);
    expect(matchesSearch(task, "LLM-INFERENCE")).toBe(true);
    expect(matchesSearch(task, task.app.slice(0, 10).toLowerCase())).toBe(true);
    expect(matchesSearch(task, "   ")).toBe(true);
    expect(matchesSearch(task, "zzz")).toBe(false);
  });

  it("formats ids and times for people", () => {
    expect(shortHex(sampleTaskId("x"))).toMatch(/^0x[0-9a-f]{6}…[0-9a-f]{4}$/);
    expect(shortHex("0x1234")).toBe("0x1234");
    const now = 1_750_000_000_000;
    const t = i18n.t.bind(i18n);
    expect(formatRelative(now / 1000 - 20, now, "en", t)).toBe("just now");
    expect(formatRelative(now / 1000 - 300, now, "en", t)).toBe("5 minutes ago");
    expect(formatRelative(now / 1000 - 3 * 3600, now, "en", t)).toBe("3 hours ago");
    expect(formatRelative(now / 1000 - 2 * 86_400, now, "fr", t)).toBe("avant-hier");
  });
});

describe("the tasks store", () => {
  it("refreshes each watched address once when opened again within a minute", async () => {
    let now = 1_000_000;
    const backend = createMockBackend({ watched: [sampleWatched()], tasks: sampleTasks(), indexed: sampleTasks() });
    const tasks = createTasks(backend, { now: () => now, newJobId: () => `job-${now}` });
    await tasks.open();
    await tasks.open();
    expect(backend.callsTo("tasks_refresh")).toHaveLength(1);
    now += 61_000;
    await tasks.open();
    expect(backend.callsTo("tasks_refresh")).toHaveLength(2);
    expect(get(tasks).rows).toHaveLength(sampleTasks().length);
  });

  it("keeps one job per download and replaces the row with the one the app returns", async () => {
    let n = 0;
    const backend = createMockBackend({ tasks: sampleTasks(), manualFetch: true });
    const tasks = createTasks(backend, { newJobId: () => `job-${++n}` });
    await tasks.open();
    const row = get(tasks).rows.find((r) => r.task_id === sampleTaskId("fresh"))!;
    const running = tasks.fetch(row);
    void tasks.fetch(row); // a second click while it runs starts nothing
    await Promise.resolve();
    expect(Object.keys(get(tasks).fetches)).toEqual(["job-1"]);
    expect(fetchOf(get(tasks), row)?.jobId).toBe("job-1");
    backend.fetches[0].resolve("verified");
    await running;
    expect(get(tasks).fetches).toEqual({});
    const updated = get(tasks).rows.find((r) => r.task_id === row.task_id)!;
    expect(updated.vault).toBe("verified");
    expect(updated.verification?.status).toBe("verified");
    expect(backend.callsTo("task_fetch")).toHaveLength(1);
  });

  it("a fetch of a task with no result on IPFS fails with no_result", async () => {
    const backend = createMockBackend({ tasks: sampleTasks() });
    const tasks = createTasks(backend);
    await tasks.open();
    const callback = get(tasks).rows.find((r) => r.task_id === sampleTaskId("callback"))!;
    await tasks.fetch(callback);
    const result = Object.values(get(tasks).results)[0];
    expect(result).toMatchObject({ type: "error", error: { kind: "no_result" } });
  });
});
