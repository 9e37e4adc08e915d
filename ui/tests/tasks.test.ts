import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import App from "../src/App.svelte";
import en from "../src/lib/i18n/en.json";
import fr from "../src/lib/i18n/fr.json";
import { setLanguage } from "../src/lib/i18n";
import type { IpcError } from "../src/lib/ipc/bindings";
import { createMockBackend, type MockBackend, type MockOptions } from "../src/lib/mockBackend";
import { reasonAddsSomething } from "../src/lib/components/VerificationBadge.svelte";
import {
  ADDRESS_A,
  ADDRESS_B,
  hexId,
  sampleTaskId,
  sampleTaskRow,
  sampleTasks,
  sampleWatched,
} from "../src/lib/mockTasks";

type User = ReturnType<typeof userEvent.setup>;

function setup(opts: Partial<MockOptions> = {}) {
  const backend = createMockBackend({ manual: true, ...opts });
  const user = userEvent.setup();
  const view = render(App, { backend });
  return { backend, user, ...view };
}

/** Two watched addresses with the sample tasks (cache and indexes agree). */
function withTasks(opts: Partial<MockOptions> = {}) {
  return setup({
    watched: [
      sampleWatched({ label: "Work wallet" }),
      sampleWatched({ network: "arbitrum-sepolia-testnet", address: ADDRESS_B }),
    ],
    tasks: sampleTasks(),
    indexed: sampleTasks(),
    ...opts,
  });
}

async function openTasks(user: User) {
  await user.click(screen.getByTestId("nav-tasks"));
  return screen.findByTestId("tasks-screen");
}

async function row(seed: string): Promise<HTMLElement> {
  const id = sampleTaskId(seed);
  return waitFor(() => {
    const found = screen.getAllByTestId("task-row").find((r) => r.getAttribute("data-task-id") === id);
    if (!found) throw new Error(`no row for ${seed}`);
    return found;
  });
}

function watchedRow(address: string): HTMLElement {
  const found = screen.getAllByTestId("watched-row").find((r) => r.getAttribute("data-address") === address);
  if (!found) throw new Error(`no watched row for ${address}`);
  return found;
}

/** Starts the download of a sample task and waits for the mock's pending fetch. */
async function startFetch(backend: MockBackend, user: User, seed: string) {
  const r = await row(seed);
  const before = backend.fetches.length;
  await user.click(within(r).getByTestId("fetch-task"));
  await waitFor(() => expect(backend.fetches.length).toBe(before + 1));
  return { fetch: backend.fetches[backend.fetches.length - 1], row: r };
}

const downloading = (done: number, total: number, extra: Partial<Record<string, unknown>> = {}) => ({
  stage: "downloading" as const,
  progress: {
    done,
    total,
    bytes_per_sec: 5_100_000,
    gateway: "https://ipfs-gateway.arbitrum-mainnet.iex.ec",
    attempt: 1,
    retry_in_ms: null,
    retry_reason: null,
    ...extra,
  },
});

afterEach(async () => {
  delete window.__resultVault;
  await setLanguage("en");
});

describe("navigation to the tasks", () => {
  it("puts Tasks then Results between Open and Keys, and Settings last; focus goes to each heading", async () => {
    const { user } = setup();
    const nav = screen.getByRole("navigation", { name: en.nav.label });
    const ids = within(nav)
      .getAllByRole("button")
      .map((b) => b.getAttribute("data-testid"));
    expect(ids).toEqual(["nav-open", "nav-tasks", "nav-results", "nav-keys", "nav-settings"]);

    await openTasks(user);
    expect(screen.getByTestId("nav-tasks")).toHaveAttribute("aria-current", "page");
    expect(screen.getByTestId("nav-keys")).not.toHaveAttribute("aria-current");
    const heading = screen.getByRole("heading", { name: en.tasks.heading });
    await waitFor(() => expect(heading).toHaveFocus());

    await user.click(screen.getByTestId("nav-settings"));
    const settingsHeading = await screen.findByRole("heading", { name: en.settings.heading, level: 2 });
    await waitFor(() => expect(settingsHeading).toHaveFocus());
    expect(screen.getByTestId("nav-settings")).toHaveAttribute("aria-current", "page");
  });

  it("works from the keyboard", async () => {
    const { user } = setup();
    screen.getByTestId("nav-tasks").focus();
    await user.keyboard("{Enter}");
    expect(await screen.findByTestId("tasks-screen")).toBeInTheDocument();
    screen.getByTestId("nav-settings").focus();
    await user.keyboard(" ");
    expect(await screen.findByTestId("settings-screen")).toBeInTheDocument();
  });
});

