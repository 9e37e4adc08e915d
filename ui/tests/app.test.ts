import { render, screen, waitFor, within, fireEvent } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import App from "../src/App.svelte";
import en from "../src/lib/i18n/en.json";
import fr from "../src/lib/i18n/fr.json";
import { setLanguage } from "../src/lib/i18n";
import { ERROR_KINDS } from "../src/lib/backend";
import type { ErrorKind, IpcError } from "../src/lib/ipc/bindings";
import {
  createMockBackend,
  sampleOutcome,
  SAMPLE_FINGERPRINT,
  type MockOptions,
} from "../src/lib/mockBackend";

function setup(opts: Partial<MockOptions> = {}) {
  const backend = createMockBackend({ manual: true, ...opts });
  const user = userEvent.setup();
  const view = render(App, { backend });
  return { backend, user, ...view };
}

async function startJob(
  backend: ReturnType<typeof createMockBackend>,
  user: ReturnType<typeof userEvent.setup>,
) {
  await screen.findByText(/Using the key folder/);
  const before = backend.jobs.length;
  await user.click(screen.getByTestId("choose-file"));
  await screen.findByTestId("progress");
  await waitFor(() => expect(backend.jobs.length).toBe(before + 1));
  return backend.jobs[backend.jobs.length - 1];
}

