import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { get } from "svelte/store";
import App from "../src/App.svelte";
import en from "../src/lib/i18n/en.json";
import fr from "../src/lib/i18n/fr.json";
import { LANGUAGE_KEY, setLanguage, setLanguageChoice } from "../src/lib/i18n";
import { createHome, currentNetworks, latestResults } from "../src/lib/home";
import type { KeySummary } from "../src/lib/ipc/bindings";
import {
  createMockBackend,
  SAMPLE_FINGERPRINT_2,
  sampleKey,
  sampleOutcome,
  type MockBackend,
  type MockOptions,
} from "../src/lib/mockBackend";
import {
  ADDRESS_A,
  ADDRESS_B,
  BUILTIN_NETWORKS,
  sampleTaskId,
  sampleTaskRow,
  sampleTasks,
  sampleWatched,
  verifiedOf,
} from "../src/lib/mockTasks";
import { sampleWallet } from "../src/lib/mockWallet";
import { ONBOARDING_KEY, type OnboardingRecord } from "../src/lib/onboarding";
import { splitFirstSentence } from "../src/lib/format";
import { networksInUse, pickNetwork, pickedNetworks, SMS_PICKED_KEY } from "../src/lib/smsNetworks";

type User = ReturnType<typeof userEvent.setup>;

const backedUp = (): KeySummary =>
  sampleKey({
    label: "Laptop key",
    backed_up: true,
    // Pushed to the key service of Arbitrum One from this vault.
    push_journal: [
      {
        network: "arbitrum-mainnet",
        sms_url: "https://sms.arbitrum-mainnet.iex.ec",
        address: ADDRESS_A,
        at: "2025-04-22T14:03:00Z",
        outcome: "201 (created)",
        ok: true,
      },
    ],
  });
const notBackedUp = (): KeySummary =>
  sampleKey({ fingerprint: SAMPLE_FINGERPRINT_2, label: "CLI key", backed_up: false });

function setup(opts: Partial<MockOptions> = {}, record?: OnboardingRecord) {
  if (record) localStorage.setItem(ONBOARDING_KEY, JSON.stringify(record));
  const backend = createMockBackend({ manual: true, ...opts });
  const user = userEvent.setup();
  const view = render(App, { backend });
  return { backend, user, ...view };
}

/** Keys, a wallet, the key services, tasks and watched addresses. */
function filled(opts: Partial<MockOptions> = {}, record?: OnboardingRecord) {
  return setup(
    {
      ringKeys: [backedUp()],
      wallets: [sampleWallet({ label: "Work wallet" })],
      smsKeys: { "arbitrum-mainnet": [ADDRESS_A] },
      watched: [sampleWatched({ label: "Work wallet" })],
      tasks: sampleTasks(),
      indexed: sampleTasks(),
      ...opts,
    },
    record,
  );
}

function chip(network: string): HTMLElement {
  const found = screen.getAllByTestId("home-sms-chip").find((c) => c.dataset.network === network);
  if (!found) throw new Error(`no chip for ${network}`);
  return found;
}

function reminder(kind: string): HTMLElement {
  const found = screen.getAllByTestId("home-reminder").find((r) => r.dataset.kind === kind);
  if (!found) throw new Error(`no reminder ${kind}`);
  return found;
}

afterEach(async () => {
  delete window.__resultVault;
  await setLanguage("en");
});

