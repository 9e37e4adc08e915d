/**
 * An error panel says each thing once: its title, the core's message and its hint never say the
 * same sentence twice (the wallet's wrong password, the rotation's kit refusal).
 */
import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import App from "../src/App.svelte";
import InlineError from "../src/lib/components/InlineError.svelte";
import ErrorView from "../src/lib/components/ErrorView.svelte";
import en from "../src/lib/i18n/en.json";
import fr from "../src/lib/i18n/fr.json";
import { setLanguage } from "../src/lib/i18n";
import type { IpcError, KeySummary, Rotation } from "../src/lib/ipc/bindings";
import { createMockBackend, SAMPLE_FINGERPRINT, SAMPLE_FINGERPRINT_2, sampleKey } from "../src/lib/mockBackend";
import { keystorePathOf, sampleWallet } from "../src/lib/mockWallet";
import { ADDRESS_A } from "../src/lib/mockTasks";
import { clausesOf, sameClause, sayOnce } from "../src/lib/errorText";

afterEach(async () => {
  delete window.__resultVault;
  await setLanguage("en");
});

/** Words of a clause, for a check written apart from the component's own rule. */
const words = (s: string) => new Set(s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);

/**
 * The sentences (and clauses) said twice in a panel: by two of its parts (title, lead, message,
 * hint), with the same words, or one saying all the words of the other give or take one in four.
 */
function saidTwice(panel: HTMLElement): [string, string][] {
  const parts = [...panel.querySelectorAll<HTMLElement>("strong, h2, p, dd")]
    .filter((el) => !el.querySelector("strong, h2, p, dd"))
    .map((el) => el.textContent?.trim() ?? "")
    .filter(Boolean);
  const clauses = parts.flatMap((text, part) =>
    text
      .split(/(?<=[.!?:;])\s+/u)
      .map((c) => ({ part, text: c, words: words(c) }))
      .filter((c) => c.words.size >= 3),
  );
  const twice: [string, string][] = [];
  for (const [i, a] of clauses.entries()) {
    for (const b of clauses.slice(i + 1)) {
      if (a.part === b.part) continue;
      const common = [...a.words].filter((w) => b.words.has(w)).length;
      if (common / Math.max(a.words.size, b.words.size) >= 0.75) twice.push([a.text, b.text]);
    }
  }
  return twice;
}

describe("saidTwice (the test's own check)", () => {
  it("catches the panels as they were: a lead or a hint repeating the message", () => {
    // The wallet's panel for a wrong password, before: the lead said the message again.
    const before = document.createElement("div");
    before.innerHTML = `<strong>Wrong wallet password</strong>
      <p>This password does not open the keystore. Type it again: capital letters matter.</p>
      <p>This password does not open the wallet keystore.</p>
      <p>Type the password you chose when the wallet was created. Letter case matters.</p>`;
    expect(saidTwice(before)).toHaveLength(1);
    // The rotation's kit refusal, before: the lead said the message's first clause again.
    const rotation = document.createElement("div");
    rotation.innerHTML = `<strong>Back up this key first</strong>
      <p>No verified recovery kit holds the new key yet. Make the new kit and finish its test, then continue.</p>
      <p>No verified recovery kit holds the new key yet: pushing it now could lose the results of every task started after the push.</p>`;
    expect(saidTwice(rotation)).toHaveLength(1);
  });
});

