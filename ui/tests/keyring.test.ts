import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import App from "../src/App.svelte";
import en from "../src/lib/i18n/en.json";
import fr from "../src/lib/i18n/fr.json";
import { setLanguage } from "../src/lib/i18n";
import type { IpcError, KeySummary } from "../src/lib/ipc/bindings";
import {
  createMockBackend,
  OTHER_WORDS,
  SAMPLE_FINGERPRINT,
  SAMPLE_FINGERPRINT_2,
  SAMPLE_WORDS,
  sampleKey,
  type MockOptions,
} from "../src/lib/mockBackend";
import { quizPositions } from "../src/lib/components/BackupWizard.svelte";
import { positionIn } from "../src/lib/components/RestoreScreen.svelte";
import { kitFileName } from "../src/lib/format";

const UNAVAILABLE: IpcError = {
  kind: "keychain_unavailable",
  message: "No Secret Service on the session bus.",
  hint: "",
};
const LOCKED: IpcError = { kind: "keychain_locked", message: "Timed out after 20 s.", hint: "" };
const DAMAGED: IpcError = {
  kind: "keyring_damaged",
  message: "The key ring is here, but its key is no longer in the system keychain.",
  hint: "",
};

const backedUp = () => sampleKey({ label: "Laptop key", backed_up: true });
const notBackedUp = () =>
  sampleKey({
    fingerprint: SAMPLE_FINGERPRINT_2,
    label: "CLI key",
    created: "2024-11-02T16:05:10Z",
    source: "iexec_secrets_folder",
    addresses: ["0xAb8483F64d9C6d1EcF9b849Ae677dD3315835cb2"],
    backed_up: false,
  });

function setup(opts: Partial<MockOptions> = {}) {
  const backend = createMockBackend({ manual: true, ...opts });
  const user = userEvent.setup();
  const view = render(App, { backend });
  return { backend, user, ...view };
}

async function openKeys(user: ReturnType<typeof userEvent.setup>) {
  await user.click(screen.getByTestId("nav-keys"));
  return screen.findByTestId("keys-screen");
}

function row(fingerprint: string): HTMLElement {
  const found = screen
    .getAllByTestId("key-row")
    .find((r) => r.getAttribute("data-fingerprint") === fingerprint);
  if (!found) throw new Error(`no row for ${fingerprint}`);
  return found;
}

afterEach(() => {
  delete window.__resultVault;
});

describe("navigation", () => {
  it("switches between Open a result and Keys, moving focus to each screen's heading", async () => {
    const { user } = setup({ ringKeys: [backedUp()] });
    const nav = screen.getByRole("navigation", { name: en.nav.label });
    expect(within(nav).getByTestId("nav-open")).toHaveAttribute("aria-current", "page");

    await openKeys(user);
    const heading = screen.getByRole("heading", { name: en.ring.heading });
    await waitFor(() => expect(heading).toHaveFocus());
    expect(screen.getByTestId("nav-keys")).toHaveAttribute("aria-current", "page");
    expect(screen.getByTestId("nav-open")).not.toHaveAttribute("aria-current");

    await user.click(screen.getByTestId("nav-open"));
    await screen.findByTestId("drop-zone");
    const openHeading = screen.getByRole("heading", { name: en.nav.openHeading });
    await waitFor(() => expect(openHeading).toHaveFocus());
  });

  it("works from the keyboard", async () => {
    const { user } = setup();
    screen.getByTestId("nav-keys").focus();
    await user.keyboard("{Enter}");
    expect(await screen.findByTestId("keys-screen")).toBeInTheDocument();
  });

  it("a drag over the Keys screen goes back to the drop zone", async () => {
    const { backend, user } = setup();
    await openKeys(user);
    backend.emitDrag({ type: "enter", paths: ["/d/result.zip"] });
    expect(await screen.findByTestId("drop-zone")).toBeInTheDocument();
  });

  it("shows how many keys of the ring are used on the open screen", async () => {
    const { user } = setup({ ringKeys: [backedUp(), notBackedUp()] });
    const status = await screen.findByTestId("ring-status");
    expect(status).toHaveTextContent("Using your key ring");
    expect(status).toHaveTextContent("2 keys");
    await user.click(within(status).getByTestId("manage-keys"));
    expect(await screen.findByTestId("keys-screen")).toBeInTheDocument();
  });
});

