//! The one network resolver, for both hosts. A network's settings come from, in order (each
//! replacing the one before for the same name):
//! 1. the built-in networks (docs/design.md 3.1, `result_vault_core::chain::networks`);
//! 2. the managed networks file named by `RESULT_VAULT_NETWORKS` (`{"networks": [...]}`: a
//!    managed install, or the tests, which must reach only 127.0.0.1);
//! 3. the networks saved in Settings (the task cache's `networks` table);
//! 4. a `--config FILE` given to a CLI command (same JSON shape);
//! 5. flags for single URLs ([`NetworkOverrides`]).

use std::path::{Path, PathBuf};

use result_vault_core::chain::networks::builtin;
use result_vault_core::chain::{parse_address, Network};
use result_vault_core::db::Db;
use result_vault_core::{Error, ErrorKind};
use serde::{Deserialize, Serialize};

use crate::session::Engine;
use crate::Result;

/// The environment variable naming a managed networks file.
pub const NETWORKS_ENV: &str = "RESULT_VAULT_NETWORKS";

/// A network as the Settings screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NetworkInfo {
    /// The network, with any override applied.
    pub network: Network,
    /// One of the built-in networks (it can be reset, not removed).
    pub builtin: bool,
    /// Some URL differs from the built-in defaults (or it is a custom network).
    pub customised: bool,
}

/// Overrides of single settings, as the CLI's flags give them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NetworkOverrides {
    /// A JSON file `{"networks": [...]}` whose network of that name replaces the saved one.
    pub config: Option<PathBuf>,
    /// JSON-RPC endpoint.
    pub rpc_url: Option<String>,
    /// PoCo subgraph endpoint.
    pub subgraph_url: Option<String>,
    /// Market API base URL.
    pub market_url: Option<String>,
    /// IPFS gateways (the first is preferred); empty: unchanged.
    pub gateway_urls: Vec<String>,
    /// PoCo hub address.
    pub hub: Option<String>,
    /// Chain id (a custom network given only by flags).
    pub chain_id: Option<u64>,
    /// Secret Management Service URL.
    pub sms_url: Option<String>,
}

#[derive(Deserialize)]
struct NetworksFile {
    #[serde(default)]
    networks: Vec<Network>,
}

fn read_networks_file(path: &Path) -> Result<Vec<Network>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io("read", path, &e))?;
    serde_json::from_str::<NetworksFile>(&text).map(|f| f.networks).map_err(|e| {
        Error::new(
            ErrorKind::InvalidInput,
            format!("{} is not a valid network file ({e}).", path.display()),
            "It must be JSON: {\"networks\": [{\"name\", \"label\", \"chain_id\", \"rpc_url\", \"hub\", \"sms_urls\", \"ipfs_gateways\", \"subgraph_url\", \"market_api_url\", \"legacy\"}]}.",
        )
    })
}

/// The built-in networks with the managed file's applied (a file that cannot be read is
/// ignored with a warning: the built-in defaults still work).
pub fn builtin_networks() -> Vec<Network> {
    let mut nets = builtin();
    let Some(path) = std::env::var_os(NETWORKS_ENV).filter(|p| !p.is_empty()) else { return nets };
    match read_networks_file(Path::new(&path)) {
        Ok(list) => {
            for n in list {
                match nets.iter_mut().find(|b| b.name == n.name) {
                    Some(b) => *b = n,
                    None => nets.push(n),
                }
            }
        }
        Err(e) => log::warn!("{NETWORKS_ENV} is set but its file cannot be read as networks ({}): ignored", e.kind),
    }
    nets
}

/// Built-in networks with saved overrides applied, then custom networks.
pub fn all_networks(db: &Db) -> Result<Vec<NetworkInfo>> {
    let saved = db.saved_networks()?;
    let mut out: Vec<NetworkInfo> = builtin_networks()
        .into_iter()
        .map(|b| match saved.iter().find(|s| s.name == b.name) {
            Some(s) => NetworkInfo { customised: *s != b, network: s.clone(), builtin: true },
            None => NetworkInfo { network: b, builtin: true, customised: false },
        })
        .collect();
    for s in saved {
        if !out.iter().any(|n| n.network.name == s.name) {
            out.push(NetworkInfo { network: s, builtin: false, customised: true });
        }
    }
    Ok(out)
}

