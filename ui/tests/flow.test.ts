import { get } from "svelte/store";
import { describe, expect, it, vi } from "vitest";
import {
  createFlow,
  initialState,
  reduce,
  speedOf,
  type FlowState,
  type WorkingState,
} from "../src/lib/flow";
import { createMockBackend, sampleOutcome } from "../src/lib/mockBackend";
import type { IpcError } from "../src/lib/ipc/bindings";

const working = (over: Partial<WorkingState> = {}): WorkingState => ({
  name: "working",
  jobId: "j1",
  archive: "/a/r.zip",
  progress: null,
  stageStartedAt: 0,
  updatedAt: 0,
  cancelling: false,
  ...over,
});
const noKey: IpcError = { kind: "no_matching_key", message: "m", hint: "h" };

describe("reduce", () => {
  it("goes idle -> dragging(pending) -> checked -> back to idle on leave", () => {
    let s: FlowState = reduce(initialState, { type: "drag_enter", paths: ["/x.jpg"] });
    expect(s).toMatchObject({ name: "dragging", check: "pending" });
    s = reduce(s, { type: "drag_checked", paths: ["/x.jpg"], looksLikeZip: false });
    expect(s).toMatchObject({ name: "dragging", check: "not_zip" });
    expect(reduce(s, { type: "drag_leave" })).toEqual(initialState);
  });

  it("ignores a check that belongs to another drag", () => {
    const s = reduce(initialState, { type: "drag_enter", paths: ["/b.zip"] });
    expect(reduce(s, { type: "drag_checked", paths: ["/a.zip"], looksLikeZip: false })).toBe(s);
  });

  it("treats an unanswerable check as unknown (no warning)", () => {
    const s = reduce(initialState, { type: "drag_enter", paths: ["/b"] });
    expect(reduce(s, { type: "drag_checked", paths: ["/b"], looksLikeZip: null })).toMatchObject({
      check: "unknown",
    });
  });

  it("returns to the previous result when a drag over it leaves", () => {
    const result: FlowState = { name: "result", archive: "/a", outcome: sampleOutcome() };
    const s = reduce(result, { type: "drag_enter", paths: ["/b.zip"] });
    expect(s.name).toBe("dragging");
    expect(reduce(s, { type: "drag_leave" })).toBe(result);
  });

  it("ignores drags while working", () => {
    const w = working();
    expect(reduce(w, { type: "drag_enter", paths: ["/b.zip"] })).toBe(w);
  });

  it("starts, records progress of its own job only, and succeeds", () => {
    let s = reduce(initialState, { type: "start", jobId: "j1", archive: "/a/r.zip", now: 10 });
    expect(s).toMatchObject({ name: "working", jobId: "j1", progress: null });
    const ev = { stage: "decrypting" as const, done: 5, total: 10 };
    s = reduce(s, { type: "progress", jobId: "j1", event: ev, now: 20 });
    expect(s).toMatchObject({ progress: ev, stageStartedAt: 20 });
    const ev2 = { stage: "decrypting" as const, done: 8, total: 10 };
    s = reduce(s, { type: "progress", jobId: "j1", event: ev2, now: 30 });
    expect(s).toMatchObject({ progress: ev2, stageStartedAt: 20, updatedAt: 30 });
    expect(reduce(s, { type: "progress", jobId: "other", event: ev, now: 40 })).toBe(s);
    const outcome = sampleOutcome();
    expect(reduce(s, { type: "succeeded", jobId: "other", outcome })).toBe(s);
    expect(reduce(s, { type: "succeeded", jobId: "j1", outcome })).toEqual({
      name: "result",
      archive: "/a/r.zip",
      outcome,
    });
  });

  it("does not start a second job while one runs", () => {
    const w = working();
    expect(reduce(w, { type: "start", jobId: "j2", archive: "/b", now: 1 })).toBe(w);
  });

  it("fails into error, but a cancellation returns to idle with a notice", () => {
    expect(reduce(working(), { type: "failed", jobId: "j1", error: noKey })).toEqual({
      name: "error",
      archive: "/a/r.zip",
      error: noKey,
    });
    expect(
      reduce(working({ cancelling: true }), {
        type: "failed",
        jobId: "j1",
        error: { kind: "cancelled", message: "", hint: "" },
      }),
    ).toEqual({ name: "idle", notice: "cancelled" });
  });

  it("marks and unmarks cancelling", () => {
    const s = reduce(working(), { type: "cancel_requested", jobId: "j1" });
    expect(s).toMatchObject({ cancelling: true });
    expect(reduce(s, { type: "cancel_failed", jobId: "j1" })).toMatchObject({ cancelling: false });
  });

  it("resets from result and error, not while working", () => {
    const e: FlowState = { name: "error", archive: null, error: noKey };
    expect(reduce(e, { type: "reset" })).toEqual(initialState);
    const w = working();
    expect(reduce(w, { type: "reset" })).toBe(w);
  });

  it("dismisses the cancel notice", () => {
    expect(reduce({ name: "idle", notice: "cancelled" }, { type: "dismiss_notice" })).toEqual(
      initialState,
    );
  });
});