describe("watching an address", () => {
  it("says what to do when nothing is watched yet", async () => {
    const { user } = setup();
    await openTasks(user);
    const empty = await screen.findByTestId("tasks-empty");
    expect(empty).toHaveTextContent(en.tasks.emptyHint);
    expect(en.tasks.emptyHint).toBe(
      "Add the address that receives your task results (the beneficiary) to see your tasks. No wallet needed.",
    );
    expect(screen.getByTestId("watch-address-input")).toHaveAccessibleName(en.watch.address);
    expect(screen.getByTestId("watch-network-select")).toHaveAccessibleName(en.watch.network);
    const options = within(screen.getByTestId("watch-network-select")).getAllByRole("option");
    expect(options.map((o) => o.textContent)).toEqual([
      "Arbitrum One",
      "Arbitrum Sepolia (test network)",
      "Bellecour (legacy, old tasks)",
    ]);
  });

  it.each([
    ["0x1234", "4 hexadecimal digits instead of 40"],
    ["0x5B38Da6a701c568545dCfcB03FcB875f56beddc4", "EIP-55 checksum"],
    ["5B38Da6a701c568545dCfcB03FcB875f56beddC4", "must start with 0x"],
  ])("shows the invalid_address error for %s, tied to the input", async (address, why) => {
    const { backend, user } = setup();
    await openTasks(user);
    const input = await screen.findByTestId("watch-address-input");
    await user.type(input, address);
    await user.click(screen.getByTestId("watch-add"));
    const error = await screen.findByTestId("watch-error");
    expect(error).toHaveAttribute("data-kind", "invalid_address");
    expect(error).toHaveAttribute("role", "alert");
    expect(error).toHaveTextContent(en.errors.title.invalid_address);
    expect(error).toHaveTextContent(why);
    expect(error).toHaveTextContent("Copy the address again");
    expect(input).toHaveAttribute("aria-invalid", "true");
    expect(input).toHaveAttribute("aria-describedby", error.id);
    await waitFor(() => expect(input).toHaveFocus());
    expect(screen.queryByTestId("watched-row")).not.toBeInTheDocument();
    expect(backend.callsTo("tasks_refresh")).toHaveLength(0);
  });

  it("lists a valid address checksummed, refreshes it and shows its tasks", async () => {
    const { backend, user } = setup({ indexed: sampleTasks() });
    await openTasks(user);
    await user.type(await screen.findByTestId("watch-address-input"), ADDRESS_A.toLowerCase());
    await user.type(screen.getByTestId("watch-label-input"), "Work wallet");
    await user.click(screen.getByTestId("watch-add"));

    const watched = await screen.findByTestId("watched-row");
    expect(watched).toHaveAttribute("data-address", ADDRESS_A);
    expect(watched).toHaveTextContent("Work wallet");
    expect(watched).toHaveTextContent("Arbitrum One");
    expect(within(watched).getByTestId("watched-address")).toHaveAttribute("title", ADDRESS_A);
    expect(backend.callsTo("watched_add")).toEqual([
      { network: "arbitrum-mainnet", address: ADDRESS_A.toLowerCase(), label: "Work wallet" },
    ]);
    await waitFor(() =>
      expect(backend.callsTo("tasks_refresh")).toEqual([
        expect.objectContaining({ network: "arbitrum-mainnet", address: ADDRESS_A, full: false }),
      ]),
    );
    await row("verified");
    const mainnetRows = sampleTasks().filter((t) => t.network === "arbitrum-mainnet");
    await waitFor(() => expect(screen.getAllByTestId("task-row")).toHaveLength(mainnetRows.length));
    await waitFor(() => expect(within(watchedRow(ADDRESS_A)).getByTestId("last-refresh")).toHaveTextContent("just now"));
    expect(screen.getByTestId("tasks-live")).toHaveTextContent("Watching");
  });

  it("says when an address has no task yet", async () => {
    const { user } = setup({ watched: [sampleWatched({ last_refresh: 1_700_000_000 })] });
    await openTasks(user);
    const empty = await screen.findByTestId("tasks-empty-address");
    expect(empty).toHaveTextContent(en.tasks.noTaskTitle);
    expect(empty).toHaveTextContent(en.tasks.noTaskHint);
  });

  it("stops watching an address", async () => {
    const { backend, user } = withTasks();
    await openTasks(user);
    await row("verified");
    await user.click(within(watchedRow(ADDRESS_B)).getByTestId("remove-watched"));
    await waitFor(() => expect(backend.callsTo("watched_remove")).toEqual([{ network: "arbitrum-sepolia-testnet", address: ADDRESS_B }]));
    await waitFor(() => expect(screen.getAllByTestId("watched-row")).toHaveLength(1));
  });
});

describe("refreshing", () => {
  it("shows the cache at once, then refreshes each watched address (not full)", async () => {
    const { backend, user } = withTasks({ manualRefresh: true });
    await openTasks(user);
    // The cached rows are there while the refreshes are still running.
    await row("verified");
    await waitFor(() => expect(backend.refreshes).toHaveLength(2));
    expect(backend.calls.findIndex((c) => c.cmd === "tasks_list")).toBeLessThan(
      backend.calls.findIndex((c) => c.cmd === "tasks_refresh"),
    );
    expect(backend.callsTo("tasks_refresh").map((a) => [a.network, a.address, a.full])).toEqual([
      ["arbitrum-mainnet", ADDRESS_A, false],
      ["arbitrum-sepolia-testnet", ADDRESS_B, false],
    ]);
    expect(screen.getAllByTestId("refresh-status")).toHaveLength(2);
  });

  it("shows the deals found, then a progress bar of the confirmations, and can be cancelled", async () => {
    const { backend, user } = withTasks({ manualRefresh: true });
    await openTasks(user);
    await waitFor(() => expect(backend.refreshes).toHaveLength(2));
    const refresh = backend.refreshes[0];
    const watched = watchedRow(ADDRESS_A);

    refresh.progress({ stage: "indexing", deals: 3 });
    await waitFor(() => expect(within(watched).getByTestId("refresh-status")).toHaveTextContent("3 deals found"));

    refresh.progress({ stage: "confirming", done: 2, total: 8 });
    const bar = await within(watched).findByRole("progressbar");
    await waitFor(() => expect(bar).toHaveAttribute("aria-valuenow", "25"));
    expect(bar).toHaveAttribute("aria-valuetext", "Checking on chain: 2 of 8 tasks");
    expect(bar).toHaveAccessibleName("Refresh of Work wallet");

    await user.click(within(watched).getByTestId("refresh-cancel"));
    expect(backend.callsTo("cancel_job")).toEqual([{ jobId: refresh.jobId }]);
    expect(await within(watched).findByTestId("refresh-cancelled")).toHaveTextContent(en.watched.cancelled);
    expect(within(watched).getByTestId("refresh")).toBeInTheDocument();
  });

  it("shows a refresh's warning as a visible notice", async () => {
    const warning = "The subgraph did not answer. The market API answered instead; it has no task states.";
    const { user } = withTasks({ refreshWarning: warning });
    await openTasks(user);
    const notices = await screen.findAllByTestId("refresh-warning");
    expect(notices[0]).toHaveTextContent(en.watched.warningTitle);
    // A long warning: its first sentence, the rest behind "Details" (closed at first).
    expect(within(notices[0]).getByTestId("refresh-warning-first")).toHaveTextContent("The subgraph did not answer.");
    const details = within(notices[0]).getByTestId("refresh-warning-details") as HTMLDetailsElement;
    expect(details.open).toBe(false);
    expect(details).toHaveTextContent("The market API answered instead; it has no task states.");
    await user.click(within(details).getByText(en.watched.warningDetails));
    expect(details.open).toBe(true);
  });

  it("shows a one-sentence warning whole, without Details", async () => {
    const warning = "The chain could not confirm the task states: the RPC https://arb1.arbitrum.io/rpc cannot be reached.";
    const { user } = withTasks({ refreshWarning: warning });
    await openTasks(user);
    const notices = await screen.findAllByTestId("refresh-warning");
    expect(within(notices[0]).getByTestId("refresh-warning-first")).toHaveTextContent(warning);
    expect(within(notices[0]).queryByTestId("refresh-warning-details")).not.toBeInTheDocument();
  });

  it("says a refresh's warning in French, the core's English words under Technical details", async () => {
    await setLanguage("fr");
    const warning = "The chain could not confirm the task states: the RPC https://arb1.arbitrum.io/rpc cannot be reached.";
    const { user } = withTasks({ refreshWarning: warning });
    await openTasks(user);
    const notices = await screen.findAllByTestId("refresh-warning");
    expect(notices[0]).toHaveTextContent(fr.watched.warningTitle);
    expect(within(notices[0]).getByTestId("refresh-warning-first")).toHaveTextContent(fr.watched.warningConfirm);
    const details = within(notices[0]).getByTestId("error-details") as HTMLDetailsElement;
    expect(details.open).toBe(false);
    expect(details).toHaveTextContent(fr.errors.technicalDetails);
    expect(within(details).getByTestId("error-details-text")).toHaveTextContent(warning);
    const copy = notices[0].cloneNode(true) as HTMLElement;
    copy.querySelectorAll("details").forEach((d) => d.remove());
    expect(copy).not.toHaveTextContent("could not confirm");
  });

  it("shows a failed refresh as an error with its message and hint, and retries", async () => {
    const error: IpcError = {
      kind: "network",
      message: "The subgraph and the market API cannot be reached.",
      hint: "Check your connection, then try again.",
    };
    const { backend, user } = withTasks({ errors: { tasks_refresh: error } });
    await openTasks(user);
    const shown = await within(watchedRow(ADDRESS_A)).findByTestId("refresh-error");
    expect(shown).toHaveAttribute("data-kind", "network");
    expect(shown).toHaveTextContent(en.errors.title.network);
    expect(shown).toHaveTextContent(error.message);
    expect(shown).toHaveTextContent(error.hint);
    backend.options.errors = {};
    await user.click(within(shown).getByTestId("refresh-retry"));
    await waitFor(() => expect(within(watchedRow(ADDRESS_A)).queryByTestId("refresh-error")).not.toBeInTheDocument());
    expect(backend.callsTo("tasks_refresh").length).toBeGreaterThanOrEqual(3);
  });

  it("a manual refresh announces the new tasks", async () => {
    const newTask = sampleTaskRow("brand-new", { start_time: 1_800_000_000 });
    const { backend, user } = withTasks();
    await openTasks(user);
    await row("verified");
    await waitFor(() => expect(backend.refreshes.filter((r) => r.settled)).toHaveLength(2));
    backend.options.indexed = [...sampleTasks(), newTask];
    await user.click(within(watchedRow(ADDRESS_A)).getByTestId("refresh"));
    await row("brand-new");
    await waitFor(() => expect(screen.getByTestId("tasks-live")).toHaveTextContent("Refreshed: 1 new task"));
  });
});

