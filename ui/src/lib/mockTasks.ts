/**
 * Sample networks, watched addresses and tasks for the in-memory backend (tests and the browser
 * demo). The built-in networks are those of the app (crates/core/src/chain/networks.rs).
 */
import { keccak256 } from "./eip55";
import type { Network, NetworkInfo, TaskRow, Verification, WatchedAddress } from "./ipc/bindings";

export const BUILTIN_NETWORKS: readonly Network[] = [
  {
    name: "arbitrum-mainnet",
    label: "Arbitrum One",
    chain_id: 42161,
    rpc_url: "https://arb1.arbitrum.io/rpc",
    hub: "0x098bFCb1E50ebcA0BaA92C12eA0c3F045A1aD9f0",
    sms_urls: ["https://sms.arbitrum-mainnet.iex.ec"],
    ipfs_gateways: ["https://ipfs-gateway.arbitrum-mainnet.iex.ec", "https://ipfs.iex.ec"],
    subgraph_url:
      "https://thegraph.arbitrum.iex.ec/api/subgraphs/id/B1comLe9SANBLrjdnoNTJSubbeC7cY7EoNu6zD82HeKy",
    market_api_url: "https://api.market.arbitrum-mainnet.iex.ec",
    legacy: false,
  },
  {
    name: "arbitrum-sepolia-testnet",
    label: "Arbitrum Sepolia (test network)",
    chain_id: 421614,
    rpc_url: "https://sepolia-rollup.arbitrum.io/rpc",
    hub: "0xB2157BF2fAb286b2A4170E3491Ac39770111Da3E",
    sms_urls: ["https://sms.arbitrum-sepolia-testnet.iex.ec"],
    ipfs_gateways: ["https://ipfs-gateway.arbitrum-sepolia-testnet.iex.ec", "https://ipfs.iex.ec"],
    subgraph_url:
      "https://thegraph.arbitrum-sepolia-testnet.iex.ec/api/subgraphs/id/2GCj8gzLCihsiEDq8cYvC5nUgK6VfwZ6hm3Wj8A3kcxz",
    market_api_url: "https://api-market.arbitrum-sepolia-testnet.iex.ec",
    legacy: false,
  },
  {
    name: "bellecour",
    label: "Bellecour (legacy, old tasks)",
    chain_id: 134,
    rpc_url: "https://bellecour.iex.ec",
    hub: "0x3eca1B216A7DF1C7689aEb259fFB83ADFB894E7f",
    sms_urls: ["https://sms.iex.ec", "https://sms.gramine.v8-bellecour.iex.ec"],
    ipfs_gateways: ["https://ipfs-gateway.v8-bellecour.iex.ec", "https://ipfs.iex.ec"],
    subgraph_url: "https://thegraph.iex.ec/subgraphs/name/bellecour/poco-v5",
    market_api_url: "https://api.market.v8-bellecour.iex.ec",
    legacy: true,
  },
];

export function copyNetwork(n: Network): Network {
  return { ...n, sms_urls: [...n.sms_urls], ipfs_gateways: [...n.ipfs_gateways] };
}

export function sameNetwork(a: Network, b: Network): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The built-in networks as `networks_list` returns them with no override. */
export function builtinNetworkInfos(): NetworkInfo[] {
  return BUILTIN_NETWORKS.map((n) => ({ network: copyNetwork(n), builtin: true, customised: false }));
}

/** Two beneficiaries (Remix's first accounts, EIP-55 checksummed). */
export const ADDRESS_A = "0x5B38Da6a701c568545dCfcB03FcB875f56beddC4";
export const ADDRESS_B = "0xAb8483F64d9C6d1EcF9b849Ae677dD3315835cb2";
const APP_1 = "0x4B20993Bc481177ec7E8f571ceCaE8A9e22C02db";
const APP_2 = "0x78731D3Ca6b7E34aC0F824c42a7cC18A495cabaB";
const REQUESTER = "0x617F2E2fD72FD9D5503197092aC168c91465E7f2";

/** A 32-byte id (`0x` + 64 hex) made from a seed, stable across runs. */
export function hexId(seed: string): string {
  return `0x${keccak256(seed)}`;
}

/** A plausible IPFS location for a seed. */
function ipfsPath(seed: string): string {
  const alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  const hex = keccak256(`ipfs:${seed}`);
  let cid = "Qm";
  for (let i = 0; i < 44; i++) cid += alphabet[parseInt(hex.slice(i % 62, (i % 62) + 2), 16) % alphabet.length];
  return `/ipfs/${cid}`;
}

export const SAMPLE_START = 1_746_000_000; // 30 April 2025

export function sampleWatched(overrides: Partial<WatchedAddress> = {}): WatchedAddress {
  return {
    network: "arbitrum-mainnet",
    address: ADDRESS_A,
    label: "",
    added: SAMPLE_START - 86_400,
    last_refresh: null,
    last_source: null,
    ...overrides,
  };
}

