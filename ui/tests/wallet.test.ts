import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import App from "../src/App.svelte";
import en from "../src/lib/i18n/en.json";
import fr from "../src/lib/i18n/fr.json";
import { setLanguage } from "../src/lib/i18n";
import type { IpcError, KeySummary, Rotation } from "../src/lib/ipc/bindings";
import {
  createMockBackend,
  SAMPLE_FINGERPRINT,
  SAMPLE_FINGERPRINT_2,
  SAMPLE_WORDS,
  sampleKey,
  type MockBackend,
  type MockOptions,
} from "../src/lib/mockBackend";
import {
  keystorePathOf,
  SAMPLE_KEYSTORE_PASSWORD,
  SAMPLE_PRIVATE_KEY_B,
  sampleWallet,
} from "../src/lib/mockWallet";
import { ADDRESS_A, ADDRESS_B, sampleWatched } from "../src/lib/mockTasks";
import { formatDate } from "../src/lib/format";
import { wizardStepOf } from "../src/lib/components/RotationWizard.svelte";

type User = ReturnType<typeof userEvent.setup>;

const MAINNET_SMS = "https://sms.arbitrum-mainnet.iex.ec";
const KEYSTORE = keystorePathOf(ADDRESS_A);

/** The active key, in a verified kit, pushed to Arbitrum One from this vault on 22 April 2025. */
const laptop = (): KeySummary =>
  sampleKey({
    label: "Laptop key",
    backed_up: true,
    push_journal: [
      {
        network: "arbitrum-mainnet",
        sms_url: MAINNET_SMS,
        address: ADDRESS_A,
        at: "2025-04-22T14:03:00Z",
        outcome: "201 (created)",
        ok: true,
      },
    ],
  });

const pathOnlyWallet = () =>
  sampleWallet({ label: "UTC--keystore", in_ring: false, keystore_path: KEYSTORE });

function setup(opts: Partial<MockOptions> = {}, backend?: MockBackend) {
  const b = backend ?? createMockBackend({ manual: true, ringKeys: [laptop()], ...opts });
  const user = userEvent.setup();
  const view = render(App, { backend: b });
  return { backend: b, user, ...view };
}

async function openKeys(user: User) {
  await user.click(screen.getByTestId("nav-keys"));
  return screen.findByTestId("keys-screen");
}

function smsRow(network: string): HTMLElement {
  const found = screen.getAllByTestId("sms-row").find((r) => r.dataset.network === network);
  if (!found) throw new Error(`no SMS row for ${network}`);
  return found;
}

function pushRow(network: string): HTMLElement {
  const found = screen.getAllByTestId("rotation-push-row").find((r) => r.dataset.network === network);
  if (!found) throw new Error(`no push line for ${network}`);
  return found;
}

function stepItem(step: string): HTMLElement {
  const found = screen.getAllByTestId("rotation-step").find((s) => s.dataset.step === step);
  if (!found) throw new Error(`no step ${step}`);
  return found;
}

async function atStep(step: string) {
  const wizard = await screen.findByTestId("rotation-wizard");
  await waitFor(() => expect(wizard).toHaveAttribute("data-step", step));
  if (step !== "done") expect(stepItem(step)).toHaveAttribute("aria-current", "step");
  await waitFor(() => expect(wizard.querySelector("#rotation-heading")).toHaveFocus());
  return wizard;
}

/** A rotation stored as the app would have it on disk. */
function storedRotation(overrides: Partial<Rotation> = {}): Rotation {
  return {
    id: "4f1c2a9be0d37a65",
    address: ADDRESS_A,
    networks: ["arbitrum-mainnet", "arbitrum-sepolia-testnet"],
    old_fingerprint: SAMPLE_FINGERPRINT,
    new_fingerprint: SAMPLE_FINGERPRINT_2,
    step: "kit_updated",
    pushed: [],
    started: "2025-05-02T09:10:00Z",
    finished: null,
    ...overrides,
  };
}

/** The ring during a rotation: the old key and the new one (backed up). */
const rotatingRing = (): KeySummary[] => [
  laptop(),
  sampleKey({
    fingerprint: SAMPLE_FINGERPRINT_2,
    label: "Key of 2025-05-02",
    created: "2025-05-02T09:12:00Z",
    backed_up: true,
  }),
];

const UNAUTHORIZED: IpcError = {
  kind: "sms_unauthorized",
  message: "The SMS https://sms.arbitrum-sepolia-testnet.iex.ec refused the signature (HTTP 401).",
  hint: "The wallet must be the beneficiary's own wallet.",
};

afterEach(async () => {
  delete window.__resultVault;
  await setLanguage("en");
});

