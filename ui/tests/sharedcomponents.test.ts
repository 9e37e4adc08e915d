/** The small shared components: the modal frame, the step list, the key generation progress. */
import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { createRawSnippet } from "svelte";
import { get } from "svelte/store";
import { describe, expect, it, vi } from "vitest";
import BackupWizard from "../src/lib/components/BackupWizard.svelte";
import Callout from "../src/lib/components/Callout.svelte";
import ConfirmDialog from "../src/lib/components/ConfirmDialog.svelte";
import GenerateProgress from "../src/lib/components/GenerateProgress.svelte";
import PasswordDialog from "../src/lib/components/PasswordDialog.svelte";
import StepList from "../src/lib/components/StepList.svelte";
import en from "../src/lib/i18n/en.json";
import fr from "../src/lib/i18n/fr.json";
import { createMockBackend, SAMPLE_WORDS, sampleKey } from "../src/lib/mockBackend";
import { createVault } from "../src/lib/stores/keys";

const body = createRawSnippet(() => ({ render: () => "<p>Are you sure?</p>" }));

function opener(): HTMLButtonElement {
  const button = document.createElement("button");
  button.textContent = "open";
  document.body.appendChild(button);
  button.focus();
  return button;
}

describe("ModalFrame (through the confirm and password dialogs)", () => {
  it("the confirm dialog: an alertdialog named by its title, the focus on Cancel, Tab kept inside, Escape cancels, focus given back", async () => {
    const before = opener();
    const onCancel = vi.fn();
    const onConfirm = vi.fn();
    const user = userEvent.setup();
    const view = render(ConfirmDialog, { title: "Delete it?", confirmLabel: "Delete", danger: true, onConfirm, onCancel, children: body });
    const dialog = screen.getByTestId("confirm-dialog");
    expect(dialog).toHaveAttribute("role", "alertdialog");
    expect(dialog).toHaveAttribute("aria-modal", "true");
    expect(dialog).toHaveAccessibleName("Delete it?");
    expect(dialog).toHaveAccessibleDescription("Are you sure?");
    const cancel = within(dialog).getByTestId("confirm-cancel");
    await waitFor(() => expect(cancel).toHaveFocus());
    await user.tab();
    expect(within(dialog).getByTestId("confirm-ok")).toHaveFocus();
    await user.tab();
    expect(cancel).toHaveFocus();
    await user.tab({ shift: true });
    expect(within(dialog).getByTestId("confirm-ok")).toHaveFocus();
    await user.keyboard("{Escape}");
    expect(onCancel).toHaveBeenCalledTimes(1);
    expect(onConfirm).not.toHaveBeenCalled();
    view.unmount();
    expect(before).toHaveFocus();
    before.remove();
  });

  it("the password dialog: a dialog, the focus in the field, Escape cancels, the focus given back", async () => {
    const before = opener();
    const onCancel = vi.fn();
    const onSubmit = vi.fn();
    const user = userEvent.setup();
    const view = render(PasswordDialog, { title: "Your password", body: "To sign.", confirmLabel: "Push", onSubmit, onCancel });
    const dialog = screen.getByTestId("password-dialog");
    expect(dialog).toHaveAttribute("role", "dialog");
    expect(dialog).toHaveAccessibleName("Your password");
    expect(dialog).toHaveAccessibleDescription("To sign.");
    const input = within(dialog).getByTestId("password-dialog-input");
    await waitFor(() => expect(input).toHaveFocus());
    // Nothing typed: said on the field, nothing sent.
    await user.keyboard("{Enter}");
    expect(await within(dialog).findByRole("alert")).toHaveTextContent(en.password.empty);
    expect(onSubmit).not.toHaveBeenCalled();
    await user.type(input, "secret{Enter}");
    expect(onSubmit).toHaveBeenCalledWith("secret");
    expect(input).toHaveValue("");
    // Tab stays inside: the field, Cancel, OK, back to the field.
    await user.tab();
    await user.tab();
    expect(within(dialog).getByTestId("password-dialog-ok")).toHaveFocus();
    await user.tab();
    expect(input).toHaveFocus();
    await user.keyboard("{Escape}");
    expect(onCancel).toHaveBeenCalledTimes(1);
    view.unmount();
    expect(before).toHaveFocus();
    before.remove();
  });
});