describe("idle screen", () => {
  it("shows the drop zone as a focusable button with a label", async () => {
    setup();
    const zone = screen.getByTestId("drop-zone");
    expect(zone).toHaveAttribute("role", "button");
    expect(zone).toHaveAttribute("tabindex", "0");
    // The name starts with the words shown (WCAG 2.5.3), then says how to use it from the keyboard.
    expect(zone).toHaveAccessibleName("Drop a result archive here, or choose a file (Enter opens the file chooser)");
    expect(zone).toHaveTextContent(en.drop.title);
    expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent("Result Vault");
  });

  it.each(["{Enter}", " "])("opens the chooser with %s on the drop zone", async (key) => {
    const { backend, user } = setup({ pickArchive: null });
    screen.getByTestId("drop-zone").focus();
    await user.keyboard(key);
    await waitFor(() => expect(backend.callsTo("pick_archive")).toHaveLength(1));
  });

  it("shows the key in use and how many keys it holds", async () => {
    setup();
    const area = screen.getByTestId("key-status");
    await within(area).findByText("Using the key folder .secrets/beneficiary");
    expect(area).toHaveTextContent("/home/alice/.secrets/beneficiary");
    expect(area).toHaveTextContent("1 key");
  });

  it("says when no key is set", async () => {
    setup({ keyLocations: [] });
    await within(screen.getByTestId("key-status")).findByText(en.keys.none);
  });

  it("lists other key locations after the remembered one", async () => {
    setup({
      keyLocations: [
        { path: "/k/0xAB_key", kind: "file", key_count: 1, remembered: true },
        { path: "/p/.secrets/beneficiary", kind: "folder", key_count: 3, remembered: false },
      ],
    });
    const area = screen.getByTestId("key-status");
    await within(area).findByText("Using the key file 0xAB_key");
    expect(area).toHaveTextContent("Also looking in 1 other place");
    expect(area).toHaveTextContent("3 keys");
  });

  it("offers Forget on remembered key locations only", async () => {
    setup({
      keyLocations: [
        { path: "/k/0xAB_key", kind: "file", key_count: 1, remembered: true },
        { path: "/p/.secrets/beneficiary", kind: "folder", key_count: 2, remembered: true },
        { path: "/home/alice/.secrets/beneficiary", kind: "folder", key_count: 1, remembered: false },
      ],
    });
    const area = screen.getByTestId("key-status");
    await within(area).findByText("Using the key file 0xAB_key");
    const buttons = within(area).getAllByRole("button", { name: /^Forget / });
    expect(buttons.map((b) => b.getAttribute("data-path"))).toEqual([
      "/k/0xAB_key",
      "/p/.secrets/beneficiary",
    ]);
    expect(buttons[0]).toHaveAccessibleName("Forget 0xAB_key");
    expect(buttons[0]).toHaveTextContent(en.keys.forget);
    expect(buttons[1]).toHaveAccessibleName("Forget .secrets/beneficiary");
    expect(buttons[1]).toHaveAccessibleDescription(
      "Stop using /p/.secrets/beneficiary (the key files stay where they are)",
    );
  });

  it("shows no Forget for key folders found by convention", async () => {
    setup(); // only ~/.secrets/beneficiary, found, not remembered
    const area = screen.getByTestId("key-status");
    await within(area).findByText("Using the key folder .secrets/beneficiary");
    expect(within(area).queryByRole("button", { name: /Forget/ })).not.toBeInTheDocument();
    expect(within(area).queryByTestId("forget-key")).not.toBeInTheDocument();
  });

  it("forgets a remembered key path, then reloads the list", async () => {
    const { backend, user } = setup({
      keyLocations: [
        { path: "/k/0xAB_key", kind: "file", key_count: 1, remembered: true },
        { path: "/home/alice/.secrets/beneficiary", kind: "folder", key_count: 1, remembered: false },
      ],
    });
    const area = screen.getByTestId("key-status");
    await within(area).findByText("Using the key file 0xAB_key");
    const loadsBefore = backend.callsTo("key_locations").length;

    await user.click(within(area).getByRole("button", { name: "Forget 0xAB_key" }));

    await within(area).findByText("Using the key folder .secrets/beneficiary");
    expect(backend.callsTo("forget_key_path")).toEqual([{ path: "/k/0xAB_key" }]);
    expect(backend.callsTo("key_locations").length).toBe(loadsBefore + 1);
    expect(backend.calls.map((c) => c.cmd).slice(-2)).toEqual(["forget_key_path", "key_locations"]);
    expect(within(area).queryByRole("button", { name: /Forget/ })).not.toBeInTheDocument();
    expect(within(area).getByRole("status")).toHaveTextContent("Key location forgotten: 0xAB_key");
    expect(screen.getByTestId("choose-key-file")).toHaveFocus();
  });

  it("explains a failed Forget inside the key area and keeps the entry", async () => {
    const { backend, user } = setup({
      keyLocations: [{ path: "/k/0xAB_key", kind: "file", key_count: 1, remembered: true }],
    });
    backend.forgetKeyPath = async (path) => {
      backend.calls.push({ cmd: "forget_key_path", args: { path } });
      throw { kind: "io", message: "Could not save the settings.", hint: "Check the disk." };
    };
    const area = screen.getByTestId("key-status");
    await user.click(await within(area).findByRole("button", { name: "Forget 0xAB_key" }));
    const alert = await within(area).findByRole("alert");
    expect(alert).toHaveTextContent("Could not save the settings.");
    expect(within(area).getByRole("button", { name: "Forget 0xAB_key" })).toBeInTheDocument();
  });

  it("names Forget in French", async () => {
    await setLanguage("fr");
    try {
      setup({
        keyLocations: [{ path: "/k/0xAB_key", kind: "file", key_count: 1, remembered: true }],
      });
      const button = await within(screen.getByTestId("key-status")).findByRole("button", {
        name: "Oublier 0xAB_key",
      });
      expect(button).toHaveTextContent(fr.keys.forget);
    } finally {
      await setLanguage("en");
    }
  });

  it("remembers a chosen key file and refreshes the list", async () => {
    const { backend, user } = setup({ pickKeyFile: "/k/0xCD_key" });
    await screen.findByText(/Using the key folder/);
    await user.click(screen.getByTestId("choose-key-file"));
    await screen.findByText("Using the key file 0xCD_key");
    expect(backend.callsTo("remember_key_path")).toEqual([{ path: "/k/0xCD_key" }]);
    expect(screen.getByRole("status")).toHaveTextContent("Key added: 0xCD_key");
  });

  it("remembers a chosen key folder", async () => {
    const { backend, user } = setup({ pickKeyFolder: "/p/.secrets/beneficiary" });
    await user.click(screen.getByTestId("choose-key-folder"));
    await waitFor(() =>
      expect(backend.callsTo("remember_key_path")).toEqual([{ path: "/p/.secrets/beneficiary" }]),
    );
  });

  it("explains an invalid key file inside the key area", async () => {
    const { user } = setup({
      pickKeyFile: "/k/0xCD_key.pub",
      rememberErrors: {
        "/k/0xCD_key.pub": { kind: "invalid_key_file", message: "That is a public key.", hint: "Pick the private one." },
      },
    });
    await user.click(screen.getByTestId("choose-key-file"));
    const alert = await within(screen.getByTestId("key-status")).findByRole("alert");
    expect(alert).toHaveTextContent(en.errors.title.invalid_key_file);
    expect(alert).toHaveTextContent("That is a public key.");
    expect(alert).toHaveTextContent("Pick the private one.");
  });
});