/// `unknown_network` for `name`.
pub fn unknown_network(name: &str) -> Error {
    Error::new(
        ErrorKind::UnknownNetwork,
        format!("No network named \u{201c}{name}\u{201d}."),
        "Use arbitrum-mainnet, arbitrum-sepolia-testnet or bellecour, or a network saved in Settings (from the command line: --config FILE, or --rpc-url and --hub).",
    )
}

/// Resolves `name` through every source, `db` giving the saved ones (none when the cache
/// cannot be opened).
///
/// Errors: `unknown_network`, `invalid_input` (a config file that is not a networks file),
/// `io`, `invalid_address` (a hub flag).
pub fn resolve(db: Option<&Db>, name: &str, o: &NetworkOverrides) -> Result<Network> {
    let mut net = match db {
        Some(db) => all_networks(db)?.into_iter().map(|n| n.network).find(|n| n.name == name),
        None => builtin_networks().into_iter().find(|n| n.name == name),
    };
    if let Some(path) = &o.config {
        if let Some(n) = read_networks_file(path)?.into_iter().find(|n| n.name == name) {
            net = Some(n);
        }
    }
    let mut net = match net {
        Some(n) => n,
        // A network given only by flags.
        None if (o.rpc_url.is_some() && o.hub.is_some()) || o.sms_url.is_some() => Network {
            name: name.to_owned(),
            label: name.to_owned(),
            chain_id: o.chain_id.unwrap_or(0),
            rpc_url: String::new(),
            hub: String::new(),
            sms_urls: Vec::new(),
            ipfs_gateways: Vec::new(),
            subgraph_url: String::new(),
            market_api_url: String::new(),
            legacy: false,
        },
        None => return Err(unknown_network(name)),
    };
    if let Some(v) = &o.rpc_url {
        net.rpc_url = v.clone();
    }
    if let Some(v) = &o.subgraph_url {
        net.subgraph_url = v.clone();
    }
    if let Some(v) = &o.market_url {
        net.market_api_url = v.clone();
    }
    if !o.gateway_urls.is_empty() {
        net.ipfs_gateways = o.gateway_urls.clone();
    }
    if let Some(v) = &o.hub {
        net.hub = parse_address(v)?.to_checksum(None);
    }
    if let Some(v) = o.chain_id {
        net.chain_id = v;
    }
    if let Some(v) = &o.sms_url {
        net.sms_urls = vec![v.clone()];
    }
    Ok(net)
}

impl Engine {
    /// The networks (built-in with overrides, and custom ones).
    pub fn networks(&self) -> Result<Vec<NetworkInfo>> {
        self.with_db(|db| all_networks(db))
    }

    /// The network `name` as saved (no flags). Errors: `unknown_network`.
    pub fn network(&self, name: &str) -> Result<Network> {
        self.with_db(|db| resolve(Some(db), name, &NetworkOverrides::default()))
    }

    /// The network `name` with `overrides` applied; works without a task cache.
    pub fn network_with(&self, name: &str, overrides: &NetworkOverrides) -> Result<Network> {
        match self.with_db(|db| resolve(Some(db), name, overrides)) {
            Err(e) if e.kind == ErrorKind::Io => resolve(None, name, overrides),
            other => other,
        }
    }