describe("start-up", () => {
  it("opens the ring with the keychain when no passphrase is needed", async () => {
    const { backend } = setup();
    await waitFor(() => expect(backend.callsTo("vault_open")).toEqual([{ passphrase: null, createWith: null }]));
    expect(backend.callsTo("vault_protection")).toHaveLength(1);
    expect(screen.getByTestId("drop-zone")).toBeInTheDocument();
  });

  it("asks for the passphrase of a passphrase ring, and says when it is wrong", async () => {
    const { backend, user } = setup({ protection: "passphrase", passphrase: "right one here" });
    const unlock = await screen.findByTestId("unlock-screen");
    expect(backend.callsTo("vault_open")).toHaveLength(0);
    const input = within(unlock).getByTestId("passphrase-input");
    await waitFor(() => expect(input).toHaveFocus());
    expect(input).toHaveAttribute("type", "password");

    await user.type(input, "wrong");
    await user.click(within(unlock).getByTestId("passphrase-submit"));
    expect(await within(unlock).findByRole("alert")).toHaveTextContent(en.vault.unlock.wrong);

    await user.clear(input);
    await user.type(input, "right one here{Enter}");
    await screen.findByTestId("drop-zone");
    expect(backend.callsTo("vault_open")).toEqual([
      { passphrase: "wrong", createWith: null },
      { passphrase: "right one here", createWith: null },
    ]);
    expect(screen.queryByTestId("unlock-screen")).not.toBeInTheDocument();
  });

  it.each([
    [UNAVAILABLE, en.errors.title.keychain_unavailable, en.vault.keychain.unavailable],
    [LOCKED, en.errors.title.keychain_locked, en.vault.keychain.locked],
  ])("explains a keychain problem ($kind) and retries", async (error, title, text) => {
    const { backend, user } = setup({ vaultOpenErrors: [error] });
    const problem = await screen.findByTestId("keychain-problem");
    expect(problem).toHaveAttribute("data-kind", error.kind);
    const heading = within(problem).getByRole("heading", { level: 2 });
    expect(heading).toHaveTextContent(title);
    await waitFor(() => expect(heading).toHaveFocus());
    expect(problem).toHaveTextContent(text);
    expect(problem).toHaveTextContent(error.message);

    await user.click(within(problem).getByTestId("keychain-retry"));
    await screen.findByTestId("drop-zone");
    expect(backend.callsTo("vault_open")).toHaveLength(2);
    expect(screen.queryByTestId("keychain-problem")).not.toBeInTheDocument();
  });

  it("keeps the keychain screen when the retry fails again", async () => {
    const { backend, user } = setup({ vaultOpenErrors: [UNAVAILABLE, LOCKED] });
    const problem = await screen.findByTestId("keychain-problem");
    await user.click(within(problem).getByTestId("keychain-retry"));
    await waitFor(() => expect(screen.getByTestId("keychain-problem")).toHaveAttribute("data-kind", "keychain_locked"));
    expect(backend.callsTo("vault_open")).toHaveLength(2);
  });

  it("offers a passphrase instead, explaining the trade-off, and asks for it twice", async () => {
    const { backend, user } = setup({ protection: "none", vaultOpenErrors: [UNAVAILABLE] });
    const problem = await screen.findByTestId("keychain-problem");
    await user.click(within(problem).getByTestId("use-passphrase"));

    expect(problem).toHaveTextContent(en.vault.passphrase.everyStart);
    expect(problem).toHaveTextContent(en.vault.passphrase.forget);
    const [first, second] = [
      within(problem).getByTestId("passphrase-input"),
      within(problem).getByTestId("passphrase-confirm"),
    ];
    await waitFor(() => expect(first).toHaveFocus());

    await user.type(first, "short");
    await user.type(second, "short");
    await user.click(within(problem).getByTestId("passphrase-submit"));
    expect(problem).toHaveTextContent("Use at least 8 characters.");

    await user.clear(first);
    await user.clear(second);
    await user.type(first, "purple otter lamp river");
    await user.type(second, "purple otter lamp rivers");
    await user.click(within(problem).getByTestId("passphrase-submit"));
    expect(problem).toHaveTextContent(en.vault.passphrase.different);
    expect(backend.callsTo("vault_open")).toHaveLength(1);

    await user.clear(second);
    await user.type(second, "purple otter lamp river");
    await user.click(within(problem).getByTestId("passphrase-submit"));
    await screen.findByTestId("drop-zone");
    expect(backend.callsTo("vault_open")[1]).toEqual({
      passphrase: "purple otter lamp river",
      createWith: "passphrase",
    });
  });

  it("lets results be opened without the ring", async () => {
    const { backend, user } = setup({ vaultOpenErrors: [UNAVAILABLE] });
    await screen.findByTestId("keychain-problem");
    await user.click(screen.getByTestId("vault-skip"));
    await screen.findByTestId("drop-zone");
    await screen.findByText(/Using the key folder/);
    await user.click(screen.getByTestId("choose-file"));
    await waitFor(() => expect(backend.jobs).toHaveLength(1));
    expect(backend.jobs[0].keyPaths).toEqual(["/home/alice/.secrets/beneficiary"]);
    // The Keys screen still says what is wrong with the ring.
    await user.click(screen.getByTestId("nav-keys"));
    expect(await screen.findByTestId("keychain-problem")).toBeInTheDocument();
  });

  it("a drop while the keychain screen shows opens the file", async () => {
    const { backend } = setup({ vaultOpenErrors: [UNAVAILABLE] });
    await screen.findByTestId("keychain-problem");
    backend.emitDrag({ type: "enter", paths: ["/d/result.zip"] });
    await screen.findByTestId("drop-zone");
    backend.emitDrag({ type: "drop", paths: ["/d/result.zip"] });
    await waitFor(() => expect(backend.jobs).toHaveLength(1));
  });

  it("offers a restore on the first screen of a fresh install (empty key ring)", async () => {
    const { user } = setup({ ringKeys: [] });
    const restore = await screen.findByTestId("restore-from-first-screen");
    expect(screen.getByTestId("ring-empty")).toHaveTextContent(en.keys.ringEmpty);
    await user.click(restore);
    expect(await screen.findByTestId("restore-screen")).toBeInTheDocument();
  });

  it("does not offer it once the key ring holds keys", async () => {
    setup({ ringKeys: [backedUp()] });
    await screen.findByTestId("ring-status");
    expect(screen.queryByTestId("restore-from-first-screen")).not.toBeInTheDocument();
  });

  it("offers a restore when the ring is damaged", async () => {
    const { user } = setup({ vaultOpenErrors: [DAMAGED] });
    const damaged = await screen.findByTestId("keyring-damaged");
    expect(damaged).toHaveTextContent(en.errors.title.keyring_damaged);
    await user.click(within(damaged).getByTestId("start-restore"));
    expect(await screen.findByTestId("restore-screen")).toBeInTheDocument();
  });
});