describe("wallet", () => {
  it("says why it is needed, and shows the wrong_password message for a wrong password", async () => {
    const { backend, user } = setup();
    await openKeys(user);
    const section = screen.getByTestId("wallet-section");
    expect(section).toHaveTextContent(en.wallet.why);
    expect(await within(section).findByTestId("wallet-empty")).toHaveTextContent(en.wallet.none);
    const password = within(section).getByTestId("wallet-password-input");
    expect(password).toHaveAttribute("type", "password");
    expect(password).toHaveAttribute("autocomplete", "off");
    expect(password).toHaveAccessibleName(en.wallet.password);
    expect(within(section).getByTestId("wallet-import-submit")).toBeDisabled();

    // The keystore found in ~/.ethereum/keystore is one click away.
    const found = await within(section).findByTestId("wallet-keystore-found");
    expect(found).toHaveTextContent(ADDRESS_A);
    await user.click(found);
    expect(found).toHaveAttribute("aria-pressed", "true");
    await waitFor(() => expect(password).toHaveFocus());
    await user.type(password, "not the password");
    await user.click(within(section).getByTestId("wallet-import-submit"));

    const error = await within(section).findByTestId("wallet-error");
    expect(error).toHaveAttribute("data-kind", "wrong_password");
    expect(error).toHaveAttribute("role", "alert");
    expect(error).toHaveTextContent(en.errors.title.wrong_password);
    expect(error).toHaveTextContent(en.wallet.errors.wrongPassword);
    // The core's message says the lead again: it is not shown twice; its hint is.
    expect(error).not.toHaveTextContent("This password does not open the wallet keystore.");
    expect(error).toHaveTextContent("Letter case matters.");
    expect(password).toHaveAttribute("aria-invalid", "true");
    await waitFor(() => expect(password).toHaveFocus());
    expect(backend.callsTo("wallet_import_file")).toEqual([
      { path: KEYSTORE, password: "not the password", keep: "in_ring" },
    ]);
    expect(screen.queryByTestId("wallet-row")).not.toBeInTheDocument();
  });

  it("says a password is needed when none was typed, and a path containing 'wrong' never opens", async () => {
    const { user } = setup({ pickWalletFile: "/home/alice/wrong-keystore.json" });
    await openKeys(user);
    // "No file chosen" is a sentence, in the normal font; a file name is in the monospace one.
    expect(screen.getByTestId("wallet-chosen")).toHaveTextContent(en.wallet.noFile);
    expect(screen.getByTestId("wallet-chosen")).not.toHaveClass("mono");
    await user.click(screen.getByTestId("wallet-import-file"));
    expect(screen.getByTestId("wallet-chosen")).toHaveTextContent("wrong-keystore.json");
    expect(screen.getByTestId("wallet-chosen")).toHaveClass("mono");
    await user.click(screen.getByTestId("wallet-import-submit"));
    const error = await screen.findByTestId("wallet-error");
    // Nothing was typed: the title says a password is needed, not that it is wrong.
    expect(error).toHaveTextContent(en.wallet.errors.passwordNeeded);
    expect(error).not.toHaveTextContent(en.errors.title.wrong_password);
    expect(error).toHaveTextContent("This wallet keystore needs its password.");

    await user.type(screen.getByTestId("wallet-password-input"), SAMPLE_KEYSTORE_PASSWORD);
    await user.click(screen.getByTestId("wallet-import-submit"));
    await waitFor(() => expect(screen.getByTestId("wallet-error")).toHaveTextContent(en.wallet.errors.wrongPassword));
  });

  it("imports a keystore into the key ring, lists it checksummed with a copy button, and watches it", async () => {
    const { backend, user } = setup();
    await openKeys(user);
    await user.click(await screen.findByTestId("wallet-keystore-found"));
    await user.type(screen.getByTestId("wallet-password-input"), SAMPLE_KEYSTORE_PASSWORD);
    await user.click(screen.getByTestId("wallet-import-submit"));

    const row = await screen.findByTestId("wallet-row");
    expect(row).toHaveAttribute("data-address", ADDRESS_A);
    expect(within(row).getByTestId("wallet-address")).toHaveTextContent(ADDRESS_A);
    expect(within(row).getByTestId("wallet-copy")).toHaveAccessibleName(en.wallet.copy);
    expect(within(row).getByTestId("wallet-badge")).toHaveTextContent(en.wallet.inRing);
    expect(within(row).getByTestId("wallet-badge")).toHaveAttribute("data-keep", "in_ring");
    expect(screen.getByTestId("wallet-notice")).toHaveTextContent(`Wallet added: ${ADDRESS_A}`);
    expect(screen.getByTestId("wallet-password-input")).toHaveValue("");
    expect(screen.queryByTestId("wallet-error")).not.toBeInTheDocument();
    // Imported: no longer offered, and watched on every network.
    expect(screen.queryByTestId("wallet-keystore-found")).not.toBeInTheDocument();
    expect(backend.options.watched.filter((w) => w.address === ADDRESS_A).map((w) => w.network)).toEqual([
      "arbitrum-mainnet",
      "arbitrum-sepolia-testnet",
      "bellecour",
    ]);
  });

  it("keeps only the location of a keystore when asked: the row says it asks the password", async () => {
    const file = keystorePathOf(ADDRESS_B, "/home/alice/Downloads");
    const { backend, user } = setup({ pickWalletFile: file });
    await openKeys(user);
    await user.click(screen.getByTestId("wallet-import-file"));
    await user.selectOptions(screen.getByTestId("wallet-keep-select"), "path_only");
    expect(screen.getByTestId("wallet-keep-select")).toHaveAccessibleName(en.wallet.keep);
    expect(screen.getByTestId("wallet-section")).toHaveTextContent(en.wallet.keepPathOnlyHint);
    await user.type(screen.getByTestId("wallet-password-input"), `${SAMPLE_KEYSTORE_PASSWORD}{Enter}`);

    const row = await screen.findByTestId("wallet-row");
    expect(row).toHaveAttribute("data-address", ADDRESS_B);
    expect(within(row).getByTestId("wallet-badge")).toHaveTextContent(en.wallet.asksPassword);
    expect(row).toHaveTextContent(file);
    expect(backend.callsTo("pick_wallet_file")).toHaveLength(1);
    expect(backend.callsTo("wallet_import_file")).toEqual([
      { path: file, password: SAMPLE_KEYSTORE_PASSWORD, keep: "path_only" },
    ]);
  });

  it("imports a pasted private key (a password field), and refuses something else", async () => {
    const { backend, user } = setup();
    await openKeys(user);
    const input = screen.getByTestId("wallet-paste-key-input");
    expect(input).toHaveAttribute("type", "password");
    expect(input).toHaveAttribute("autocomplete", "off");
    await user.type(input, "0x1234");
    await user.click(screen.getByTestId("wallet-paste-submit"));
    const error = await screen.findByTestId("wallet-error");
    expect(error).toHaveAttribute("data-kind", "invalid_wallet");
    expect(error).toHaveTextContent(en.errors.title.invalid_wallet);
    expect(error).toHaveTextContent("64 hexadecimal digits");
    // The key is never left in the page.
    expect(input).toHaveValue("");

    await user.type(input, SAMPLE_PRIVATE_KEY_B);
    await user.type(screen.getByTestId("wallet-paste-label-input"), "Work wallet");
    await user.click(screen.getByTestId("wallet-paste-submit"));
    const row = await screen.findByTestId("wallet-row");
    expect(row).toHaveAttribute("data-address", ADDRESS_B);
    expect(row).toHaveTextContent("Work wallet");
    expect(within(row).getByTestId("wallet-badge")).toHaveTextContent(en.wallet.inRing);
    expect(input).toHaveValue("");
    expect(backend.callsTo("wallet_import_key")[1]).toEqual({ privateKey: SAMPLE_PRIVATE_KEY_B, label: "Work wallet" });
  });

  it("says what is wrong with a file that is not a usable wallet", async () => {
    const { user } = setup({ pickWalletFile: "/home/alice/keystore-cbc.json" });
    await openKeys(user);
    await user.click(screen.getByTestId("wallet-import-file"));
    await user.type(screen.getByTestId("wallet-password-input"), SAMPLE_KEYSTORE_PASSWORD);
    await user.click(screen.getByTestId("wallet-import-submit"));
    const error = await screen.findByTestId("wallet-error");
    expect(error).toHaveAttribute("data-kind", "invalid_wallet");
    expect(error).toHaveTextContent(en.errors.title.invalid_wallet);
    expect(error).toHaveTextContent("aes-128-cbc");
  });

  it("removes a wallet after confirmation", async () => {
    const { backend, user } = setup({ wallets: [sampleWallet()] });
    await openKeys(user);
    const row = await screen.findByTestId("wallet-row");
    const remove = within(row).getByTestId("wallet-remove");
    expect(remove).toHaveAccessibleName(`Remove the wallet ${ADDRESS_A}`);
    await user.click(remove);
    const dialog = await screen.findByTestId("confirm-dialog");
    expect(dialog).toHaveTextContent(en.wallet.confirmRemove.title);
    await user.click(within(dialog).getByTestId("confirm-cancel"));
    expect(backend.callsTo("wallet_remove")).toHaveLength(0);

    await user.click(within(row).getByTestId("wallet-remove"));
    await user.click(await screen.findByTestId("confirm-ok"));
    await waitFor(() => expect(screen.queryByTestId("wallet-row")).not.toBeInTheDocument());
    expect(backend.callsTo("wallet_remove")).toEqual([{ address: ADDRESS_A }]);
    expect(screen.getByTestId("wallet-notice")).toHaveTextContent(`Wallet removed: ${ADDRESS_A}`);
    expect(screen.getByTestId("sms-no-wallet")).toBeInTheDocument();
  });
});

