/** The form that watches an address, shared by the Tasks screen and the first-run tour. */
import { render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import WatchForm, { type WatchFormTestIds } from "../src/lib/components/WatchForm.svelte";
import en from "../src/lib/i18n/en.json";
import { createMockBackend } from "../src/lib/mockBackend";
import { ADDRESS_A, ADDRESS_B } from "../src/lib/mockTasks";
import { createNetworks } from "../src/lib/stores/networks";
import { createTasks } from "../src/lib/stores/tasks";

const IDS: WatchFormTestIds = {
  form: "f",
  network: "f-network",
  address: "f-address",
  label: "f-label",
  submit: "f-submit",
  error: "f-error",
  notice: "f-notice",
};

async function setup(props: Partial<{ prefill: string | null; testids: WatchFormTestIds }> = {}) {
  const backend = createMockBackend({ manual: true });
  const networks = createNetworks(backend);
  const tasks = createTasks(backend, { networks });
  await networks.load();
  const onAdded = vi.fn();
  const user = userEvent.setup();
  render(WatchForm, { tasks, networks, idPrefix: "form", testids: IDS, hint: "The hint", onAdded, ...props });
  return { backend, user, onAdded };
}

describe("WatchForm", () => {
  it("names its fields, preselects the first network and describes the address with the hint", async () => {
    await setup();
    expect(screen.getByTestId("f")).toHaveAccessibleName(en.watch.heading);
    await waitFor(() => expect(screen.getByTestId("f-network")).toHaveValue("arbitrum-mainnet"));
    expect(screen.getByTestId("f-network")).toHaveAccessibleName(en.watch.network);
    expect(screen.getByTestId("f-address")).toHaveAccessibleName(en.watch.address);
    expect(screen.getByTestId("f-address")).toHaveAccessibleDescription("The hint");
    expect(screen.getByTestId("f-label")).toHaveAccessibleName(en.watch.label);
  });

  it("fills in the address given once, and watches it on the chosen network", async () => {
    const { backend, user, onAdded } = await setup({ prefill: ADDRESS_A });
    const address = screen.getByTestId("f-address");
    expect(address).toHaveValue(ADDRESS_A);
    await user.selectOptions(screen.getByTestId("f-network"), "arbitrum-sepolia-testnet");
    await user.type(screen.getByTestId("f-label"), "  Lab  ");
    await user.click(screen.getByTestId("f-submit"));
    await waitFor(() => expect(onAdded).toHaveBeenCalledWith(ADDRESS_A));
    expect(backend.callsTo("watched_add")).toEqual([{ network: "arbitrum-sepolia-testnet", address: ADDRESS_A, label: "Lab" }]);
    expect(address).toHaveValue("");
    expect(screen.getByTestId("f-label")).toHaveValue("");
    expect(screen.getByTestId("f-notice")).toHaveTextContent("Watching 0x");
  });

  it("says what is wrong with the address, on the field, and gives it the focus", async () => {
    const { user, onAdded } = await setup();
    await user.type(screen.getByTestId("f-address"), "0x1234{Enter}");
    const error = await screen.findByTestId("f-error");
    expect(error).toHaveAttribute("data-kind", "invalid_address");
    const address = screen.getByTestId("f-address");
    await waitFor(() => expect(address).toHaveFocus());
    expect(address).toHaveAttribute("aria-invalid", "true");
    expect(address).toHaveAttribute("aria-describedby", "form-address-error");
    expect(onAdded).not.toHaveBeenCalled();
    // Fixed: the error goes.
    await user.clear(address);
    await user.type(address, `${ADDRESS_B}{Enter}`);
    await waitFor(() => expect(onAdded).toHaveBeenCalledWith(ADDRESS_B));
    expect(screen.queryByTestId("f-error")).not.toBeInTheDocument();
  });

  it("leaves the announcement to the screen when no notice is asked for", async () => {
    const { user, onAdded } = await setup({ testids: { ...IDS, notice: undefined } });
    await user.type(screen.getByTestId("f-address"), `${ADDRESS_A}{Enter}`);
    await waitFor(() => expect(onAdded).toHaveBeenCalled());
    expect(screen.queryByTestId("f-notice")).not.toBeInTheDocument();
  });
});
