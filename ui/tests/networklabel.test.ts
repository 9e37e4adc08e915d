/**
 * The built-in networks are named in the UI's language (the backend sends English labels); a
 * custom network keeps the label its user typed.
 */
import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import App from "../src/App.svelte";
import en from "../src/lib/i18n/en.json";
import fr from "../src/lib/i18n/fr.json";
import { i18n, setLanguage } from "../src/lib/i18n";
import type { NetworkInfo } from "../src/lib/ipc/bindings";
import { createMockBackend, sampleKey } from "../src/lib/mockBackend";
import { BUILTIN_NETWORKS, builtinNetworkInfos, sampleWatched } from "../src/lib/mockTasks";
import { sampleWallet } from "../src/lib/mockWallet";
import { BUILTIN_NETWORK_NAMES, networkLabel } from "../src/lib/networkLabel";

afterEach(async () => {
  delete window.__resultVault;
  await setLanguage("en");
});

const custom = (): NetworkInfo => ({
  network: { ...BUILTIN_NETWORKS[0], name: "my-devnet", label: "Mon réseau de dev", chain_id: 1337 },
  builtin: false,
  customised: false,
});

describe("networkLabel", () => {
  it("names every built-in network in each language, by its name", () => {
    expect(BUILTIN_NETWORKS.map((n) => n.name)).toEqual([...BUILTIN_NETWORK_NAMES]);
    const tr = i18n.getFixedT("fr");
    for (const n of BUILTIN_NETWORKS) {
      // English: the backend's label, as it is.
      expect(en.networks[n.name as keyof typeof en.networks]).toBe(n.label);
      expect(networkLabel(tr, n)).toBe(fr.networks[n.name as keyof typeof fr.networks]);
    }
    expect(networkLabel(tr, BUILTIN_NETWORKS[1])).toBe("Arbitrum Sepolia (réseau de test)");
    // A built-in network relabelled by the backend is still named by its name.
    expect(networkLabel(tr, { name: "bellecour", label: "Bellecour" })).toBe(fr.networks.bellecour);
  });

  it("keeps a custom network's label as typed (its name when it has none)", () => {
    const tr = i18n.getFixedT("fr");
    expect(networkLabel(tr, custom().network)).toBe("Mon réseau de dev");
    expect(networkLabel(tr, { name: "my-devnet", label: "" })).toBe("my-devnet");
  });
});

describe("in French, the screens", () => {
  it("name the built-in networks in French: the key service, the tasks' network list, Settings", async () => {
    await setLanguage("fr");
    const backend = createMockBackend({
      manual: true,
      ringKeys: [sampleKey({ backed_up: true })],
      wallets: [sampleWallet()],
      watched: [sampleWatched(), sampleWatched({ network: "arbitrum-sepolia-testnet" })],
      networks: [...builtinNetworkInfos(), custom()],
    });
    const user = userEvent.setup();
    render(App, { backend });

    // Home's key service chips.
    await waitFor(() => expect(screen.getAllByTestId("home-sms-chip").length).toBeGreaterThan(0));
    const chip = screen.getAllByTestId("home-sms-chip").find((c) => c.dataset.network === "arbitrum-sepolia-testnet");
    expect(chip).toHaveTextContent(fr.networks["arbitrum-sepolia-testnet"]);
    expect(screen.getByTestId("home-sms")).not.toHaveTextContent("(test network)");

    // Keys > Key service.
    await user.click(screen.getByTestId("nav-keys"));
    const sms = await screen.findByTestId("sms-section");
    await waitFor(() => expect(within(sms).getAllByTestId("sms-row").length).toBeGreaterThan(0));
    expect(sms).toHaveTextContent(fr.networks["arbitrum-sepolia-testnet"]);
    expect(sms).not.toHaveTextContent("(test network)");

    // Tasks: the networks to watch an address on.
    await user.click(screen.getByTestId("nav-tasks"));
    const select = await screen.findByTestId("watch-network-select");
    const options = [...select.querySelectorAll("option")].map((o) => o.textContent?.trim());
    expect(options).toContain(fr.networks["arbitrum-sepolia-testnet"]);
    expect(options).toContain("Mon réseau de dev");
    expect(options).not.toContain("Arbitrum Sepolia (test network)");

    // Settings: each network's heading.
    await user.click(screen.getByTestId("nav-settings"));
    await waitFor(() => expect(screen.getAllByTestId("network-row").length).toBeGreaterThanOrEqual(4));
    const settings = screen.getByTestId("settings-screen");
    expect(within(settings).getByRole("heading", { name: fr.networks.bellecour })).toBeInTheDocument();
    expect(within(settings).getByRole("heading", { name: "Mon réseau de dev" })).toBeInTheDocument();
    expect(settings).not.toHaveTextContent("(legacy, old tasks)");
  });
});