describe("opening a result", () => {
  it("choose -> progress -> file list, passing the keys in order", async () => {
    const { backend, user } = setup();
    const job = await startJob(backend, user);
    expect(job.archive).toBe("/home/alice/Downloads/result.zip");
    expect(job.keyPaths).toEqual(["/home/alice/.secrets/beneficiary"]);

    const bar = screen.getByTestId("progress");
    expect(bar).toHaveAttribute("role", "progressbar");
    // No progress yet: an indeterminate bar, without aria-valuenow (as ARIA asks).
    expect(bar).not.toHaveAttribute("aria-valuenow");
    expect(screen.getByRole("heading", { name: "Opening result.zip" })).toBeInTheDocument();

    job.progress({ stage: "unwrapping_key", done: 0, total: 0 });
    await screen.findByText(en.work.stage.unwrapping_key);
    job.progress({ stage: "decrypting", done: 24_000_000, total: 48_000_000 });
    await waitFor(() => expect(bar).toHaveAttribute("aria-valuenow", "50"));
    expect(screen.getByText("50%")).toBeInTheDocument();
    expect(screen.getByText(/24 MB of 48 MB/)).toBeInTheDocument();

    job.resolve(sampleOutcome());
    const result = await screen.findByTestId("result-view");
    expect(screen.getByTestId("result-status")).toHaveTextContent(
      "Decrypted with key 0x5B38Da6a701c568545dCfcB03FcB875f56beddC4_key (3F2A 91C0 77DE 0B44)",
    );
    const rows = within(result).getAllByTestId("file-row");
    expect(rows.map((r) => r.dataset.path)).toEqual([
      "computed.json",
      "result.txt",
      "charts/summary.png",
    ]);
    expect(rows[1]).toHaveTextContent("12.5 kB");
    expect(rows[2]).toHaveTextContent("2.3 MB");
    expect(within(result).getByText("3 files")).toBeInTheDocument();
    expect(result).toHaveTextContent("/home/alice/Results/result-0x6ac1");
  });

  it("moves focus to the result heading and announces it", async () => {
    const { backend, user } = setup();
    const job = await startJob(backend, user);
    job.resolve(sampleOutcome());
    const heading = await screen.findByRole("heading", { name: en.result.heading });
    expect(heading.tagName).toBe("H2");
    await waitFor(() => expect(heading).toHaveFocus());
    expect(screen.getByTestId("live-region")).toHaveTextContent("Result ready, 3 files");
  });

  it("drop -> progress -> file list", async () => {
    const { backend } = setup();
    backend.emitDrag({ type: "enter", paths: ["/d/result.zip"] });
    await screen.findByText(en.drop.release);
    expect(screen.queryByTestId("drag-warning")).not.toBeInTheDocument();
    backend.emitDrag({ type: "drop", paths: ["/d/result.zip"] });
    await screen.findByTestId("progress");
    await waitFor(() => expect(backend.jobs).toHaveLength(1));
    expect(backend.jobs[0].archive).toBe("/d/result.zip");
    backend.jobs[0].resolve(sampleOutcome());
    expect(await screen.findAllByTestId("file-row")).toHaveLength(3);
  });

  it("runs without manual driving (progress events then outcome)", async () => {
    const { user } = setup({ manual: false });
    await user.click(screen.getByTestId("choose-file"));
    expect(await screen.findByTestId("result-view")).toBeInTheDocument();
  });

  it("window.__resultVault.openPath (e2e builds) grants the path, then runs the same flow as a drop", async () => {
    const { backend } = setup({ e2e: "hooks" });
    await waitFor(() => expect(window.__resultVault).toBeDefined());
    const done = window.__resultVault!.openPath("/e2e/result.zip");
    await screen.findByTestId("progress");
    await waitFor(() => expect(backend.jobs).toHaveLength(1));
    expect(backend.jobs[0].keyPaths).toEqual(["/home/alice/.secrets/beneficiary"]);
    backend.jobs[0].resolve(sampleOutcome());
    await done;
    expect(screen.getByTestId("result-view")).toBeInTheDocument();
    expect(backend.jobs[0].archive).toBe("/e2e/result.zip");
    expect(backend.callsTo("e2e_grant")).toEqual([{ path: "/e2e/result.zip" }]);
  });

  it("says when a result was not encrypted", async () => {
    const { backend, user } = setup();
    const job = await startJob(backend, user);
    job.resolve(
      sampleOutcome({ status: "not_encrypted", format: null, key_fingerprint: null, key_label: null }),
    );
    expect(await screen.findByTestId("result-status")).toHaveTextContent(
      "This result was not encrypted",
    );
    expect(screen.getByTestId("result-view")).not.toHaveTextContent("Decrypted");
  });

  it("shows the full fingerprint in a tooltip", async () => {
    const { backend, user } = setup();
    const job = await startJob(backend, user);
    job.resolve(sampleOutcome());
    const status = await screen.findByTestId("result-status");
    expect(status.getAttribute("title")).toContain(SAMPLE_FINGERPRINT.slice(0, 4).toUpperCase());
  });

  it("opens the output folder and single files", async () => {
    const { backend, user } = setup();
    const job = await startJob(backend, user);
    job.resolve(sampleOutcome());
    await user.click(await screen.findByTestId("open-folder"));
    expect(backend.callsTo("reveal_output")).toEqual([{ path: "/home/alice/Results/result-0x6ac1" }]);
    await user.click(screen.getByRole("button", { name: "Open summary.png" }));
    expect(backend.callsTo("open_output_file")).toEqual([
      { path: "/home/alice/Results/result-0x6ac1/charts/summary.png" },
    ]);
  });

  it("shows a file that could run a program in its folder instead of opening it, and says why", async () => {
    const { backend, user } = setup();
    const job = await startJob(backend, user);
    const base = sampleOutcome();
    job.resolve(sampleOutcome({ files: [...base.files, { path: "install.sh", size: 120 }] }));
    await user.click(await screen.findByRole("button", { name: "Open summary.png" }));
    expect(screen.queryByTestId("shown-in-folder")).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Open install.sh" }));
    expect(await screen.findByTestId("shown-in-folder")).toHaveTextContent(
      "install.sh could run a program, so Result Vault shows it in its folder instead of opening it.",
    );
    expect(backend.callsTo("open_output_file").at(-1)).toEqual({ path: "/home/alice/Results/result-0x6ac1/install.sh" });
  });

  it("copes with an outcome without output folder", async () => {
    const { backend, user } = setup();
    const job = await startJob(backend, user);
    job.resolve(sampleOutcome({ output: null as unknown as string }));
    const view = await screen.findByTestId("result-view");
    expect(within(view).queryByTestId("open-folder")).not.toBeInTheDocument();
    expect(within(view).getAllByTestId("file-row")).toHaveLength(3);
    expect(within(view).getAllByRole("button", { name: /^Open / })[0]).toBeDisabled();
  });

  it("reports a failure to open the folder without leaving the result", async () => {
    const { backend, user } = setup({
      openError: { kind: "io", message: "No file manager found.", hint: "" },
    });
    const job = await startJob(backend, user);
    job.resolve(sampleOutcome());
    await user.click(await screen.findByTestId("open-folder"));
    expect(await screen.findByRole("alert")).toHaveTextContent("No file manager found.");
    expect(screen.getByTestId("result-view")).toBeInTheDocument();
  });

  it("start-over from a result returns to the drop zone and focuses it", async () => {
    const { backend, user } = setup();
    const job = await startJob(backend, user);
    job.resolve(sampleOutcome());
    await user.click(await screen.findByTestId("start-over"));
    const zone = await screen.findByTestId("drop-zone");
    await waitFor(() => expect(zone).toHaveFocus());
  });
});

