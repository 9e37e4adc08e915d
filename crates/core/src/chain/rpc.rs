//! A small blocking JSON-RPC client for the reads Result Vault makes (`eth_chainId`,
//! `eth_call`), with a timeout on every request. Views are ABI-encoded and decoded with
//! `alloy-sol-types` from the structs of [`abi`](crate::chain::abi).
//!
//! The RPC is not trusted with Result Vault's memory (docs/design.md 3.5): every answer is read
//! through [`read_limited`] with at most [`MAX_ANSWER_BYTES`], and redirects stay on the RPC's own
//! origin ([`crate::http::client`]).

use std::time::Duration;

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::SolCall;
use serde_json::{json, Value};

use crate::chain::abi::{Deal, IexecHubViews};
use crate::chain::task::ChainTask;
use crate::error::{Error, ErrorKind, Result};
use crate::http::read_limited;

/// Time allowed for one RPC request.
pub const RPC_TIMEOUT: Duration = Duration::from_secs(20);

/// Calls per JSON-RPC batch request.
pub const BATCH_SIZE: usize = 100;

/// The largest JSON-RPC answer read (bytes, 8 MiB), single or batch. A batch of [`BATCH_SIZE`]
/// `viewTask` or `viewDeal` answers is about 200 KB of hex (each struct is some 800 bytes of ABI
/// with short `results` and `params`); 8 MiB leaves forty times that for long deal params or
/// callback data, and bounds what a hostile or broken RPC can make Result Vault hold.
pub const MAX_ANSWER_BYTES: u64 = 8 << 20;

/// The params of an `eth_call` at the latest block. No `from`: Arbitrum refuses an empty one.
fn call_params(to: Address, data: &[u8]) -> Value {
    json!([{ "to": to.to_checksum(None), "data": format!("0x{}", hex::encode(data)) }, "latest"])
}

fn decode_hex(v: &Value) -> Option<Vec<u8>> {
    hex::decode(v.as_str()?.trim_start_matches("0x")).ok()
}

fn network(message: String) -> Error {
    Error::new(
        ErrorKind::Network,
        message,
        "Check your connection and the network's RPC URL (Settings), then try again.",
    )
}

/// The `result` of one JSON-RPC answer `answer` (an object) to `method`, from the RPC `url`.
fn result_of(url: &str, method: &str, answer: &Value) -> Result<Value> {
    match (answer.get("error"), answer.get("result")) {
        (Some(e), _) => Err(network(format!(
            "The RPC {url} refused {method}: {}.",
            e.get("message")
                .and_then(Value::as_str)
                .map(|m| m.chars().take(200).collect::<String>())
                .unwrap_or("error".into())
        ))),
        (None, Some(r)) => Ok(r.clone()),
        (None, None) => Err(network(format!("The RPC {url} sent no result for {method}."))),
    }
}

/// Decodes the body of the RPC `url`'s answer to one call of `method`: its `result`.
///
/// Errors: `network` (not JSON, a JSON-RPC error, no result).
pub fn decode_answer(url: &str, method: &str, body: &[u8]) -> Result<Value> {
    let v: Value = serde_json::from_slice(body)
        .map_err(|e| network(format!("The RPC {url} sent an answer that is not JSON ({e}).")))?;
    result_of(url, method, &v)
}

/// Decodes the body of the RPC `url`'s answer to a batch of calls to `methods` (ids 0, 1, …):
/// one `Result` per call, in their order (an answer missing or refused is that call's error).
/// `None` when the body is not a JSON array: the node does not do batches.
pub fn decode_batch_answer(url: &str, methods: &[&str], body: &[u8]) -> Option<Vec<Result<Value>>> {
    let answers = match serde_json::from_slice::<Value>(body).ok()? {
        Value::Array(a) => a,
        _ => return None,
    };
    let mut by_id: Vec<Option<Value>> = vec![None; methods.len()];
    for a in answers {
        if let Some(i) = a.get("id").and_then(Value::as_u64).and_then(|i| usize::try_from(i).ok()) {
            if let Some(slot) = by_id.get_mut(i) {
                *slot = Some(a);
            }
        }
    }
    Some(
        by_id
            .into_iter()
            .zip(methods)
            .map(|(slot, m)| match slot {
                None => Err(network(format!("The RPC {url} sent no answer for {m}."))),
                Some(a) => result_of(url, m, &a),
            })
            .collect(),
    )
}

/// Decodes the `result` of an `eth_call` of `viewTask(task_id)` on `hub` (TIMEOUT derived at `now`).
///
/// Errors: `network` (not hex, not the ABI of PoCo's `Task`).
pub fn decode_view_task(url: &str, hub: Address, task_id: B256, now: u64, result: &Value) -> Result<ChainTask> {
    let ret = decode_hex(result).ok_or_else(|| network(format!("The RPC {url} sent bad call data.")))?;
    let task = IexecHubViews::viewTaskCall::abi_decode_returns(&ret).map_err(|e| {
        network(format!("The hub's answer to viewTask cannot be decoded ({e}): is {hub} a PoCo hub on this network?"))
    })?;
    Ok(ChainTask::from_abi(task_id, &task, now))
}

/// Decodes the `result` of an `eth_call` of `viewDeal` on `hub`.
///
/// Errors: `network` (not hex, not the ABI of PoCo's `Deal`).
pub fn decode_view_deal(url: &str, hub: Address, result: &Value) -> Result<Deal> {
    let ret = decode_hex(result).ok_or_else(|| network(format!("The RPC {url} sent bad call data.")))?;
    IexecHubViews::viewDealCall::abi_decode_returns(&ret).map_err(|e| {
        network(format!("The hub's answer to viewDeal cannot be decoded ({e}): is {hub} a PoCo hub on this network?"))
    })
}