describe("key service (SMS)", () => {
  it("points to the wallet section when no wallet is imported", async () => {
    const { backend, user } = setup();
    await openKeys(user);
    const section = screen.getByTestId("sms-section");
    const note = await within(section).findByTestId("sms-no-wallet");
    expect(note).toHaveTextContent(en.sms.noWallet);
    await user.click(within(note).getByTestId("sms-to-wallet"));
    expect(screen.getByRole("heading", { name: en.wallet.heading })).toHaveFocus();
    expect(within(section).queryByTestId("sms-row")).not.toBeInTheDocument();
    expect(backend.callsTo("sms_status")).toHaveLength(0);
  });

  it("checks the SMS of the networks in use on showing, in the three states, and checks again", async () => {
    const { backend, user } = setup({
      wallets: [sampleWallet()],
      smsKeys: { "arbitrum-mainnet": [ADDRESS_A], "arbitrum-sepolia-testnet": [ADDRESS_A] },
      // In use: Arbitrum One (the push journal), Arbitrum Sepolia (a watched address). Not Bellecour.
      watched: [sampleWatched({ network: "arbitrum-sepolia-testnet" })],
    });
    // Home checks the current networks in use first (its chips).
    await waitFor(() => expect(screen.getAllByTestId("home-sms-chip")).toHaveLength(2));
    await waitFor(() => expect(backend.callsTo("sms_status")).toHaveLength(2));
    const before = backend.callsTo("sms_status").length;
    await openKeys(user);
    await waitFor(() => expect(screen.getAllByTestId("sms-row")).toHaveLength(3));
    await waitFor(() => expect(smsRow("arbitrum-sepolia-testnet")).toHaveAttribute("data-state", "set_elsewhere"));
    const pushed = smsRow("arbitrum-mainnet");
    await waitFor(() => expect(pushed).toHaveAttribute("data-state", "pushed_from_vault"));
    expect(pushed).toHaveTextContent("Arbitrum One");
    expect(pushed).toHaveTextContent("Your key was pushed from this vault on Apr 22, 2025");
    expect(within(pushed).queryByTestId("sms-push")).not.toBeInTheDocument();

    const elsewhere = smsRow("arbitrum-sepolia-testnet");
    expect(elsewhere).toHaveTextContent(en.sms.state.set_elsewhere);
    expect(elsewhere).toHaveTextContent(en.sms.elsewhereHint);
    expect(within(elsewhere).getByTestId("sms-push")).toHaveTextContent(en.sms.push);

    // Bellecour is not in use: not checked, a compact row with its own button.
    const legacy = smsRow("bellecour");
    expect(legacy).toHaveAttribute("data-check", "not_checked");
    expect(legacy).toHaveAttribute("data-state", "unknown");
    expect(legacy).toHaveTextContent(en.sms.notChecked);
    expect(within(legacy).queryByTestId("sms-push")).not.toBeInTheDocument();
    expect(backend.callsTo("sms_status").slice(before)).toEqual([
      { network: "arbitrum-mainnet", address: ADDRESS_A },
      { network: "arbitrum-sepolia-testnet", address: ADDRESS_A },
    ]);

    // Picked: checked now, and by itself from now on.
    const checkOne = within(legacy).getByTestId("sms-check-one");
    expect(checkOne).toHaveAccessibleName("Check the key service of Bellecour (legacy, old tasks)");
    await user.click(checkOne);
    await waitFor(() => expect(smsRow("bellecour")).toHaveAttribute("data-state", "absent"));
    const absent = smsRow("bellecour");
    // The button went with the state: the focus stays on the row, the outcome is announced.
    expect(absent).toHaveFocus();
    expect(screen.getByTestId("sms-live")).toHaveTextContent("Bellecour (legacy, old tasks): key service checked.");
    expect(absent).toHaveAttribute("data-check", "checked");
    expect(absent).toHaveTextContent(en.sms.state.absent);
    expect(within(absent).getByTestId("sms-push")).toBeEnabled();
    expect(absent.querySelector("svg")).not.toBeNull();
    expect(backend.callsTo("sms_status")).toHaveLength(before + 3);

    backend.options.smsKeys = {};
    await user.click(screen.getByTestId("sms-check"));
    await waitFor(() => expect(smsRow("arbitrum-mainnet")).toHaveAttribute("data-state", "absent"));
    await waitFor(() => expect(backend.callsTo("sms_status")).toHaveLength(before + 6));
    expect(backend.callsTo("sms_status").slice(before + 3).map((c) => c.network).sort()).toEqual([
      "arbitrum-mainnet",
      "arbitrum-sepolia-testnet",
      "bellecour",
    ]);
  });

  it("checks only the networks in use on each visit: a wallet alone checks the push journal's networks", async () => {
    const { backend, user } = setup({ wallets: [sampleWallet()] });
    await openKeys(user);
    await waitFor(() => expect(smsRow("arbitrum-mainnet")).toHaveAttribute("data-check", "checked"));
    expect(smsRow("arbitrum-sepolia-testnet")).toHaveAttribute("data-check", "not_checked");
    expect(smsRow("bellecour")).toHaveAttribute("data-check", "not_checked");
    const count = (network: string) => backend.callsTo("sms_status").filter((c) => c.network === network).length;
    // Home's chips and the Keys screen: Arbitrum One only.
    expect(count("arbitrum-mainnet")).toBeGreaterThanOrEqual(1);
    expect(count("arbitrum-sepolia-testnet")).toBe(0);
    expect(count("bellecour")).toBe(0);
    const mainnet = count("arbitrum-mainnet");
    await user.click(screen.getByTestId("nav-tasks"));
    await openKeys(user);
    await waitFor(() => expect(count("arbitrum-mainnet")).toBe(mainnet + 1));
    expect(count("arbitrum-sepolia-testnet")).toBe(0);
    expect(count("bellecour")).toBe(0);
  });

  it("pushing turns absent into pushed_from_vault (today), journaled", async () => {
    const { backend, user } = setup({ wallets: [sampleWallet()] });
    await openKeys(user);
    await waitFor(() => expect(smsRow("arbitrum-mainnet")).toHaveAttribute("data-state", "absent"));
    const row = smsRow("arbitrum-mainnet");
    expect(row).toHaveTextContent("3F2A 91C0 77DE 0B44");
    await user.click(within(row).getByTestId("sms-push"));
    await waitFor(() => expect(row).toHaveAttribute("data-state", "pushed_from_vault"));
    const today = formatDate(new Date().toISOString(), "en");
    expect(row).toHaveTextContent(`Your key was pushed from this vault on ${today}`);
    expect(backend.callsTo("wallet_needs_password")).toEqual([{ address: ADDRESS_A }]);
    expect(backend.callsTo("sms_push")).toEqual([{ network: "arbitrum-mainnet", address: ADDRESS_A, password: null }]);
    expect(screen.queryByTestId("password-dialog")).not.toBeInTheDocument();
    expect(backend.options.smsKeys["arbitrum-mainnet"]).toEqual([ADDRESS_A]);
    const journal = backend.options.ringKeys[0].push_journal;
    expect(journal[journal.length - 1]).toMatchObject({ network: "arbitrum-mainnet", ok: true, outcome: "201 (created)" });
    expect(screen.getByTestId("sms-live")).toHaveTextContent("Arbitrum One: your key was pushed.");
    // The push returned the ring, journal included: it is not read again.
    expect(backend.callsTo("keys_overview")).toHaveLength(0);
  });

  it("asks the password of a path-only keystore before pushing; a wrong one shows the error", async () => {
    const { backend, user } = setup({ wallets: [pathOnlyWallet()] });
    await openKeys(user);
    await waitFor(() => expect(smsRow("arbitrum-mainnet")).toHaveAttribute("data-state", "absent"));
    const push = within(smsRow("arbitrum-mainnet")).getByTestId("sms-push");
    await user.click(push);

    let dialog = await screen.findByTestId("password-dialog");
    expect(dialog).toHaveAttribute("role", "dialog");
    expect(dialog).toHaveTextContent(en.password.title);
    const input = within(dialog).getByTestId("password-dialog-input");
    expect(input).toHaveAttribute("type", "password");
    await waitFor(() => expect(input).toHaveFocus());
    // Escape cancels: nothing is pushed.
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("password-dialog")).not.toBeInTheDocument();
    expect(backend.callsTo("sms_push")).toHaveLength(0);

    await user.click(push);
    dialog = await screen.findByTestId("password-dialog");
    await user.type(within(dialog).getByTestId("password-dialog-input"), "nope{Enter}");
    const error = await within(smsRow("arbitrum-mainnet")).findByTestId("sms-error");
    expect(error).toHaveAttribute("data-kind", "wrong_password");
    expect(error).toHaveTextContent(en.errors.title.wrong_password);
    expect(smsRow("arbitrum-mainnet")).toHaveAttribute("data-state", "absent");

    await user.click(within(smsRow("arbitrum-mainnet")).getByTestId("sms-push"));
    dialog = await screen.findByTestId("password-dialog");
    await user.type(within(dialog).getByTestId("password-dialog-input"), SAMPLE_KEYSTORE_PASSWORD);
    await user.click(within(dialog).getByTestId("password-dialog-ok"));
    await waitFor(() => expect(smsRow("arbitrum-mainnet")).toHaveAttribute("data-state", "pushed_from_vault"));
    expect(backend.callsTo("sms_push").map((c) => c.password)).toEqual(["nope", SAMPLE_KEYSTORE_PASSWORD]);
    expect(within(smsRow("arbitrum-mainnet")).queryByTestId("sms-error")).not.toBeInTheDocument();
  });

  it("does not call a network 'not checked' before knowing which networks are in use", async () => {
    const { backend, user } = setup({ wallets: [sampleWallet()] });
    const list = backend.watchedList.bind(backend);
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    backend.watchedList = async () => {
      await gate;
      return list();
    };
    await openKeys(user);
    await waitFor(() => expect(screen.getAllByTestId("sms-row")).toHaveLength(3));
    expect(screen.getAllByTestId("sms-row").map((r) => r.dataset.check)).toEqual(["checking", "checking", "checking"]);
    expect(screen.queryByTestId("sms-check-one")).not.toBeInTheDocument();
    release();
    await waitFor(() =>
      expect(screen.getAllByTestId("sms-row").map((r) => r.dataset.check)).toEqual(["checked", "not_checked", "not_checked"]),
    );
  });

  it("shows an unreachable SMS as a compact state on its row, with a Retry", async () => {
    const { backend, user } = setup({
      wallets: [sampleWallet()],
      watched: [sampleWatched({ network: "bellecour" })],
      smsErrors: {
        bellecour: { kind: "network", message: "https://sms.iex.ec cannot be reached.", hint: "Check your connection." },
      },
    });
    await openKeys(user);
    const error = await within(smsRow("bellecour")).findByTestId("sms-error");
    expect(smsRow("bellecour")).toHaveAttribute("data-state", "unknown");
    expect(smsRow("bellecour")).toHaveAttribute("data-check", "failed");
    expect(error).toHaveAttribute("data-kind", "network");
    expect(error).toHaveTextContent(`Not checked: ${en.errors.title.network}`);
    expect(error).toHaveTextContent("https://sms.iex.ec cannot be reached.");
    expect(error).toHaveTextContent("Check your connection.");
    // Not a box that alerts: a state of the row.
    expect(error).not.toHaveAttribute("role", "alert");
    expect(error.classList.contains("inline-error")).toBe(false);

    const calls = backend.callsTo("sms_status").filter((c) => c.network === "bellecour").length;
    backend.options.smsErrors = {};
    const retry = within(error).getByTestId("sms-retry-check");
    expect(retry).toHaveTextContent(en.sms.retry);
    expect(retry).toHaveAccessibleName("Check the key service of Bellecour (legacy, old tasks) again");
    await user.click(retry);
    await waitFor(() => expect(smsRow("bellecour")).toHaveAttribute("data-state", "absent"));
    expect(smsRow("bellecour")).toHaveFocus();
    expect(within(smsRow("bellecour")).queryByTestId("sms-error")).not.toBeInTheDocument();
    expect(backend.callsTo("sms_status").filter((c) => c.network === "bellecour")).toHaveLength(calls + 1);
  });
});