describe("working", () => {
  it("keeps keyboard focus inside the working view", async () => {
    const { backend, user } = setup();
    await startJob(backend, user);
    const heading = screen.getByRole("heading", { name: "Opening result.zip" });
    await waitFor(() => expect(heading).toHaveFocus());
    expect(screen.getByTestId("live-region")).toHaveTextContent("Opening result.zip");
  });

  it("shows an indeterminate bar while the key is being unwrapped", async () => {
    const { backend, user } = setup();
    const job = await startJob(backend, user);
    job.progress({ stage: "unwrapping_key", done: 0, total: 0 });
    const bar = screen.getByTestId("progress");
    await waitFor(() => expect(bar).toHaveAttribute("aria-valuetext", expect.stringContaining("Unlocking")));
    expect(bar).not.toHaveAttribute("aria-valuenow");
    expect(bar).toHaveClass("indeterminate");
  });
});

describe("cancel", () => {
  it("calls cancel_job with the job id and returns quietly to idle with a notice", async () => {
    const { backend, user } = setup();
    const job = await startJob(backend, user);
    await user.click(screen.getByTestId("cancel"));
    expect(backend.callsTo("cancel_job")).toEqual([{ jobId: job.jobId }]);
    expect(await screen.findByTestId("drop-zone")).toBeInTheDocument();
    expect(screen.getByText(en.notice.cancelled)).toBeInTheDocument();
    expect(screen.queryByTestId("error-view")).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: en.notice.dismiss }));
    expect(screen.queryByText(en.notice.cancelled)).not.toBeInTheDocument();
  });

  it("shows Cancelling… until the backend confirms", async () => {
    const { backend, user } = setup();
    await startJob(backend, user);
    backend.cancelJob = async (jobId) => {
      backend.calls.push({ cmd: "cancel_job", args: { jobId } });
    };
    await user.click(screen.getByTestId("cancel"));
    expect(screen.getByTestId("cancel")).toBeDisabled();
    expect(screen.getByTestId("cancel")).toHaveTextContent(en.work.cancelling);
  });
});

