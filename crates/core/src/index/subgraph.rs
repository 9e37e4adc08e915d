//! The PoCo subgraph (GraphQL over HTTP POST; schema: iExecBlockchainComputing/PoCo-subgraph
//! `schema.graphql`). Facts that matter (docs/design.md 3.3): ids are lowercase hex and compared as
//! text, so the beneficiary is sent lowercase; pages are at most 1,000 items and `skip` at most
//! 5,000 (The Graph's limits), so paging goes by cursor, never by `skip`; only initialised tasks
//! exist; the failed status is spelled `FAILLED`. GraphQL errors come back with HTTP 200 and an
//! `errors` array.
//!
//! The subgraph is a hint, and not trusted with Result Vault's memory (docs/design.md 3.5): each
//! page is read with at most [`MAX_PAGE_BYTES`], and a subgraph that does not page as asked (a
//! cursor that does not move) is an error rather than an endless loop.

use std::collections::HashSet;
use std::time::Duration;

use alloy_primitives::Address;
use serde_json::{json, Value};

use crate::chain::address::{checksummed, lowercase};
use crate::chain::TaskStatus;
use crate::error::Result;
use crate::http::{client, describe_send_error, network_error, read_limited};
use crate::index::{number, IndexedDeal, IndexedTask};
use crate::progress::CancelToken;

/// Deals per page.
pub const PAGE_SIZE: usize = 500;
/// Time allowed for one page.
pub const TIMEOUT: Duration = Duration::from_secs(30);
/// The largest page read (bytes, 32 MiB). A page of [`PAGE_SIZE`] deals with a task or two each
/// is about 1 MB of JSON; 32 MiB leaves room for deals of a few dozen tasks each (every task
/// brings its id, results and digest), and bounds what a hostile or broken subgraph can make
/// Result Vault hold. A larger page fails the subgraph, and the market API answers instead.
pub const MAX_PAGE_BYTES: u64 = 32 << 20;
/// A bound on the pages of one listing (500,000 deals), against a subgraph that never ends.
const MAX_PAGES: usize = 1000;

const HINT: &str = "The task index (subgraph) is unreachable or failing; Result Vault will try the market API. Check the subgraph URL in Settings.";

