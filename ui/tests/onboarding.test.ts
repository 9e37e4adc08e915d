import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import App from "../src/App.svelte";
import en from "../src/lib/i18n/en.json";
import fr from "../src/lib/i18n/fr.json";
import { setLanguage } from "../src/lib/i18n";
import { createMockBackend, SAMPLE_WORDS, sampleKey, type MockOptions } from "../src/lib/mockBackend";
import { ADDRESS_A } from "../src/lib/mockTasks";
import { sampleWallet } from "../src/lib/mockWallet";
import { createVault } from "../src/lib/stores/keys";
import {
  finished,
  ONBOARDING_KEY,
  readOnboarding,
  remindersOf,
  shouldOfferTour,
  skippableFrom,
  withStep,
  writeOnboarding,
  type OnboardingRecord,
} from "../src/lib/onboarding";

type User = ReturnType<typeof userEvent.setup>;

/** A first run: no tour record, an empty key ring (and no key folder found). */
function firstRun(opts: Partial<MockOptions> = {}) {
  localStorage.removeItem(ONBOARDING_KEY);
  const backend = createMockBackend({ manual: true, keyLocations: [], ...opts });
  const user = userEvent.setup();
  const view = render(App, { backend });
  return { backend, user, ...view };
}

/** A first run, once the tour shows. */
async function tourRun(opts: Partial<MockOptions> = {}) {
  const run = firstRun(opts);
  await screen.findByTestId("onboarding");
  return run;
}

const stored = () => readOnboarding();

function tour(): HTMLElement {
  return screen.getByTestId("onboarding");
}

/** The tour is at `step`, its stepper says so, and the step's heading has the focus. */
async function atStep(step: string, heading: string) {
  await waitFor(() => expect(tour()).toHaveAttribute("data-step", step));
  const current = screen.getAllByTestId("onboarding-step").find((s) => s.getAttribute("aria-current") === "step");
  expect(current).toHaveAttribute("data-step", step);
  const h = screen.getByRole("heading", { name: heading, level: 2 });
  await waitFor(() => expect(h).toHaveFocus());
  return h;
}

async function next(user: User) {
  await user.click(screen.getByTestId("onboarding-next"));
}

async function skip(user: User) {
  await user.click(screen.getByTestId("onboarding-skip"));
}

beforeEach(() => {
  localStorage.removeItem(ONBOARDING_KEY);
});

afterEach(async () => {
  delete window.__resultVault;
  await setLanguage("en");
});

describe("first run", () => {
  it("starts the welcome tour when the key ring is empty and the tour never ran", async () => {
    firstRun();
    await screen.findByTestId("onboarding");
    await atStep("welcome", en.onboarding.welcome.heading);
    expect(screen.getAllByTestId("onboarding-step").map((s) => s.dataset.step)).toEqual([
      "welcome",
      "keys",
      "backup",
      "wallet",
      "watch",
      "done",
    ]);
    expect(tour()).toHaveTextContent(en.onboarding.welcome.what);
    expect(screen.getByRole("list", { name: en.onboarding.stepsLabel })).toBeInTheDocument();
    expect(screen.getByTestId("onboarding-skip")).toHaveTextContent(en.onboarding.skip);
    // Words of the kit could be on screen later: no backup banner over the tour.
    expect(screen.queryByTestId("backup-reminder")).not.toBeInTheDocument();
  });

  it.each<[string, Partial<MockOptions>, OnboardingRecord | null]>([
    ["the ring holds a key", { ringKeys: [sampleKey()] }, null],
    ["the tour was finished", {}, { status: "done", skipped: [] }],
    ["the tour was skipped", {}, { status: "skipped", skipped: ["keys"] }],
    ["the app runs for the end-to-end tests", { e2e: "hooks" }, null],
  ])("does not start when %s", async (_why, opts, record) => {
    if (record) writeOnboarding(record);
    const backend = createMockBackend({ manual: true, ...opts });
    render(App, { backend });
    await screen.findByTestId("drop-zone");
    await waitFor(() => expect(backend.callsTo("vault_open")).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 30));
    expect(screen.queryByTestId("onboarding")).not.toBeInTheDocument();
    if (record) localStorage.removeItem(ONBOARDING_KEY);
  });

  it("starts under the end-to-end tests when they ask for the tour (RESULT_VAULT_E2E=tour)", async () => {
    const backend = createMockBackend({ manual: true, e2e: "tour" });
    render(App, { backend });
    await screen.findByTestId("onboarding");
    await atStep("welcome", en.onboarding.welcome.heading);
    expect(window.__resultVault?.setNextPath).toBeDefined();
  });

  it("skipping it at once leaves every step as a reminder on Home", async () => {
    const { user } = firstRun();
    await atStep("welcome", en.onboarding.welcome.heading);
    await skip(user);
    await screen.findByTestId("home-screen");
    expect(stored()).toEqual({ status: "skipped", skipped: ["keys", "backup", "wallet", "watch"] });
    await waitFor(() => expect(screen.getAllByTestId("home-reminder").map((r) => r.dataset.kind)).toEqual(["keys", "wallet", "watch"]));
  });
});