describe("drag warning", () => {
  it("warns during a drag that carries no zip, and clears on leave", async () => {
    const { backend } = setup();
    backend.emitDrag({ type: "enter", paths: ["/p/photo.jpg"] });
    const warning = await screen.findByTestId("drag-warning");
    expect(warning).toBeVisible();
    expect(warning).toHaveTextContent("This doesn't look like a result archive (a .zip)");
    expect(screen.getByTestId("live-region")).toHaveTextContent(en.announce.dragWarning);
    backend.emitDrag({ type: "over" });
    expect(screen.getByTestId("drag-warning")).toBeInTheDocument();
    backend.emitDrag({ type: "leave" });
    await waitFor(() => expect(screen.queryByTestId("drag-warning")).not.toBeInTheDocument());
  });

  it("still lets the file be dropped (the backend decides)", async () => {
    const { backend } = setup();
    backend.emitDrag({ type: "enter", paths: ["/p/photo.jpg"] });
    await screen.findByTestId("drag-warning");
    backend.emitDrag({ type: "drop", paths: ["/p/photo.jpg"] });
    await screen.findByTestId("progress");
    await waitFor(() => expect(backend.jobs).toHaveLength(1));
    backend.jobs[0].reject({ kind: "not_a_result", message: "Not a zip.", hint: "" });
    expect(await screen.findByTestId("error-view")).toHaveAttribute("data-kind", "not_a_result");
  });

  it("a drag over the result screen shows the drop zone, and leaving restores the result", async () => {
    const { backend, user } = setup();
    const job = await startJob(backend, user);
    job.resolve(sampleOutcome());
    await screen.findByTestId("result-view");
    backend.emitDrag({ type: "enter", paths: ["/p/other.zip"] });
    await screen.findByTestId("drop-zone");
    backend.emitDrag({ type: "leave" });
    expect(await screen.findByTestId("result-view")).toBeInTheDocument();
  });
});

