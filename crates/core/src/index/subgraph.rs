//! The PoCo subgraph (GraphQL over HTTP POST; schema: iExecBlockchainComputing/PoCo-subgraph
//! `schema.graphql`). Facts that matter (docs/design.md 3.3): ids are lowercase hex and compared as
//! text, so the beneficiary is sent lowercase; pages are at most 1,000 items and `skip` at most
//! 5,000 (The Graph's limits); only initialised tasks exist; the failed status is spelled
//! `FAILLED`. GraphQL errors come back with HTTP 200 and an `errors` array.

use std::time::Duration;

use alloy_primitives::Address;
use serde_json::{json, Value};

use crate::chain::address::{checksummed, lowercase};
use crate::chain::TaskStatus;
use crate::error::Result;
use crate::http::{client, network_error};
use crate::index::{number, IndexedDeal, IndexedTask};
use crate::progress::CancelToken;

/// Deals per page.
pub const PAGE_SIZE: usize = 500;
/// The Graph refuses a larger `skip`; past it the caller falls back to the market API.
pub const MAX_SKIP: usize = 5000;
/// Time allowed for one page.
pub const TIMEOUT: Duration = Duration::from_secs(30);

const HINT: &str = "The task index (subgraph) is unreachable or failing; Result Vault will try the market API. Check the subgraph URL in Settings.";

const DEALS_QUERY: &str = "query Deals($beneficiary: String!, $first: Int!, $skip: Int!) {
  deals(where: { beneficiary: $beneficiary }, orderBy: startTime, orderDirection: desc, first: $first, skip: $skip) {
    id
    app { id name }
    requester { id }
    beneficiary { id }
    callback { id }
    params
    startTime
    botFirst
    botSize
    category { id }
    tasks(first: 1000, orderBy: index, orderDirection: asc) { id index status finalDeadline results resultDigest }
  }
}";

/// A subgraph endpoint.
pub struct Subgraph {
    url: String,
    http: reqwest::blocking::Client,
}

impl Subgraph {
    /// A client for the subgraph at `url`.
    pub fn new(url: &str) -> Result<Self> {
        Ok(Subgraph { url: url.to_owned(), http: client(TIMEOUT)? })
    }

    /// Every deal whose beneficiary is `beneficiary`, newest first, page by page. `known` is
    /// asked about each page: when it says every deal of a page is already known (an
    /// incremental refresh), paging stops there. `on_page` gets the running count.
    ///
    /// Errors: `network` (unreachable, HTTP status, GraphQL `errors`, malformed answer, more
    /// than [`MAX_SKIP`] deals), `cancelled`.
    pub fn deals_of(
        &self,
        beneficiary: &Address,
        known: &dyn Fn(&[IndexedDeal]) -> bool,
        on_page: &dyn Fn(usize),
        cancel: &CancelToken,
    ) -> Result<Vec<IndexedDeal>> {
        let mut all = Vec::new();
        let mut skip = 0;
        loop {
            cancel.check()?;
            if skip > MAX_SKIP {
                return Err(network_error(
                    format!("The subgraph lists more than {MAX_SKIP} deals for this address, more than it can page through."),
                    HINT,
                ));
            }
            let vars = json!({ "beneficiary": lowercase(beneficiary), "first": PAGE_SIZE, "skip": skip });
            let page = self.query(DEALS_QUERY, vars)?;
            let deals = page
                .get("deals")
                .and_then(Value::as_array)
                .ok_or_else(|| network_error(format!("The subgraph {} sent no deals list.", self.url), HINT))?;
            let parsed: Vec<IndexedDeal> = deals.iter().filter_map(parse_deal).collect();
            let n = deals.len();
            let stop = n < PAGE_SIZE || known(&parsed);
            all.extend(parsed);
            on_page(all.len());
            if stop {
                return Ok(all);
            }
            skip += n;
        }
    }

    /// One GraphQL request; returns `data`.
    fn query(&self, query: &str, variables: Value) -> Result<Value> {
        let resp = self
            .http
            .post(&self.url)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .map_err(|e| network_error(format!("The subgraph {} cannot be reached ({e}).", self.url), HINT))?;
        let status = resp.status();
        if !status.is_success() {
            return Err(network_error(format!("The subgraph {} answered HTTP {status}.", self.url), HINT));
        }
        let v: Value = resp.json().map_err(|e| {
            network_error(format!("The subgraph {} sent an answer that is not JSON ({e}).", self.url), HINT)
        })?;
        if let Some(errors) = v.get("errors").and_then(Value::as_array).filter(|e| !e.is_empty()) {
            let first = errors[0].get("message").and_then(Value::as_str).unwrap_or("error");
            return Err(network_error(format!("The subgraph {} refused the query: {first}.", self.url), HINT));
        }
        v.get("data").cloned().ok_or_else(|| network_error(format!("The subgraph {} sent no data.", self.url), HINT))
    }
}

