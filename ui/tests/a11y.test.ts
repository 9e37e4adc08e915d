/**
 * Accessibility audit: every screen and main state of the app, rendered through App with the
 * mock backend, in English and in French, checked with axe-core. No violation of impact
 * "serious" or "critical" is allowed.
 *
 * jsdom has no layout engine and no rendering: axe's `color-contrast` rule cannot compute
 * colours there (it would only report "incomplete"), so it is disabled here; tests/styles.test.ts
 * checks the colours of both themes against WCAG AA instead. `target-size` is disabled for the
 * same reason (no box has a size in jsdom), and `region` (moderate at most) to keep the audit
 * fast. Every other rule of axe runs; those that need layout (scrolling) find nothing in jsdom.
 * Beyond axe, every id that an ARIA attribute or a label points to must exist, once.
 */
import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import axe from "axe-core";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import App from "../src/App.svelte";
import { ERROR_KINDS } from "../src/lib/backend";
import { setLanguage, translate, type Language } from "../src/lib/i18n";
import type { ErrorKind, IpcError, KeySummary, Rotation } from "../src/lib/ipc/bindings";
import {
  createMockBackend,
  OTHER_WORDS,
  SAMPLE_FINGERPRINT,
  SAMPLE_FINGERPRINT_2,
  SAMPLE_WORDS,
  sampleKey,
  sampleOutcome,
  type MockBackend,
  type MockOptions,
} from "../src/lib/mockBackend";
import { ADDRESS_A, ADDRESS_B, sampleTaskId, sampleTasks, sampleWatched } from "../src/lib/mockTasks";
import { keystorePathOf, sampleWallet } from "../src/lib/mockWallet";
import { ONBOARDING_KEY } from "../src/lib/onboarding";

type User = ReturnType<typeof userEvent.setup>;
type Ctx = { backend: MockBackend; user: User };

const AXE_OPTIONS: axe.RunOptions = {
  rules: {
    // jsdom cannot compute colours (no rendering): see the comment at the top.
    "color-contrast": { enabled: false },
    // jsdom has no layout: every box measures 0×0, so target sizes cannot be measured either.
    "target-size": { enabled: false },
    // Only "moderate" at most (never fails this audit), and the slowest rule on big screens.
    region: { enabled: false },
  },
  resultTypes: ["violations"],
  // No stylesheets to fetch in jsdom (Svelte injects its styles): skip the CSSOM preload.
  preload: false,
};

/** Every axe run of this file, by screen (reported at the end). */
const runs: { screen: string; lang: Language }[] = [];
let lang: Language = "en";

/**
 * What axe leaves "incomplete" in jsdom but is checked here for sure: every id an ARIA attribute
 * or a label points to exists, and no id is used twice.
 */
function idProblems(): string[] {
  const problems: string[] = [];
  const seen = new Map<string, number>();
  for (const el of document.querySelectorAll<HTMLElement>("[id]")) seen.set(el.id, (seen.get(el.id) ?? 0) + 1);
  for (const [id, count] of seen) if (count > 1) problems.push(`id "${id}" is used ${count} times`);
  for (const attr of ["aria-labelledby", "aria-describedby", "aria-controls", "for", "form"]) {
    for (const el of document.querySelectorAll<HTMLElement>(`[${attr}]`)) {
      for (const id of (el.getAttribute(attr) ?? "").split(/\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) problems.push(`${attr}="${id}" on <${el.tagName.toLowerCase()}> points to nothing`);
      }
    }
  }
  return problems;
}

async function audit(screenName: string) {
  const results = await axe.run(
    document,
    process.env.AXE_ALL ? { ...AXE_OPTIONS, resultTypes: ["violations", "incomplete"] } : AXE_OPTIONS,
  );
  runs.push({ screen: screenName, lang });
  if (process.env.AXE_ALL) {
    for (const v of [...results.violations, ...results.incomplete]) {
      const kind = results.violations.includes(v) ? "violation" : "incomplete";
      console.log(`AXE ${kind} ${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).slice(0, 6).join(", ")}`);
    }
  }
  const bad = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(bad, `${screenName} [${lang}]`).toEqual([]);
  expect(idProblems(), `${screenName} [${lang}]: ids`).toEqual([]);
}

