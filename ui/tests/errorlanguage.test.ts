/**
 * Errors cross IPC with a message and a hint written in English by the core. In English the panels
 * show them (more specific than the kind's own words); in another language every panel speaks
 * that language (the kind's title, what it means, what to do) and keeps the core's words only
 * under a collapsed "Technical details" disclosure.
 */
import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import App from "../src/App.svelte";
import ErrorView from "../src/lib/components/ErrorView.svelte";
import InlineError from "../src/lib/components/InlineError.svelte";
import en from "../src/lib/i18n/en.json";
import fr from "../src/lib/i18n/fr.json";
import { setLanguage } from "../src/lib/i18n";
import { ERROR_KINDS } from "../src/lib/backend";
import type { ErrorKind, IpcError } from "../src/lib/ipc/bindings";
import { createMockBackend, sampleKey } from "../src/lib/mockBackend";
import { sampleWatched } from "../src/lib/mockTasks";
import { sampleWallet } from "../src/lib/mockWallet";
import { errorText } from "../src/lib/errorText";
import { i18n } from "../src/lib/i18n";

afterEach(async () => {
  delete window.__resultVault;
  await setLanguage("en");
});

/** An error as the core sends it: English words, specific to the case. */
const coreError = (kind: ErrorKind): IpcError => ({
  kind,
  message: `The core could not finish because of case ${kind} on this machine.`,
  hint: `Follow the specific advice for ${kind} written by the core.`,
});

/** The text a user sees without opening the technical details. */
function visibleText(panel: HTMLElement): string {
  const copy = panel.cloneNode(true) as HTMLElement;
  copy.querySelectorAll("details").forEach((d) => d.remove());
  return copy.textContent ?? "";
}

/** The "Technical details" disclosure of a panel: closed, labelled, holding the core's words. */
function expectDetails(panel: HTMLElement, error: IpcError) {
  const details = within(panel).getByTestId("error-details");
  expect(details.tagName).toBe("DETAILS");
  expect((details as HTMLDetailsElement).open).toBe(false);
  expect(details.querySelector("summary")).toHaveTextContent(fr.errors.technicalDetails);
  const text = within(details).getByTestId("error-details-text");
  expect(text).toHaveTextContent(error.message);
  expect(text).toHaveTextContent(error.hint);
  expect(text).toHaveAttribute("lang", "en");
}

describe("every error kind has its own words in both languages", () => {
  it.each(ERROR_KINDS)("%s: a title, a lead and a hint", (kind) => {
    for (const lang of [en, fr]) {
      expect(lang.errors.title[kind], kind).toBeTruthy();
      expect(lang.errors.lead[kind], kind).toBeTruthy();
      expect(lang.errors.defaultHint[kind], kind).toBeTruthy();
    }
    expect(fr.errors.lead[kind]).not.toBe(en.errors.lead[kind]);
  });
});

describe("in French", () => {
  it.each(ERROR_KINDS)("ErrorView for %s: French only, the core's words under Technical details", async (kind) => {
    await setLanguage("fr");
    const error = coreError(kind);
    render(ErrorView, { error, archive: "/tmp/result.zip", onStartOver: () => {}, onRetry: () => {} });
    const panel = screen.getByTestId("error-view");
    const visible = visibleText(panel);
    expect(visible).not.toContain(error.message);
    expect(visible).not.toContain(error.hint);
    expect(visible).not.toMatch(/\bthe core\b/i);
    expect(screen.getByTestId("error-title")).toHaveTextContent(fr.errors.title[kind]);
    expect(screen.getByTestId("error-message")).toHaveTextContent(fr.errors.lead[kind]);
    expect(screen.getByTestId("error-hint")).toHaveTextContent(fr.errors.defaultHint[kind]);
    expectDetails(panel, error);
  });

  it.each(ERROR_KINDS)("InlineError for %s: French only, the core's words under Technical details", async (kind) => {
    await setLanguage("fr");
    const error = coreError(kind);
    render(InlineError, { error, testid: "panel" });
    const panel = screen.getByTestId("panel");
    const visible = visibleText(panel);
    expect(visible).not.toContain(error.message);
    expect(visible).not.toContain(error.hint);
    expect(within(panel).getByTestId("inline-error-title")).toHaveTextContent(fr.errors.title[kind]);
    expect(within(panel).getByTestId("inline-error-lead")).toHaveTextContent(fr.errors.lead[kind]);
    expect(within(panel).getByTestId("inline-error-hint")).toHaveTextContent(fr.errors.defaultHint[kind]);
    expect(within(panel).queryByTestId("inline-error-message")).not.toBeInTheDocument();
    expectDetails(panel, error);
  });

  it("a screen's own title and lead stand in for the kind's", async () => {
    await setLanguage("fr");
    const error = coreError("wrong_password");
    render(InlineError, { error, testid: "panel", title: "Titre de l’écran", lead: "Ce que cela veut dire ici." });
    const panel = screen.getByTestId("panel");
    expect(within(panel).getByTestId("inline-error-title")).toHaveTextContent("Titre de l’écran");
    expect(within(panel).getByTestId("inline-error-lead")).toHaveTextContent("Ce que cela veut dire ici.");
    expect(visibleText(panel)).not.toContain(fr.errors.lead.wrong_password);
    expectDetails(panel, error);
  });

  it("the disclosure opens from the keyboard", async () => {
    await setLanguage("fr");
    const user = userEvent.setup();
    render(InlineError, { error: coreError("network"), testid: "panel" });
    const details = screen.getByTestId("error-details") as HTMLDetailsElement;
    const summary = details.querySelector("summary") as HTMLElement;
    await user.tab();
    expect(summary).toHaveFocus();
    summary.click();
    expect(details.open).toBe(true);
  });

  it("the key service's compact row after a failed check", async () => {
    await setLanguage("fr");
    const error = coreError("network");
    const backend = createMockBackend({
      manual: true,
      ringKeys: [sampleKey({ backed_up: true })],
      wallets: [sampleWallet()],
      watched: [sampleWatched()],
      smsErrors: { "arbitrum-mainnet": error },
    });
    const user = userEvent.setup();
    render(App, { backend });
    await user.click(screen.getByTestId("nav-keys"));
    const row = await waitFor(() => {
      const found = screen.getAllByTestId("sms-row").find((r) => r.dataset.network === "arbitrum-mainnet");
      expect(found).toHaveAttribute("data-check", "failed");
      return found as HTMLElement;
    });
    const panel = within(row).getByTestId("sms-error");
    expect(visibleText(panel)).not.toContain(error.message);
    expect(within(panel).getByTestId("sms-error-details")).toHaveTextContent(fr.errors.lead.network);
    expectDetails(panel, error);
    // Home's chip says it in French too (its tooltip).
    await user.click(screen.getByTestId("nav-open"));
    const chip = await waitFor(() => {
      const found = screen.getAllByTestId("home-sms-chip").find((c) => c.dataset.network === "arbitrum-mainnet");
      expect(found).toHaveAttribute("data-state", "unknown");
      return found as HTMLElement;
    });
    expect(chip).toHaveAttribute("title", fr.errors.title.network);
  });

  it("the keychain problem at start-up", async () => {
    await setLanguage("fr");
    const error = coreError("keychain_unavailable");
    render(App, { backend: createMockBackend({ manual: true, vaultOpenErrors: [error] }) });
    const panel = await screen.findByTestId("keychain-problem");
    expect(visibleText(panel)).not.toContain(error.message);
    expect(panel).toHaveTextContent(fr.errors.title.keychain_unavailable);
    expectDetails(panel, error);
  });

  it("Home's wallets that cannot be read", async () => {
    await setLanguage("fr");
    const error = coreError("io");
    render(App, { backend: createMockBackend({ manual: true, errors: { wallets_list: error } }) });
    const line = await screen.findByTestId("home-sms-error");
    expect(line).toHaveTextContent(fr.errors.title.io);
    const panel = screen.getByTestId("home-sms");
    expect(visibleText(panel)).not.toContain(error.message);
    expectDetails(panel, error);
  });
});