describe("the task list", () => {
  it("groups rows by address, newest first, with state chips, vault states and actions", async () => {
    const { user } = withTasks();
    await openTasks(user);
    await row("verified");
    const groups = screen.getAllByTestId("task-group");
    expect(groups.map((g) => g.getAttribute("data-address"))).toEqual([ADDRESS_A, ADDRESS_B]);
    const ids = within(groups[0])
      .getAllByTestId("task-row")
      .map((r) => r.getAttribute("data-task-id"));
    const expected = sampleTasks()
      .filter((t) => t.beneficiary === ADDRESS_A)
      .sort((a, b) => b.start_time - a.start_time)
      .map((t) => t.task_id);
    expect(ids).toEqual(expected);

    const cases: [string, string, string, string, string | null][] = [
      // seed, status, chip text, vault text, fetch button (null: none)
      ["fresh", "completed", "Completed", "Not downloaded", "Download & open"],
      ["verified", "completed", "Completed", "Verified", "Open again"],
      ["partial", "completed", "Completed", "Paused at 37%", "Resume"],
      ["downloaded", "completed", "Completed", "Downloaded, not opened", "Open"],
      ["mismatch", "completed", "Completed", "Does not match the chain", "Open again"],
      ["needs-key", "completed", "Completed", "Needs a key you don’t have", "Try again"],
      ["plain", "completed", "Completed", "Not encrypted", "Open again"],
      ["decrypted", "completed", "Completed", "Decrypted", "Open again"],
      ["active", "active", "Active", "Nothing to download", null],
      ["revealing", "revealing", "Revealing", "Nothing to download", null],
      ["failed", "failed", "Failed", "Nothing to download", null],
      ["timeout", "timeout", "Timed out", "Nothing to download", null],
      ["unset", "unset", "Not started", "Nothing to download", null],
    ];
    for (const [seed, status, chip, vault, action] of cases) {
      const r = await row(seed);
      expect(r, seed).toHaveAttribute("data-status", status);
      expect(within(r).getByTestId("task-status"), seed).toHaveTextContent(chip);
      expect(within(r).getByTestId("task-vault"), seed).toHaveTextContent(vault);
      if (action) expect(within(r).getByTestId("fetch-task"), seed).toHaveTextContent(action);
      else expect(within(r).queryByTestId("fetch-task"), seed).not.toBeInTheDocument();
    }
    expect(await row("partial")).toHaveAttribute("data-vault", "partial");
    expect(await row("mismatch")).toHaveAttribute("data-vault", "mismatch");
  });

  it("shows the result location instead of a download for callbacks, Dropbox and no result", async () => {
    const { user } = withTasks({
      tasks: [...sampleTasks(), sampleTaskRow("nothing", { result: { storage: "none" }, results_raw: "" })],
    });
    await openTasks(user);
    const callback = await row("callback");
    expect(within(callback).queryByTestId("fetch-task")).not.toBeInTheDocument();
    expect(within(callback).getByTestId("task-storage")).toHaveTextContent("Callback: result on chain");
    expect(within(await row("dropbox")).getByTestId("task-storage")).toHaveTextContent("Stored on Dropbox");
    const nothing = await row("nothing");
    expect(within(nothing).getByTestId("task-storage")).toHaveTextContent("No result");
    expect(within(nothing).queryByTestId("fetch-task")).not.toBeInTheDocument();
  });

  it("says whether results are encrypted (lock, open lock, unknown)", async () => {
    const { user } = withTasks();
    await openTasks(user);
    expect(within(await row("fresh")).getByTestId("task-encrypted")).toHaveTextContent(en.tasks.encrypted.yes);
    expect(within(await row("callback")).getByTestId("task-encrypted")).toHaveTextContent(en.tasks.encrypted.no);
    const unknown = within(await row("needs-key")).getByTestId("task-encrypted");
    expect(unknown).toHaveTextContent("?");
    expect(unknown).toHaveTextContent(en.tasks.encrypted.unknown);
  });

  it("filters by state and searches ids and apps, with counts", async () => {
    const { user } = withTasks();
    await openTasks(user);
    await row("verified");
    const total = sampleTasks().length;
    expect(screen.getByTestId("task-count")).toHaveTextContent(`${total} tasks`);

    const filter = screen.getByTestId("task-filter");
    expect(filter).toHaveAccessibleName(en.tasks.filter);
    expect(within(filter).getByRole("option", { name: "Failed (1)" })).toBeInTheDocument();
    await user.selectOptions(filter, "failed");
    await waitFor(() => expect(screen.getAllByTestId("task-row")).toHaveLength(1));
    expect(screen.getByTestId("task-row")).toHaveAttribute("data-status", "failed");
    expect(screen.getByTestId("task-count")).toHaveTextContent(`Showing 1 of ${total} tasks`);

    await user.selectOptions(filter, "has_result");
    const withResult = sampleTasks().filter((t) => t.status === "completed" && t.result.storage !== "none");
    await waitFor(() => expect(screen.getAllByTestId("task-row")).toHaveLength(withResult.length));

    await user.selectOptions(filter, "all");
    const search = screen.getByTestId("task-search");
    expect(search).toHaveAccessibleName(en.tasks.search);
    await user.type(search, "credit");
    await waitFor(() => expect(screen.getAllByTestId("task-row")).toHaveLength(1));
    expect(screen.getByTestId("task-row")).toHaveAttribute("data-task-id", sampleTaskId("mismatch"));

    await user.clear(search);
    await user.type(search, sampleTaskId("partial").slice(0, 14).toUpperCase());
    await waitFor(() => expect(screen.getAllByTestId("task-row")).toHaveLength(1));
    expect(screen.getByTestId("task-row")).toHaveAttribute("data-task-id", sampleTaskId("partial"));

    await user.clear(search);
    await user.type(search, hexId("deal:dropbox").slice(0, 16));
    await waitFor(() => expect(screen.getAllByTestId("task-row")).toHaveLength(1));
    expect(screen.getByTestId("task-row")).toHaveAttribute("data-task-id", sampleTaskId("dropbox"));

    await user.clear(search);
    await user.type(search, "0x78731D3C");
    await waitFor(() =>
      expect(screen.getAllByTestId("task-row")).toHaveLength(sampleTasks().filter((t) => t.beneficiary === ADDRESS_B).length),
    );

    await user.clear(search);
    await user.type(search, "no such thing");
    const none = await screen.findByTestId("tasks-no-match");
    expect(none).toHaveTextContent("No task matches “no such thing”.");
    expect(screen.queryByTestId("task-row")).not.toBeInTheDocument();
    await user.click(within(none).getByTestId("clear-filters"));
    await waitFor(() => expect(screen.getAllByTestId("task-row")).toHaveLength(total));
    expect(search).toHaveValue("");
  });
});