describe("Home", () => {
  it("is the first tab, named Home, with its heading focused when shown", async () => {
    const { user } = setup();
    const tab = screen.getByTestId("nav-open");
    expect(tab).toHaveTextContent(en.nav.open);
    expect(en.nav.open).toBe("Home");
    expect(tab).toHaveAttribute("aria-current", "page");
    expect(screen.getByTestId("drop-zone")).toBeInTheDocument();
    expect(screen.getByTestId("choose-file")).toBeInTheDocument();
    await user.click(screen.getByTestId("nav-tasks"));
    await user.click(screen.getByTestId("nav-open"));
    const heading = await screen.findByRole("heading", { name: en.nav.openHeading, level: 2 });
    await waitFor(() => expect(heading).toHaveFocus());
  });

  it("says what to do next in every section of a fresh install", async () => {
    const { backend, user } = setup({ keyLocations: [] });
    expect(await screen.findByTestId("home-keys-empty")).toHaveTextContent(en.home.keys.empty);
    expect(await screen.findByTestId("home-results-empty")).toHaveTextContent(en.home.results.empty);
    expect(await screen.findByTestId("home-no-wallet")).toHaveTextContent(en.home.sms.noWallet);
    expect(screen.queryByTestId("home-reminders")).not.toBeInTheDocument();
    expect(backend.callsTo("sms_status")).toHaveLength(0);
    // No wallet: the link goes to Keys > Wallet, its heading focused.
    await user.click(screen.getByTestId("home-to-wallet"));
    await screen.findByTestId("keys-screen");
    await waitFor(() => expect(screen.getByRole("heading", { name: en.wallet.heading })).toHaveFocus());
  });

  it("shows the keys and their backup state", async () => {
    const { user } = setup({ ringKeys: [backedUp(), notBackedUp()] });
    expect(await screen.findByTestId("home-key-count")).toHaveTextContent("2 keys");
    const state = screen.getByTestId("home-backup-state");
    expect(state).toHaveAttribute("data-state", "not_backed_up");
    expect(state).toHaveTextContent("1 key is not backed up");
    await user.click(screen.getByTestId("home-backup"));
    expect(await screen.findByTestId("backup-wizard")).toBeInTheDocument();
  });

  it("says when every key is backed up", async () => {
    setup({ ringKeys: [backedUp()] });
    const state = await screen.findByTestId("home-backup-state");
    expect(state).toHaveAttribute("data-state", "backed_up");
    expect(state).toHaveTextContent(en.home.keys.backedUp);
    expect(screen.queryByTestId("home-backup")).not.toBeInTheDocument();
  });

  it("shows the key service of each current network for the first wallet, as chips; checks those in use", async () => {
    const { backend, user } = filled();
    await waitFor(() => expect(chip("arbitrum-mainnet")).toHaveAttribute("data-state", "pushed_from_vault"));
    expect(screen.getAllByTestId("home-sms-chip").map((c) => c.dataset.network)).toEqual([
      "arbitrum-mainnet",
      "arbitrum-sepolia-testnet",
    ]);
    expect(chip("arbitrum-mainnet")).toHaveTextContent(`Arbitrum One · ${en.home.sms.state.pushed_from_vault}`);
    // Arbitrum Sepolia: no watched address there, no push in the journal: not checked.
    const sepolia = chip("arbitrum-sepolia-testnet");
    expect(sepolia).toHaveAttribute("data-state", "not_checked");
    expect(sepolia).toHaveTextContent(en.home.sms.state.not_checked);
    expect(sepolia).toHaveAttribute("title", en.sms.notChecked);
    // The legacy network (old tasks only) is not checked here.
    expect(backend.callsTo("sms_status")).toEqual([{ network: "arbitrum-mainnet", address: ADDRESS_A }]);

    // "Check": checked now, and remembered.
    const check = within(sepolia).getByTestId("home-sms-check");
    expect(check).toHaveAccessibleName("Check the key service of Arbitrum Sepolia (test network)");
    await user.click(check);
    await waitFor(() => expect(chip("arbitrum-sepolia-testnet")).toHaveAttribute("data-state", "absent"));
    expect(chip("arbitrum-sepolia-testnet")).toHaveFocus();
    expect(chip("arbitrum-sepolia-testnet")).toHaveTextContent(en.home.sms.state.absent);
    expect(chip("arbitrum-sepolia-testnet")).toHaveAttribute("title", en.sms.state.absent);
    expect(within(chip("arbitrum-sepolia-testnet")).queryByTestId("home-sms-check")).not.toBeInTheDocument();
    expect(backend.callsTo("sms_status")).toEqual([
      { network: "arbitrum-mainnet", address: ADDRESS_A },
      { network: "arbitrum-sepolia-testnet", address: ADDRESS_A },
    ]);
    expect(JSON.parse(localStorage.getItem(SMS_PICKED_KEY) ?? "[]")).toEqual(["arbitrum-sepolia-testnet"]);

    await user.click(screen.getByTestId("home-sms-details"));
    await screen.findByTestId("keys-screen");
    await waitFor(() => expect(screen.getByRole("heading", { name: en.sms.heading })).toHaveFocus());
  });

  it("checks a network with a watched address, and shows an unreachable key service compactly with a Retry", async () => {
    const { backend, user } = filled({
      watched: [sampleWatched({ label: "Work wallet" }), sampleWatched({ network: "arbitrum-sepolia-testnet" })],
      smsErrors: {
        "arbitrum-sepolia-testnet": { kind: "network", message: "https://sms.arbitrum-sepolia-testnet.iex.ec cannot be reached.", hint: "" },
      },
    });
    await waitFor(() => expect(chip("arbitrum-sepolia-testnet")).toHaveAttribute("data-state", "unknown"));
    const sepolia = chip("arbitrum-sepolia-testnet");
    expect(sepolia).toHaveAttribute("title", "https://sms.arbitrum-sepolia-testnet.iex.ec cannot be reached.");
    const retry = within(sepolia).getByTestId("home-sms-check");
    expect(retry).toHaveTextContent(en.sms.retry);
    backend.options.smsErrors = {};
    await user.click(retry);
    await waitFor(() => expect(chip("arbitrum-sepolia-testnet")).toHaveAttribute("data-state", "absent"));
    expect(backend.callsTo("sms_status").filter((c) => c.network === "arbitrum-sepolia-testnet")).toHaveLength(2);
    // In use already (watched): checked again, not remembered as picked.
    expect(localStorage.getItem(SMS_PICKED_KEY)).toBeNull();
  });

  it("does not ask the key services again each time Home shows", async () => {
    const { backend, user } = filled();
    await waitFor(() => expect(backend.callsTo("sms_status")).toHaveLength(1));
    await user.click(screen.getByTestId("nav-tasks"));
    await user.click(screen.getByTestId("nav-open"));
    await screen.findByTestId("home-screen");
    await waitFor(() => expect(backend.callsTo("wallets_list").length).toBeGreaterThanOrEqual(2));
    expect(backend.callsTo("sms_status")).toHaveLength(1);
  });

  it("lists the 5 latest opened results, each opening its folder", async () => {
    const extra = Array.from({ length: 4 }, (_, i) => {
      const row = sampleTaskRow(`recent-${i}`, {
        start_time: 1_746_100_000 + i * 60,
        vault: "verified",
        output_path: `/home/alice/Results/recent-${i}`,
      });
      row.verification = verifiedOf(row);
      return row;
    });
    const { backend, user } = filled({ tasks: [...sampleTasks(), ...extra] });
    await waitFor(() => expect(screen.getAllByTestId("home-result")).toHaveLength(5));
    const rows = screen.getAllByTestId("home-result");
    // Newest first, opened results only.
    expect(rows.map((r) => r.dataset.taskId)).toEqual([
      extra[3].task_id,
      extra[2].task_id,
      extra[1].task_id,
      extra[0].task_id,
      sampleTaskId("verified"),
    ]);
    expect(rows.every((r) => ["verified", "decrypted", "not_encrypted", "mismatch"].includes(r.dataset.vault ?? ""))).toBe(true);
    await user.click(within(rows[0]).getByTestId("home-open-folder"));
    expect(backend.callsTo("reveal_output")).toEqual([{ path: "/home/alice/Results/recent-3" }]);
    await user.click(screen.getByTestId("home-all-tasks"));
    expect(await screen.findByTestId("tasks-screen")).toBeInTheDocument();
  });

  it("marks a result that does not match the chain, and its folder as untrusted", async () => {
    filled();
    const mismatch = await waitFor(() => {
      const found = screen.getAllByTestId("home-result").find((r) => r.dataset.vault === "mismatch");
      if (!found) throw new Error("no mismatch");
      return found;
    });
    const state = within(mismatch).getByTestId("home-result-state");
    expect(state).toHaveTextContent(en.tasks.vaultShort.mismatch);
    expect(state).toHaveAttribute("title", en.tasks.vault.mismatch);
    expect(within(mismatch).getByTestId("home-open-folder")).toHaveTextContent(en.details.openFolderUntrusted);
  });
});