describe("the whole tour, from the keyboard", () => {
  it("creates a key, backs it up, skips the wallet, watches an address, and lands on the tasks", async () => {
    const { backend, user } = await tourRun();
    await atStep("welcome", en.onboarding.welcome.heading);

    // Welcome → Your key.
    screen.getByTestId("onboarding-next").focus();
    await user.keyboard("{Enter}");
    await atStep("keys", en.onboarding.keys.heading);
    expect(screen.queryByTestId("onboarding-next")).not.toBeInTheDocument();

    // Create a key: type its name and press Enter.
    await user.tab();
    expect(screen.getByTestId("onboarding-key-label")).toHaveFocus();
    await user.keyboard("Work laptop{Enter}");
    await waitFor(() => expect(backend.callsTo("keys_generate")).toEqual([{ label: "Work laptop", jobId: expect.any(String) }]));

    // Back-up: the backup wizard, inside the tour.
    await atStep("backup", en.onboarding.backup.heading);
    expect(screen.getByTestId("onboarding-key-notice")).toHaveTextContent("Work laptop");
    screen.getByTestId("onboarding-backup").focus();
    await user.keyboard("{Enter}");
    const wizard = await screen.findByTestId("backup-wizard");
    await waitFor(() => expect(within(wizard).getByRole("heading", { level: 2 })).toHaveFocus());
    expect(tour()).toHaveAttribute("aria-labelledby", "backup-heading");
    await user.click(screen.getByTestId("backup-save"));
    await user.click(await screen.findByTestId("backup-continue"));
    for (const input of await screen.findAllByTestId("quiz-word-input")) {
      await user.type(input, SAMPLE_WORDS[Number(input.dataset.index) - 1]);
    }
    await user.click(screen.getByTestId("quiz-submit"));
    await user.click(await screen.findByTestId("backup-close"));

    // Key service: skipped for now.
    await atStep("wallet", en.onboarding.wallet.heading);
    expect(screen.getByTestId("wallet-section")).toBeInTheDocument();
    expect(screen.getByTestId("sms-section")).toBeInTheDocument();
    await skip(user);

    // Your tasks: watch an address.
    await atStep("watch", en.onboarding.watch.heading);
    await user.type(screen.getByTestId("onboarding-watch-address"), `${ADDRESS_A}{Enter}`);
    await screen.findByTestId("onboarding-watch-notice");
    expect(backend.callsTo("watched_add")).toEqual([{ network: "arbitrum-mainnet", address: ADDRESS_A, label: "" }]);
    await next(user);

    // Done: what was done and what was skipped.
    await atStep("done", en.onboarding.done.heading);
    const summary = screen.getAllByTestId("onboarding-summary-step").map((s) => [s.dataset.step, s.dataset.skipped]);
    expect(summary).toEqual([
      ["keys", "false"],
      ["backup", "false"],
      ["wallet", "true"],
      ["watch", "false"],
    ]);
    await next(user);
    expect(await screen.findByTestId("tasks-screen")).toBeInTheDocument();
    expect(stored()).toEqual({ status: "done", skipped: ["wallet"] });
  });

  it("moves the focus to each new step's heading, skipping every step", async () => {
    const { user } = await tourRun();
    await atStep("welcome", en.onboarding.welcome.heading);
    await next(user);
    await atStep("keys", en.onboarding.keys.heading);
    await skip(user);
    // No key: nothing to back up, the step only goes on.
    await atStep("backup", en.onboarding.backup.heading);
    expect(screen.getByTestId("onboarding-backup-nothing")).toHaveTextContent(en.onboarding.backup.noKey);
    await next(user);
    await atStep("wallet", en.onboarding.wallet.heading);
    await skip(user);
    await atStep("watch", en.onboarding.watch.heading);
    await skip(user);
    await atStep("done", en.onboarding.done.heading);
    await user.click(screen.getByTestId("onboarding-home"));
    await screen.findByTestId("home-screen");
    expect(stored()).toEqual({ status: "done", skipped: ["keys", "wallet", "watch"] });
  });

  it("restores from a recovery kit inside the tour", async () => {
    const { backend, user } = await tourRun();
    const kitKey = sampleKey({ label: "Old laptop key", backed_up: true });
    backend.options.kits[backend.options.pickKitFile ?? ""] = { words: [...SAMPLE_WORDS], keys: [kitKey] };
    await next(user);
    await atStep("keys", en.onboarding.keys.heading);
    await user.click(screen.getByTestId("onboarding-restore-start"));
    const restore = await screen.findByTestId("restore-screen");
    await waitFor(() => expect(within(restore).getByRole("heading", { name: en.restore.heading })).toHaveFocus());
    expect(tour()).toHaveAttribute("aria-labelledby", "restore-heading");
    await user.click(screen.getByTestId("restore-choose-kit"));
    await user.click(screen.getByTestId("restore-words-input"));
    await user.paste(SAMPLE_WORDS.join(" "));
    await user.click(screen.getByTestId("restore-submit"));
    const done = await screen.findByTestId("restore-done");
    expect(done).toHaveTextContent(en.onboarding.continue);
    await user.click(done);
    // The restored keys come from a verified kit: nothing to back up.
    await atStep("backup", en.onboarding.backup.heading);
    expect(screen.getByTestId("onboarding-backed-up")).toBeInTheDocument();
    await next(user);
    await atStep("wallet", en.onboarding.wallet.heading);
  });

  it("imports an existing key folder", async () => {
    const { backend, user } = await tourRun();
    await next(user);
    await atStep("keys", en.onboarding.keys.heading);
    await user.click(screen.getByTestId("onboarding-import-folder"));
    await atStep("backup", en.onboarding.backup.heading);
    expect(backend.callsTo("keys_import_path")).toEqual([{ path: "/home/alice/project/.secrets/beneficiary" }]);
  });

  it("shows a failed import in the step", async () => {
    const { user } = await tourRun({ errors: { keys_import_path: { kind: "invalid_key_file", message: "That is a public key.", hint: "" } } });
    await next(user);
    await atStep("keys", en.onboarding.keys.heading);
    await user.click(screen.getByTestId("onboarding-import-file"));
    const error = await screen.findByTestId("onboarding-key-error");
    expect(error).toHaveTextContent("That is a public key.");
    expect(tour()).toHaveAttribute("data-step", "keys");
  });

  it("fills the address to watch with the wallet's", async () => {
    const { user } = await tourRun({ wallets: [sampleWallet()] });
    await next(user);
    await skip(user);
    await next(user);
    await atStep("wallet", en.onboarding.wallet.heading);
    expect(await screen.findByTestId("wallet-row")).toHaveAttribute("data-address", ADDRESS_A);
    // A wallet is there: the step can go on.
    await next(user);
    await atStep("watch", en.onboarding.watch.heading);
    expect(screen.getByTestId("onboarding-watch-address")).toHaveValue(ADDRESS_A);
    expect(screen.getByTestId("onboarding-watch-address")).toHaveAccessibleDescription(en.onboarding.watch.prefilled);
  });

  it("says what is wrong with an address to watch", async () => {
    const { user } = await tourRun();
    await next(user);
    await skip(user);
    await next(user);
    await skip(user);
    await atStep("watch", en.onboarding.watch.heading);
    await user.type(screen.getByTestId("onboarding-watch-address"), "0x1234{Enter}");
    const error = await screen.findByTestId("onboarding-watch-error");
    expect(error).toHaveAttribute("data-kind", "invalid_address");
    await waitFor(() => expect(screen.getByTestId("onboarding-watch-address")).toHaveFocus());
    expect(screen.getByTestId("onboarding-watch-address")).toHaveAttribute("aria-invalid", "true");
  });
});

