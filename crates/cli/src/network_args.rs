//! `--network NAME` and the flags that override its settings, turned into the engine's one
//! resolver ([`result_vault_engine::networks`]): built-in defaults (docs/design.md 3.1), the
//! managed networks file, networks saved by the app, a `--config FILE`, then flags.

use std::path::PathBuf;

use clap::Args;
use result_vault_core::chain::Network;
use result_vault_engine::networks::NetworkOverrides;
use result_vault_engine::Error;

use crate::context::Context;

/// Which network and how to reach it.
#[derive(Args, Debug, Clone)]
pub struct NetworkArgs {
    /// Network name: arbitrum-mainnet, arbitrum-sepolia-testnet, bellecour, or a custom one.
    #[arg(long, value_name = "NAME")]
    pub network: String,
    #[command(flatten)]
    pub overrides: OverrideArgs,
}

/// Flags overriding single settings of a network.
#[derive(Args, Debug, Clone, Default)]
pub struct OverrideArgs {
    /// A JSON file `{"networks": [...]}` overriding or adding networks.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// JSON-RPC endpoint.
    #[arg(long, value_name = "URL")]
    pub rpc_url: Option<String>,
    /// PoCo subgraph endpoint.
    #[arg(long, value_name = "URL")]
    pub subgraph_url: Option<String>,
    /// Market API base URL.
    #[arg(long, value_name = "URL")]
    pub market_url: Option<String>,
    /// IPFS gateway (repeatable; the first is preferred).
    #[arg(long = "gateway-url", value_name = "URL")]
    pub gateway_urls: Vec<String>,
    /// PoCo hub address.
    #[arg(long, value_name = "ADDRESS")]
    pub hub: Option<String>,
    /// Chain id of a custom network given only by flags.
    #[arg(long, value_name = "ID")]
    pub chain_id: Option<u64>,
    /// Secret Management Service URL.
    #[arg(long, value_name = "URL")]
    pub sms_url: Option<String>,
}

impl OverrideArgs {
    /// The engine's overrides.
    pub fn to_overrides(&self) -> NetworkOverrides {
        NetworkOverrides {
            config: self.config.clone(),
            rpc_url: self.rpc_url.clone(),
            subgraph_url: self.subgraph_url.clone(),
            market_url: self.market_url.clone(),
            gateway_urls: self.gateway_urls.clone(),
            hub: self.hub.clone(),
            chain_id: self.chain_id,
            sms_url: self.sms_url.clone(),
        }
    }

    /// Network `name` with these overrides.
    ///
    /// Errors: `unknown_network`, `invalid_input` (config file), `io`, `invalid_address` (hub).
    pub fn resolve(&self, name: &str, ctx: &Context) -> Result<Network, Error> {
        ctx.engine.network_with(name, &self.to_overrides())
    }
}

impl NetworkArgs {
    /// The network with every override applied.
    pub fn resolve(&self, ctx: &Context) -> Result<Network, Error> {
        self.overrides.resolve(&self.network, ctx)
    }
}