    /// The addresses `network` would change compared with the network of that name now (RPC,
    /// hub, SMS, gateways, subgraph, market API), as `(what, before, after)`: empty when nothing
    /// changes; for a new network, every address it sets, with an empty "before". A host asks
    /// the user natively before saving a change: a network's addresses decide where keys are
    /// pushed and results fetched from, and saving calls its RPC.
    pub fn network_changes(&self, network: &Network) -> Result<Vec<(String, String, String)>> {
        let now = match self.network(network.name.trim()) {
            Ok(n) => n,
            Err(e) if e.kind == ErrorKind::UnknownNetwork => Network {
                name: network.name.clone(),
                label: String::new(),
                chain_id: 0,
                rpc_url: String::new(),
                hub: String::new(),
                sms_urls: Vec::new(),
                ipfs_gateways: Vec::new(),
                subgraph_url: String::new(),
                market_api_url: String::new(),
                legacy: false,
            },
            Err(e) => return Err(e),
        };
        let mut out = Vec::new();
        let mut diff = |what: &str, a: String, b: String| {
            if a.trim_end_matches('/') != b.trim_end_matches('/') {
                out.push((what.to_owned(), a, b));
            }
        };
        diff("RPC", now.rpc_url, network.rpc_url.clone());
        diff("hub", now.hub.to_lowercase(), network.hub.to_lowercase());
        diff("SMS", now.sms_urls.join(", "), network.sms_urls.join(", "));
        diff("IPFS", now.ipfs_gateways.join(", "), network.ipfs_gateways.join(", "));
        diff("subgraph", now.subgraph_url, network.subgraph_url.clone());
        diff("market API", now.market_api_url, network.market_api_url.clone());
        Ok(out)
    }

    /// Checks `network` against its RPC (the chain id must match) and saves it. A built-in
    /// network keeps its name and chain id; only its URLs and hub change. Network I/O: seconds.
    ///
    /// Errors: `invalid_input` (no name, or one that is not `[a-z0-9-]`), `network`,
    /// `chain_mismatch`, `invalid_address`.
    pub fn save_network(&self, mut network: Network) -> Result<Vec<NetworkInfo>> {
        network.name = network.name.trim().to_owned();
        if network.name.is_empty() {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                "A network needs a name.",
                "Type a short name, e.g. my-testnet.",
            ));
        }
        // The name becomes a folder (downloads/<name>): only a folder-safe name is saved.
        crate::ids::network_name(&network.name)?;
        if let Some(b) = builtin_networks().into_iter().find(|b| b.name == network.name) {
            network.chain_id = b.chain_id;
            network.legacy = b.legacy;
        }
        result_vault_core::tasks::check_network(&network)?;
        log::info!("network {} saved after its chain id was checked", network.name);
        self.with_db(|db| {
            db.save_network(&network)?;
            all_networks(db)
        })
    }

    /// Forgets a network's overrides (a built-in one goes back to its defaults; a custom one
    /// is removed).
    pub fn reset_network(&self, name: &str) -> Result<Vec<NetworkInfo>> {
        self.with_db(|db| {
            db.remove_network(name)?;
            all_networks(db)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_names_are_unknown_network_and_flags_make_a_custom_one() {
        let db = Db::open_in_memory().unwrap();
        let e = resolve(Some(&db), "nope", &NetworkOverrides::default()).unwrap_err();
        assert_eq!(e.kind, ErrorKind::UnknownNetwork);
        let o = NetworkOverrides { sms_url: Some("http://127.0.0.1:1".into()), ..Default::default() };
        let n = resolve(Some(&db), "local", &o).unwrap();
        assert_eq!(n.sms_urls, vec!["http://127.0.0.1:1".to_owned()]);
        // A saved network overrides the built-in one of the same name; flags override it.
        let mut b = builtin().into_iter().next().unwrap();
        b.rpc_url = "http://127.0.0.1:2".into();
        db.save_network(&b).unwrap();
        assert_eq!(resolve(Some(&db), &b.name, &NetworkOverrides::default()).unwrap().rpc_url, b.rpc_url);
        let o = NetworkOverrides { rpc_url: Some("http://127.0.0.1:3".into()), ..Default::default() };
        assert_eq!(resolve(Some(&db), &b.name, &o).unwrap().rpc_url, "http://127.0.0.1:3");
    }
}