describe("in English", () => {
  it.each(ERROR_KINDS)("%s: the core's message and hint, shown as they are; no technical details", (kind) => {
    const error = coreError(kind);
    render(InlineError, { error, testid: "panel" });
    const panel = screen.getByTestId("panel");
    expect(within(panel).getByTestId("inline-error-title")).toHaveTextContent(en.errors.title[kind]);
    expect(within(panel).getByTestId("inline-error-message")).toHaveTextContent(error.message);
    expect(within(panel).getByTestId("inline-error-hint")).toHaveTextContent(error.hint);
    expect(within(panel).queryByTestId("error-details")).not.toBeInTheDocument();
  });

  it("the kind's lead stands in for a missing message; a repeated part is said once", () => {
    const t = i18n.getFixedT("en");
    const text = errorText(t, "en", { kind: "io", message: "", hint: "" });
    expect(text.message).toBe(en.errors.lead.io);
    expect(text.hint).toBe(en.errors.defaultHint.io);
    const repeated = errorText(t, "en", { kind: "io", message: "Disk full.", hint: "Disk full." });
    expect(repeated).toMatchObject({ message: "Disk full.", hint: null, details: null });
  });
});


describe("the facts of an error, in the UI's words", () => {
  const noKey: IpcError = {
    kind: "no_matching_key",
    message: "None of your keys can open this result. Tried 2 keys: 9B63 454B 7A87 E880 (laptop), C13F 84C1 9A2C D3A4 (old).",
    hint: "The result was encrypted for another key.",
    facts: { word: null, keys_tried: ["9B63 454B 7A87 E880 (laptop)", "C13F 84C1 9A2C D3A4 (old)"] },
  };

  it("in French, no_matching_key lists the keys tried next to the French explanation", async () => {
    await setLanguage("fr");
    render(ErrorView, { error: noKey, archive: "/tmp/result.zip", onStartOver: () => {}, onRetry: () => {} });
    const tried = screen.getByTestId("error-keys-tried");
    expect(tried).toHaveTextContent("9B63 454B 7A87 E880 (laptop), C13F 84C1 9A2C D3A4 (old)");
    expect(screen.getByText(fr.errors.keysTried)).toBeInTheDocument();
    expect(visibleText(screen.getByTestId("error-view"))).not.toContain(noKey.message);
  });

  it("in English the message names them already: no second list", () => {
    render(ErrorView, { error: noKey, archive: "/tmp/result.zip", onStartOver: () => {}, onRetry: () => {} });
    expect(screen.getByTestId("error-message")).toHaveTextContent("Tried 2 keys");
    expect(screen.queryByTestId("error-keys-tried")).not.toBeInTheDocument();
  });

  it("without facts (an older backend), nothing is listed", async () => {
    await setLanguage("fr");
    render(ErrorView, {
      error: { ...noKey, facts: undefined },
      archive: "/tmp/result.zip",
      onStartOver: () => {},
      onRetry: () => {},
    });
    expect(screen.queryByTestId("error-keys-tried")).not.toBeInTheDocument();
  });
});