describe("errors", () => {
  const kinds = ERROR_KINDS.filter((k): k is Exclude<ErrorKind, "cancelled"> => k !== "cancelled");

  it.each(kinds)("%s renders its own title, the message and the hint", async (kind) => {
    const { backend, user } = setup();
    const job = await startJob(backend, user);
    const error: IpcError = { kind, message: `message for ${kind}`, hint: `hint for ${kind}` };
    job.reject(error);
    const view = await screen.findByTestId("error-view");
    expect(view).toHaveAttribute("data-kind", kind);
    const heading = within(view).getByRole("heading", { level: 2 });
    expect(heading).toHaveTextContent(en.errors.title[kind]);
    await waitFor(() => expect(heading).toHaveFocus());
    expect(screen.getByTestId("error-message")).toHaveTextContent(`message for ${kind}`);
    expect(screen.getByTestId("error-hint")).toHaveTextContent(`hint for ${kind}`);
    expect(within(view).getByTestId("start-over")).toHaveTextContent(en.errors.tryAnother);
    expect(view.querySelector("svg")).not.toBeNull();
    expect(screen.getByTestId("live-region")).toHaveTextContent(`Error: ${en.errors.title[kind]}`);
  });

  it("every kind has a distinct title", () => {
    const titles = kinds.map((k) => en.errors.title[k]);
    expect(new Set(titles).size).toBe(titles.length);
  });

  it("falls back to our own hint when the backend gives none", async () => {
    const { backend, user } = setup();
    const job = await startJob(backend, user);
    job.reject({ kind: "incomplete_archive", message: "Truncated.", hint: "" });
    expect(await screen.findByTestId("error-hint")).toHaveTextContent(
      en.errors.defaultHint.incomplete_archive,
    );
  });

  it("offers the key buttons and a retry when no key matches", async () => {
    const { backend, user } = setup();
    const job = await startJob(backend, user);
    job.reject({ kind: "no_matching_key", message: "Tried 1 key.", hint: "Import the right key." });
    const view = await screen.findByTestId("error-view");
    expect(within(view).getByTestId("choose-key-file")).toBeInTheDocument();
    await user.click(within(view).getByTestId("retry"));
    await screen.findByTestId("progress");
    await waitFor(() => expect(backend.jobs).toHaveLength(2));
    expect(backend.jobs[1].archive).toBe(job.archive);
  });

  it("start-over leaves the error for the drop zone", async () => {
    const { backend, user } = setup();
    const job = await startJob(backend, user);
    job.reject({ kind: "damaged_contents", message: "x", hint: "y" });
    await user.click(await screen.findByTestId("start-over"));
    expect(await screen.findByTestId("drop-zone")).toBeInTheDocument();
    expect(screen.queryByTestId("error-view")).not.toBeInTheDocument();
  });

  it("an error thrown as a plain string is shown as internal", async () => {
    const { backend, user } = setup();
    const job = await startJob(backend, user);
    job.reject("panic in worker" as unknown as IpcError);
    const view = await screen.findByTestId("error-view");
    expect(view).toHaveAttribute("data-kind", "internal");
    expect(screen.getByTestId("error-message")).toHaveTextContent("panic in worker");
  });
});

describe("keyboard", () => {
  it("the choose-file button is reachable and works with the keyboard", async () => {
    const { backend } = setup({ pickArchive: null });
    const button = screen.getByTestId("choose-file");
    button.focus();
    await fireEvent.click(button);
    await waitFor(() => expect(backend.callsTo("pick_archive")).toHaveLength(1));
  });
});