describe("speedOf", () => {
  it("is bytes per second of the current stage once a second has passed", () => {
    const p = { stage: "decrypting" as const, done: 4_000_000, total: 8_000_000 };
    expect(speedOf(working({ progress: p, stageStartedAt: 0, updatedAt: 500 }))).toBeNull();
    expect(speedOf(working({ progress: p, stageStartedAt: 0, updatedAt: 2000 }))).toBe(2_000_000);
  });
});

describe("createFlow", () => {
  function setup(opts: Parameters<typeof createMockBackend>[0] = {}) {
    const backend = createMockBackend({ manual: true, ...opts });
    let n = 0;
    const flow = createFlow({
      backend,
      keyPaths: () => ["/k1", "/k2"],
      newJobId: () => `job-${++n}`,
    });
    return { backend, flow };
  }

  it("opens a path with the key paths and a fresh job id, then shows the outcome", async () => {
    const { backend, flow } = setup();
    const done = flow.openPath("/d/r.zip");
    expect(get(flow)).toMatchObject({ name: "working", jobId: "job-1", archive: "/d/r.zip" });
    await vi.waitFor(() => expect(backend.jobs).toHaveLength(1));
    expect(backend.callsTo("open_archive")).toEqual([
      { jobId: "job-1", archive: "/d/r.zip", keyPaths: ["/k1", "/k2"] },
    ]);
    backend.jobs[0].progress({ stage: "decrypting", done: 1, total: 2 });
    expect(get(flow)).toMatchObject({ progress: { done: 1, total: 2 } });
    backend.jobs[0].resolve(sampleOutcome());
    await done;
    expect(get(flow).name).toBe("result");
  });

  it("uses crypto.randomUUID for job ids by default", async () => {
    const backend = createMockBackend({ manual: true });
    const flow = createFlow({ backend, keyPaths: () => [] });
    void flow.openPath("/r.zip");
    await vi.waitFor(() => expect(backend.jobs).toHaveLength(1));
    const { jobId } = backend.callsTo("open_archive")[0];
    expect(jobId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("normalises odd rejections to internal errors", async () => {
    const { backend, flow } = setup();
    const done = flow.openPath("/r.zip");
    await vi.waitFor(() => expect(backend.jobs).toHaveLength(1));
    backend.jobs[0].reject("boom" as unknown as IpcError);
    await done;
    expect(get(flow)).toMatchObject({
      name: "error",
      error: { kind: "internal", message: "boom" },
    });
  });

  it("cancel calls cancel_job with the running job id and ends quietly in idle", async () => {
    const { backend, flow } = setup();
    const done = flow.openPath("/r.zip");
    await vi.waitFor(() => expect(backend.jobs).toHaveLength(1));
    await flow.cancel();
    expect(backend.callsTo("cancel_job")).toEqual([{ jobId: "job-1" }]);
    await done;
    expect(get(flow)).toEqual({ name: "idle", notice: "cancelled" });
  });

  it("checks a drag, warns when nothing looks like a zip, and opens the zip on drop", async () => {
    const { backend, flow } = setup();
    await flow.dragEnter(["/p/photo.jpg"]);
    expect(backend.callsTo("check_drop")).toEqual([{ paths: ["/p/photo.jpg"] }]);
    expect(get(flow)).toMatchObject({ name: "dragging", check: "not_zip" });
    flow.dragLeave();
    await flow.dragEnter(["/p/notes.txt", "/p/result.zip"]);
    expect(get(flow)).toMatchObject({ name: "dragging", check: "zip" });
    void flow.drop(["/p/notes.txt", "/p/result.zip"]);
    expect(get(flow)).toMatchObject({ name: "working", archive: "/p/result.zip" });
    await vi.waitFor(() => expect(backend.jobs[0]?.archive).toBe("/p/result.zip"));
  });

  it("does not warn when check_drop itself fails", async () => {
    const { flow } = setup({
      checkDrop: () => {
        throw { kind: "io", message: "x", hint: "" };
      },
    });
    await flow.dragEnter(["/p/a"]);
    expect(get(flow)).toMatchObject({ name: "dragging", check: "unknown" });
  });

  it("chooseFile does nothing when the dialog is closed", async () => {
    const { backend, flow } = setup({ pickArchive: null });
    await flow.chooseFile();
    expect(backend.callsTo("pick_archive")).toHaveLength(1);
    expect(backend.callsTo("open_archive")).toHaveLength(0);
    expect(get(flow)).toEqual(initialState);
  });

  it("retry opens the same archive again", async () => {
    const { backend, flow } = setup();
    const first = flow.openPath("/r.zip");
    await vi.waitFor(() => expect(backend.jobs).toHaveLength(1));
    backend.jobs[0].reject({ kind: "no_matching_key", message: "", hint: "" });
    await first;
    void flow.retry();
    await vi.waitFor(() => expect(backend.jobs).toHaveLength(2));
    expect(backend.callsTo("open_archive").map((a) => a.archive)).toEqual(["/r.zip", "/r.zip"]);
  });

  it("waits for the key list before starting the job", async () => {
    const backend = createMockBackend({ manual: true });
    let release: (paths: string[]) => void = () => {};
    const flow = createFlow({
      backend,
      keyPaths: () => new Promise<string[]>((r) => (release = r)),
    });
    void flow.openPath("/r.zip");
    expect(get(flow).name).toBe("working");
    await Promise.resolve();
    expect(backend.jobs).toHaveLength(0);
    release(["/late/key"]);
    await vi.waitFor(() => expect(backend.jobs).toHaveLength(1));
    expect(backend.jobs[0].keyPaths).toEqual(["/late/key"]);
  });

  it("a cancel before the job reached the backend never starts it", async () => {
    const backend = createMockBackend({ manual: true });
    let release: (paths: string[]) => void = () => {};
    const flow = createFlow({
      backend,
      keyPaths: () => new Promise<string[]>((r) => (release = r)),
    });
    const done = flow.openPath("/r.zip");
    await flow.cancel();
    release([]);
    await done;
    expect(backend.jobs).toHaveLength(0);
    expect(get(flow)).toEqual({ name: "idle", notice: "cancelled" });
  });

  it("the mock, like the app, starts cancelled a job cancelled before open_archive", async () => {
    const backend = createMockBackend({ manual: true });
    await backend.cancelJob("early");
    await expect(backend.openArchive("early", "/r.zip", [], () => {})).rejects.toMatchObject({
      kind: "cancelled",
    });
    void backend.openArchive("later", "/r.zip", [], () => {});
    expect(backend.jobs[1].settled).toBe(false);
  });

  it("keeps cancel usable when cancel_job fails", async () => {
    const { backend, flow } = setup();
    backend.cancelJob = vi.fn().mockRejectedValue({ kind: "internal", message: "", hint: "" });
    vi.spyOn(console, "warn").mockImplementation(() => {});
    void flow.openPath("/r.zip");
    await vi.waitFor(() => expect(backend.jobs).toHaveLength(1));
    await flow.cancel();
    expect(get(flow)).toMatchObject({ name: "working", cancelling: false });
  });
});