describe("keys screen", () => {
  it("lists the keys with their details", async () => {
    const { user } = setup({ ringKeys: [backedUp(), notBackedUp()] });
    await openKeys(user);
    const rows = screen.getAllByTestId("key-row");
    expect(rows.map((r) => r.dataset.fingerprint)).toEqual([SAMPLE_FINGERPRINT, SAMPLE_FINGERPRINT_2]);
    const first = rows[0];
    expect(first).toHaveTextContent("Laptop key");
    expect(first).toHaveTextContent("3F2A 91C0 77DE 0B44");
    expect(first).toHaveTextContent("Mar 14, 2025");
    expect(first).toHaveTextContent(en.ring.source.generated);
    expect(first).toHaveTextContent(en.ring.status.active);
    expect(within(first).getByTestId("backed-up")).toBeInTheDocument();
    expect(first).toHaveTextContent("0x5B38Da6a701c568545dCfcB03FcB875f56beddC4");
    const second = rows[1];
    expect(second).toHaveTextContent(en.ring.source.iexec_secrets_folder);
    expect(within(second).getByTestId("not-backed-up")).toBeInTheDocument();
  });

  it("shows dates and sources in French", async () => {
    await setLanguage("fr");
    try {
      const { user } = setup({ ringKeys: [backedUp()] });
      await openKeys(user);
      const first = screen.getAllByTestId("key-row")[0];
      expect(first).toHaveTextContent("14 mars 2025");
      expect(first).toHaveTextContent(fr.ring.source.generated);
      expect(first).toHaveTextContent(fr.ring.status.active);
    } finally {
      await setLanguage("en");
    }
  });

  it("says when the ring is empty", async () => {
    const { user } = setup();
    await openKeys(user);
    expect(screen.getByTestId("keys-empty")).toHaveTextContent(en.ring.emptyTitle);
    expect(screen.getByTestId("start-backup")).toBeDisabled();
  });

  it("enables Delete only for a backed-up key, and confirms first", async () => {
    const { backend, user } = setup({ ringKeys: [backedUp(), notBackedUp()] });
    await openKeys(user);
    const notSafe = within(row(SAMPLE_FINGERPRINT_2)).getByTestId("delete-key");
    expect(notSafe).toBeDisabled();
    expect(notSafe).toHaveAccessibleDescription(en.ring.deleteNeedsBackup);

    const safe = within(row(SAMPLE_FINGERPRINT)).getByTestId("delete-key");
    expect(safe).toBeEnabled();
    await user.click(safe);
    const dialog = await screen.findByTestId("confirm-dialog");
    expect(dialog).toHaveTextContent("Delete “Laptop key”?");
    await waitFor(() => expect(within(dialog).getByTestId("confirm-cancel")).toHaveFocus());
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("confirm-dialog")).not.toBeInTheDocument();
    expect(backend.callsTo("keys_delete")).toHaveLength(0);

    await user.click(safe);
    await user.click(await screen.findByTestId("confirm-ok"));
    await waitFor(() => expect(screen.getAllByTestId("key-row")).toHaveLength(1));
    expect(backend.callsTo("keys_delete")).toEqual([{ fingerprint: SAMPLE_FINGERPRINT }]);
    expect(screen.getByTestId("keys-notice")).toHaveTextContent("Deleted: Laptop key");
    await waitFor(() => expect(screen.getByRole("heading", { name: en.ring.heading })).toHaveFocus());
  });

  it("shows the backup_required error if the app refuses a delete", async () => {
    const { user } = setup({
      ringKeys: [backedUp()],
      errors: { keys_delete: { kind: "backup_required", message: "In no verified kit.", hint: "" } },
    });
    await openKeys(user);
    await user.click(screen.getByTestId("delete-key"));
    await user.click(await screen.findByTestId("confirm-ok"));
    const alert = await screen.findByTestId("keys-error");
    expect(alert).toHaveAttribute("data-kind", "backup_required");
    expect(alert).toHaveTextContent(en.errors.title.backup_required);
    expect(alert).toHaveTextContent(en.errors.defaultHint.backup_required);
  });

  it("asks for confirmation before exporting a private key, then saves where chosen", async () => {
    const { backend, user } = setup({ ringKeys: [backedUp()] });
    await openKeys(user);
    await user.click(screen.getByTestId("export-private"));
    const dialog = await screen.findByTestId("confirm-dialog");
    expect(dialog).toHaveAttribute("role", "alertdialog");
    expect(dialog).toHaveTextContent(en.ring.confirmPrivate.title);
    expect(dialog).toHaveTextContent(en.ring.confirmPrivate.risk1);
    expect(backend.callsTo("save_file")).toHaveLength(0);

    await user.click(within(dialog).getByTestId("confirm-cancel"));
    expect(backend.callsTo("keys_export_private")).toHaveLength(0);
    expect(backend.callsTo("save_file")).toHaveLength(0);

    await user.click(screen.getByTestId("export-private"));
    await user.click(await screen.findByTestId("confirm-ok"));
    await screen.findByTestId("keys-notice");
    const name = "0x5B38Da6a701c568545dCfcB03FcB875f56beddC4_key";
    expect(backend.callsTo("keys_suggest_name")).toEqual([{ fingerprint: SAMPLE_FINGERPRINT, private: true }]);
    expect(backend.callsTo("save_file")).toEqual([{ kind: "private_key", defaultName: name }]);
    expect(backend.callsTo("keys_export_private")).toEqual([
      { fingerprint: SAMPLE_FINGERPRINT, path: `/home/alice/Documents/${name}` },
    ]);
    expect(screen.getByTestId("keys-notice")).toHaveTextContent(`Private key saved: ${name}`);
  });

  it("exports a public key without asking, and does nothing when the dialog is closed", async () => {
    const { backend, user } = setup({ ringKeys: [backedUp()], savePath: () => null });
    await openKeys(user);
    await user.click(screen.getByTestId("export-public"));
    await waitFor(() => expect(backend.callsTo("save_file")).toHaveLength(1));
    expect(backend.callsTo("save_file")[0]).toEqual({
      kind: "public_key",
      defaultName: "0x5B38Da6a701c568545dCfcB03FcB875f56beddC4_key.pub",
    });
    expect(screen.queryByTestId("confirm-dialog")).not.toBeInTheDocument();
    expect(backend.callsTo("keys_export_public")).toHaveLength(0);

    backend.options.savePath = (_kind, name) => `/tmp/${name}`;
    await user.click(screen.getByTestId("export-public"));
    await screen.findByTestId("keys-notice");
    expect(backend.callsTo("keys_export_public")).toEqual([
      { fingerprint: SAMPLE_FINGERPRINT, path: "/tmp/0x5B38Da6a701c568545dCfcB03FcB875f56beddC4_key.pub" },
    ]);
  });

  it("renames a key inline (Enter saves, Escape cancels)", async () => {
    const { backend, user } = setup({ ringKeys: [backedUp()] });
    await openKeys(user);
    await user.click(screen.getByTestId("rename-key"));
    const input = screen.getByTestId("rename-input");
    await waitFor(() => expect(input).toHaveFocus());
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("rename-input")).not.toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId("rename-key")).toHaveFocus());

    await user.click(screen.getByTestId("rename-key"));
    await user.clear(screen.getByTestId("rename-input"));
    await user.type(screen.getByTestId("rename-input"), "Work laptop{Enter}");
    await waitFor(() => expect(row(SAMPLE_FINGERPRINT)).toHaveTextContent("Work laptop"));
    expect(backend.callsTo("keys_rename")).toEqual([{ fingerprint: SAMPLE_FINGERPRINT, label: "Work laptop" }]);
  });

  it("retires a key after confirmation", async () => {
    const { backend, user } = setup({ ringKeys: [backedUp()] });
    await openKeys(user);
    await user.click(screen.getByTestId("retire-key"));
    await user.click(await screen.findByTestId("confirm-ok"));
    await waitFor(() => expect(screen.getByTestId("key-status-chip")).toHaveTextContent(en.ring.status.retired));
    expect(backend.callsTo("keys_retire")).toEqual([{ fingerprint: SAMPLE_FINGERPRINT }]);
    expect(screen.queryByTestId("retire-key")).not.toBeInTheDocument();
  });

  it("generates a key with a label, showing progress until it is there", async () => {
    const { backend, user } = setup({ manualGenerate: true });
    await openKeys(user);
    await user.type(screen.getByTestId("key-label-input"), "Work laptop");
    await user.click(screen.getByTestId("generate-key"));
    const progress = await screen.findByTestId("generate-progress");
    expect(progress).toHaveTextContent("Generating a 4096-bit key… (a few seconds)");
    expect(backend.generations).toHaveLength(1);
    expect(backend.generations[0].label).toBe("Work laptop");
    backend.generations[0].resolve();
    await waitFor(() => expect(screen.getAllByTestId("key-row")).toHaveLength(1));
    expect(screen.getByTestId("keys-notice")).toHaveTextContent("Key added: Work laptop");
    expect(screen.queryByTestId("generate-progress")).not.toBeInTheDocument();
    // Not backed up yet: the reminder appears.
    expect(screen.getByTestId("backup-reminder")).toHaveTextContent("1 key is not in a verified recovery kit.");
  });

  it("cancels a generation with cancel_job", async () => {
    const { backend, user } = setup({ manualGenerate: true });
    await openKeys(user);
    await user.click(screen.getByTestId("generate-key"));
    await user.click(await screen.findByTestId("generate-cancel"));
    const jobId = backend.generations[0].jobId;
    expect(backend.callsTo("cancel_job")).toEqual([{ jobId }]);
    expect(backend.callsTo("keys_generate")[0]).toMatchObject({ jobId });
    expect(await screen.findByTestId("keys-notice")).toHaveTextContent(en.ring.generateCancelled);
    expect(screen.queryByTestId("key-row")).not.toBeInTheDocument();
  });

  it("imports a key file, and says when a key is already in the ring", async () => {
    const name = "0xAb8483F64d9C6d1EcF9b849Ae677dD3315835cb2_key";
    const { backend, user } = setup({ pickKeyFile: `/k/${name}` });
    await openKeys(user);
    await user.click(screen.getByTestId("import-file"));
    await waitFor(() => expect(screen.getAllByTestId("key-row")).toHaveLength(1));
    expect(backend.callsTo("keys_import_path")).toEqual([{ path: `/k/${name}` }]);
    expect(screen.getByTestId("keys-notice")).toHaveTextContent(`Key added: ${name}`);

    await user.click(screen.getByTestId("import-folder"));
    await waitFor(() => expect(screen.getAllByTestId("key-row")).toHaveLength(2));
    await user.click(screen.getByTestId("import-folder"));
    await waitFor(() =>
      expect(screen.getByTestId("keys-notice")).toHaveTextContent("Already in your key ring: beneficiary"),
    );
    expect(screen.getAllByTestId("key-row")).toHaveLength(2);
  });

  it("imports a pasted PEM", async () => {
    const { backend, user } = setup({ ringKeys: [backedUp()] });
    await openKeys(user);
    await user.click(screen.getByTestId("import-paste"));
    const area = screen.getByTestId("pem-input");
    await waitFor(() => expect(area).toHaveFocus());
    await user.type(area, "-----BEGIN PRIVATE KEY-----SAME-----END PRIVATE KEY-----");
    await user.type(screen.getByTestId("pem-label"), "Again");
    await user.click(screen.getByTestId("pem-submit"));
    expect(await screen.findByTestId("keys-notice")).toHaveTextContent("Already in your key ring: Laptop key");
    expect(backend.callsTo("keys_import_pem")[0]).toMatchObject({ label: "Again" });

    await user.click(screen.getByTestId("import-paste"));
    await user.type(screen.getByTestId("pem-input"), "not a key");
    await user.click(screen.getByTestId("pem-submit"));
    expect(await screen.findByTestId("keys-error")).toHaveAttribute("data-kind", "invalid_key_file");
  });
});