/** One task row; `seed` makes its ids. */
export function sampleTaskRow(seed = "default", overrides: Partial<TaskRow> = {}): TaskRow {
  const location = ipfsPath(seed);
  const start = overrides.start_time ?? SAMPLE_START;
  return {
    network: "arbitrum-mainnet",
    task_id: hexId(`task:${seed}`),
    deal_id: hexId(`deal:${seed}`),
    idx: 0,
    beneficiary: ADDRESS_A,
    requester: REQUESTER,
    app: APP_1,
    app_name: "llm-inference-tdx",
    params: JSON.stringify({
      iexec_args: "--prompt report.txt",
      iexec_result_encryption: true,
      iexec_result_storage_provider: "ipfs",
    }),
    encrypted: true,
    start_time: start,
    final_deadline: start + 3 * 3600,
    status: "completed",
    result: { storage: "ipfs", location },
    results_raw: JSON.stringify({ storage: "ipfs", location }),
    result_digest: hexId(`digest:${seed}`),
    source: "subgraph",
    confirmed_at: start + 4 * 3600,
    vault: "not_downloaded",
    archive_path: null,
    output_path: null,
    verification: null,
    downloaded_bytes: 0,
    total_bytes: 0,
    ...overrides,
  };
}

export function verifiedOf(row: TaskRow): Verification {
  return {
    status: "verified",
    expected: row.result_digest,
    computed: row.result_digest,
    reason: null,
    deterministic_output_path: null,
  };
}

export function mismatchOf(row: TaskRow): Verification {
  return {
    status: "mismatch",
    expected: row.result_digest,
    computed: hexId(`tampered:${row.task_id}`),
    // The app's wording (crates/core/src/verify.rs).
    reason:
      "The result digest recomputed from these files differs from the one the enclave attested on chain: they were changed after the task ran (in storage, at the gateway or during the download).",
    deterministic_output_path: null,
  };
}

export function unverifiableOf(): Verification {
  return {
    status: "unverifiable",
    expected: null,
    computed: null,
    reason: "The task has no result digest on chain, so the files cannot be compared with it.",
    deterministic_output_path: null,
  };
}

const hours = (n: number) => n * 3600;
const noResult = { result: { storage: "none" as const }, results_raw: "", result_digest: null };

/**
 * A beneficiary's tasks across every state and vault state (newest first):
 * on Arbitrum One for ADDRESS_A, on Arbitrum Sepolia for ADDRESS_B.
 */
export function sampleTasks(): TaskRow[] {
  const a = (seed: string, ago: number, o: Partial<TaskRow>) =>
    sampleTaskRow(seed, { start_time: SAMPLE_START - hours(ago), ...o });
  const b = (seed: string, ago: number, o: Partial<TaskRow>) =>
    sampleTaskRow(seed, {
      network: "arbitrum-sepolia-testnet",
      beneficiary: ADDRESS_B,
      requester: ADDRESS_B,
      app: APP_2,
      app_name: "image-classifier",
      start_time: SAMPLE_START - hours(ago),
      ...o,
    });
  const verified = a("verified", 2, {
    vault: "verified",
    archive_path: "/home/alice/.local/share/result-vault/downloads/arbitrum-mainnet/verified.zip",
    output_path: "/home/alice/Results/result-verified",
    downloaded_bytes: 18_400_000,
    total_bytes: 18_400_000,
  });
  verified.verification = verifiedOf(verified);
  const mismatch = a("mismatch", 30, {
    app_name: "credit-scoring",
    vault: "mismatch",
    archive_path: "/home/alice/.local/share/result-vault/downloads/arbitrum-mainnet/mismatch.zip",
    output_path: "/home/alice/Results/result-mismatch",
    downloaded_bytes: 2_100_000,
    total_bytes: 2_100_000,
  });
  mismatch.verification = mismatchOf(mismatch);
  const decrypted = b("decrypted", 50, {
    vault: "decrypted",
    output_path: "/home/alice/Results/result-decrypted",
    downloaded_bytes: 640_000,
    total_bytes: 640_000,
    result_digest: null,
  });
  decrypted.verification = unverifiableOf();
  return [
    a("active", 0.5, { status: "active", ...noResult, confirmed_at: null }),
    a("fresh", 1, { vault: "not_downloaded" }),
    verified,
    a("partial", 6, { vault: "partial", downloaded_bytes: 14_800_000, total_bytes: 40_000_000 }),
    a("failed", 10, { status: "failed", ...noResult }),
    a("downloaded", 20, { vault: "downloaded", app_name: null }),
    mismatch,
    a("unset", 40, { status: "unset", ...noResult, confirmed_at: null }),
    b("revealing", 3, { status: "revealing", ...noResult }),
    b("callback", 8, {
      result: { storage: "ethereum" },
      results_raw: "0x0000000000000000000000000000000000000000000000000000000000002a",
      encrypted: false,
      params: JSON.stringify({ iexec_args: "--price ETH/USD" }),
    }),
    b("needs-key", 12, {
      vault: "needs_key",
      encrypted: null,
      params: "--legacy-args 42",
      downloaded_bytes: 5_200_000,
      total_bytes: 5_200_000,
    }),
    b("dropbox", 16, {
      result: { storage: "dropbox", location: "/results/0x81a2.zip" },
      results_raw: JSON.stringify({ storage: "dropbox", location: "/results/0x81a2.zip" }),
    }),
    b("plain", 24, {
      vault: "not_encrypted",
      encrypted: false,
      output_path: "/home/alice/Results/result-plain",
    }),
    b("timeout", 36, { status: "timeout", ...noResult }),
    decrypted,
  ];
}

/** Task id of a sample task by its seed ("verified", "fresh", "partial", "callback"...). */
export function sampleTaskId(seed: string): string {
  return hexId(`task:${seed}`);
}