describe("leaving the tour", () => {
  it("by the navigation: the steps left become reminders", async () => {
    const { user } = await tourRun();
    await next(user);
    await atStep("keys", en.onboarding.keys.heading);
    await user.click(screen.getByTestId("nav-tasks"));
    await screen.findByTestId("tasks-screen");
    expect(stored()).toEqual({ status: "skipped", skipped: ["keys", "backup", "wallet", "watch"] });
  });

  it("a drop opens the file on Home", async () => {
    const { backend } = await tourRun();
    await atStep("welcome", en.onboarding.welcome.heading);
    backend.emitDrag({ type: "enter", paths: ["/d/result.zip"] });
    await screen.findByTestId("drop-zone");
    backend.emitDrag({ type: "drop", paths: ["/d/result.zip"] });
    await waitFor(() => expect(backend.jobs).toHaveLength(1));
    expect(stored()?.status).toBe("skipped");
  });

  it("but not while the kit's words are on screen", async () => {
    const { backend, user } = await tourRun();
    await next(user);
    await user.click(screen.getByTestId("onboarding-create-key"));
    await user.click(await screen.findByTestId("onboarding-backup"));
    await user.click(await screen.findByTestId("backup-save"));
    await screen.findByTestId("backup-words");
    backend.emitDrag({ type: "enter", paths: ["/d/result.zip"] });
    backend.emitDrag({ type: "drop", paths: ["/d/result.zip"] });
    await new Promise((r) => setTimeout(r, 20));
    expect(backend.jobs).toHaveLength(0);
    expect(screen.getByTestId("backup-words")).toBeInTheDocument();
    // The tour goes on (it was not left).
    expect(stored()?.status ?? null).toBeNull();
    expect(tour()).toHaveAttribute("data-step", "backup");
  });
});