describe("backup reminder", () => {
  it("shows on every screen but Home while a key is in no verified kit; Home says it once, in its own words", async () => {
    const { user } = setup({ ringKeys: [backedUp(), notBackedUp()] });
    // Home: its keys panel says it, with its button; no banner above it saying it again.
    expect(await screen.findByTestId("home-backup-state")).toHaveAttribute("data-state", "not_backed_up");
    expect(screen.getByTestId("home-backup")).toHaveTextContent(en.reminder.action);
    expect(screen.queryByTestId("backup-reminder")).not.toBeInTheDocument();
    await openKeys(user);
    const banner = await screen.findByTestId("backup-reminder");
    expect(banner).toHaveTextContent("1 key is not in a verified recovery kit.");
    expect(banner).toHaveTextContent(en.reminder.action);
    await user.click(screen.getByTestId("nav-tasks"));
    expect(await screen.findByTestId("backup-reminder")).toBeInTheDocument();
    // Back on Home: no banner again.
    await user.click(screen.getByTestId("nav-open"));
    await screen.findByTestId("home-screen");
    expect(screen.queryByTestId("backup-reminder")).not.toBeInTheDocument();
  });

  it("counts the keys", async () => {
    const { user } = setup({ ringKeys: [notBackedUp(), sampleKey({ fingerprint: "ab".repeat(32), backed_up: false })] });
    await openKeys(user);
    expect(await screen.findByTestId("backup-reminder")).toHaveTextContent(
      "2 keys are not in a verified recovery kit.",
    );
  });

  it("is hidden when every key is in a verified kit, or before the ring is open", async () => {
    const { user } = setup({ ringKeys: [backedUp()] });
    await waitFor(() => expect(screen.getByTestId("drop-zone")).toBeInTheDocument());
    await openKeys(user);
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.queryByTestId("backup-reminder")).not.toBeInTheDocument();
  });

  it("says when the kit is out of date", async () => {
    const { user } = setup({ ringKeys: [backedUp()], kitOutOfDate: true });
    await openKeys(user);
    expect(await screen.findByTestId("backup-reminder")).toHaveTextContent(en.reminder.outOfDate);
  });

  it("Back up now opens the wizard", async () => {
    const { user } = setup({ ringKeys: [notBackedUp()] });
    await openKeys(user);
    await user.click(await screen.findByTestId("reminder-backup"));
    expect(await screen.findByTestId("backup-wizard")).toBeInTheDocument();
    expect(screen.queryByTestId("backup-reminder")).not.toBeInTheDocument();
  });
});