describe("reminders of the welcome tour's skipped steps", () => {
  it("shows each skipped step that is still not done, with a button to do it", async () => {
    const { user } = setup(
      { ringKeys: [notBackedUp()] },
      { status: "skipped", skipped: ["backup", "wallet", "watch"] },
    );
    await waitFor(() => expect(screen.getAllByTestId("home-reminder").map((r) => r.dataset.kind)).toEqual(["backup", "wallet", "watch"]));
    expect(reminder("backup")).toHaveTextContent(en.home.reminders.backup);
    expect(reminder("wallet")).toHaveTextContent(en.home.reminders.wallet);
    expect(reminder("watch")).toHaveTextContent(en.home.reminders.watch);
    // The keys section does not repeat the reminder's button, and no banner says it again above Home.
    expect(screen.queryByTestId("home-backup")).not.toBeInTheDocument();
    expect(screen.queryByTestId("backup-reminder")).not.toBeInTheDocument();
    expect(screen.getAllByText(en.home.reminders.backup)).toHaveLength(1);

    await user.click(within(reminder("watch")).getByTestId("home-reminder-action"));
    await screen.findByTestId("tasks-screen");
    await waitFor(() => expect(screen.getByTestId("watch-address-input")).toHaveFocus());
    await user.type(screen.getByTestId("watch-address-input"), ADDRESS_A);
    await user.click(screen.getByTestId("watch-add"));
    await screen.findByTestId("watched-row");

    // Done: the reminder is gone.
    await user.click(screen.getByTestId("nav-open"));
    await screen.findByTestId("home-screen");
    await waitFor(() => expect(screen.getAllByTestId("home-reminder").map((r) => r.dataset.kind)).toEqual(["backup", "wallet"]));
    await user.click(within(reminder("backup")).getByTestId("home-reminder-action"));
    expect(await screen.findByTestId("backup-wizard")).toBeInTheDocument();
  });

  it("names each network whose key service lacks the key (a wallet is there)", async () => {
    const { user } = filled(
      { watched: [sampleWatched({ label: "Work wallet" }), sampleWatched({ network: "arbitrum-sepolia-testnet" })] },
      { status: "done", skipped: ["wallet"] },
    );
    const sms = await waitFor(() => reminder("sms"));
    expect(sms).toHaveAttribute("data-network", "arbitrum-sepolia-testnet");
    expect(sms).toHaveTextContent("Your key is not on the key service of Arbitrum Sepolia (test network).");
    await user.click(within(sms).getByTestId("home-reminder-action"));
    await waitFor(() => expect(screen.getByRole("heading", { name: en.sms.heading })).toHaveFocus());
  });

  it("reminds nothing for a step done, or never skipped", async () => {
    filled({ ringKeys: [notBackedUp()] }, { status: "done", skipped: [] });
    await screen.findByTestId("home-backup-state");
    await waitFor(() => expect(screen.getAllByTestId("home-result").length).toBeGreaterThan(0));
    expect(screen.queryByTestId("home-reminders")).not.toBeInTheDocument();
  });

  it("reminds to create a key when that step was skipped and the ring is still empty", async () => {
    const { user } = setup({}, { status: "skipped", skipped: ["keys"] });
    const keys = await waitFor(() => reminder("keys"));
    expect(keys).toHaveTextContent(en.home.reminders.keys);
    await user.click(within(keys).getByTestId("home-reminder-action"));
    expect(await screen.findByTestId("keys-screen")).toBeInTheDocument();
  });

  it("after a restart: loads the wallets again once the key ring opens, without leaving Home", async () => {
    // As the real app: the wallets live in the key ring, and the ring opens a moment after Home shows.
    localStorage.setItem(ONBOARDING_KEY, JSON.stringify({ status: "skipped", skipped: ["backup", "wallet", "watch"] }));
    const backend = createMockBackend({ manual: true, ringKeys: [notBackedUp()] });
    let ringOpen = false;
    let openRing: () => void = () => {};
    const opened = new Promise<void>((resolve) => (openRing = resolve));
    const vaultOpen = backend.vaultOpen.bind(backend);
    backend.vaultOpen = async (...args) => {
      await opened;
      const overview = await vaultOpen(...args);
      ringOpen = true;
      return overview;
    };
    const walletsList = backend.walletsList.bind(backend);
    backend.walletsList = async () => {
      if (!ringOpen) {
        throw { kind: "keyring_damaged", message: "The key ring is not open.", hint: "Open or unlock the key ring first." };
      }
      return walletsList();
    };
    render(App, { backend });
    await screen.findByTestId("home-screen");
    expect(await screen.findByTestId("home-sms-error")).toBeInTheDocument();
    openRing();
    await waitFor(() => expect(screen.getAllByTestId("home-reminder").map((r) => r.dataset.kind)).toEqual(["backup", "wallet", "watch"]));
    expect(screen.queryByTestId("home-sms-error")).not.toBeInTheDocument();
    expect(screen.getByTestId("home-no-wallet")).toHaveTextContent(en.home.sms.noWallet);
    expect(screen.getByTestId("home-screen")).toBeInTheDocument();
  });
});

