//! Watched beneficiary addresses (per network) and network overrides.

use alloy_primitives::Address;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::{db_error, Db};
use crate::chain::address::checksummed;
use crate::chain::Network;
use crate::error::{Error, Result};

/// An address whose tasks are listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WatchedAddress {
    /// Network name (`arbitrum-mainnet`...).
    pub network: String,
    /// EIP-55 checksummed.
    pub address: String,
    /// A name the user gave (may be empty).
    pub label: String,
    /// Unix seconds.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub added: u64,
    /// Unix seconds of the last successful refresh, if any.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub last_refresh: Option<u64>,
    /// The index the last refresh used (`subgraph` or `market`).
    pub last_source: Option<String>,
}

impl Db {
    /// Adds (or relabels) a watched address. Returns it as stored.
    pub fn watch(&self, network: &str, address: &Address, label: &str, now: u64) -> Result<WatchedAddress> {
        self.conn
            .execute(
                "INSERT INTO watched (network, address, label, added) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (network, address) DO UPDATE SET label = excluded.label",
                params![network, checksummed(address), label.trim(), now as i64],
            )
            .map_err(db_error)?;
        self.watched(Some(network))?
            .into_iter()
            .find(|w| w.address == checksummed(address))
            .ok_or_else(|| Error::internal("watched address vanished"))
    }

    /// Stops watching an address (its cached tasks stay until the deal cache is cleared).
    pub fn unwatch(&self, network: &str, address: &Address) -> Result<()> {
        self.conn
            .execute("DELETE FROM watched WHERE network = ?1 AND address = ?2", params![network, checksummed(address)])
            .map_err(db_error)?;
        Ok(())
    }

    /// Watched addresses, of one network or all, oldest first.
    pub fn watched(&self, network: Option<&str>) -> Result<Vec<WatchedAddress>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT network, address, label, added, last_refresh, last_source FROM watched
                 WHERE ?1 IS NULL OR network = ?1 ORDER BY added, address",
            )
            .map_err(db_error)?;
        let rows = stmt
            .query_map(params![network], |r| {
                Ok(WatchedAddress {
                    network: r.get(0)?,
                    address: r.get(1)?,
                    label: r.get(2)?,
                    added: r.get::<_, i64>(3)? as u64,
                    last_refresh: r.get::<_, Option<i64>>(4)?.map(|v| v as u64),
                    last_source: r.get(5)?,
                })
            })
            .map_err(db_error)?;
        rows.collect::<Result<_, _>>().map_err(db_error)
    }

    /// Records a successful refresh of a watched address.
    pub fn mark_refreshed(&self, network: &str, address: &Address, source: &str, now: u64) -> Result<()> {
        self.conn
            .execute(
                "UPDATE watched SET last_refresh = ?3, last_source = ?4 WHERE network = ?1 AND address = ?2",
                params![network, checksummed(address), now as i64, source],
            )
            .map_err(db_error)?;
        Ok(())
    }

    /// Saves a network (an override of a built-in one, or a custom one). The caller checks it
    /// against its RPC first ([`crate::tasks::check_network`]).
    pub fn save_network(&self, network: &Network) -> Result<()> {
        let json = serde_json::to_string(network).map_err(|e| Error::internal(e.to_string()))?;
        self.conn
            .execute(
                "INSERT INTO networks (name, json) VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE SET json = excluded.json",
                params![network.name, json],
            )
            .map_err(db_error)?;
        Ok(())
    }

    /// Removes a saved network: a built-in one goes back to its defaults, a custom one is gone.
    pub fn remove_network(&self, name: &str) -> Result<()> {
        self.conn.execute("DELETE FROM networks WHERE name = ?1", params![name]).map_err(db_error)?;
        Ok(())
    }

    /// Saved networks (overrides and custom ones). Unreadable rows are skipped.
    pub fn saved_networks(&self) -> Result<Vec<Network>> {
        let mut stmt = self.conn.prepare("SELECT json FROM networks ORDER BY name").map_err(db_error)?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).map_err(db_error)?;
        let mut out = Vec::new();
        for json in rows {
            if let Ok(n) = serde_json::from_str(&json.map_err(db_error)?) {
                out.push(n);
            }
        }
        Ok(out)
    }

    /// One saved network by name.
    pub fn saved_network(&self, name: &str) -> Result<Option<Network>> {
        let json: Option<String> = self
            .conn
            .query_row("SELECT json FROM networks WHERE name = ?1", params![name], |r| r.get(0))
            .optional()
            .map_err(db_error)?;
        Ok(json.and_then(|j| serde_json::from_str(&j).ok()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::networks;

    #[test]
    fn watch_relabel_unwatch_and_networks() {
        let db = Db::open_in_memory().unwrap();
        let a: Address = "0xc08c3def622af1476f2db0e3cc8ccaead07be3bb".parse().unwrap();
        let w = db.watch("arbitrum-mainnet", &a, " me ", 10).unwrap();
        assert_eq!(w.address, "0xC08C3def622Af1476f2Db0E3CC8CcaeAd07BE3bB");
        assert_eq!(w.label, "me");
        db.watch("arbitrum-mainnet", &a, "renamed", 20).unwrap();
        let all = db.watched(None).unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!((all[0].label.as_str(), all[0].added), ("renamed", 10));
        db.mark_refreshed("arbitrum-mainnet", &a, "subgraph", 30).unwrap();
        assert_eq!(db.watched(Some("arbitrum-mainnet")).unwrap()[0].last_refresh, Some(30));
        assert!(db.watched(Some("bellecour")).unwrap().is_empty());
        db.unwatch("arbitrum-mainnet", &a).unwrap();
        assert!(db.watched(None).unwrap().is_empty());

        let mut n = networks::by_name("bellecour").unwrap();
        n.rpc_url = "http://127.0.0.1:1".into();
        db.save_network(&n).unwrap();
        assert_eq!(db.saved_network("bellecour").unwrap().unwrap().rpc_url, "http://127.0.0.1:1");
        db.remove_network("bellecour").unwrap();
        assert!(db.saved_networks().unwrap().is_empty());
    }
}