describe("backup wizard", () => {
  async function toWords(opts: Partial<MockOptions> = {}) {
    const s = setup({ ringKeys: [backedUp(), notBackedUp()], ...opts });
    await openKeys(s.user);
    await s.user.click(screen.getByTestId("start-backup"));
    const wizard = await screen.findByTestId("backup-wizard");
    return { ...s, wizard };
  }

  it("explains, saves the kit, shows the words, quizzes, tests the kit, and forgets the words", async () => {
    const { backend, user, wizard } = await toWords();
    expect(wizard).toHaveTextContent(en.backup.explain.both);
    expect(wizard).toHaveTextContent("The kit will hold your 2 keys.");
    await waitFor(() => expect(screen.getByRole("heading", { name: en.backup.explain.heading })).toHaveFocus());

    await user.click(screen.getByTestId("backup-save"));
    const words = await screen.findByTestId("backup-words");
    const name = kitFileName(new Date());
    expect(name).toMatch(/^result-vault-recovery-kit-\d{4}-\d\d-\d\d\.age$/);
    expect(backend.callsTo("save_file")).toEqual([{ kind: "kit", defaultName: name }]);
    expect(backend.callsTo("backup_create")).toEqual([{ path: `/home/alice/Documents/${name}` }]);

    const shown = within(words).getAllByTestId("backup-word");
    expect(shown).toHaveLength(24);
    expect(shown.map((w) => w.dataset.index)).toEqual(Array.from({ length: 24 }, (_, i) => String(i + 1)));
    shown.forEach((w, i) => expect(w).toHaveTextContent(`${i + 1} ${SAMPLE_WORDS[i]}`));
    // The print-out holds the words and the keys.
    const sheet = document.querySelector<HTMLElement>("[data-testid=print-sheet]")!;
    expect(sheet.parentElement).toBe(document.body);
    expect(sheet).toHaveTextContent(SAMPLE_WORDS[23]);
    expect(sheet).toHaveTextContent("3F2A 91C0 77DE 0B44");
    const print = vi.fn();
    window.print = print;
    await user.click(screen.getByTestId("backup-print"));
    expect(print).toHaveBeenCalledOnce();

    await user.click(screen.getByTestId("backup-continue"));
    const inputs = await screen.findAllByTestId("quiz-word-input");
    expect(inputs).toHaveLength(3);
    const positions = inputs.map((i) => Number(i.dataset.index));
    expect(new Set(positions).size).toBe(3);
    positions.forEach((p) => expect(p).toBeGreaterThanOrEqual(1));
    positions.forEach((p) => expect(p).toBeLessThanOrEqual(24));
    await waitFor(() => expect(inputs[0]).toHaveFocus());

    // One wrong word: the quiz says which, and nothing is verified.
    await user.type(inputs[0], SAMPLE_WORDS[positions[0] - 1]);
    await user.type(inputs[1], "zzz");
    await user.type(inputs[2], SAMPLE_WORDS[positions[2] - 1]);
    await user.click(screen.getByTestId("quiz-submit"));
    const error = await screen.findByTestId("quiz-error");
    expect(error).toHaveTextContent(`Word ${positions[1]} is not right.`);
    expect(inputs[1]).toHaveAttribute("aria-invalid", "true");
    expect(inputs[0]).toHaveAttribute("aria-invalid", "false");
    expect(backend.callsTo("backup_verify")).toHaveLength(0);

    // Back to the words, then the quiz again (same positions).
    await user.click(screen.getByTestId("backup-show-words"));
    expect(await screen.findByTestId("backup-words")).toBeInTheDocument();
    await user.click(screen.getByTestId("backup-continue"));
    const again = await screen.findAllByTestId("quiz-word-input");
    expect(again.map((i) => Number(i.dataset.index))).toEqual(positions);
    await user.clear(again[1]);
    await user.type(again[1], SAMPLE_WORDS[positions[1] - 1]);
    await user.click(screen.getByTestId("quiz-submit"));

    const done = await screen.findByTestId("backup-done");
    expect(backend.callsTo("backup_verify")).toEqual([
      { path: `/home/alice/Documents/${name}`, words: SAMPLE_WORDS.join(" ") },
    ]);
    const checked = within(done).getAllByTestId("backup-done-key");
    expect(checked.map((c) => c.dataset.fingerprint)).toEqual([SAMPLE_FINGERPRINT, SAMPLE_FINGERPRINT_2]);
    expect(done).toHaveTextContent("3F2A 91C0 77DE 0B44");
    expect(done).toHaveTextContent("CLI key");
    // Tested: no word is left in the page.
    expect(document.body).not.toHaveTextContent(SAMPLE_WORDS[12]);
    expect(document.querySelector("[data-testid=print-sheet]")).toBeNull();

    await user.click(screen.getByTestId("backup-close"));
    await screen.findByTestId("keys-screen");
    expect(screen.queryByTestId("backup-reminder")).not.toBeInTheDocument();
    expect(screen.getAllByTestId("backed-up")).toHaveLength(2);
  });

  it("clears the words when the wizard is left half-way", async () => {
    const { user } = await toWords();
    await user.click(screen.getByTestId("backup-save"));
    await screen.findByTestId("backup-words");
    expect(document.body).toHaveTextContent(SAMPLE_WORDS[0]);
    await user.click(screen.getByTestId("nav-keys"));
    await screen.findByTestId("keys-screen");
    expect(document.body).not.toHaveTextContent(SAMPLE_WORDS[0]);
    expect(document.querySelector("[data-testid=print-sheet]")).toBeNull();
  });

  it("stays on the first step when the save dialog is closed", async () => {
    const { backend, user } = await toWords({ savePath: () => null });
    await user.click(screen.getByTestId("backup-save"));
    await waitFor(() => expect(backend.callsTo("save_file")).toHaveLength(1));
    expect(backend.callsTo("backup_create")).toHaveLength(0);
    expect(screen.getByTestId("backup-wizard")).toHaveAttribute("data-step", "explain");
  });

  it("completes a quiz word with phrase_complete", async () => {
    const { backend, user } = await toWords();
    await user.click(screen.getByTestId("backup-save"));
    await user.click(await screen.findByTestId("backup-continue"));
    const input = (await screen.findAllByTestId("quiz-word-input"))[0];
    await user.type(input, "abs");
    const list = await screen.findByRole("listbox");
    await waitFor(() => expect(within(list).getAllByRole("option").map((o) => o.textContent?.trim())).toEqual([
      "absent",
      "absorb",
      "abstract",
      "absurd",
    ]));
    expect(backend.callsTo("phrase_complete")).toContainEqual({ prefix: "abs" });
    expect(input).toHaveAttribute("aria-expanded", "true");
    await user.keyboard("{ArrowDown}{ArrowDown}{Enter}");
    expect(input).toHaveValue("absorb");
    expect(input).toHaveAttribute("aria-expanded", "false");
  });

  it("shows a failed test restore and lets it be tried again", async () => {
    const { backend, user } = await toWords({
      errors: { backup_verify: { kind: "invalid_kit", message: "The kit file changed.", hint: "" } },
    });
    await user.click(screen.getByTestId("backup-save"));
    await user.click(await screen.findByTestId("backup-continue"));
    for (const input of await screen.findAllByTestId("quiz-word-input")) {
      await user.type(input, SAMPLE_WORDS[Number(input.dataset.index) - 1]);
    }
    await user.click(screen.getByTestId("quiz-submit"));
    const error = await screen.findByTestId("backup-error");
    expect(error).toHaveAttribute("data-kind", "invalid_kit");
    expect(error).toHaveTextContent(en.errors.title.invalid_kit);
    delete backend.options.errors.backup_verify;
    await user.click(screen.getByTestId("backup-verify-retry"));
    expect(await screen.findByTestId("backup-done")).toBeInTheDocument();
  });

  it("picks three distinct positions in 1..24", () => {
    for (let i = 0; i < 50; i++) {
      const p = quizPositions();
      expect(p).toHaveLength(3);
      expect(new Set(p).size).toBe(3);
      expect([...p].sort((a, b) => a - b)).toEqual(p);
      p.forEach((n) => expect(n >= 1 && n <= 24).toBe(true));
    }
  });
});