describe("files handed from outside", () => {
  it("opens the first file the app was started with (Open with), once", async () => {
    const { backend } = setup({ startupPaths: ["/home/alice/Downloads/result.zip", "/home/alice/other.zip"] });
    await waitFor(() => expect(backend.jobs).toHaveLength(1));
    expect(backend.jobs[0].archive).toBe("/home/alice/Downloads/result.zip");
    expect(backend.callsTo("startup_paths")).toHaveLength(1);
    expect(backend.options.startupPaths).toEqual([]);
    backend.jobs[0].resolve(sampleOutcome());
    expect(await screen.findByTestId("result-view")).toBeInTheDocument();
  });

  it("a file handed at start-up wins over the welcome tour", async () => {
    localStorage.removeItem(ONBOARDING_KEY);
    const { backend } = setup({ startupPaths: ["/home/alice/result.zip"] });
    await waitFor(() => expect(backend.jobs).toHaveLength(1));
    await screen.findByTestId("progress");
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.queryByTestId("onboarding")).not.toBeInTheDocument();
  });

  it("opens the first file of a second launch (open-paths) as a drop does, from any screen", async () => {
    const { backend, user } = setup();
    await user.click(screen.getByTestId("nav-tasks"));
    await screen.findByTestId("tasks-screen");
    backend.emitOpenPaths(["/home/alice/second.zip", "/home/alice/third.zip"]);
    await screen.findByTestId("progress");
    await waitFor(() => expect(backend.jobs).toHaveLength(1));
    expect(backend.jobs[0].archive).toBe("/home/alice/second.zip");
    expect(screen.getByTestId("nav-open")).toHaveAttribute("aria-current", "page");
  });

  it("does not take a wizard's words away: the file opens behind it", async () => {
    const { backend, user } = setup({ ringKeys: [notBackedUp()] });
    await user.click(screen.getByTestId("nav-keys"));
    await user.click(await screen.findByTestId("start-backup"));
    await user.click(await screen.findByTestId("backup-save"));
    await screen.findByTestId("backup-words");
    backend.emitOpenPaths(["/home/alice/second.zip"]);
    await waitFor(() => expect(backend.jobs).toHaveLength(1));
    expect(screen.getByTestId("backup-words")).toBeInTheDocument();
  });

  it("stops listening when the app goes away", async () => {
    const backend = createMockBackend({ manual: true });
    const view = render(App, { backend });
    view.unmount();
    backend.emitOpenPaths(["/home/alice/late.zip"]);
    await new Promise((r) => setTimeout(r, 10));
    expect(backend.jobs).toHaveLength(0);
  });
});