const laptop = (over: Partial<KeySummary> = {}) =>
  sampleKey({
    label: "Laptop key",
    backed_up: true,
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
    ...over,
  });

const cliKey = () =>
  sampleKey({
    fingerprint: SAMPLE_FINGERPRINT_2,
    label: "CLI key",
    source: "iexec_secrets_folder",
    addresses: [ADDRESS_B],
    backed_up: false,
  });

function setup(opts: Partial<MockOptions> = {}): Ctx {
  const backend = createMockBackend({ manual: true, ...opts });
  const user = userEvent.setup();
  render(App, { backend });
  return { backend, user };
}

/** A full app: keys, wallets, the key services, tasks and watched addresses. */
function filled(opts: Partial<MockOptions> = {}): Ctx {
  return setup({
    ringKeys: [laptop(), cliKey()],
    wallets: [sampleWallet({ label: "Work wallet" })],
    smsKeys: { "arbitrum-mainnet": [ADDRESS_A] },
    watched: [sampleWatched({ label: "Work wallet" }), sampleWatched({ network: "arbitrum-sepolia-testnet", address: ADDRESS_B })],
    tasks: sampleTasks(),
    indexed: sampleTasks(),
    manualFetch: true,
    ...opts,
  });
}

async function settled() {
  // Let the pending loads of the screen (lists, checks) land.
  await new Promise((r) => setTimeout(r, 30));
}

async function nav(user: User, testid: string, screenId: string) {
  await user.click(screen.getByTestId(testid));
  return screen.findByTestId(screenId);
}

async function taskRow(seed: string): Promise<HTMLElement> {
  const id = sampleTaskId(seed);
  return waitFor(() => {
    const found = screen.getAllByTestId("task-row").find((r) => r.dataset.taskId === id);
    if (!found) throw new Error(`no row ${seed}`);
    return found;
  });
}

async function startJob({ backend, user }: Ctx) {
  await screen.findByTestId("drop-zone");
  await user.click(screen.getByTestId("choose-file"));
  await waitFor(() => expect(backend.jobs.length).toBeGreaterThan(0));
  return backend.jobs[backend.jobs.length - 1];
}

function storedRotation(step: Rotation["step"], pushed: string[] = []): Rotation {
  return {
    id: "4f1c2a9be0d37a65",
    address: ADDRESS_A,
    networks: ["arbitrum-mainnet", "arbitrum-sepolia-testnet"],
    old_fingerprint: SAMPLE_FINGERPRINT,
    new_fingerprint: SAMPLE_FINGERPRINT_2,
    step,
    pushed,
    started: "2025-05-02T09:10:00Z",
    finished: null,
  };
}

const UNAUTHORIZED: IpcError = {
  kind: "sms_unauthorized",
  message: "The SMS https://sms.arbitrum-sepolia-testnet.iex.ec refused the signature (HTTP 401).",
  hint: "The wallet must be the beneficiary's own wallet.",
};

async function rotationAt(step: Rotation["step"], opts: Partial<MockOptions> = {}) {
  const ctx = setup({
    ringKeys: [laptop(), sampleKey({ fingerprint: SAMPLE_FINGERPRINT_2, label: "New key", backed_up: step !== "key_generated" })],
    wallets: [sampleWallet()],
    rotation: storedRotation(step, step === "pushed" ? ["arbitrum-mainnet", "arbitrum-sepolia-testnet"] : []),
    ...opts,
  });
  await nav(ctx.user, "nav-keys", "keys-screen");
  await ctx.user.click(await screen.findByTestId("start-rotation"));
  await screen.findByTestId("rotation-wizard");
  return ctx;
}

async function backupWizard(): Promise<Ctx> {
  const ctx = setup({ ringKeys: [laptop({ backed_up: false })] });
  await nav(ctx.user, "nav-keys", "keys-screen");
  await ctx.user.click(screen.getByTestId("start-backup"));
  await screen.findByTestId("backup-wizard");
  return ctx;
}