describe("sayOnce", () => {
  it("leaves out a clause said by an earlier part (case, punctuation and an added word aside)", () => {
    expect(sayOnce(["Wrong password", "This password does not open the keystore.", "this password does NOT open the keystore"])).toEqual([
      "Wrong password",
      "This password does not open the keystore.",
      null,
    ]);
    expect(
      sayOnce([
        "Title",
        "This password does not open the keystore.",
        "This password does not open the wallet keystore.",
        "Type it again.",
      ]),
    ).toEqual(["Title", "This password does not open the keystore.", null, "Type it again."]);
    // What a part says that is new stays, starting with a capital.
    expect(
      sayOnce(["Kit refused", "No kit holds the new key yet.", "No kit holds the new key yet: pushing now could lose results."]),
    ).toEqual(["Kit refused", "No kit holds the new key yet.", "Pushing now could lose results."]);
    expect(sayOnce(["Title", "", undefined, null])).toEqual(["Title", null, null, null]);
  });

  it("compares clauses, not loose words: short clauses only when equal", () => {
    expect(clausesOf("One two three. Four: five; six")).toEqual(["One two three.", "Four:", "five;", "six"]);
    expect(sameClause("Try again.", "try again")).toBe(true);
    expect(sameClause("Try again.", "Try later.")).toBe(false);
    expect(sameClause("Wrong wallet password", "The wallet password typed is wrong, type it again with care")).toBe(false);
    expect(sameClause("This password does not open the keystore.", "This password does not open the wallet keystore.")).toBe(true);
    // One word changed is another clause.
    expect(sameClause("message for not a result", "hint for not a result")).toBe(false);
    expect(sameClause("The archive is incomplete.", "The archive is complete.")).toBe(false);
  });
});

describe("InlineError and ErrorView", () => {
  const repeated: IpcError = {
    kind: "wrong_password",
    message: "This password does not open the wallet keystore.",
    hint: "This password does not open the wallet keystore.",
  };

  it("InlineError shows a hint that repeats the message once, and a title given for the screen", () => {
    render(InlineError, { error: repeated, testid: "panel", title: "Custom title" });
    const panel = screen.getByTestId("panel");
    expect(within(panel).getByTestId("inline-error-title")).toHaveTextContent("Custom title");
    expect(within(panel).getByTestId("inline-error-message")).toHaveTextContent(repeated.message);
    expect(within(panel).queryByTestId("inline-error-hint")).not.toBeInTheDocument();
    expect(saidTwice(panel)).toEqual([]);
  });

  it("ErrorView does not show a hint that repeats the message", () => {
    render(ErrorView, { error: repeated, archive: null, onStartOver: () => {}, onRetry: () => {} });
    const panel = screen.getByTestId("error-view");
    expect(screen.getByTestId("error-message")).toHaveTextContent(repeated.message);
    expect(screen.queryByTestId("error-hint")).not.toBeInTheDocument();
    expect(saidTwice(panel)).toEqual([]);
  });
});

