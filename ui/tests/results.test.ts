import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import ResultsScreen from "../src/lib/components/ResultsScreen.svelte";
import { parseCsv } from "../src/lib/components/ResultPreview.svelte";
import type { LibraryItem } from "../src/lib/ipc/bindings";
import { createMockBackend } from "../src/lib/mockBackend";

function item(id: number, app: string, over: Partial<LibraryItem["entry"]> = {}, outputExists = true): LibraryItem {
  return {
    entry: {
      id,
      opened_at: 1_760_000_000 + id,
      source: "task",
      network: "bellecour",
      task_id: `0x${"ab".repeat(32)}`,
      app,
      archive_path: `/home/alice/dl/${id}.zip`,
      output_path: `/home/alice/Result Vault/${app}`,
      size: 2048,
      file_count: 3,
      encrypted: true,
      key_fingerprint: "cd".repeat(32),
      key_label: "Laptop key",
      verification: { status: "verified", expected: null, computed: null, reason: null, deterministic_output_path: null },
      ...over,
    },
    output_exists: outputExists,
    archive_exists: true,
  };
}

function setup() {
  const backend = createMockBackend({
    library: [item(2, "weather"), item(1, "old-app", {}, false)],
    libraryFiles: {
      2: [
        { path: "computed.json", size: 40 },
        { path: "table.csv", size: 20 },
        { path: "page.md", size: 30 },
        { path: "pic.png", size: 8 },
        { path: "logo.svg", size: 30 },
      ],
    },
    previews: {
      "2/computed.json": { path: "computed.json", size: 40, preview: { kind: "json", text: '{"a":{"b":[1,2]},"c":"x"}', truncated: false } },
      "2/table.csv": { path: "table.csv", size: 20, preview: { kind: "csv", text: 'h1,h2\n1,"a,b"\n', truncated: false } },
      "2/page.md": { path: "page.md", size: 300000, preview: { kind: "markdown", text: "# <img src=x onerror=alert(1)>", truncated: true } },
      "2/pic.png": { path: "pic.png", size: 8, preview: { kind: "image", mime: "image/png", base64: "iVBORw0KGgo=" } },
      "2/logo.svg": { path: "logo.svg", size: 30, preview: { kind: "other", reason: "svg" } },
    },
  });
  const user = userEvent.setup();
  render(ResultsScreen, { backend });
  return { backend, user };
}

describe("the results library", () => {
  it("lists results newest first, says when files are gone, and searches", async () => {
    const { backend, user } = setup();
    const rows = await screen.findAllByTestId("result-row");
    expect(rows.map((r) => r.getAttribute("data-id"))).toEqual(["2", "1"]);
    expect(rows[0]).toHaveTextContent("weather");
    expect(rows[0]).toHaveTextContent("3 files");
    expect(rows[0]).toHaveTextContent("Laptop key");
    expect(within(rows[1]).getByTestId("result-missing")).toHaveTextContent("moved or deleted");
    expect(within(rows[1]).getByTestId("result-preview")).toBeDisabled();
    await user.type(screen.getByTestId("results-search"), "weath");
    await waitFor(() => expect(screen.getAllByTestId("result-row")).toHaveLength(1));
    expect(backend.callsTo("library_list").at(-1)).toEqual({ query: "weath" });
  });

  it("previews JSON folded, CSV as a table, Markdown as text, images by blob, SVG never", async () => {
    const { user } = setup();
    const rows = await screen.findAllByTestId("result-row");
    await user.click(within(rows[0]).getByTestId("result-preview"));
    const json = await screen.findByTestId("preview-json");
    expect(json.querySelectorAll("details").length).toBeGreaterThanOrEqual(3);
    expect(json).toHaveTextContent('c: "x"');
    await user.click(screen.getByText("table.csv", { exact: false }));
    const table = await screen.findByTestId("preview-csv");
    expect(within(table).getAllByRole("columnheader").map((h) => h.textContent)).toEqual(["h1", "h2"]);
    expect(table).toHaveTextContent("a,b");
    await user.click(screen.getByText("page.md", { exact: false }));
    const text = await screen.findByTestId("preview-text");
    // Shown as text: the markup is not HTML.
    expect(text.textContent).toBe("# <img src=x onerror=alert(1)>");
    expect(text.querySelector("img")).toBeNull();
    expect(screen.getByTestId("preview-truncated")).toHaveTextContent("Only the beginning");
    await user.click(screen.getByText("logo.svg", { exact: false }));
    expect(await screen.findByTestId("preview-other")).toHaveTextContent("SVG images can carry scripts");
  });

  it("deletes after the app's confirmation, keeping the archive unless asked", async () => {
    const { backend, user } = setup();
    const rows = await screen.findAllByTestId("result-row");
    await user.click(within(rows[0]).getByTestId("result-delete"));
    await waitFor(() => expect(screen.getAllByTestId("result-row")).toHaveLength(1));
    expect(backend.callsTo("library_delete")).toEqual([{ id: 2, archive: false }]);
  });

  it("says when the last background check ran, and checks now on demand", async () => {
    const { backend, user } = setup();
    expect(await screen.findByTestId("watch-line")).toHaveTextContent("No background check yet");
    await user.click(screen.getByTestId("watch-check-now"));
    expect(backend.callsTo("watch_check_now")).toHaveLength(1);
    backend.emitWatchStatus({
      checked_at: 1_760_000_000,
      ok: false,
      problems: ["0xabc on bellecour: the subgraph did not answer"],
      checked: 1,
      new_results: [],
      ring_locked: false,
      took_ms: 12,
    });
    await waitFor(() => expect(screen.getByTestId("watch-line")).toHaveTextContent("failed: 0xabc on bellecour"));
  });
});

describe("parseCsv", () => {
  it("reads quotes, commas and line ends, and stops at the limit", () => {
    expect(parseCsv('a,b\r\n"x,1","say ""hi"""\n')).toEqual([
      ["a", "b"],
      ["x,1", 'say "hi"'],
    ]);
    expect(parseCsv("1\n2\n3\n4\n", 2)).toHaveLength(3);
  });
});

describe("a click on a notification", () => {
  it("shows the Results screen on that task's result, in the open window or in one made by the click", async () => {
    const { default: App } = await import("../src/App.svelte");
    const taskId = `0x${"ab".repeat(32)}`;
    const backend = createMockBackend({
      library: [item(7, "weather", { task_id: taskId })],
      libraryFiles: { 7: [{ path: "result.txt", size: 5 }] },
      previews: { "7/result.txt": { path: "result.txt", size: 5, preview: { kind: "text", text: "sunny", truncated: false } } },
      resultsFocus: taskId,
    });
    render(App, { backend });
    // The window made by the click takes the focus once, at start.
    expect(await screen.findByTestId("results-screen")).toBeInTheDocument();
    expect((await screen.findByTestId("preview-text")).textContent).toBe("sunny");
    expect(backend.callsTo("results_take_focus")).toHaveLength(1);
    // In a window already open: the event.
    await userEvent.setup().click(screen.getByTestId("nav-open"));
    backend.emitShowResults("");
    expect(await screen.findByTestId("results-screen")).toBeInTheDocument();
    expect(screen.queryByTestId("result-preview-pane")).toBeNull();
  });
});