describe("details", () => {
  it("opens from the row's button with every id copyable, the raw results and the verification", async () => {
    const { backend, user } = withTasks();
    await openTasks(user);
    const r = await row("verified");
    const open = within(r).getByTestId("task-open");
    expect(open).toHaveAttribute("aria-expanded", "false");
    await user.click(open);
    const details = within(r).getByTestId("task-details");
    expect(open).toHaveAttribute("aria-expanded", "true");
    expect(open).toHaveAttribute("aria-controls", details.id);

    const task = sampleTasks().find((t) => t.task_id === sampleTaskId("verified"))!;
    for (const value of [task.task_id, task.deal_id, task.beneficiary, task.requester, task.app]) {
      expect(details).toHaveTextContent(value);
    }
    expect(within(details).getByTestId("task-results-raw").tagName).toBe("PRE");
    expect(within(details).getByTestId("task-results-raw")).toHaveTextContent(task.results_raw);
    expect(details).toHaveTextContent(en.details.sourceOf.subgraph);

    const badge = within(details).getByTestId("verification-badge");
    expect(badge).toHaveAttribute("data-status", "verified");
    expect(badge).toHaveTextContent("Verified against chain");
    expect(badge).toHaveTextContent(task.result_digest!);

    const copy = within(details).getByTestId("copy-task-id");
    expect(copy).toHaveAccessibleName(en.details.copyTaskId);
    await user.click(copy);
    await waitFor(() => expect(within(details).getAllByTestId("copy-feedback")[0]).toHaveTextContent("Copied"));
    await expect(navigator.clipboard.readText()).resolves.toBe(task.task_id);

    await user.click(within(details).getByTestId("open-output"));
    expect(backend.callsTo("reveal_output")).toEqual([{ path: task.output_path }]);

    await user.click(within(details).getByTestId("close-details"));
    expect(within(r).queryByTestId("task-details")).not.toBeInTheDocument();
    await waitFor(() => expect(open).toHaveFocus());
  });

  it("opens from the keyboard", async () => {
    const { user } = withTasks();
    await openTasks(user);
    const open = within(await row("fresh")).getByTestId("task-open");
    open.focus();
    await user.keyboard("{Enter}");
    expect(within(await row("fresh")).getByTestId("task-details")).toBeInTheDocument();
  });

  it("warns strongly about a mismatch, with the expected and computed digests", async () => {
    const { user } = withTasks();
    await openTasks(user);
    const r = await row("mismatch");
    await user.click(within(r).getByTestId("task-open"));
    const badge = within(within(r).getByTestId("task-details")).getByTestId("verification-badge");
    expect(badge).toHaveAttribute("data-status", "mismatch");
    expect(badge).toHaveTextContent(
      "The files differ from what the enclave attested on chain. Do not trust them.",
    );
    const task = sampleTasks().find((t) => t.task_id === sampleTaskId("mismatch"))!;
    expect(within(badge).getByTestId("digest-expected")).toHaveTextContent(task.verification!.expected!);
    expect(within(badge).getByTestId("digest-computed")).toHaveTextContent(task.verification!.computed!);
    // The warning is said once; the app's reason adds the cause, as a secondary line after the digests.
    expect(badge.textContent?.split(en.verify.mismatchWarning)).toHaveLength(2);
    const reason = within(badge).getByTestId("verification-reason");
    expect(reason).toHaveTextContent("they were changed after the task ran");
    expect(within(badge).getByTestId("digest-computed").compareDocumentPosition(reason)).toBe(
      Node.DOCUMENT_POSITION_FOLLOWING,
    );
    // The folder holds untrusted files, and says so.
    expect(within(r).getByTestId("open-output")).toHaveTextContent(en.details.openFolderUntrusted);
  });

  it("does not repeat a reason that only says the warning again", async () => {
    const tasks = sampleTasks();
    const mismatch = tasks.find((t) => t.task_id === sampleTaskId("mismatch"))!;
    mismatch.verification = { ...mismatch.verification!, reason: "The files differ from what the enclave attested on chain." };
    const { user } = withTasks({ tasks });
    await openTasks(user);
    const r = await row("mismatch");
    await user.click(within(r).getByTestId("task-open"));
    const badge = within(r).getByTestId("verification-badge");
    expect(badge).toHaveTextContent(en.verify.mismatchWarning);
    expect(within(badge).queryByTestId("verification-reason")).not.toBeInTheDocument();
  });

  it("keeps the vault state of a mismatch short in the list, with the whole words for screen readers", async () => {
    const { user } = withTasks();
    await openTasks(user);
    const vault = within(await row("mismatch")).getByTestId("task-vault");
    expect(within(vault).getByTestId("task-vault-short")).toHaveTextContent(en.tasks.vaultShort.mismatch);
    expect(within(vault).getByTestId("task-vault-short")).toHaveAttribute("aria-hidden", "true");
    expect(vault).toHaveAttribute("title", en.tasks.vault.mismatch);
    expect(vault.querySelector(".sr-only")).toHaveTextContent(en.tasks.vault.mismatch);
  });

  it("judges whether a reason adds something to the warning", () => {
    const warning = en.verify.mismatchWarning;
    expect(reasonAddsSomething(null, warning)).toBe(false);
    expect(reasonAddsSomething("", warning)).toBe(false);
    expect(reasonAddsSomething("The digest of the files is not the one the enclave attested on chain.", warning)).toBe(false);
    expect(
      reasonAddsSomething(
        "The result digest recomputed from these files differs from the one the enclave attested on chain: they were changed after the task ran (in storage, at the gateway or during the download).",
        warning,
      ),
    ).toBe(true);
  });

  it("gives the reason when a result cannot be verified", async () => {
    const { user } = withTasks();
    await openTasks(user);
    const r = await row("decrypted");
    await user.click(within(r).getByTestId("task-open"));
    const badge = within(r).getByTestId("verification-badge");
    expect(badge).toHaveAttribute("data-status", "unverifiable");
    expect(badge).toHaveTextContent("no result digest on chain");
  });
});

