//! Built-in networks, named as the iexec CLI names them (docs/design.md 3.1). Every URL can be
//! overridden by the user; the values here are the defaults.

use serde::{Deserialize, Serialize};

/// One network and its iExec services.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Network {
    /// Name as in the iexec CLI's `chain.json` (`arbitrum-mainnet`...).
    pub name: String,
    /// A name for people.
    pub label: String,
    /// EIP-155 chain id.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub chain_id: u64,
    /// JSON-RPC endpoint.
    pub rpc_url: String,
    /// PoCo hub (diamond proxy) address, checksummed.
    pub hub: String,
    /// Secret Management Service URLs (Bellecour has one per TEE framework).
    pub sms_urls: Vec<String>,
    /// IPFS gateways, preferred first.
    pub ipfs_gateways: Vec<String>,
    /// PoCo subgraph (GraphQL over HTTP POST).
    pub subgraph_url: String,
    /// Market API (fallback index of deals).
    pub market_api_url: String,
    /// Only for old tasks.
    pub legacy: bool,
}

impl Network {
    /// The SMS to use (the first of `sms_urls`).
    ///
    /// Errors: `network` when none is set.
    pub fn sms_url(&self) -> crate::error::Result<&str> {
        self.sms_urls.first().map(String::as_str).ok_or_else(|| {
            crate::error::Error::new(
                crate::error::ErrorKind::Network,
                format!("No SMS is set for {}.", self.label),
                "Add the SMS URL in Settings (or give --sms-url URL).",
            )
        })
    }
}

/// The built-in networks: Arbitrum One, Arbitrum Sepolia, Bellecour (legacy).
pub fn builtin() -> Vec<Network> {
    let s = |v: &str| v.to_owned();
    vec![
        Network {
            name: s("arbitrum-mainnet"),
            label: s("Arbitrum One"),
            chain_id: 42161,
            rpc_url: s("https://arb1.arbitrum.io/rpc"),
            hub: s("0x098bFCb1E50ebcA0BaA92C12eA0c3F045A1aD9f0"),
            sms_urls: vec![s("https://sms.arbitrum-mainnet.iex.ec")],
            ipfs_gateways: vec![s("https://ipfs-gateway.arbitrum-mainnet.iex.ec"), s("https://ipfs.iex.ec")],
            subgraph_url: s("https://thegraph.arbitrum.iex.ec/api/subgraphs/id/B1comLe9SANBLrjdnoNTJSubbeC7cY7EoNu6zD82HeKy"),
            market_api_url: s("https://api.market.arbitrum-mainnet.iex.ec"),
            legacy: false,
        },
        Network {
            name: s("arbitrum-sepolia-testnet"),
            label: s("Arbitrum Sepolia (test network)"),
            chain_id: 421614,
            rpc_url: s("https://sepolia-rollup.arbitrum.io/rpc"),
            hub: s("0xB2157BF2fAb286b2A4170E3491Ac39770111Da3E"),
            sms_urls: vec![s("https://sms.arbitrum-sepolia-testnet.iex.ec")],
            ipfs_gateways: vec![s("https://ipfs-gateway.arbitrum-sepolia-testnet.iex.ec"), s("https://ipfs.iex.ec")],
            subgraph_url: s("https://thegraph.arbitrum-sepolia-testnet.iex.ec/api/subgraphs/id/2GCj8gzLCihsiEDq8cYvC5nUgK6VfwZ6hm3Wj8A3kcxz"),
            market_api_url: s("https://api-market.arbitrum-sepolia-testnet.iex.ec"),
            legacy: false,
        },
        Network {
            name: s("bellecour"),
            label: s("Bellecour (legacy, old tasks)"),
            chain_id: 134,
            rpc_url: s("https://bellecour.iex.ec"),
            hub: s("0x3eca1B216A7DF1C7689aEb259fFB83ADFB894E7f"),
            sms_urls: vec![s("https://sms.iex.ec"), s("https://sms.gramine.v8-bellecour.iex.ec")],
            ipfs_gateways: vec![s("https://ipfs-gateway.v8-bellecour.iex.ec"), s("https://ipfs.iex.ec")],
            subgraph_url: s("https://thegraph.iex.ec/subgraphs/name/bellecour/poco-v5"),
            market_api_url: s("https://api.market.v8-bellecour.iex.ec"),
            legacy: true,
        },
    ]
}

/// A built-in network by name.
pub fn by_name(name: &str) -> Option<Network> {
    builtin().into_iter().find(|n| n.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_hubs_are_valid_checksummed_addresses() {
        for n in builtin() {
            let a: alloy_primitives::Address = n.hub.parse().unwrap();
            assert_eq!(a.to_checksum(None), n.hub, "{}", n.name);
        }
        assert_eq!(by_name("arbitrum-mainnet").unwrap().chain_id, 42161);
        assert!(by_name("nope").is_none());
    }
}