/// Decodes the `result` of an `eth_call` of `viewCategory` on `hub`: its `workClockTimeRef`
/// (seconds; saturated to `u64::MAX`).
///
/// Errors: `network` (not hex, not the ABI of PoCo's `Category`).
pub fn decode_view_category(url: &str, hub: Address, result: &Value) -> Result<u64> {
    let ret = decode_hex(result).ok_or_else(|| network(format!("The RPC {url} sent bad call data.")))?;
    let category = IexecHubViews::viewCategoryCall::abi_decode_returns(&ret).map_err(|e| {
        network(format!(
            "The hub's answer to viewCategory cannot be decoded ({e}): is {hub} a PoCo hub on this network?"
        ))
    })?;
    Ok(category.workClockTimeRef.try_into().unwrap_or(u64::MAX))
}

/// A JSON-RPC endpoint.
#[derive(Debug, Clone)]
pub struct Rpc {
    url: String,
    client: reqwest::blocking::Client,
}

impl Rpc {
    /// A client for `url`.
    pub fn new(url: &str) -> Result<Self> {
        Ok(Rpc { url: url.to_owned(), client: crate::http::client(RPC_TIMEOUT)? })
    }

    /// POSTs `body`; the HTTP status and the answer's body, read with at most
    /// [`MAX_ANSWER_BYTES`].
    ///
    /// Errors: `network` (unreachable, answer too large or cut).
    fn post(&self, body: &Value) -> Result<(reqwest::StatusCode, Vec<u8>)> {
        let resp = self.client.post(&self.url).json(body).send().map_err(|e| {
            network(format!("The RPC {} cannot be reached ({}).", self.url, crate::http::describe_send_error(&e)))
        })?;
        let status = resp.status();
        Ok((status, read_limited(resp, MAX_ANSWER_BYTES, &format!("The RPC {}", self.url))?))
    }

    /// One JSON-RPC call; returns `result`.
    ///
    /// Errors: `network` (unreachable, HTTP status, JSON-RPC error, malformed or too large answer).
    pub fn call(&self, method: &str, params: Value) -> Result<Value> {
        let body = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params });
        let (status, answer) = self.post(&body)?;
        if !status.is_success() {
            return Err(network(format!("The RPC {} answered HTTP {status}.", self.url)));
        }
        decode_answer(&self.url, method, &answer)
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
            let (status, answer) = self.post(&Value::Array(body))?;
            let methods: Vec<&str> = chunk.iter().map(|(m, _)| *m).collect();
            let answers = if status.is_success() { decode_batch_answer(&self.url, &methods, &answer) } else { None };
            match answers {
                Some(answers) => out.extend(answers),
                None => {
                    // No batch support: one at a time.
                    for (m, p) in chunk {
                        out.push(self.call(m, p.clone()));
                    }
                }
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
            .map(|(r, id)| decode_view_task(&self.url, hub, *id, now, &r?))
            .collect())
    }

    /// `viewDeal` for many deals, batched.
    pub fn view_deals(&self, hub: Address, deal_ids: &[B256]) -> Result<Vec<Result<Deal>>> {
        let calls: Vec<(&str, Value)> = deal_ids
            .iter()
            .map(|id| ("eth_call", call_params(hub, &IexecHubViews::viewDealCall { id: *id }.abi_encode())))
            .collect();
        Ok(self.call_batch(&calls)?.into_iter().map(|r| decode_view_deal(&self.url, hub, &r?)).collect())
    }

    /// `viewCategory` for several categories, batched: each category's `workClockTimeRef`
    /// (seconds), or its own error (PoCo reverts for a category that does not exist).
    pub fn view_categories(&self, hub: Address, categories: &[u64]) -> Result<Vec<Result<u64>>> {
        let calls: Vec<(&str, Value)> = categories
            .iter()
            .map(|c| {
                ("eth_call", call_params(hub, &IexecHubViews::viewCategoryCall { id: U256::from(*c) }.abi_encode()))
            })
            .collect();
        Ok(self.call_batch(&calls)?.into_iter().map(|r| decode_view_category(&self.url, hub, &r?)).collect())
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
        let v = self.call("eth_call", call_params(hub, &data))?;
        decode_view_task(&self.url, hub, task_id, now, &v)
    }

    /// `viewDeal(deal_id)` on the hub, decoded.
    pub fn view_deal(&self, hub: Address, deal_id: B256) -> Result<Deal> {
        let data = IexecHubViews::viewDealCall { id: deal_id }.abi_encode();
        let v = self.call("eth_call", call_params(hub, &data))?;
        decode_view_deal(&self.url, hub, &v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_answers_in_call_order_each_its_own_result() {
        let body =
            br#"[{"id":1,"result":"0x02"},{"id":0,"error":{"message":"execution reverted"}},{"id":9,"result":"0x"}]"#;
        let got = decode_batch_answer("u", &["eth_call", "eth_call", "eth_chainId"], body).unwrap();
        assert!(got[0].as_ref().unwrap_err().message.contains("execution reverted"));
        assert_eq!(got[1].as_ref().unwrap(), "0x02");
        assert!(got[2].as_ref().unwrap_err().message.contains("no answer"));
        assert!(decode_batch_answer("u", &["eth_call"], br#"{"id":0,"result":"0x"}"#).is_none());
        assert!(decode_batch_answer("u", &["eth_call"], b"not json").is_none());
        assert_eq!(decode_answer("u", "eth_chainId", br#"{"result":"0x539"}"#).unwrap(), "0x539");
        assert!(decode_answer("u", "eth_chainId", b"<html>").is_err());
    }
}