describe("restore", () => {
  const KIT = "/home/alice/result-vault-recovery-kit-2025-05-01.age";
  const kitKeys: KeySummary[] = [
    sampleKey({ backed_up: true }),
    sampleKey({ fingerprint: SAMPLE_FINGERPRINT_2, label: "CLI key", backed_up: true }),
  ];

  async function toRestore(opts: Partial<MockOptions> = {}) {
    const s = setup({
      ringKeys: [sampleKey({ backed_up: true })],
      kits: { [KIT]: { words: [...SAMPLE_WORDS], keys: kitKeys } },
      ...opts,
    });
    await openKeys(s.user);
    await s.user.click(screen.getByTestId("start-restore"));
    await screen.findByTestId("restore-screen");
    await waitFor(() => expect(screen.getByRole("heading", { name: en.restore.heading })).toHaveFocus());
    return s;
  }

  async function typeWords(user: ReturnType<typeof userEvent.setup>, words: string) {
    await user.click(screen.getByTestId("restore-choose-kit"));
    await screen.findByTestId("restore-kit");
    const area = screen.getByTestId("restore-words-input");
    await user.click(area);
    await user.paste(words);
  }

  it("restores the keys when the words are this kit's", async () => {
    const { backend, user } = await toRestore();
    expect(screen.getByTestId("restore-submit")).toBeDisabled();
    await typeWords(user, SAMPLE_WORDS.join("  ").toUpperCase());
    await waitFor(() => expect(screen.getByTestId("phrase-status")).toHaveTextContent(en.restore.valid));
    await user.click(screen.getByTestId("restore-submit"));
    const result = await screen.findByTestId("restore-result");
    expect(result).toHaveAttribute("data-outcome", "correct");
    expect(result).toHaveTextContent("1 key added, 1 already there.");
    expect(backend.callsTo("pick_kit_file")).toHaveLength(1);
    expect(backend.callsTo("restore_kit")).toEqual([{ path: KIT, words: SAMPLE_WORDS.join(" "), passphrase: null }]);
    await user.click(screen.getByTestId("restore-done"));
    await screen.findByTestId("keys-screen");
    expect(screen.getAllByTestId("key-row")).toHaveLength(2);
  });

  it("says when valid words belong to another kit", async () => {
    const { user } = await toRestore();
    await typeWords(user, OTHER_WORDS.join(" "));
    await user.click(screen.getByTestId("restore-submit"));
    const result = await screen.findByTestId("restore-result");
    expect(result).toHaveAttribute("data-outcome", "other_kit");
    expect(result).toHaveAttribute("data-kind", "phrase_for_another_kit");
    expect(result).toHaveTextContent(en.errors.title.phrase_for_another_kit);
    expect(result).toHaveTextContent("they belong to another recovery kit");
  });

  it("names and highlights an unknown word", async () => {
    const { backend, user } = await toRestore();
    const words = SAMPLE_WORDS.map((w, i) => (i === 6 ? "timbre" : w)).join(" ");
    await typeWords(user, words);
    // Live: phrase_check, and the word's slot is marked.
    await waitFor(() =>
      expect(screen.getByTestId("phrase-status")).toHaveTextContent("Word 7 (“timbre”) is not a recovery word."),
    );
    expect(backend.callsTo("phrase_check").at(-1)).toEqual({ words });
    const slot = () => screen.getAllByTestId("restore-slot").find((s) => s.dataset.index === "7")!;
    expect(slot()).toHaveClass("bad");
    expect(screen.getByTestId("restore-words-input")).toHaveAttribute("aria-invalid", "true");

    await user.click(screen.getByTestId("restore-submit"));
    const result = await screen.findByTestId("restore-result");
    expect(result).toHaveAttribute("data-outcome", "invalid");
    expect(result).toHaveTextContent(en.errors.title.invalid_phrase);
    expect(result).toHaveTextContent('Word 7 ("timbre") is not a recovery-phrase word.');
    expect(slot()).toHaveClass("bad");
  });

  it("counts the words while they are typed and suggests the one being typed", async () => {
    const { user } = await toRestore();
    await user.click(screen.getByTestId("restore-choose-kit"));
    const area = screen.getByTestId("restore-words-input");
    await user.click(area);
    await user.type(area, "avocado ladder canyon fos");
    await waitFor(() => expect(screen.getByTestId("phrase-status")).toHaveTextContent("4 of 24 words"));
    const suggestion = await screen.findByTestId("restore-suggestion");
    expect(suggestion).toHaveTextContent("fossil");
    await user.click(suggestion);
    expect(area).toHaveValue("avocado ladder canyon fossil ");
    expect(area).toHaveFocus();
  });

  it("reports a file that is not a kit", async () => {
    const { user } = await toRestore({ pickKitFile: "/home/alice/holiday.age" });
    await typeWords(user, SAMPLE_WORDS.join(" "));
    await user.click(screen.getByTestId("restore-submit"));
    const result = await screen.findByTestId("restore-result");
    expect(result).toHaveAttribute("data-outcome", "error");
    expect(result).toHaveAttribute("data-kind", "invalid_kit");
    expect(result).toHaveTextContent(en.errors.title.invalid_kit);
  });

  it("finds the position of the unknown word in the error's facts, not in its words", () => {
    const error = (message: string, word: number | null) =>
      ({ kind: "invalid_phrase", message, hint: "h", facts: word === null ? undefined : { word, keys_tried: [] } }) as const;
    expect(positionIn(error('Word 5 ("orbitt") is not a recovery-phrase word.', 5))).toBe(5);
    expect(positionIn(error("The phrase has 23 words; a recovery phrase has 24.", null))).toBeNull();
    // Whatever language the message is in.
    expect(positionIn(error("Le mot 12 n'est pas valide.", 12))).toBe(12);
    expect(positionIn(error("Word 3 is wrong, says a message without facts.", null))).toBeNull();
  });
});