async function restoreScreen(): Promise<Ctx> {
  const ctx = setup({ ringKeys: [laptop()] });
  ctx.backend.options.kits[ctx.backend.options.pickKitFile ?? ""] = { words: [...SAMPLE_WORDS], keys: [laptop()] };
  await nav(ctx.user, "nav-keys", "keys-screen");
  await ctx.user.click(screen.getByTestId("start-restore"));
  await screen.findByTestId("restore-screen");
  await ctx.user.click(screen.getByTestId("restore-choose-kit"));
  await screen.findByTestId("restore-kit");
  return ctx;
}

async function typeWords(user: User, words: string) {
  const area = screen.getByTestId("restore-words-input");
  await user.click(area);
  await user.paste(words);
}

/** The welcome tour at its first step (a fresh install: no key, no record). */
async function tour(opts: Partial<MockOptions> = {}): Promise<Ctx> {
  localStorage.removeItem(ONBOARDING_KEY);
  const ctx = setup({ keyLocations: [], ...opts });
  await screen.findByTestId("onboarding");
  return ctx;
}

async function tourNext(user: User, step: string) {
  await user.click(screen.getByTestId("onboarding-next"));
  await waitFor(() => expect(screen.getByTestId("onboarding")).toHaveAttribute("data-step", step));
}

async function tourSkip(user: User, step: string) {
  await user.click(screen.getByTestId("onboarding-skip"));
  await waitFor(() => expect(screen.getByTestId("onboarding")).toHaveAttribute("data-step", step));
}

