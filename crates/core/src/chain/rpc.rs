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

/// Calls per JSON-RPC batch request.
pub const BATCH_SIZE: usize = 100;

/// The params of an `eth_call` at the latest block. No `from`: Arbitrum refuses an empty one.
fn call_params(to: Address, data: &[u8]) -> Value {
    json!([{ "to": to.to_checksum(None), "data": format!("0x{}", hex::encode(data)) }, "latest"])
}

fn decode_hex(v: &Value) -> Option<Vec<u8>> {
    hex::decode(v.as_str()?.trim_start_matches("0x")).ok()
}

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

    /// Several calls in JSON-RPC batches of at most [`BATCH_SIZE`] (one HTTP request each);
    /// answers come back in the order of `calls`, each its own `Result` (one bad answer does not
    /// spoil the others). A node that refuses batches is asked one call at a time.
    ///
    /// Errors: the outer `Err` is for a batch that failed as a whole (`network`).
    pub fn call_batch(&self, calls: &[(&str, Value)]) -> Result<Vec<Result<Value>>> {
        let mut out = Vec::with_capacity(calls.len());
        for chunk in calls.chunks(BATCH_SIZE) {
            let body: Vec<Value> = chunk
                .iter()
                .enumerate()
                .map(|(i, (m, p))| json!({ "jsonrpc": "2.0", "id": i, "method": m, "params": p }))
                .collect();
            let resp = self
                .client
                .post(&self.url)
                .json(&body)
                .send()
                .map_err(|e| network(format!("The RPC {} cannot be reached ({e}).", self.url)))?;
            let status = resp.status();
            let answers: Option<Vec<Value>> =
                if status.is_success() { resp.json::<Value>().ok().and_then(|v| v.as_array().cloned()) } else { None };
            let Some(answers) = answers else {
                // No batch support: one at a time.
                for (m, p) in chunk {
                    out.push(self.call(m, p.clone()));
                }
                continue;
            };
            let mut by_id: Vec<Option<Value>> = vec![None; chunk.len()];
            for a in answers {
                if let Some(i) = a.get("id").and_then(Value::as_u64).and_then(|i| usize::try_from(i).ok()) {
                    if let Some(slot) = by_id.get_mut(i) {
                        *slot = Some(a);
                    }
                }
            }
            for (slot, (m, _)) in by_id.into_iter().zip(chunk) {
                out.push(match slot {
                    None => Err(network(format!("The RPC {} sent no answer for {m}.", self.url))),
                    Some(a) => match (a.get("error"), a.get("result")) {
                        (Some(e), _) => Err(network(format!(
                            "The RPC {} refused {m}: {}.",
                            self.url,
                            e.get("message").and_then(|m| m.as_str()).unwrap_or("error")
                        ))),
                        (None, Some(r)) => Ok(r.clone()),
                        (None, None) => Err(network(format!("The RPC {} sent no result for {m}.", self.url))),
                    },
                });
            }
        }
        Ok(out)
    }

    /// `viewTask` for many tasks, batched (see [`Rpc::call_batch`]); TIMEOUT derived at `now`.
    pub fn view_tasks(&self, hub: Address, task_ids: &[B256], now: u64) -> Result<Vec<Result<ChainTask>>> {
        let calls: Vec<(&str, Value)> = task_ids
            .iter()
            .map(|id| ("eth_call", call_params(hub, &IexecHubViews::viewTaskCall { id: *id }.abi_encode())))
            .collect();
        Ok(self
            .call_batch(&calls)?
            .into_iter()
            .zip(task_ids)
            .map(|(r, id)| {
                let ret =
                    decode_hex(&r?).ok_or_else(|| network(format!("The RPC {} sent bad call data.", self.url)))?;
                let task = IexecHubViews::viewTaskCall::abi_decode_returns(&ret).map_err(|e| {
                    network(format!(
                        "The hub's answer to viewTask cannot be decoded ({e}): is {hub} a PoCo hub on this network?"
                    ))
                })?;
                Ok(ChainTask::from_abi(*id, &task, now))
            })
            .collect())
    }

    /// `viewDeal` for many deals, batched.
    pub fn view_deals(&self, hub: Address, deal_ids: &[B256]) -> Result<Vec<Result<Deal>>> {
        let calls: Vec<(&str, Value)> = deal_ids
            .iter()
            .map(|id| ("eth_call", call_params(hub, &IexecHubViews::viewDealCall { id: *id }.abi_encode())))
            .collect();
        Ok(self
            .call_batch(&calls)?
            .into_iter()
            .map(|r| {
                let ret =
                    decode_hex(&r?).ok_or_else(|| network(format!("The RPC {} sent bad call data.", self.url)))?;
                IexecHubViews::viewDealCall::abi_decode_returns(&ret).map_err(|e| {
                    network(format!(
                        "The hub's answer to viewDeal cannot be decoded ({e}): is {hub} a PoCo hub on this network?"
                    ))
                })
            })
            .collect())
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
        let v = self.call("eth_call", call_params(to, data))?;
        decode_hex(&v).ok_or_else(|| network(format!("The RPC {} sent bad call data.", self.url)))
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
