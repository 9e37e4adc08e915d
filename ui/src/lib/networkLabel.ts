import type { TFunction } from "i18next";

/**
 * The built-in networks (crates/core/src/chain/networks.rs), by the name the iexec CLI gives them.
 * The backend sends their label in English; the UI says it in its own language.
 */
export const BUILTIN_NETWORK_NAMES: readonly string[] = ["arbitrum-mainnet", "arbitrum-sepolia-testnet", "bellecour"];

/**
 * A network's name for people: a built-in network's in the UI's language (by its name), a custom
 * network's as its user typed it.
 */
export function networkLabel(tr: TFunction, network: { name: string; label: string }): string {
  return BUILTIN_NETWORK_NAMES.includes(network.name) ? tr(`networks.${network.name}`) : network.label || network.name;
}