/** Each case drives the app into one state; the audit runs on the whole document. */
const CASES: [string, () => Promise<unknown>][] = [
  [
    "home, empty (fresh install)",
    async () => {
      setup({ keyLocations: [] });
      await screen.findByTestId("home-keys-empty");
      await screen.findByTestId("home-results-empty");
      await screen.findByTestId("home-no-wallet");
    },
  ],
  [
    "home, filled (keys, key service, latest results, reminders)",
    async () => {
      localStorage.setItem(ONBOARDING_KEY, JSON.stringify({ status: "skipped", skipped: ["backup", "wallet"] }));
      filled();
      await waitFor(() => expect(screen.getAllByTestId("home-result")).toHaveLength(4));
      await waitFor(() => expect(screen.getAllByTestId("home-reminder").length).toBeGreaterThan(1));
      await waitFor(() =>
        expect(screen.getAllByTestId("home-sms-chip").every((c) => c.dataset.state !== "checking")).toBe(true),
      );
    },
  ],
  [
    "drop zone, dragging a file that is no zip",
    async () => {
      const { backend } = setup();
      await screen.findByTestId("drop-zone");
      backend.emitDrag({ type: "enter", paths: ["/home/alice/photo.jpg"] });
      await screen.findByTestId("drag-warning");
    },
  ],
  [
    "drop zone, dragging a zip",
    async () => {
      const { backend } = setup();
      await screen.findByTestId("drop-zone");
      backend.emitDrag({ type: "enter", paths: ["/home/alice/result.zip"] });
      await waitFor(() => expect(screen.getByTestId("drop-zone")).toHaveClass("dragging"));
    },
  ],
  [
    "drop zone, after a cancel (notice)",
    async () => {
      const ctx = setup();
      await startJob(ctx);
      await ctx.user.click(screen.getByTestId("cancel"));
      await screen.findByTestId("drop-zone");
    },
  ],
  [
    "working (progress)",
    async () => {
      const ctx = setup();
      const job = await startJob(ctx);
      job.progress({ stage: "decrypting", done: 12_000_000, total: 48_000_000 });
      await waitFor(() => expect(screen.getByTestId("progress")).toHaveAttribute("aria-valuenow", "25"));
    },
  ],
  [
    "result, decrypted",
    async () => {
      const ctx = setup();
      (await startJob(ctx)).resolve(sampleOutcome());
      await screen.findByTestId("result-view");
    },
  ],
  [
    "result, not encrypted",
    async () => {
      const ctx = setup();
      (await startJob(ctx)).resolve(sampleOutcome({ status: "not_encrypted", format: null, key_fingerprint: null, key_label: null }));
      await screen.findByTestId("result-view");
    },
  ],
  [
    "key ring locked (passphrase)",
    async () => {
      const { user } = setup({ protection: "passphrase" });
      const input = await screen.findByTestId("passphrase-input");
      await user.type(input, "wrong{Enter}");
      await within(screen.getByTestId("unlock-screen")).findByRole("alert");
    },
  ],
  [
    "keychain problem",
    async () => {
      setup({ vaultOpenErrors: [{ kind: "keychain_unavailable", message: "No Secret Service.", hint: "" }] });
      await screen.findByTestId("keychain-problem");
    },
  ],
  [
    "keychain problem, passphrase instead",
    async () => {
      const { user } = setup({ protection: "none", vaultOpenErrors: [{ kind: "keychain_unavailable", message: "No Secret Service.", hint: "" }] });
      await user.click(await screen.findByTestId("use-passphrase"));
      await user.type(screen.getByTestId("passphrase-input"), "short");
      await user.click(screen.getByTestId("passphrase-submit"));
    },
  ],
  [
    "key ring damaged",
    async () => {
      setup({ vaultOpenErrors: [{ kind: "keyring_damaged", message: "The key is gone from the keychain.", hint: "" }] });
      await screen.findByTestId("keyring-damaged");
    },
  ],
  [
    "key ring failed",
    async () => {
      setup({ vaultOpenErrors: [{ kind: "io", message: "Permission denied.", hint: "" }] });
      await screen.findByTestId("vault-failed");
    },
  ],
  [
    "keys screen, with wallets and the key service",
    async () => {
      const { user } = setup({
        ringKeys: [laptop(), cliKey()],
        wallets: [sampleWallet({ label: "Work wallet" }), sampleWallet({ address: ADDRESS_B, label: "keystore", in_ring: false, keystore_path: keystorePathOf(ADDRESS_B) })],
        smsKeys: { "arbitrum-mainnet": [ADDRESS_A], "arbitrum-sepolia-testnet": [ADDRESS_A] },
        watched: [sampleWatched({ network: "arbitrum-sepolia-testnet" })],
      });
      await nav(user, "nav-keys", "keys-screen");
      // Two networks in use checked, Bellecour listed as not checked (with its own button).
      await waitFor(() =>
        expect(screen.getAllByTestId("sms-row").map((r) => r.dataset.check)).toEqual(["checked", "checked", "not_checked"]),
      );
    },
  ],
  [
    "keys screen, key services offline (compact states with a Retry)",
    async () => {
      const offline: IpcError = { kind: "network", message: "The SMS cannot be reached.", hint: "Check your connection." };
      const { user } = setup({
        ringKeys: [laptop()],
        wallets: [sampleWallet()],
        watched: [sampleWatched(), sampleWatched({ network: "arbitrum-sepolia-testnet" })],
        smsErrors: { "arbitrum-mainnet": offline, "arbitrum-sepolia-testnet": offline },
      });
      await nav(user, "nav-keys", "keys-screen");
      await waitFor(() => expect(screen.getAllByTestId("sms-retry-check")).toHaveLength(2));
    },
  ],
  [
    "keys screen, empty, with an import error",
    async () => {
      const { user } = setup({ errors: { keys_import_path: { kind: "invalid_key_file", message: "That is a public key.", hint: "" } } });
      await nav(user, "nav-keys", "keys-screen");
      await user.click(screen.getByTestId("import-file"));
      await screen.findByTestId("keys-error");
    },
  ],
  [
    "keys screen, confirm before exporting a private key",
    async () => {
      const { user } = setup({ ringKeys: [laptop()] });
      await nav(user, "nav-keys", "keys-screen");
      await user.click(screen.getByTestId("export-private"));
      await screen.findByTestId("confirm-dialog");
    },
  ],
  [
    "keys screen, wallet password asked before a push",
    async () => {
      const { user } = setup({
        ringKeys: [laptop()],
        wallets: [sampleWallet({ in_ring: false, keystore_path: keystorePathOf(ADDRESS_A) })],
        smsKeys: {},
      });
      await nav(user, "nav-keys", "keys-screen");
      const pushes = await screen.findAllByTestId("sms-push");
      await user.click(pushes[0]);
      await screen.findByRole("dialog");
    },
  ],
  [
    "backup wizard, explanation",
    async () => {
      await backupWizard();
    },
  ],
  [
    "backup wizard, the words",
    async () => {
      const { user } = await backupWizard();
      await user.click(screen.getByTestId("backup-save"));
      await screen.findByTestId("backup-words");
    },
  ],
  [
    "backup wizard, quiz with a wrong word",
    async () => {
      const { user } = await backupWizard();
      await user.click(screen.getByTestId("backup-save"));
      await user.click(await screen.findByTestId("backup-continue"));
      const inputs = await screen.findAllByTestId("quiz-word-input");
      await user.type(inputs[0], "apple");
      await user.click(screen.getByTestId("quiz-submit"));
      await screen.findByTestId("quiz-error");
    },
  ],
  [
    "backup wizard, done",
    async () => {
      const { user } = await backupWizard();
      await user.click(screen.getByTestId("backup-save"));
      await user.click(await screen.findByTestId("backup-continue"));
      for (const input of await screen.findAllByTestId("quiz-word-input")) {
        await user.type(input, SAMPLE_WORDS[Number(input.dataset.index) - 1]);
      }
      await user.click(screen.getByTestId("quiz-submit"));
      await screen.findByTestId("backup-done");
    },
  ],
  [
    "restore, typing",
    async () => {
      const { user } = await restoreScreen();
      await typeWords(user, SAMPLE_WORDS.slice(0, 9).join(" ") + " ac");
    },
  ],
  [
    "restore, words of another kit",
    async () => {
      const { user } = await restoreScreen();
      await typeWords(user, OTHER_WORDS.join(" "));
      await user.click(screen.getByTestId("restore-submit"));
      await waitFor(() => expect(screen.getByTestId("restore-result")).toHaveAttribute("data-outcome", "other_kit"));
    },
  ],
  [
    "restore, done",
    async () => {
      const { user } = await restoreScreen();
      await typeWords(user, SAMPLE_WORDS.join(" "));
      await user.click(screen.getByTestId("restore-submit"));
      await waitFor(() => expect(screen.getByTestId("restore-result")).toHaveAttribute("data-outcome", "correct"));
    },
  ],
  [
    "rotation wizard, why",
    async () => {
      const { user } = setup({ ringKeys: [laptop()], wallets: [sampleWallet()] });
      await nav(user, "nav-keys", "keys-screen");
      await user.click(await screen.findByTestId("start-rotation"));
      await waitFor(() => expect(screen.getByTestId("rotation-wizard")).toHaveAttribute("data-step", "why"));
    },
  ],
  [
    "rotation wizard, generating",
    async () => {
      const { user } = await rotationAt("started", { manualGenerate: true });
      await waitFor(() => expect(screen.getByTestId("rotation-wizard")).toHaveAttribute("data-step", "generate"));
      await user.click(screen.getByTestId("rotation-generate"));
      await screen.findByTestId("rotation-generate-progress");
    },
  ],
  [
    "rotation wizard, kit refused",
    async () => {
      const { user } = await rotationAt("key_generated");
      await waitFor(() => expect(screen.getByTestId("rotation-wizard")).toHaveAttribute("data-step", "kit"));
      await user.click(screen.getByTestId("rotation-next"));
      await screen.findByTestId("rotation-error");
    },
  ],
  [
    "rotation wizard, push with a failure",
    async () => {
      const { user } = await rotationAt("kit_updated", { pushFailures: { "arbitrum-sepolia-testnet": [UNAUTHORIZED] } });
      await waitFor(() => expect(screen.getByTestId("rotation-wizard")).toHaveAttribute("data-step", "push"));
      await user.click(screen.getByTestId("rotation-push"));
      await screen.findByTestId("rotation-push-retry");
    },
  ],
  [
    "rotation wizard, finish and summary",
    async () => {
      const { user } = await rotationAt("pushed");
      await waitFor(() => expect(screen.getByTestId("rotation-wizard")).toHaveAttribute("data-step", "finish"));
      await audit("rotation wizard, finish");
      await user.click(screen.getByTestId("rotation-finish"));
      await screen.findByTestId("rotation-summary");
    },
  ],
  [
    "tasks, nothing watched",
    async () => {
      const { user } = setup();
      await nav(user, "nav-tasks", "tasks-screen");
      await screen.findByTestId("tasks-empty");
    },
  ],
  [
    "tasks, list with a refresh warning and an add-by-id error",
    async () => {
      const { user } = filled({
        refreshWarning: "The subgraph did not answer. The market API answered instead; app names are missing.",
      });
      await nav(user, "nav-tasks", "tasks-screen");
      await waitFor(() => expect(screen.getAllByTestId("refresh-warning").length).toBeGreaterThan(0));
      await user.type(screen.getByTestId("add-by-id-input"), "0x1234");
      await user.click(screen.getByTestId("add-by-id-submit"));
      await screen.findByTestId("add-by-id-error");
    },
  ],
  [
    "tasks, details of a verified task",
    async () => {
      const { user } = filled();
      await nav(user, "nav-tasks", "tasks-screen");
      await user.click(within(await taskRow("verified")).getByTestId("task-open"));
      await screen.findByTestId("task-details");
    },
  ],
  [
    "tasks, details of a mismatch",
    async () => {
      const { user } = filled();
      await nav(user, "nav-tasks", "tasks-screen");
      await user.click(within(await taskRow("mismatch")).getByTestId("task-open"));
      await screen.findByTestId("redownload");
    },
  ],
  [
    "tasks, a download retrying, and a failed one",
    async () => {
      const { backend, user } = filled({ fetchEnds: { [sampleTaskId("downloaded")]: { kind: "network", message: "Every gateway failed.", hint: "" } } });
      await nav(user, "nav-tasks", "tasks-screen");
      await user.click(within(await taskRow("fresh")).getByTestId("fetch-task"));
      await waitFor(() => expect(backend.fetches).toHaveLength(1));
      backend.fetches[0].progress({
        stage: "downloading",
        progress: {
          done: 12_000_000,
          total: 40_000_000,
          bytes_per_sec: 0,
          gateway: "https://ipfs.iex.ec",
          attempt: 1,
          retry_in_ms: 2000,
          retry_reason: "connection reset",
        },
      });
      await user.click(within(await taskRow("downloaded")).getByTestId("fetch-task"));
      await waitFor(() => expect(backend.fetches).toHaveLength(2));
      backend.fetches[1].resolve();
      await within(await taskRow("downloaded")).findByTestId("fetch-error");
    },
  ],
  [
    "tasks, a verified download's result in the row",
    async () => {
      const { backend, user } = filled();
      await nav(user, "nav-tasks", "tasks-screen");
      await user.click(within(await taskRow("fresh")).getByTestId("fetch-task"));
      await waitFor(() => expect(backend.fetches).toHaveLength(1));
      backend.fetches[0].resolve("mismatch");
      await within(await taskRow("fresh")).findByTestId("fetch-result");
    },
  ],
  [
    "settings",
    async () => {
      const { user } = setup();
      await nav(user, "nav-settings", "settings-screen");
      await waitFor(() => expect(screen.getAllByTestId("network-row")).toHaveLength(3));
    },
  ],
  [
    "settings, adding a network (invalid) and a log folder error",
    async () => {
      const { user } = setup({ errors: { open_log_folder: { kind: "io", message: "No file manager.", hint: "" } } });
      await nav(user, "nav-settings", "settings-screen");
      await user.click(screen.getByTestId("open-log-folder"));
      await screen.findByTestId("log-folder-error");
      await user.click(await screen.findByTestId("network-add-toggle"));
      await user.click(screen.getByTestId("network-add-save"));
      await screen.findByTestId("network-add-invalid");
    },
  ],
  [
    "welcome tour, welcome",
    async () => {
      await tour();
    },
  ],
  [
    "welcome tour, your key",
    async () => {
      const { user } = await tour();
      await tourNext(user, "keys");
    },
  ],
  [
    "welcome tour, a key being made",
    async () => {
      const { user } = await tour({ manualGenerate: true });
      await tourNext(user, "keys");
      await user.click(screen.getByTestId("onboarding-create-key"));
      await screen.findByTestId("onboarding-generating");
    },
  ],
  [
    "welcome tour, restoring a kit",
    async () => {
      const { user } = await tour();
      await tourNext(user, "keys");
      await user.click(screen.getByTestId("onboarding-restore-start"));
      await screen.findByTestId("restore-screen");
    },
  ],
  [
    "welcome tour, back-up",
    async () => {
      const { user } = await tour();
      await tourNext(user, "keys");
      await user.click(screen.getByTestId("onboarding-create-key"));
      await waitFor(() => expect(screen.getByTestId("onboarding")).toHaveAttribute("data-step", "backup"));
      await screen.findByTestId("onboarding-backup");
    },
  ],
  [
    "welcome tour, the backup wizard inside",
    async () => {
      const { user } = await tour();
      await tourNext(user, "keys");
      await user.click(screen.getByTestId("onboarding-create-key"));
      await user.click(await screen.findByTestId("onboarding-backup"));
      await user.click(await screen.findByTestId("backup-save"));
      await screen.findByTestId("backup-words");
    },
  ],
  [
    "welcome tour, wallet and key service",
    async () => {
      const { user } = await tour();
      await tourNext(user, "keys");
      await tourSkip(user, "backup");
      // No key: nothing to back up, the step only goes on.
      await tourNext(user, "wallet");
      await screen.findByTestId("wallet-section");
    },
  ],
  [
    "welcome tour, watch an address (invalid)",
    async () => {
      const { user } = await tour();
      await tourNext(user, "keys");
      await tourSkip(user, "backup");
      // No key: nothing to back up, the step only goes on.
      await tourNext(user, "wallet");
      await tourSkip(user, "watch");
      await user.type(screen.getByTestId("onboarding-watch-address"), "0x1234");
      await user.click(screen.getByTestId("onboarding-watch-submit"));
      await screen.findByTestId("onboarding-watch-error");
    },
  ],
  [
    "welcome tour, done",
    async () => {
      const { user } = await tour();
      await tourNext(user, "keys");
      await tourSkip(user, "backup");
      // No key: nothing to back up, the step only goes on.
      await tourNext(user, "wallet");
      await tourSkip(user, "watch");
      await tourSkip(user, "done");
    },
  ],
];

