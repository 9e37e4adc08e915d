/** Adding keys, as the Keys screen and the first-run tour's key step share it (keyActions.ts). */
import { describe, expect, it } from "vitest";
import en from "../src/lib/i18n/en.json";
import { i18n } from "../src/lib/i18n";
import { defaultKeyLabel, generateKey, importKeysFrom, importLines } from "../src/lib/keyActions";
import { createMockBackend, sampleKey, SAMPLE_FINGERPRINT_2 } from "../src/lib/mockBackend";

const tr = i18n.t.bind(i18n) as typeof i18n.t;

describe("keyActions", () => {
  it("generates a key with the label typed, or the default one with the date", async () => {
    const backend = createMockBackend({ manual: true });
    const named = await generateKey(backend, "  Laptop  ", "job-1", tr, "en");
    expect(named).toMatchObject({ type: "imported", outcomes: [{ added: true, key: { label: "Laptop" } }] });
    const unnamed = await generateKey(backend, "   ", "job-2", tr, "en");
    expect(unnamed.type).toBe("imported");
    expect(backend.callsTo("keys_generate").map((c) => c.label)).toEqual(["Laptop", defaultKeyLabel(tr, "en")]);
    expect(defaultKeyLabel(tr, "en", new Date("2025-05-02T10:00:00Z"))).toBe("Key of May 2, 2025");
  });

  it("says a cancelled generation apart from an error", async () => {
    const backend = createMockBackend({ manual: true, manualGenerate: true });
    const pending = generateKey(backend, "", "job-3", tr, "en");
    await backend.cancelJob("job-3");
    expect(await pending).toEqual({ type: "cancelled" });
    const failing = generateKey(backend, "", "job-4", tr, "en");
    backend.generations[1].reject({ kind: "io", message: "Disk full.", hint: "" });
    expect(await failing).toEqual({ type: "error", error: { kind: "io", message: "Disk full.", hint: "" } });
  });

  it("imports what the picker gives, nothing when it gives nothing", async () => {
    const backend = createMockBackend({ manual: true });
    let started = 0;
    expect(await importKeysFrom(backend, async () => null, () => started++)).toEqual({ type: "nothing" });
    expect(started).toBe(0);
    const done = await importKeysFrom(backend, () => backend.pickKeyFile(), () => started++);
    expect(done.type).toBe("imported");
    expect(started).toBe(1);
    expect(backend.callsTo("keys_import_path")).toEqual([{ path: "/home/alice/keys/0x5B38_key" }]);
    const failed = await importKeysFrom(backend, async () => {
      throw { kind: "io", message: "No dialog.", hint: "" };
    });
    expect(failed).toEqual({ type: "error", error: { kind: "io", message: "No dialog.", hint: "" } });
  });

  it("says what was added and what was there already", () => {
    const a = sampleKey({ label: "A" });
    const b = sampleKey({ fingerprint: SAMPLE_FINGERPRINT_2, label: "B" });
    expect(importLines([{ key: a, added: true }], tr)).toEqual(["Key added: A"]);
    expect(importLines([{ key: a, added: true }, { key: b, added: false }], tr)).toHaveLength(2);
    expect(importLines([], tr)).toEqual([en.ring.importedNone]);
  });
});