/// One page of deals: `$where` is a `Deal_filter` (The Graph generates `startTime`,
/// `startTime_lt`, `id_gt`... for every field of the PoCo subgraph's `Deal`).
const DEALS_QUERY: &str =
    "query Deals($where: Deal_filter!, $first: Int!, $orderBy: Deal_orderBy!, $direction: OrderDirection!) {
  deals(where: $where, orderBy: $orderBy, orderDirection: $direction, first: $first) {
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
    /// Paging is by cursor, so there is no limit on the number of deals (The Graph refuses a
    /// `skip` over 5,000): pages ordered by `startTime` descending, each asking for the deals
    /// that started before the oldest of the previous page (`startTime_lt`). As several deals
    /// can share a start time (deals matched in one block), after a full page the deals at its
    /// oldest start time are all read first, ordered by id with an `id_gt` cursor, so that none
    /// is skipped at a page boundary; a deal seen twice is kept once.
    ///
    /// Errors: `network` (unreachable, HTTP status, GraphQL `errors`, malformed answer, a page
    /// over [`MAX_PAGE_BYTES`], a cursor that does not move), `cancelled`.
    pub fn deals_of(
        &self,
        beneficiary: &Address,
        known: &dyn Fn(&[IndexedDeal]) -> bool,
        on_page: &dyn Fn(usize),
        cancel: &CancelToken,
    ) -> Result<Vec<IndexedDeal>> {
        let who = lowercase(beneficiary);
        let mut all = Vec::new();
        let mut seen = HashSet::new();
        let mut keep = |deals: Vec<IndexedDeal>, all: &mut Vec<IndexedDeal>| {
            all.extend(deals.into_iter().filter(|d| seen.insert(d.deal_id.clone())));
        };
        let mut before: Option<u64> = None;
        let mut pages = 0;
        loop {
            let mut filter = json!({ "beneficiary": who });
            if let Some(t) = before {
                filter["startTime_lt"] = json!(t.to_string());
            }
            let raw = self.page(filter, "startTime", "desc", &mut pages, cancel)?;
            let parsed: Vec<IndexedDeal> = raw.iter().filter_map(parse_deal).collect();
            let stop = raw.len() < PAGE_SIZE || known(&parsed);
            keep(parsed, &mut all);
            on_page(all.len());
            if stop {
                return Ok(all);
            }
            let oldest = raw.iter().map(|d| number(d.get("startTime"))).min().unwrap_or(0);
            if before.is_some_and(|b| oldest >= b) {
                return Err(self.stuck());
            }
            // Every deal at the page's oldest start time, by id, before going further back.
            let mut after = String::from("0x");
            loop {
                let filter = json!({ "beneficiary": who, "startTime": oldest.to_string(), "id_gt": after });
                let raw = self.page(filter, "id", "asc", &mut pages, cancel)?;
                let last = raw.last().and_then(|d| d.get("id")).and_then(Value::as_str).unwrap_or_default().to_owned();
                keep(raw.iter().filter_map(parse_deal).collect(), &mut all);
                on_page(all.len());
                if raw.len() < PAGE_SIZE {
                    break;
                }
                if last <= after {
                    return Err(self.stuck());
                }
                after = last;
            }
            if oldest == 0 {
                return Ok(all);
            }
            before = Some(oldest);
        }
    }

    /// One page of at most [`PAGE_SIZE`] deals matching `filter`: the raw deal objects.
    fn page(
        &self,
        filter: Value,
        order_by: &str,
        direction: &str,
        pages: &mut usize,
        cancel: &CancelToken,
    ) -> Result<Vec<Value>> {
        cancel.check()?;
        *pages += 1;
        if *pages > MAX_PAGES {
            return Err(network_error(
                format!("The subgraph {} lists more than {MAX_PAGES} pages of deals for this address.", self.url),
                HINT,
            ));
        }
        let vars = json!({ "where": filter, "first": PAGE_SIZE, "orderBy": order_by, "direction": direction });
        decode_raw_page(&self.url, &self.query(DEALS_QUERY, vars)?)
    }

    fn stuck(&self) -> crate::error::Error {
        network_error(
            format!("The subgraph {} does not page as asked: it answered the same deals again.", self.url),
            HINT,
        )
    }

    /// One GraphQL request; returns the answer's body, read with at most [`MAX_PAGE_BYTES`].
    fn query(&self, query: &str, variables: Value) -> Result<Vec<u8>> {
        let resp =
            self.http.post(&self.url).json(&json!({ "query": query, "variables": variables })).send().map_err(|e| {
                network_error(
                    format!("The subgraph {} cannot be reached ({}).", self.url, describe_send_error(&e)),
                    HINT,
                )
            })?;
        let status = resp.status();
        if !status.is_success() {
            return Err(network_error(format!("The subgraph {} answered HTTP {status}.", self.url), HINT));
        }
        read_limited(resp, MAX_PAGE_BYTES, &format!("The subgraph {}", self.url))
    }
}

/// The raw deal objects of the subgraph `url`'s answer `body` to a deals query.
///
/// Errors: `network` (not JSON, GraphQL `errors`, no `data`, no deals list).
fn decode_raw_page(url: &str, body: &[u8]) -> Result<Vec<Value>> {
    let v: Value = serde_json::from_slice(body)
        .map_err(|e| network_error(format!("The subgraph {url} sent an answer that is not JSON ({e})."), HINT))?;
    if let Some(errors) = v.get("errors").and_then(Value::as_array).filter(|e| !e.is_empty()) {
        let first: String =
            errors[0].get("message").and_then(Value::as_str).unwrap_or("error").chars().take(200).collect();
        return Err(network_error(format!("The subgraph {url} refused the query: {first}."), HINT));
    }
    let data = v.get("data").ok_or_else(|| network_error(format!("The subgraph {url} sent no data."), HINT))?;
    data.get("deals")
        .and_then(Value::as_array)
        .cloned()
        .ok_or_else(|| network_error(format!("The subgraph {url} sent no deals list."), HINT))
}

/// What one page of deals becomes, from the body of an HTTP 200 answer of the subgraph at `url`,
/// with no network: GraphQL `errors`, then `data.deals`, each deal parsed (a deal whose id is not
/// 32 bytes of hex is left out). Pure, for the fuzz target `subgraph_answer`.
///
/// Errors: `network` (not JSON, GraphQL `errors`, no `data`, no deals list).
pub fn decode_deals_page(url: &str, body: &[u8]) -> Result<Vec<IndexedDeal>> {
    Ok(decode_raw_page(url, body)?.iter().filter_map(parse_deal).collect())
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
        let page = json!({ "data": { "deals": [d, { "id": "nope" }] } }).to_string();
        assert_eq!(decode_deals_page("u", page.as_bytes()).unwrap().len(), 1);
        let refused = decode_deals_page("u", br#"{"errors":[{"message":"bad skip"}]}"#).unwrap_err();
        assert!(refused.message.contains("bad skip"));
        assert!(decode_deals_page("u", br#"{"data":{}}"#).is_err());
    }
}