/** The error view of each kind (one app, driven from one error to the next). */
async function errorViews(kinds: readonly ErrorKind[]) {
  const ctx = setup();
  for (const kind of kinds) {
    const job = await startJob(ctx);
    job.reject({ kind, message: `What went wrong (${kind}).`, hint: `What to do (${kind}).` });
    await waitFor(() => expect(screen.getByTestId("error-view")).toHaveAttribute("data-kind", kind));
    await settled();
    await audit(`error view: ${kind}`);
    await ctx.user.click(screen.getByTestId("start-over"));
    await screen.findByTestId("drop-zone");
  }
}

const ALL_KINDS = ERROR_KINDS.filter((k) => k !== "cancelled");

beforeEach(() => {
  // jsdom does not draw: axe's look at canvases (icon fonts) has nothing to read.
  vi.spyOn(HTMLCanvasElement.prototype, "getContext").mockReturnValue(null);
});

afterEach(() => {
  delete window.__resultVault;
});

afterAll(() => {
  const screens = new Set(runs.map((r) => r.screen));
  console.info(`axe: ${runs.length} runs over ${screens.size} screens and states, in English and French`);
});

describe.each(["en", "fr"] as const)("no serious or critical axe violation (%s)", (language) => {
  beforeEach(async () => {
    lang = language;
    await setLanguage(language);
    // As main.ts does at start-up (axe checks that the document has a title).
    document.title = translate("app.name");
  });

  it.each(CASES)("%s", async (name, drive) => {
    await drive();
    await settled();
    await audit(name);
  });

  it("the error view of every kind", { timeout: 60_000 }, async () => {
    await errorViews(language === "en" ? ALL_KINDS : (["no_matching_key", "not_a_result", "network", "keychain_locked"] as const));
  });
});