describe("shown again from Settings", () => {
  it("with keys already there, the key step only goes on", async () => {
    writeOnboarding({ status: "done", skipped: [] });
    const backend = createMockBackend({ manual: true, ringKeys: [sampleKey({ backed_up: true })] });
    const user = userEvent.setup();
    render(App, { backend });
    await user.click(screen.getByTestId("nav-settings"));
    await user.click(await screen.findByTestId("show-tour"));
    await atStep("welcome", en.onboarding.welcome.heading);
    await next(user);
    await atStep("keys", en.onboarding.keys.heading);
    expect(screen.getByTestId("onboarding-has-keys")).toHaveTextContent("Your key ring holds 1 key.");
    expect(screen.queryByTestId("onboarding-skip")).not.toBeInTheDocument();
    await next(user);
    await atStep("backup", en.onboarding.backup.heading);
  });
});

describe("in French", () => {
  it("names the steps and the buttons in French", async () => {
    await setLanguage("fr");
    firstRun();
    await atStep("welcome", fr.onboarding.welcome.heading);
    expect(screen.getAllByTestId("onboarding-step").map((s) => s.textContent?.replace(/\s+/g, " ").trim())).toEqual([
      "1 Bienvenue",
      "2 Votre clé",
      "3 Sauvegarde",
      "4 Service de clés",
      "5 Vos tâches",
      "6 Terminé",
    ]);
    expect(screen.getByTestId("onboarding-skip")).toHaveTextContent("Passer pour l’instant");
    expect(screen.getByTestId("onboarding-next")).toHaveTextContent("Commencer");
  });
});