describe("key rotation", () => {
  it("is offered with an active key and a wallet only", async () => {
    const { user } = setup();
    await openKeys(user);
    expect(screen.queryByTestId("start-rotation")).not.toBeInTheDocument();
  });

  it("walks the whole path; the kit step refuses until the backup wizard verified a new kit", async () => {
    const { backend, user } = setup({ wallets: [sampleWallet()], manualGenerate: true });
    await openKeys(user);
    const start = await screen.findByTestId("start-rotation");
    expect(start).toHaveTextContent(en.rotation.start);
    await user.click(start);

    // 1. What happens.
    const wizard = await atStep("why");
    expect(wizard).toHaveTextContent(en.rotation.why.oldTasks);
    expect(screen.getAllByTestId("rotation-step").map((s) => s.dataset.step)).toEqual([
      "why",
      "generate",
      "kit",
      "push",
      "finish",
    ]);
    const boxes = screen.getAllByTestId("rotation-network") as HTMLInputElement[];
    expect(boxes.map((b) => [b.dataset.network, b.checked])).toEqual([
      ["arbitrum-mainnet", true],
      ["arbitrum-sepolia-testnet", true],
      ["bellecour", false],
    ]);
    expect(boxes[0]).toHaveAccessibleName("Arbitrum One");
    await user.click(boxes[1]);
    await user.click(screen.getByTestId("rotation-next"));

    // 2. The new key.
    await atStep("generate");
    expect(backend.callsTo("rotation_start")).toEqual([{ address: ADDRESS_A, networks: ["arbitrum-mainnet"] }]);
    expect(stepItem("why")).toHaveTextContent(en.rotation.stepDone);
    await user.click(screen.getByTestId("rotation-generate"));
    expect(await screen.findByTestId("rotation-generate-progress")).toHaveTextContent(en.rotation.generate.working);
    expect(screen.getByRole("progressbar")).toBeInTheDocument();
    expect(backend.generations).toHaveLength(1);
    backend.generations[0].resolve();

    // 3. The recovery kit: refused until a verified kit holds the new key.
    await atStep("kit");
    expect(screen.queryByTestId("backup-reminder")).not.toBeInTheDocument();
    await user.click(screen.getByTestId("rotation-next"));
    const refused = await screen.findByTestId("rotation-error");
    expect(refused).toHaveAttribute("data-kind", "backup_required");
    expect(refused).toHaveTextContent(en.rotation.kit.notYetTitle);
    expect(refused).toHaveTextContent(en.rotation.kit.notYet);
    expect(refused).toHaveTextContent("No verified recovery kit holds the new key yet");
    expect(screen.getByTestId("rotation-wizard")).toHaveAttribute("data-step", "kit");

    await user.click(screen.getByTestId("rotation-backup"));
    const backup = await screen.findByTestId("backup-wizard");
    expect(backup).toHaveTextContent("The kit will hold your 2 keys.");
    await user.click(screen.getByTestId("backup-save"));
    await user.click(await screen.findByTestId("backup-continue"));
    for (const input of await screen.findAllByTestId("quiz-word-input")) {
      await user.type(input, SAMPLE_WORDS[Number(input.dataset.index) - 1]);
    }
    await user.click(screen.getByTestId("quiz-submit"));
    await user.click(await screen.findByTestId("backup-close"));

    // 4. The key service.
    await atStep("push");
    expect(backend.callsTo("rotation_check_kit")).toHaveLength(2);
    expect(screen.getAllByTestId("rotation-push-row").map((r) => [r.dataset.network, r.dataset.state])).toEqual([
      ["arbitrum-mainnet", "waiting"],
    ]);
    await user.click(screen.getByTestId("rotation-push"));
    await waitFor(() => expect(pushRow("arbitrum-mainnet")).toHaveAttribute("data-state", "done"));
    expect(screen.getByTestId("rotation-live")).toHaveTextContent(en.rotation.push.allDone);
    await user.click(screen.getByTestId("rotation-next"));

    // 5. Retire the old key, then the summary.
    await atStep("finish");
    await user.click(screen.getByTestId("rotation-finish"));
    await atStep("done");
    const summary = screen.getByTestId("rotation-summary");
    const rotation = backend.options.rotation!;
    const newKey = backend.options.ringKeys.find((k) => k.fingerprint === rotation.new_fingerprint)!;
    expect(screen.getByTestId("rotation-summary-new")).toHaveTextContent(newKey.short_fingerprint);
    expect(screen.getByTestId("rotation-summary-networks")).toHaveTextContent("Arbitrum One");
    expect(screen.getByTestId("rotation-summary-old")).toHaveTextContent("3F2A 91C0 77DE 0B44");
    expect(summary).toHaveTextContent("still opens old results");

    // As the app: the old key retired, the new one pushed and journaled.
    expect(backend.options.ringKeys.find((k) => k.fingerprint === SAMPLE_FINGERPRINT)?.status).toBe("retired");
    expect(newKey.status).toBe("active");
    expect(newKey.addresses).toEqual([ADDRESS_A]);
    expect(newKey.push_journal).toEqual([expect.objectContaining({ network: "arbitrum-mainnet", ok: true })]);
    expect(rotation.step).toBe("done");
    // Each step (and the kit's test) returned the ring: it was never read again.
    expect(backend.callsTo("keys_overview")).toHaveLength(0);

    await user.click(screen.getByTestId("rotation-close"));
    await screen.findByTestId("keys-screen");
    expect(screen.queryByTestId("rotation-banner")).not.toBeInTheDocument();
    expect(screen.getByTestId("start-rotation")).toHaveTextContent(en.rotation.start);
  });

  it("resumes at the stored step after the app is started again", async () => {
    const backend = createMockBackend({ manual: true, ringKeys: [laptop()], wallets: [sampleWallet()] });
    const first = setup({}, backend);
    await openKeys(first.user);
    await first.user.click(await screen.findByTestId("start-rotation"));
    await atStep("why");
    await first.user.click(screen.getByTestId("rotation-next"));
    await atStep("generate");
    await first.user.click(screen.getByTestId("rotation-generate"));
    await atStep("kit");
    first.unmount();

    // A new start of the app, with the same ring on disk.
    const second = setup({}, backend);
    const banner = await screen.findByTestId("rotation-banner");
    expect(banner).toHaveTextContent(en.rotation.banner.text);
    await second.user.click(within(banner).getByTestId("rotation-resume"));
    await atStep("kit");
    expect(stepItem("generate")).not.toHaveAttribute("aria-current");
    expect(stepItem("generate")).toHaveTextContent(en.rotation.stepDone);
    expect(backend.callsTo("rotation_generate")).toHaveLength(1);

    // The Keys screen says the same.
    await second.user.click(screen.getByTestId("rotation-close"));
    expect(await screen.findByTestId("start-rotation")).toHaveTextContent(en.rotation.resume);
    expect(screen.getByTestId("rotation-banner")).toBeInTheDocument();
  });

  it.each([
    ["started", "generate"],
    ["key_generated", "kit"],
    ["kit_updated", "push"],
    ["pushed", "finish"],
  ] as const)("a rotation stored at %s resumes at the %s step", async (stored, step) => {
    expect(wizardStepOf(stored)).toBe(step);
    const { user } = setup({
      ringKeys: rotatingRing(),
      wallets: [sampleWallet()],
      rotation: storedRotation({ step: stored, pushed: stored === "pushed" ? ["arbitrum-mainnet", "arbitrum-sepolia-testnet"] : [] }),
    });
    await user.click(await screen.findByTestId("rotation-resume"));
    await atStep(step);
  });

  it("cancels the generation with cancel_job and stays on the step", async () => {
    const { backend, user } = setup({
      ringKeys: [laptop()],
      wallets: [sampleWallet()],
      manualGenerate: true,
      rotation: storedRotation({ step: "started", new_fingerprint: null }),
    });
    await user.click(await screen.findByTestId("rotation-resume"));
    await atStep("generate");
    await user.click(screen.getByTestId("rotation-generate"));
    await user.click(await screen.findByTestId("rotation-generate-cancel"));
    expect(backend.callsTo("cancel_job")).toEqual([{ jobId: backend.generations[0].jobId }]);
    expect(await screen.findByTestId("rotation-generate-cancelled")).toHaveTextContent(en.rotation.generate.cancelled);
    expect(screen.getByTestId("rotation-wizard")).toHaveAttribute("data-step", "generate");
    expect(screen.getByTestId("rotation-generate")).toBeEnabled();
  });

  it("pushes each network, asking the password once; a failed one shows its error and retries", async () => {
    const { backend, user } = setup({
      ringKeys: rotatingRing(),
      wallets: [pathOnlyWallet()],
      rotation: storedRotation(),
      pushFailures: { "arbitrum-sepolia-testnet": [UNAUTHORIZED] },
    });
    await user.click(await screen.findByTestId("rotation-resume"));
    await atStep("push");
    expect(screen.getAllByTestId("rotation-push-row").map((r) => r.dataset.state)).toEqual(["waiting", "waiting"]);
    await user.click(screen.getByTestId("rotation-push"));
    const dialog = await screen.findByTestId("password-dialog");
    await user.type(within(dialog).getByTestId("password-dialog-input"), `${SAMPLE_KEYSTORE_PASSWORD}{Enter}`);

    await waitFor(() => expect(pushRow("arbitrum-sepolia-testnet")).toHaveAttribute("data-state", "failed"));
    expect(pushRow("arbitrum-mainnet")).toHaveAttribute("data-state", "done");
    expect(pushRow("arbitrum-mainnet")).toHaveTextContent(en.rotation.push.state.done);
    const failed = pushRow("arbitrum-sepolia-testnet");
    expect(failed).toHaveTextContent(en.rotation.push.state.failed);
    const error = within(failed).getByTestId("rotation-error");
    expect(error).toHaveAttribute("data-kind", "sms_unauthorized");
    expect(error).toHaveTextContent(en.errors.title.sms_unauthorized);
    expect(error).toHaveTextContent(UNAUTHORIZED.message);
    expect(error).toHaveTextContent(UNAUTHORIZED.hint);
    expect(screen.getByTestId("rotation-wizard")).toHaveAttribute("data-step", "push");
    expect(screen.queryByTestId("rotation-next")).not.toBeInTheDocument();
    // Refusals are journaled too.
    const journal = backend.options.ringKeys[1].push_journal;
    expect(journal.map((r) => [r.network, r.ok])).toEqual([
      ["arbitrum-mainnet", true],
      ["arbitrum-sepolia-testnet", false],
    ]);

    await user.click(within(failed).getByTestId("rotation-push-retry"));
    await waitFor(() => expect(pushRow("arbitrum-sepolia-testnet")).toHaveAttribute("data-state", "done"));
    expect(screen.queryByTestId("password-dialog")).not.toBeInTheDocument();
    expect(backend.callsTo("rotation_push")).toEqual([
      { network: "arbitrum-mainnet", password: SAMPLE_KEYSTORE_PASSWORD },
      { network: "arbitrum-sepolia-testnet", password: SAMPLE_KEYSTORE_PASSWORD },
      { network: "arbitrum-sepolia-testnet", password: SAMPLE_KEYSTORE_PASSWORD },
    ]);
    expect(screen.queryByTestId("rotation-error")).not.toBeInTheDocument();
    expect(screen.getByTestId("rotation-all-pushed")).toHaveTextContent(en.rotation.push.allDone);
    expect(backend.options.rotation?.step).toBe("pushed");
    await user.click(screen.getByTestId("rotation-next"));
    await atStep("finish");
  });

  it("a wrong password stops the pushes and asks again on retry", async () => {
    const { backend, user } = setup({
      ringKeys: rotatingRing(),
      wallets: [pathOnlyWallet()],
      rotation: storedRotation(),
    });
    await user.click(await screen.findByTestId("rotation-resume"));
    await atStep("push");
    await user.click(screen.getByTestId("rotation-push"));
    await user.type(await screen.findByTestId("password-dialog-input"), "wrong one{Enter}");
    await waitFor(() => expect(pushRow("arbitrum-mainnet")).toHaveAttribute("data-state", "failed"));
    expect(pushRow("arbitrum-sepolia-testnet")).toHaveAttribute("data-state", "waiting");
    expect(within(pushRow("arbitrum-mainnet")).getByTestId("rotation-error")).toHaveAttribute("data-kind", "wrong_password");
    expect(backend.callsTo("rotation_push")).toHaveLength(1);

    await user.click(screen.getByTestId("rotation-push"));
    await user.type(await screen.findByTestId("password-dialog-input"), `${SAMPLE_KEYSTORE_PASSWORD}{Enter}`);
    await waitFor(() => expect(screen.getByTestId("rotation-all-pushed")).toBeInTheDocument());
  });

  it("finishing retires the old key and shows the summary", async () => {
    const { backend, user } = setup({
      ringKeys: rotatingRing(),
      wallets: [sampleWallet()],
      rotation: storedRotation({ step: "pushed", pushed: ["arbitrum-mainnet", "arbitrum-sepolia-testnet"] }),
    });
    await user.click(await screen.findByTestId("rotation-resume"));
    const wizard = await atStep("finish");
    expect(wizard).toHaveTextContent("Old key: “Laptop key” (3F2A 91C0 77DE 0B44)");
    await user.click(screen.getByTestId("rotation-finish"));
    await atStep("done");
    expect(screen.getByTestId("rotation-summary-new")).toHaveTextContent("8C1D 0E42 5A7B 9F03");
    expect(screen.getByTestId("rotation-summary-networks")).toHaveTextContent("Arbitrum One, Arbitrum Sepolia (test network)");
    expect(screen.getByTestId("rotation-summary-old")).toHaveTextContent("3F2A 91C0 77DE 0B44 retired: it still opens old results");
    expect(backend.options.ringKeys[0].status).toBe("retired");
    expect(screen.queryByTestId("rotation-banner")).not.toBeInTheDocument();
    // The Keys screen shows the old key retired.
    await user.click(screen.getByTestId("rotation-close"));
    await screen.findByTestId("keys-screen");
    const oldRow = screen.getAllByTestId("key-row").find((r) => r.dataset.fingerprint === SAMPLE_FINGERPRINT)!;
    expect(within(oldRow).getByTestId("key-status-chip")).toHaveTextContent(en.ring.status.retired);
  });
});