describe("settings: language, logs, tour", () => {
  async function openSettings(user: User) {
    await user.click(screen.getByTestId("nav-settings"));
    return screen.findByTestId("settings-general");
  }

  it("switches every string to French and back, remembering the choice", async () => {
    const { user } = setup();
    await openSettings(user);
    const select = screen.getByTestId("language-select") as HTMLSelectElement;
    expect(select).toHaveAccessibleName(en.settings.general.language);
    expect(select.value).toBe("system");
    expect(within(select).getAllByRole("option").map((o) => o.textContent)).toEqual([
      "Same as the system (English)",
      "English",
      "Français",
    ]);
    await user.selectOptions(select, "fr");
    await waitFor(() => expect(screen.getByTestId("nav-open")).toHaveTextContent(fr.nav.open));
    expect(screen.getByRole("heading", { name: fr.settings.heading, level: 2 })).toBeInTheDocument();
    expect(document.documentElement.lang).toBe("fr");
    expect(localStorage.getItem(LANGUAGE_KEY)).toBe("fr");
    await user.selectOptions(screen.getByTestId("language-select"), "system");
    await waitFor(() => expect(screen.getByTestId("nav-open")).toHaveTextContent(en.nav.open));
    expect(localStorage.getItem(LANGUAGE_KEY)).toBeNull();
  });

  it("opens the log folder, and says when it cannot", async () => {
    const { backend, user } = setup();
    await openSettings(user);
    await user.click(screen.getByTestId("open-log-folder"));
    expect(backend.callsTo("open_log_folder")).toHaveLength(1);
    expect(screen.queryByTestId("log-folder-error")).not.toBeInTheDocument();
    backend.options.errors.open_log_folder = { kind: "io", message: "Could not open /home/alice/.local/share/logs.", hint: "" };
    await user.click(screen.getByTestId("open-log-folder"));
    const error = await screen.findByTestId("log-folder-error");
    expect(error).toHaveTextContent("Could not open /home/alice/.local/share/logs.");
  });

  it("shows the welcome tour again", async () => {
    const { user } = setup({ ringKeys: [backedUp()] });
    await openSettings(user);
    await user.click(screen.getByTestId("show-tour"));
    const tour = await screen.findByTestId("onboarding");
    expect(tour).toHaveAttribute("data-step", "welcome");
    await waitFor(() => expect(screen.getByRole("heading", { name: en.onboarding.welcome.heading })).toHaveFocus());
  });

  it("starts in the stored language", async () => {
    await setLanguageChoice("fr");
    try {
      setup();
      expect(screen.getByTestId("nav-open")).toHaveTextContent(fr.nav.open);
    } finally {
      await setLanguageChoice("system");
    }
  });
});