describe("fetching a result", () => {
  it("shows each stage with a progress bar, then the verified badge and the files", async () => {
    const { backend, user } = withTasks({ manualFetch: true });
    await openTasks(user);
    const { fetch, row: r } = await startFetch(backend, user, "fresh");
    expect(backend.callsTo("task_fetch")).toEqual([
      { network: "arbitrum-mainnet", taskId: sampleTaskId("fresh"), jobId: fetch.jobId },
    ]);
    const cancel = await within(r).findByTestId("fetch-cancel");
    await waitFor(() => expect(cancel).toHaveFocus());
    expect(r).toHaveAttribute("data-vault", "downloading");

    const stage = () => within(r).getByTestId("fetch-stage");
    const bar = within(r).getByTestId("fetch-progress");
    expect(bar).toHaveAttribute("role", "progressbar");

    fetch.progress({ stage: "confirming" });
    await waitFor(() => expect(stage()).toHaveTextContent("Checking the task on chain…"));

    fetch.progress(downloading(12_300_000, 40_000_000));
    await waitFor(() =>
      expect(stage()).toHaveTextContent(
        "Downloading 12.3 MB of 40 MB — 5.1 MB/s (ipfs-gateway.arbitrum-mainnet.iex.ec)",
      ),
    );
    expect(bar).toHaveAttribute("aria-valuenow", "30");
    expect(bar.getAttribute("aria-valuetext")).toContain("12.3 MB of 40 MB");
    expect(within(r).getByTestId("task-vault")).toHaveTextContent("Downloading 30%");

    fetch.progress(downloading(12_300_000, 40_000_000, { attempt: 2, retry_in_ms: 2000, retry_reason: "connection reset" }));
    await waitFor(() => expect(stage()).toHaveTextContent("Connection lost; retrying in 2 s (attempt 3)"));
    expect(within(r).getByTestId("fetch-status")).toHaveTextContent("connection reset");

    fetch.progress({ stage: "opening", progress: { stage: "decrypting", done: 20_000_000, total: 40_000_000 } });
    await waitFor(() => expect(stage()).toHaveTextContent("Decrypting…"));
    expect(bar).toHaveAttribute("aria-valuenow", "50");

    fetch.progress({ stage: "verifying" });
    await waitFor(() => expect(stage()).toHaveTextContent("Verifying against chain…"));

    fetch.resolve();
    const done = await within(r).findByTestId("fetch-result");
    expect(r).toHaveAttribute("data-vault", "verified");
    const badge = within(done).getByTestId("verification-badge");
    expect(badge).toHaveAttribute("data-status", "verified");
    expect(badge).toHaveTextContent("Verified against chain");
    expect(done).toHaveTextContent("3 files");
    expect(within(r).queryByTestId("fetch-progress")).not.toBeInTheDocument();
    expect(within(r).getByTestId("fetch-task")).toHaveTextContent("Open again");
    await user.click(within(done).getByTestId("fetch-open-folder"));
    expect(backend.callsTo("reveal_output")).toEqual([{ path: `/home/alice/Results/result-${sampleTaskId("fresh").slice(2, 10)}` }]);
    expect(screen.getByTestId("tasks-live")).toHaveTextContent("ready: Verified against chain");
  });

  it("cancel pauses the download: cancel_job, then the row is partial and offers Resume", async () => {
    const { backend, user } = withTasks({ manualFetch: true });
    await openTasks(user);
    const { fetch, row: r } = await startFetch(backend, user, "fresh");
    fetch.progress(downloading(10_000_000, 40_000_000));
    await user.click(await within(r).findByTestId("fetch-cancel"));
    expect(backend.callsTo("cancel_job")).toContainEqual({ jobId: fetch.jobId });
    expect(await within(r).findByTestId("fetch-paused")).toBeInTheDocument();
    await waitFor(() => expect(r).toHaveAttribute("data-vault", "partial"));
    expect(within(r).getByTestId("task-vault")).toHaveTextContent("Paused at 25%");
    expect(within(r).getByTestId("fetch-task")).toHaveTextContent("Resume");
    await waitFor(() => expect(within(r).getByTestId("task-open")).toHaveFocus());
  });

  it("runs several downloads at once", async () => {
    const { backend, user } = withTasks({ manualFetch: true });
    await openTasks(user);
    const first = await startFetch(backend, user, "fresh");
    const second = await startFetch(backend, user, "partial");
    expect(first.fetch.jobId).not.toBe(second.fetch.jobId);
    first.fetch.progress(downloading(10_000_000, 40_000_000));
    second.fetch.progress(downloading(30_000_000, 40_000_000));
    await waitFor(() => expect(within(first.row).getByTestId("fetch-progress")).toHaveAttribute("aria-valuenow", "25"));
    await waitFor(() => expect(within(second.row).getByTestId("fetch-progress")).toHaveAttribute("aria-valuenow", "75"));
    second.fetch.resolve();
    await within(second.row).findByTestId("fetch-result");
    expect(within(first.row).getByTestId("fetch-progress")).toBeInTheDocument();
  });

  it("shows a mismatch after a fetch as a strong warning", async () => {
    const { backend, user } = withTasks({ fetchEnds: { [sampleTaskId("fresh")]: "mismatch" } });
    await openTasks(user);
    const r = await row("fresh");
    await user.click(within(r).getByTestId("fetch-task"));
    const badge = await within(r).findByTestId("verification-badge");
    expect(badge).toHaveAttribute("data-status", "mismatch");
    expect(badge).toHaveTextContent("Do not trust them.");
    expect(r).toHaveAttribute("data-vault", "mismatch");
    expect(backend.callsTo("task_fetch")).toHaveLength(1);
  });

  it("a missing key shows the error in the row with a way to the Keys screen", async () => {
    const error: IpcError = {
      kind: "no_matching_key",
      message: "Tried 2 keys: 3F2A 91C0 77DE 0B44, 8C1D 0E42 5A7B 9F03.",
      hint: "Import the key of this task's beneficiary.",
    };
    const { user } = withTasks({ fetchEnds: { [sampleTaskId("fresh")]: error } });
    await openTasks(user);
    const r = await row("fresh");
    await user.click(within(r).getByTestId("fetch-task"));
    const shown = await within(r).findByTestId("fetch-error");
    expect(shown).toHaveAttribute("data-kind", "no_matching_key");
    expect(shown).toHaveTextContent(error.message);
    expect(shown).toHaveTextContent(error.hint);
    expect(shown).toHaveTextContent(en.tasks.needsKey);
    await waitFor(() => expect(r).toHaveAttribute("data-vault", "needs_key"));
    await user.click(within(shown).getByTestId("go-to-keys"));
    expect(await screen.findByTestId("nav-keys")).toHaveAttribute("aria-current", "page");
  });

  it("other errors show their message and hint in the row", async () => {
    const error: IpcError = { kind: "network", message: "Every IPFS gateway failed.", hint: "Try again later." };
    const { user } = withTasks({ errors: { task_fetch: error } });
    await openTasks(user);
    const r = await row("fresh");
    await user.click(within(r).getByTestId("fetch-task"));
    const shown = await within(r).findByTestId("fetch-error");
    expect(shown).toHaveAttribute("data-kind", "network");
    expect(shown).toHaveTextContent("Every IPFS gateway failed.");
    expect(shown).toHaveTextContent("Try again later.");
    await user.click(within(shown).getByTestId("dismiss-fetch"));
    expect(within(r).queryByTestId("fetch-error")).not.toBeInTheDocument();
  });

  it("the details of a partial download can discard it", async () => {
    const { backend, user } = withTasks();
    await openTasks(user);
    const r = await row("partial");
    await user.click(within(r).getByTestId("task-open"));
    expect(within(r).getByTestId("task-details")).toHaveTextContent("14.8 MB of 40 MB (37%)");
    await user.click(within(r).getByTestId("discard-download"));
    expect(backend.callsTo("task_discard_download")).toEqual([
      { network: "arbitrum-mainnet", taskId: sampleTaskId("partial") },
    ]);
    await waitFor(() => expect(r).toHaveAttribute("data-vault", "not_downloaded"));
    expect(within(r).queryByTestId("redownload")).not.toBeInTheDocument();
  });

  it("after a mismatch, deletes the download and gets it again", async () => {
    const { backend, user } = withTasks({ manualFetch: true });
    await openTasks(user);
    const r = await row("mismatch");
    await user.click(within(r).getByTestId("task-open"));
    const again = within(r).getByTestId("redownload");
    expect(again).toHaveTextContent(en.details.redownload);
    await user.click(again);
    await waitFor(() => expect(backend.callsTo("task_fetch")).toHaveLength(1));
    expect(backend.calls.map((c) => c.cmd).filter((c) => c === "task_discard_download" || c === "task_fetch")).toEqual([
      "task_discard_download",
      "task_fetch",
    ]);
    expect(backend.callsTo("task_discard_download")).toEqual([{ network: "arbitrum-mainnet", taskId: sampleTaskId("mismatch") }]);
    expect(r).toHaveAttribute("data-vault", "downloading");
    // The button is gone with the old download: the keyboard is on the new download's Pause.
    await waitFor(() => expect(within(r).getByTestId("fetch-cancel")).toHaveFocus());
    expect(screen.getByTestId("tasks-live")).toHaveTextContent("downloading it again");
    backend.fetches[0].resolve("verified");
    await waitFor(() => expect(r).toHaveAttribute("data-vault", "verified"));
  });

  it.each(["verified", "decrypted", "plain", "downloaded"])("offers to download a complete %s result again", async (seed) => {
    const { user } = withTasks();
    await openTasks(user);
    const r = await row(seed);
    await user.click(within(r).getByTestId("task-open"));
    expect(within(r).getByTestId("redownload")).toBeInTheDocument();
  });

  it.each(["fresh", "needs-key", "callback"])("does not offer it for %s", async (seed) => {
    const { user } = withTasks();
    await openTasks(user);
    const r = await row(seed);
    await user.click(within(r).getByTestId("task-open"));
    expect(within(r).queryByTestId("redownload")).not.toBeInTheDocument();
  });

  it("shows why deleting the download failed", async () => {
    const { backend, user } = withTasks({
      errors: { task_discard_download: { kind: "io", message: "Permission denied: downloads/mismatch.zip.", hint: "" } },
    });
    await openTasks(user);
    const r = await row("mismatch");
    await user.click(within(r).getByTestId("task-open"));
    await user.click(within(r).getByTestId("redownload"));
    expect(await within(r).findByRole("alert")).toHaveTextContent("Permission denied");
    expect(backend.callsTo("task_fetch")).toHaveLength(0);
  });

  it("says Retrying… in the vault column while a download waits to try again", async () => {
    const { backend, user } = withTasks({ manualFetch: true });
    await openTasks(user);
    const { fetch, row: r } = await startFetch(backend, user, "fresh");
    fetch.progress(downloading(19_600_000, 40_000_000));
    await waitFor(() => expect(within(r).getByTestId("task-vault")).toHaveTextContent("Downloading 49%"));
    fetch.progress(downloading(19_600_000, 40_000_000, { attempt: 1, retry_in_ms: 4000, retry_reason: "connection reset" }));
    await waitFor(() => expect(within(r).getByTestId("task-vault")).toHaveTextContent(en.tasks.vault.retrying));
    expect(within(r).getByTestId("task-vault")).not.toHaveTextContent("49%");
    expect(within(r).getByTestId("task-vault")).toHaveAttribute("data-retrying", "true");
    fetch.progress(downloading(22_000_000, 40_000_000, { attempt: 2 }));
    await waitFor(() => expect(within(r).getByTestId("task-vault")).toHaveTextContent("Downloading 55%"));
  });

  it("labels the folder of a result that did not match as untrusted, in the row", async () => {
    const { user } = withTasks({ fetchEnds: { [sampleTaskId("fresh")]: "mismatch" } });
    await openTasks(user);
    const r = await row("fresh");
    await user.click(within(r).getByTestId("fetch-task"));
    const done = await within(r).findByTestId("fetch-result");
    expect(within(done).getByTestId("fetch-open-folder")).toHaveTextContent(en.details.openFolderUntrusted);
  });
});