describe("test hook", () => {
  it("setNextPath, only under test, makes the next dialog return the path", async () => {
    const { backend, user } = setup({ e2e: "hooks", ringKeys: [backedUp()] });
    await waitFor(() => expect(window.__resultVault?.setNextPath).toBeDefined());
    window.__resultVault!.setNextPath!("/e2e/kit.age");
    await openKeys(user);
    await user.click(screen.getByTestId("start-restore"));
    await user.click(await screen.findByTestId("restore-choose-kit"));
    expect(await screen.findByTestId("restore-kit")).toHaveTextContent("kit.age");
    // Only once: the next dialog is the real one (here the mock's default).
    await user.click(screen.getByTestId("restore-choose-kit"));
    await waitFor(() => expect(screen.getByTestId("restore-kit")).toHaveTextContent("result-vault-recovery-kit"));
    expect(backend.callsTo("pick_kit_file")).toHaveLength(2);
    expect(typeof window.__resultVault!.openPath).toBe("function");
  });

  it("is absent outside the tests", async () => {
    const { backend } = setup({ e2e: "off" });
    await waitFor(() => expect(backend.callsTo("e2e_mode")).toHaveLength(1));
    await Promise.resolve();
    // No test hook at all in a user's run: a script cannot open a path as if it were dropped.
    expect(window.__resultVault).toBeUndefined();
  });
});