/// The subgraph's status enum, with its `FAILLED` spelling.
pub fn parse_status(s: &str) -> TaskStatus {
    match s {
        "ACTIVE" => TaskStatus::Active,
        "REVEALING" => TaskStatus::Revealing,
        "COMPLETED" => TaskStatus::Completed,
        "FAILLED" | "FAILED" => TaskStatus::Failed,
        _ => TaskStatus::Unset,
    }
}

fn id_of(v: &Value, field: &str) -> String {
    v.get(field).and_then(|a| a.get("id")).and_then(Value::as_str).unwrap_or_default().to_owned()
}

fn address(s: &str) -> String {
    s.parse::<Address>().map(|a| checksummed(&a)).unwrap_or_else(|_| s.to_owned())
}

/// `Bytes` come as `0x` hex; `results` holds UTF-8 JSON.
fn bytes_text(v: Option<&Value>) -> String {
    let hex_text = v.and_then(Value::as_str).unwrap_or_default();
    hex::decode(hex_text.trim_start_matches("0x")).map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default()
}

fn bytes32(v: Option<&Value>) -> Option<String> {
    let s = v.and_then(Value::as_str)?.to_ascii_lowercase();
    (s.len() == 66 && s.starts_with("0x") && hex::decode(&s[2..]).is_ok()).then_some(s)
}

fn parse_deal(d: &Value) -> Option<IndexedDeal> {
    let deal_id = bytes32(d.get("id"))?;
    let tasks = d
        .get("tasks")
        .and_then(Value::as_array)
        .map(|ts| {
            ts.iter()
                .filter_map(|t| {
                    Some(IndexedTask {
                        task_id: bytes32(t.get("id"))?,
                        idx: number(t.get("index")),
                        status: parse_status(t.get("status").and_then(Value::as_str).unwrap_or_default()),
                        final_deadline: number(t.get("finalDeadline")),
                        results_raw: bytes_text(t.get("results")),
                        result_digest: bytes32(t.get("resultDigest")),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    Some(IndexedDeal {
        deal_id,
        app: address(&id_of(d, "app")),
        app_name: d.get("app").and_then(|a| a.get("name")).and_then(Value::as_str).map(str::to_owned),
        beneficiary: address(&id_of(d, "beneficiary")),
        requester: address(&id_of(d, "requester")),
        callback: address(&id_of(d, "callback")),
        params: d.get("params").and_then(Value::as_str).unwrap_or_default().to_owned(),
        start_time: number(d.get("startTime")),
        bot_first: number(d.get("botFirst")),
        bot_size: number(d.get("botSize")),
        category: number(d.get("category").and_then(|c| c.get("id"))),
        tasks,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_deal_as_the_subgraph_sends_it() {
        let d = json!({
            "id": "0x2c97513bbef02a71b4cf555466f1dcc65e42720cc7d938f8eb53d93cf5ecaccd",
            "app": { "id": "0xc08c3def622af1476f2db0e3cc8ccaead07be3bb", "name": "hello" },
            "beneficiary": { "id": "0xc08c3def622af1476f2db0e3cc8ccaead07be3bb" },
            "requester": { "id": "0xc08c3def622af1476f2db0e3cc8ccaead07be3bb" },
            "callback": { "id": "0x0000000000000000000000000000000000000000" },
            "params": "{\"iexec_result_encryption\":true}",
            "startTime": "1700000000", "botFirst": "0", "botSize": "2", "category": { "id": "3" },
            "tasks": [{ "id": "0x52c74460f422beb2b247cb3fd9ba6ae48b75cb5b17b3212dc2ad8a121116a2fa", "index": "0",
                        "status": "FAILLED", "finalDeadline": "1700003000",
                        "results": format!("0x{}", hex::encode(br#"{"storage":"ipfs","location":"/ipfs/Qm1"}"#)),
                        "resultDigest": null }]
        });
        let deal = parse_deal(&d).unwrap();
        assert_eq!(deal.beneficiary, "0xC08C3def622Af1476f2Db0E3CC8CcaeAd07BE3bB");
        assert_eq!(deal.app_name.as_deref(), Some("hello"));
        assert_eq!((deal.start_time, deal.bot_first, deal.bot_size, deal.category), (1_700_000_000, 0, 2, 3));
        assert_eq!(deal.tasks[0].status, TaskStatus::Failed);
        assert_eq!(deal.tasks[0].results_raw, r#"{"storage":"ipfs","location":"/ipfs/Qm1"}"#);
        assert_eq!(deal.tasks[0].result_digest, None);
        assert!(parse_deal(&json!({ "id": "nope" })).is_none());
    }
}