describe("adding a task by id", () => {
  it("says when no task or deal has the id", async () => {
    const { user } = withTasks();
    await openTasks(user);
    const input = await screen.findByTestId("add-by-id-input");
    await user.type(input, "0x1234");
    await user.click(screen.getByTestId("add-by-id-submit"));
    const error = await screen.findByTestId("add-by-id-error");
    expect(error).toHaveAttribute("data-kind", "task_not_found");
    expect(error).toHaveTextContent(en.errors.title.task_not_found);
    expect(input).toHaveAttribute("aria-describedby", error.id);
  });

  it("adds a task of another beneficiary and opens its details", async () => {
    const other = sampleTaskRow("someone-else", {
      beneficiary: "0xC08C3def622Af1476f2Db0E3CC8CcaeAd07BE3bB",
    });
    const { backend, user } = withTasks({ indexed: [...sampleTasks(), other] });
    await openTasks(user);
    await row("verified");
    await user.type(screen.getByTestId("add-by-id-input"), other.task_id);
    await user.click(screen.getByTestId("add-by-id-submit"));
    expect(await screen.findByTestId("add-by-id-result")).toHaveTextContent("1 task added.");
    expect(backend.callsTo("tasks_add_by_id")).toEqual([{ network: "arbitrum-mainnet", id: other.task_id }]);
    const r = await row("someone-else");
    expect(within(r).getByTestId("task-details")).toBeInTheDocument();
    const group = screen.getAllByTestId("task-group").find((g) => g.contains(r))!;
    expect(group).toHaveTextContent(en.tasks.otherBeneficiary);
  });
});

