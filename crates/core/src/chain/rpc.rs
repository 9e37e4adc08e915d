//! A small blocking JSON-RPC client for the reads Result Vault makes (`eth_chainId`,
//! `eth_call`), with a timeout on every request. Views are ABI-encoded and decoded with
//! `alloy-sol-types` from the structs of [`abi`](crate::chain::abi).

use std::time::Duration;

use alloy_primitives::{Address, B256};
use alloy_sol_types::SolCall;
use serde_json::{json, Value};

use crate::chain::abi::{Deal, IexecHubViews};
use crate::chain::task::ChainTask;
use crate::error::{ErrorKind, Result, VaultError};

/// Time allowed for one RPC request.
pub const RPC_TIMEOUT: Duration = Duration::from_secs(20);

/// A JSON-RPC endpoint.
#[derive(Debug, Clone)]
pub struct Rpc {
    url: String,
    client: reqwest::blocking::Client,
}

fn network(message: String) -> VaultError {
    VaultError::new(
        ErrorKind::Network,
        message,
        "Check your connection and the network's RPC URL (Settings), then try again.",
    )
}

impl Rpc {
    /// A client for `url`.
    pub fn new(url: &str) -> Result<Self> {
        let client = reqwest::blocking::Client::builder()
            .timeout(RPC_TIMEOUT)
            .build()
            .map_err(|e| VaultError::internal(format!("HTTP client: {e}")))?;
        Ok(Rpc { url: url.to_owned(), client })
    }

    /// One JSON-RPC call; returns `result`.
    ///
    /// Errors: `network` (unreachable, HTTP status, JSON-RPC error, malformed answer).
    pub fn call(&self, method: &str, params: Value) -> Result<Value> {
        let body = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params });
        let resp = self
            .client
            .post(&self.url)
            .json(&body)
            .send()
            .map_err(|e| network(format!("The RPC {} cannot be reached ({e}).", self.url)))?;
        let status = resp.status();
        if !status.is_success() {
            return Err(network(format!("The RPC {} answered HTTP {status}.", self.url)));
        }
        let v: Value =
            resp.json().map_err(|e| network(format!("The RPC {} sent an answer that is not JSON ({e}).", self.url)))?;
        if let Some(err) = v.get("error") {
            return Err(network(format!(
                "The RPC {} refused {method}: {}.",
                self.url,
                err.get("message").and_then(|m| m.as_str()).unwrap_or("error")
            )));
        }
        v.get("result").cloned().ok_or_else(|| network(format!("The RPC {} sent no result for {method}.", self.url)))
    }

    /// `eth_chainId`.
    pub fn chain_id(&self) -> Result<u64> {
        let v = self.call("eth_chainId", json!([]))?;
        let s = v.as_str().unwrap_or_default();
        u64::from_str_radix(s.trim_start_matches("0x"), 16)
            .map_err(|_| network(format!("The RPC {} sent a bad chain id ({v}).", self.url)))
    }

    /// `eth_call` of `data` to `to` at the latest block; returns the return data. A `from` is
    /// never sent empty (Arbitrum refuses an empty-string `from`).
    pub fn eth_call(&self, to: Address, data: &[u8]) -> Result<Vec<u8>> {
        let v = self.call(
            "eth_call",
            json!([{ "to": to.to_checksum(None), "data": format!("0x{}", hex::encode(data)) }, "latest"]),
        )?;
        let s = v.as_str().ok_or_else(|| network(format!("The RPC {} sent bad call data.", self.url)))?;
        hex::decode(s.trim_start_matches("0x"))
            .map_err(|_| network(format!("The RPC {} sent bad call data.", self.url)))
    }

    /// `viewTask(task_id)` on the hub, decoded (status with TIMEOUT derived at `now`).
    pub fn view_task(&self, hub: Address, task_id: B256, now: u64) -> Result<ChainTask> {
        let data = IexecHubViews::viewTaskCall { id: task_id }.abi_encode();
        let ret = self.eth_call(hub, &data)?;
        let task = IexecHubViews::viewTaskCall::abi_decode_returns(&ret).map_err(|e| {
            network(format!(
                "The hub's answer to viewTask cannot be decoded ({e}): is {hub} a PoCo hub on this network?"
            ))
        })?;
        Ok(ChainTask::from_abi(task_id, &task, now))
    }

    /// `viewDeal(deal_id)` on the hub, decoded.
    pub fn view_deal(&self, hub: Address, deal_id: B256) -> Result<Deal> {
        let data = IexecHubViews::viewDealCall { id: deal_id }.abi_encode();
        let ret = self.eth_call(hub, &data)?;
        IexecHubViews::viewDealCall::abi_decode_returns(&ret).map_err(|e| {
            network(format!(
                "The hub's answer to viewDeal cannot be decoded ({e}): is {hub} a PoCo hub on this network?"
            ))
        })
    }
}