describe("in French", () => {
  it("says the wallet, the key service and the rotation in French", async () => {
    await setLanguage("fr");
    const { user } = setup({
      wallets: [sampleWallet()],
      smsKeys: { "arbitrum-mainnet": [ADDRESS_A], "arbitrum-sepolia-testnet": [ADDRESS_A] },
      watched: [sampleWatched({ network: "arbitrum-sepolia-testnet" }), sampleWatched({ network: "bellecour" })],
    });
    await openKeys(user);
    expect(screen.getByTestId("wallet-section")).toHaveTextContent(fr.wallet.why);
    expect(screen.getByTestId("wallet-badge")).toHaveTextContent(fr.wallet.inRing);
    expect(screen.getByTestId("wallet-keep-select")).toHaveTextContent(fr.wallet.keepPathOnly);
    await waitFor(() => expect(smsRow("bellecour")).toHaveAttribute("data-state", "absent"));
    expect(smsRow("arbitrum-mainnet")).toHaveTextContent("Votre clé a été déposée depuis ce coffre le 22 avr. 2025");
    expect(smsRow("arbitrum-sepolia-testnet")).toHaveTextContent(fr.sms.state.set_elsewhere);
    expect(smsRow("bellecour")).toHaveTextContent(fr.sms.state.absent);
    expect(within(smsRow("bellecour")).getByTestId("sms-push")).toHaveTextContent(fr.sms.push);

    await user.click(screen.getByTestId("start-rotation"));
    const wizard = await atStep("why");
    expect(wizard).toHaveTextContent(fr.rotation.why.heading);
    expect(wizard).toHaveTextContent(fr.rotation.why.oldTasks);
    expect(stepItem("kit")).toHaveTextContent(fr.rotation.steps.kit);
  });
});