describe("settings", () => {
  async function openSettings(user: User) {
    await user.click(screen.getByTestId("nav-settings"));
    return screen.findByTestId("settings-screen");
  }

  function networkRow(name: string): HTMLElement {
    const found = screen.getAllByTestId("network-row").find((r) => r.getAttribute("data-network") === name);
    if (!found) throw new Error(`no network ${name}`);
    return found;
  }

  it("lists the networks with their URLs", async () => {
    const { user } = setup();
    await openSettings(user);
    await waitFor(() => expect(screen.getAllByTestId("network-row")).toHaveLength(3));
    const arbitrum = networkRow("arbitrum-mainnet");
    expect(arbitrum).toHaveTextContent("Arbitrum One");
    expect(arbitrum).toHaveTextContent("Chain 42161");
    const rpc = within(arbitrum).getByTestId("network-rpc-input");
    expect(rpc).toHaveValue("https://arb1.arbitrum.io/rpc");
    expect(rpc).toHaveAccessibleName(en.settings.rpc);
    expect(within(networkRow("bellecour")).getByTestId("network-sms-input")).toHaveValue(
      "https://sms.iex.ec\nhttps://sms.gramine.v8-bellecour.iex.ec",
    );
    expect(within(arbitrum).queryByTestId("network-reset")).not.toBeInTheDocument();
  });

  it("checks the chain id on save: a mismatch is shown and nothing changes", async () => {
    const wrong = "https://sepolia-rollup.arbitrum.io/rpc";
    const { backend, user } = setup({ rpcChainIds: { [wrong]: 421614 }, networkSaveMs: 30 });
    await openSettings(user);
    const arbitrum = await waitFor(() => networkRow("arbitrum-mainnet"));
    const rpc = within(arbitrum).getByTestId("network-rpc-input");
    await user.clear(rpc);
    await user.type(rpc, wrong);
    await user.click(within(arbitrum).getByTestId("network-save"));
    expect(await within(arbitrum).findByText("Checking the chain id…")).toBeInTheDocument();
    const error = await within(arbitrum).findByTestId("network-error");
    expect(error).toHaveAttribute("data-kind", "chain_mismatch");
    expect(error).toHaveTextContent(en.errors.title.chain_mismatch);
    expect(error).toHaveTextContent("serves chain 421614, not chain 42161");
    expect(rpc).toHaveValue(wrong);
    expect(backend.callsTo("network_save")).toHaveLength(1);
    expect(backend.options.networks[0].network.rpc_url).toBe("https://arb1.arbitrum.io/rpc");
    expect(within(arbitrum).queryByTestId("network-customised")).not.toBeInTheDocument();
  });

  it("shows an unreachable RPC as a network error", async () => {
    const down = "https://down.example/rpc";
    const { user } = setup({
      rpcChainIds: { [down]: { kind: "network", message: `The RPC ${down} cannot be reached.`, hint: "" } },
    });
    await openSettings(user);
    const arbitrum = await waitFor(() => networkRow("arbitrum-mainnet"));
    const rpc = within(arbitrum).getByTestId("network-rpc-input");
    await user.clear(rpc);
    await user.type(rpc, down);
    await user.click(within(arbitrum).getByTestId("network-save"));
    const error = await within(arbitrum).findByTestId("network-error");
    expect(error).toHaveAttribute("data-kind", "network");
    expect(error).toHaveTextContent(`The RPC ${down} cannot be reached.`);
    expect(rpc).toHaveValue(down);
  });

  it("saves a good RPC (customised), and resets it to the defaults", async () => {
    const mine = "https://arbitrum.my-node.example/rpc";
    const { backend, user } = setup();
    await openSettings(user);
    const arbitrum = await waitFor(() => networkRow("arbitrum-mainnet"));
    const rpc = within(arbitrum).getByTestId("network-rpc-input");
    await user.clear(rpc);
    await user.type(rpc, mine);
    await user.click(within(arbitrum).getByTestId("network-save"));
    expect(await within(arbitrum).findByTestId("network-saved")).toBeInTheDocument();
    expect(backend.callsTo("network_save")[0]).toEqual({
      network: expect.objectContaining({ name: "arbitrum-mainnet", chain_id: 42161, rpc_url: mine }),
    });
    expect(await within(arbitrum).findByTestId("network-customised")).toHaveTextContent(en.settings.customised);
    await user.click(within(arbitrum).getByTestId("network-reset"));
    await waitFor(() => expect(within(networkRow("arbitrum-mainnet")).getByTestId("network-rpc-input")).toHaveValue("https://arb1.arbitrum.io/rpc"));
    expect(backend.callsTo("network_reset")).toEqual([{ name: "arbitrum-mainnet" }]);
    expect(within(networkRow("arbitrum-mainnet")).queryByTestId("network-customised")).not.toBeInTheDocument();
  });

  it("adds a custom network after checking the form", async () => {
    const { backend, user } = setup();
    await openSettings(user);
    await user.click(await screen.findByTestId("network-add-toggle"));
    const form = screen.getByTestId("network-add-form");
    await user.type(within(form).getByTestId("network-add-name-input"), "My Testnet");
    await user.click(within(form).getByTestId("network-add-save"));
    const invalid = within(form).getByTestId("network-add-invalid");
    expect(invalid).toHaveTextContent(en.settings.invalid.name);
    expect(invalid).toHaveTextContent(en.settings.invalid.chainId);
    expect(invalid).toHaveTextContent(en.settings.invalid.rpc);
    expect(backend.callsTo("network_save")).toHaveLength(0);

    await user.clear(within(form).getByTestId("network-add-name-input"));
    await user.type(within(form).getByTestId("network-add-name-input"), "local-test");
    await user.type(within(form).getByTestId("network-add-label-input"), "Local test chain");
    await user.type(within(form).getByTestId("network-add-chain-id-input"), "65535");
    await user.type(within(form).getByTestId("network-add-rpc-input"), "http://127.0.0.1:8545");
    await user.type(within(form).getByTestId("network-add-hub-input"), "0xC08C3def622Af1476f2Db0E3CC8CcaeAd07BE3bB");
    await user.type(within(form).getByTestId("network-add-ipfs-input"), "http://127.0.0.1:8080{Enter}https://ipfs.iex.ec");
    await user.click(within(form).getByTestId("network-add-save"));
    const added = await waitFor(() => networkRow("local-test"));
    expect(added).toHaveTextContent("Local test chain");
    // Added: the form closes, and the new network's row takes the focus (scrolled to), saying so.
    expect(screen.queryByTestId("network-add-form")).not.toBeInTheDocument();
    await waitFor(() => expect(within(added).getByRole("heading", { name: "Local test chain" })).toHaveFocus());
    expect(within(added).getByTestId("network-saved")).toHaveTextContent(en.settings.added);
    expect(screen.getByTestId("network-add-toggle")).toBeInTheDocument();
    expect(backend.callsTo("network_save")[0]).toEqual({
      network: expect.objectContaining({
        name: "local-test",
        chain_id: 65535,
        ipfs_gateways: ["http://127.0.0.1:8080", "https://ipfs.iex.ec"],
      }),
    });
    expect(within(added).getByTestId("network-reset")).toHaveTextContent(en.settings.remove);
  });
});

describe("in French", () => {
  it("labels the tasks, the states and the verification in French", async () => {
    await setLanguage("fr");
    const { user } = withTasks();
    expect(screen.getByTestId("nav-tasks")).toHaveTextContent("Tâches");
    expect(screen.getByTestId("nav-settings")).toHaveTextContent("Paramètres");
    await openTasks(user);
    expect(screen.getByRole("heading", { name: fr.tasks.heading })).toBeInTheDocument();
    const r = await row("verified");
    expect(within(r).getByTestId("task-status")).toHaveTextContent("Terminée");
    expect(within(r).getByTestId("fetch-task")).toHaveTextContent("Rouvrir");
    expect(within(await row("fresh")).getByTestId("fetch-task")).toHaveTextContent("Télécharger et ouvrir");
    await user.click(within(r).getByTestId("task-open"));
    expect(within(r).getByTestId("verification-badge")).toHaveTextContent("Vérifié sur la blockchain");
    expect(screen.getByTestId("watch-address-input")).toHaveAccessibleName(fr.watch.address);
  });
});