describe("home data", () => {
  it("keeps only opened results, newest first, 5 at most", () => {
    const rows = sampleTasks().sort((a, b) => b.start_time - a.start_time);
    const latest = latestResults(rows);
    expect(latest.map((r) => r.vault)).toEqual(["verified", "not_encrypted", "mismatch", "decrypted"]);
    expect(latestResults(rows, 2)).toHaveLength(2);
  });

  it("checks the key services of the current networks only", () => {
    expect(currentNetworks([...BUILTIN_NETWORKS]).map((n) => n.name)).toEqual([
      "arbitrum-mainnet",
      "arbitrum-sepolia-testnet",
    ]);
  });

  it("checks the key services again when asked, when the wallet changes, or when the last check is old", async () => {
    let now = 0;
    const backend: MockBackend = createMockBackend({
      wallets: [sampleWallet()],
      watched: [sampleWatched(), sampleWatched({ network: "arbitrum-sepolia-testnet" })],
    });
    const home = createHome(backend, { now: () => now, smsEveryMs: 1000 });
    await home.load();
    expect(backend.callsTo("sms_status")).toHaveLength(2);
    await home.load();
    expect(backend.callsTo("sms_status")).toHaveLength(2);
    await home.load(true);
    expect(backend.callsTo("sms_status")).toHaveLength(4);
    now = 5000;
    await home.load();
    expect(backend.callsTo("sms_status")).toHaveLength(6);
    backend.options.wallets = [sampleWallet({ address: ADDRESS_B })];
    await home.load();
    expect(backend.callsTo("sms_status").slice(-1)).toEqual([{ network: "arbitrum-sepolia-testnet", address: ADDRESS_B }]);
  });

  it("checks only the current networks in use: watched, in the push journal, or picked", async () => {
    const backend: MockBackend = createMockBackend({ wallets: [sampleWallet()] });
    const home = createHome(backend);
    const count = (network: string) => backend.callsTo("sms_status").filter((c) => c.network === network).length;
    // Nothing in use: every current network listed, none asked.
    await home.load();
    expect(backend.callsTo("sms_status")).toHaveLength(0);
    const chips = () => get(home).sms.map((c) => [c.network, c.inUse, c.state]);
    expect(chips()).toEqual([
      ["arbitrum-mainnet", false, null],
      ["arbitrum-sepolia-testnet", false, null],
    ]);
    // The key ring opens: the journal names Arbitrum One, which is checked (only it).
    await home.load(false, [backedUp()]);
    expect(count("arbitrum-mainnet")).toBe(1);
    expect(count("arbitrum-sepolia-testnet")).toBe(0);
    // A watched address on Bellecour (legacy) makes it in use, but Home lists current networks only.
    backend.options.watched = [sampleWatched({ network: "bellecour" })];
    await home.load(true);
    expect(count("arbitrum-mainnet")).toBe(2);
    expect(count("bellecour")).toBe(0);
    expect(count("arbitrum-sepolia-testnet")).toBe(0);
    // Picked: checked now and at each check from now on.
    await home.check("arbitrum-sepolia-testnet");
    expect(count("arbitrum-sepolia-testnet")).toBe(1);
    expect(pickedNetworks()).toEqual(["arbitrum-sepolia-testnet"]);
    await home.load(true);
    expect(count("arbitrum-sepolia-testnet")).toBe(2);
    expect(get(home).sms.every((c) => c.inUse)).toBe(true);
  });

  it("names the networks in use from the watched addresses, the push journal and the picks", () => {
    expect([...networksInUse(null, null, [])]).toEqual([]);
    expect([...networksInUse([sampleWatched({ network: "bellecour" })], [backedUp()], ["x"])].sort()).toEqual([
      "arbitrum-mainnet",
      "bellecour",
      "x",
    ]);
    pickNetwork("arbitrum-sepolia-testnet");
    pickNetwork("arbitrum-sepolia-testnet");
    expect(pickedNetworks()).toEqual(["arbitrum-sepolia-testnet"]);
    expect([...networksInUse([], [])]).toEqual(["arbitrum-sepolia-testnet"]);
    localStorage.setItem(SMS_PICKED_KEY, "not json");
    expect(pickedNetworks()).toEqual([]);
  });

  it("says when the wallets or the tasks cannot be read", async () => {
    const backend = createMockBackend({
      errors: {
        wallets_list: { kind: "io", message: "Cannot read the wallets.", hint: "" },
        tasks_list: { kind: "io", message: "Cannot read the task cache.", hint: "" },
      },
    });
    backend.walletsList = vi.fn(async () => {
      throw backend.options.errors.wallets_list;
    });
    render(App, { backend });
    expect(await screen.findByTestId("home-sms-error")).toHaveTextContent("Cannot read the wallets.");
    expect(await screen.findByTestId("home-results-error")).toHaveTextContent("Cannot read the task cache.");
  });
});

describe("format", () => {
  it("splits a warning into its first sentence and the rest", () => {
    expect(splitFirstSentence("One. Two three. Four")).toEqual({ first: "One.", rest: "Two three. Four" });
    expect(splitFirstSentence("Only one sentence.")).toEqual({ first: "Only one sentence.", rest: null });
    expect(splitFirstSentence("The RPC https://arb1.arbitrum.io/rpc is down, e.g. 502. Try later.")).toEqual({
      first: "The RPC https://arb1.arbitrum.io/rpc is down, e.g. 502.",
      rest: "Try later.",
    });
    expect(
      splitFirstSentence(
        "The task index (subgraph) did not answer, so the market API answered instead: task states were read from the chain, and app names are missing. (HTTP 502 from thegraph.arbitrum.iex.ec)",
      ).rest,
    ).toBe("(HTTP 502 from thegraph.arbitrum.iex.ec)");
  });
});