describe("StepList", () => {
  it("the names of each wizard's steps fit one line of its card in both languages (1280x800 and narrower)", () => {
    // A rough width at 0.85rem (~7.3 px a character, a little more than the average), a 22 px dot
    // and 6 px before each name, 14 px between the steps: within the 712 px of a wizard's card
    // (760 px less its padding; the tour's: 900 px less its padding), with room left for narrower
    // windows (the names of the other steps are shortened before the list would wrap).
    const width = (names: string[]) => names.reduce((w, n) => w + n.length * 7.3 + 28, 0) + 14 * (names.length - 1);
    for (const lang of [en, fr]) {
      for (const [steps, room] of [
        [lang.rotation.steps, 712],
        [lang.backup.steps, 712],
        [lang.onboarding.steps, 852],
      ] as const) {
        expect(width(Object.values(steps)), Object.values(steps).join(" | ")).toBeLessThanOrEqual(room * 0.9);
      }
    }
  });

  it("marks the current step and says the steps done to screen readers", () => {
    render(StepList, {
      steps: ["one", "two", "three"],
      current: 1,
      label: "Steps",
      nameOf: (s: string) => `Step ${s}`,
      passedText: "(done)",
      testid: "step",
    });
    const list = screen.getByRole("list", { name: "Steps" });
    const items = within(list).getAllByTestId("step");
    expect(items.map((i) => i.dataset.step)).toEqual(["one", "two", "three"]);
    expect(items.map((i) => i.getAttribute("aria-current"))).toEqual([null, "step", null]);
    expect(items[0]).toHaveTextContent("Step one (done)");
    expect(items[1]).toHaveTextContent(/^2\s*Step two$/);
    expect(items[1]).not.toHaveTextContent("(done)");
    expect(items[0].querySelector(".dot")).toHaveAttribute("aria-hidden", "true");
  });

  it("marks no step while loading", () => {
    render(StepList, { steps: ["a", "b"], current: 1, label: "Steps", nameOf: (s: string) => s, passedText: "(done)", active: false });
    expect(screen.getAllByRole("listitem").map((i) => i.getAttribute("aria-current"))).toEqual([null, null]);
    expect(screen.getByRole("list")).not.toHaveTextContent("(done)");
  });
});

describe("GenerateProgress", () => {
  it("names its bar, cancels the job once, and lets it be cancelled again when cancel_job failed", async () => {
    const backend = createMockBackend({ manual: true });
    const user = userEvent.setup();
    const cancelJob = vi.spyOn(backend, "cancelJob").mockRejectedValueOnce(new Error("gone"));
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    render(GenerateProgress, {
      onCancel: (id: string) => backend.cancelJob(id),
      jobId: "job-1",
      working: "Generating…",
      cancelling: "Cancelling…",
      cancel: "Cancel",
      testid: "progress",
      cancelTestid: "progress-cancel",
    });
    expect(screen.getByRole("progressbar")).toHaveAccessibleName("Generating…");
    const button = screen.getByTestId("progress-cancel");
    await user.click(button);
    expect(cancelJob).toHaveBeenCalledWith("job-1");
    await waitFor(() => expect(button).toBeEnabled());
    expect(warn).toHaveBeenCalled();
    await user.click(button);
    expect(screen.getByTestId("progress")).toHaveTextContent("Cancelling…");
    expect(button).toBeDisabled();
    expect(cancelJob).toHaveBeenCalledTimes(2);
    warn.mockRestore();
  });
});

describe("Callout", () => {
  const text = createRawSnippet(() => ({ render: () => "<b>Keep both.</b>" }));

  it("shows its text with the tone's icon, and the role, id and kind given", () => {
    render(Callout, { tone: "error", role: "alert", id: "c1", testid: "c", kind: "io", children: text });
    const callout = screen.getByTestId("c");
    expect(callout).toHaveAttribute("role", "alert");
    expect(callout).toHaveAttribute("id", "c1");
    expect(callout).toHaveAttribute("data-kind", "io");
    expect(callout).toHaveClass("error");
    expect(callout).toHaveTextContent("Keep both.");
    expect(callout.querySelector("svg")).not.toBeNull();
  });

  it("is a plain note by default (no role: not announced as an alert)", () => {
    render(Callout, { testid: "c", children: text });
    expect(screen.getByTestId("c")).not.toHaveAttribute("role");
    expect(screen.getByTestId("c")).toHaveClass("info");
  });
});

describe("BackupWizard, embedded (the tour's backup step, the rotation's kit step)", () => {
  it("tells the wizard that opened it whether a kit was made and tested; the key ring takes the ring the test returned", async () => {
    const backend = createMockBackend({ manual: true, ringKeys: [sampleKey()] });
    const user = userEvent.setup();
    const onClose = vi.fn();
    const vault = createVault(backend);
    await vault.start();
    expect(get(vault)).toMatchObject({ overview: { not_backed_up: [backend.options.ringKeys[0].fingerprint] } });
    const view = render(BackupWizard, { vault, keys: backend.options.ringKeys, onClose });
    await user.click(screen.getByTestId("backup-cancel"));
    expect(onClose).toHaveBeenLastCalledWith(false);
    view.unmount();

    render(BackupWizard, { vault, keys: backend.options.ringKeys, onClose });
    await user.click(screen.getByTestId("backup-save"));
    await user.click(await screen.findByTestId("backup-continue"));
    for (const input of await screen.findAllByTestId("quiz-word-input")) {
      await user.type(input, SAMPLE_WORDS[Number(input.dataset.index) - 1]);
    }
    await user.click(screen.getByTestId("quiz-submit"));
    await user.click(await screen.findByTestId("backup-close"));
    expect(backend.callsTo("backup_verify")).toHaveLength(1);
    expect(get(vault)).toMatchObject({ overview: { not_backed_up: [], keys: [{ backed_up: true }] } });
    expect(backend.callsTo("keys_overview")).toHaveLength(0);
    expect(onClose).toHaveBeenLastCalledWith(true);
  });
});