describe("the wallet's wrong password", () => {
  async function importWith(password: string | null) {
    const backend = createMockBackend({ manual: true, ringKeys: [sampleKey({ backed_up: true })] });
    const user = userEvent.setup();
    render(App, { backend });
    await user.click(screen.getByTestId("nav-keys"));
    const section = await screen.findByTestId("wallet-section");
    await user.click(await within(section).findByTestId("wallet-keystore-found"));
    if (password) await user.type(within(section).getByTestId("wallet-password-input"), password);
    await user.click(within(section).getByTestId("wallet-import-submit"));
    return within(section).findByTestId("wallet-error");
  }

  it("says each thing once for a wrong password", async () => {
    const panel = await importWith("not the password");
    expect(panel).toHaveAttribute("data-kind", "wrong_password");
    expect(within(panel).getByTestId("inline-error-title")).toHaveTextContent(en.errors.title.wrong_password);
    expect(within(panel).getByTestId("inline-error-lead")).toHaveTextContent(en.wallet.errors.wrongPassword);
    // The core's message ("This password does not open the wallet keystore.") says the lead again.
    expect(within(panel).queryByTestId("inline-error-message")).not.toBeInTheDocument();
    expect(within(panel).getByTestId("inline-error-hint")).toHaveTextContent("Letter case matters.");
    expect(saidTwice(panel)).toEqual([]);
  });

  it("says each thing once when no password was typed (its own title)", async () => {
    const panel = await importWith(null);
    expect(panel).toHaveAttribute("data-kind", "wrong_password");
    expect(within(panel).getByTestId("inline-error-title")).toHaveTextContent(en.wallet.errors.passwordNeeded);
    expect(panel).toHaveTextContent("This wallet keystore needs its password.");
    expect(saidTwice(panel)).toEqual([]);
  });

  it("says each thing once in French too", async () => {
    await setLanguage("fr");
    const panel = await importWith("not the password");
    expect(within(panel).getByTestId("inline-error-title")).toHaveTextContent(fr.errors.title.wrong_password);
    expect(saidTwice(panel)).toEqual([]);
  });

  it("says each thing once on the SMS row after a wrong password", async () => {
    const backend = createMockBackend({
      manual: true,
      ringKeys: [sampleKey({ backed_up: true })],
      wallets: [sampleWallet({ in_ring: false, keystore_path: keystorePathOf(ADDRESS_A) })],
      watched: [{ network: "arbitrum-mainnet", address: ADDRESS_A, label: "", added: 0, last_refresh: null, last_source: null }],
    });
    const user = userEvent.setup();
    render(App, { backend });
    await user.click(screen.getByTestId("nav-keys"));
    const row = await waitFor(() => {
      const found = screen.getAllByTestId("sms-row").find((r) => r.dataset.network === "arbitrum-mainnet");
      expect(found).toHaveAttribute("data-state", "absent");
      return found as HTMLElement;
    });
    await user.click(within(row).getByTestId("sms-push"));
    await user.type(await screen.findByTestId("password-dialog-input"), "nope{Enter}");
    const panel = await within(row).findByTestId("sms-error");
    expect(panel).toHaveAttribute("data-kind", "wrong_password");
    expect(saidTwice(panel)).toEqual([]);
  });
});

describe("the rotation's kit refusal (backup_required)", () => {
  const ring = (): KeySummary[] => [
    sampleKey({ label: "Laptop key", backed_up: true }),
    sampleKey({ fingerprint: SAMPLE_FINGERPRINT_2, label: "New key", created: "2025-05-02T09:12:00Z", backed_up: false }),
  ];
  const rotation = (): Rotation => ({
    id: "4f1c2a9be0d37a65",
    address: ADDRESS_A,
    networks: ["arbitrum-mainnet"],
    old_fingerprint: SAMPLE_FINGERPRINT,
    new_fingerprint: SAMPLE_FINGERPRINT_2,
    step: "key_generated",
    pushed: [],
    started: "2025-05-02T09:10:00Z",
    finished: null,
  });

  it("says each thing once, under a title that fits the rotation", async () => {
    const backend = createMockBackend({ manual: true, ringKeys: ring(), wallets: [sampleWallet()], rotation: rotation() });
    const user = userEvent.setup();
    render(App, { backend });
    await user.click(await screen.findByTestId("rotation-resume"));
    const wizard = await screen.findByTestId("rotation-wizard");
    await waitFor(() => expect(wizard).toHaveAttribute("data-step", "kit"));
    await user.click(screen.getByTestId("rotation-next"));
    const panel = await screen.findByTestId("rotation-error");
    expect(panel).toHaveAttribute("data-kind", "backup_required");
    expect(within(panel).getByTestId("inline-error-title")).toHaveTextContent(en.rotation.kit.notYetTitle);
    // Not the title of a key deletion refused ("Back up this key first").
    expect(panel).not.toHaveTextContent(en.errors.title.backup_required);
    expect(within(panel).getByTestId("inline-error-lead")).toHaveTextContent(en.rotation.kit.notYet);
    // The core's message starts with the same sentence: only the rest of it is shown.
    expect(within(panel).getByTestId("inline-error-message")).toHaveTextContent(
      /^Pushing it now could lose the results of every task started after the push\.$/,
    );
    expect(within(panel).getByTestId("inline-error-hint")).toHaveTextContent("Make a new recovery kit");
    expect(saidTwice(panel)).toEqual([]);
  });
});