describe("the tour's record", () => {
  it("reads back what was written, and copes with junk", () => {
    expect(readOnboarding()).toBeNull();
    writeOnboarding({ status: "done", skipped: ["watch", "keys"] });
    expect(readOnboarding()).toEqual({ status: "done", skipped: ["keys", "watch"] });
    localStorage.setItem(ONBOARDING_KEY, "{not json");
    expect(readOnboarding()).toBeNull();
    localStorage.setItem(ONBOARDING_KEY, JSON.stringify({ status: "odd", skipped: ["keys", "nonsense", 3] }));
    expect(readOnboarding()).toEqual({ status: null, skipped: ["keys"] });
  });

  it("records skipped and done steps, and the end of the tour", () => {
    let r = withStep(null, "wallet", true);
    expect(r).toEqual({ status: null, skipped: ["wallet"] });
    r = withStep(r, "keys", true);
    expect(r.skipped).toEqual(["keys", "wallet"]);
    r = withStep(r, "keys", false);
    expect(r.skipped).toEqual(["wallet"]);
    expect(finished(r, "done")).toEqual({ status: "done", skipped: ["wallet"] });
    expect(finished(r, "skipped", "backup")).toEqual({ status: "skipped", skipped: ["backup", "wallet", "watch"] });
    expect(skippableFrom("welcome")).toEqual(["keys", "backup", "wallet", "watch"]);
    expect(skippableFrom("watch")).toEqual(["watch"]);
    expect(skippableFrom("done")).toEqual([]);
  });

  it("offers the tour only on a first run with an open, empty ring", async () => {
    const empty = createVault(createMockBackend());
    await empty.start();
    let state: Parameters<typeof shouldOfferTour>[1] = { name: "starting" };
    empty.subscribe((s) => (state = s))();
    expect(shouldOfferTour(null, state)).toBe(true);
    expect(shouldOfferTour({ status: null, skipped: ["keys"] }, state)).toBe(true);
    expect(shouldOfferTour({ status: "done", skipped: [] }, state)).toBe(false);
    expect(shouldOfferTour(null, { name: "starting" })).toBe(false);
  });

  it("reminds only the skipped steps still to do", async () => {
    const vault = createVault(createMockBackend({ ringKeys: [sampleKey({ backed_up: false })] }));
    await vault.start();
    let state: Parameters<typeof remindersOf>[1]["vault"] = { name: "starting" };
    vault.subscribe((s) => (state = s))();
    const record: OnboardingRecord = { status: "skipped", skipped: ["keys", "backup", "wallet", "watch"] };
    expect(remindersOf(record, { vault: state, wallets: [], sms: [], watchedCount: 0 })).toEqual([
      { kind: "backup" },
      { kind: "wallet" },
      { kind: "watch" },
    ]);
    expect(
      remindersOf(record, {
        vault: state,
        wallets: [sampleWallet()],
        sms: [
          { network: "arbitrum-mainnet", label: "Arbitrum One", state: "pushed_from_vault" },
          { network: "arbitrum-sepolia-testnet", label: "Arbitrum Sepolia", state: "set_elsewhere" },
        ],
        watchedCount: 2,
      }),
    ).toEqual([{ kind: "backup" }, { kind: "sms", network: "arbitrum-sepolia-testnet", label: "Arbitrum Sepolia" }]);
    // Not known yet: nothing said.
    expect(remindersOf({ status: "done", skipped: ["wallet", "watch"] }, { vault: state, wallets: null, sms: [], watchedCount: null })).toEqual([]);
  });
});
