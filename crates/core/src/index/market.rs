//! The iExec market API's deal index, the fallback when the subgraph fails (docs/design.md 3.3):
//! `GET /deals?chainId=…&beneficiary=…&pageIndex=…&pageSize=…` answering
//! `{ ok, count, deals: [...], nextPage? }` (as the iexec SDK's `fetchRequesterDeals` reads it).
//! Page size 10 to 1,000; no task statuses: tasks are computed from `botFirst`/`botSize`.

use std::time::Duration;

use alloy_primitives::Address;
use serde_json::Value;

use crate::chain::address::checksummed;
use crate::error::Result;
use crate::http::{client, describe_send_error, network_error, read_limited};
use crate::index::{number, IndexedDeal};
use crate::progress::CancelToken;

/// Deals per page (the API accepts 10 to 1,000).
pub const PAGE_SIZE: usize = 500;
/// Time allowed for one page.
pub const TIMEOUT: Duration = Duration::from_secs(30);
/// A bound on paging, against an API that always says there is a next page.
const MAX_PAGES: usize = 200;
/// The largest page read (bytes, 16 MiB). A page of [`PAGE_SIZE`] deals is about 500 KB (a deal
/// is some 1 KB of JSON with short params); 16 MiB leaves thirty times that for long params, and
/// bounds what a hostile or broken API can make Result Vault hold (docs/design.md 3.5).
pub const MAX_PAGE_BYTES: u64 = 16 << 20;

const HINT: &str =
    "Neither task index answered. Check your connection and the market API URL in Settings, or add a task by its id.";

/// A market API endpoint.
pub struct MarketApi {
    url: String,
    http: reqwest::blocking::Client,
}

impl MarketApi {
    /// A client for the market API at `url` (no trailing `/deals`).
    pub fn new(url: &str) -> Result<Self> {
        Ok(MarketApi { url: url.trim_end_matches('/').to_owned(), http: client(TIMEOUT)? })
    }

    /// Every deal of `beneficiary` on chain `chain_id`, page by page until no `nextPage`.
    ///
    /// Errors: `network` (unreachable, HTTP status, `ok: false`, malformed answer, a page over
    /// [`MAX_PAGE_BYTES`]), `cancelled`.
    pub fn deals_of(&self, chain_id: u64, beneficiary: &Address, cancel: &CancelToken) -> Result<Vec<IndexedDeal>> {
        let mut all = Vec::new();
        for page in 0..MAX_PAGES {
            cancel.check()?;
            let url = format!("{}/deals", self.url);
            let resp = self
                .http
                .get(&url)
                .header("Accept", "application/json")
                .query(&[
                    ("chainId", chain_id.to_string()),
                    ("beneficiary", checksummed(beneficiary)),
                    ("pageIndex", page.to_string()),
                    ("pageSize", PAGE_SIZE.to_string()),
                ])
                .send()
                .map_err(|e| {
                    network_error(
                        format!("The market API {} cannot be reached ({}).", self.url, describe_send_error(&e)),
                        HINT,
                    )
                })?;
            let status = resp.status();
            let body = read_limited(resp, MAX_PAGE_BYTES, &format!("The market API {}", self.url))?;
            let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            if !status.is_success() || v.get("ok") != Some(&Value::Bool(true)) {
                let why = v.get("error").and_then(Value::as_str).map(str::to_owned).unwrap_or(format!("HTTP {status}"));
                return Err(network_error(format!("The market API {} refused the request: {why}.", self.url), HINT));
            }
            let deals = v
                .get("deals")
                .and_then(Value::as_array)
                .ok_or_else(|| network_error(format!("The market API {} sent no deals list.", self.url), HINT))?;
            all.extend(deals.iter().filter_map(parse_deal));
            if v.get("nextPage").is_none_or(Value::is_null) {
                return Ok(all);
            }
        }
        Ok(all)
    }
}

fn address(v: Option<&Value>) -> String {
    let s = v.and_then(Value::as_str).unwrap_or_default();
    s.parse::<Address>().map(|a| checksummed(&a)).unwrap_or_else(|_| s.to_owned())
}

fn parse_deal(d: &Value) -> Option<IndexedDeal> {
    let id = d.get("dealid").and_then(Value::as_str)?.to_ascii_lowercase();
    if id.len() != 66 || !id.starts_with("0x") || hex::decode(&id[2..]).is_err() {
        return None;
    }
    Some(IndexedDeal {
        deal_id: id,
        app: address(d.get("app").and_then(|a| a.get("pointer"))),
        app_name: None,
        beneficiary: address(d.get("beneficiary")),
        requester: address(d.get("requester")),
        callback: address(d.get("callback")),
        params: d.get("params").and_then(Value::as_str).unwrap_or_default().to_owned(),
        start_time: number(d.get("startTime")),
        bot_first: number(d.get("botFirst")),
        bot_size: number(d.get("botSize")),
        category: number(d.get("category")),
        tasks: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_market_deal() {
        let d = serde_json::json!({
            "dealid": "0x2C97513BBEF02A71B4CF555466F1DCC65E42720CC7D938F8EB53D93CF5ECACCD",
            "app": { "pointer": "0xc08c3def622af1476f2db0e3cc8ccaead07be3bb", "owner": "0x0", "price": 0 },
            "beneficiary": "0xc08c3def622af1476f2db0e3cc8ccaead07be3bb", "params": "{}",
            "botFirst": 1, "botSize": 3, "startTime": 1700000000, "category": 0
        });
        let deal = parse_deal(&d).unwrap();
        assert_eq!(deal.deal_id, "0x2c97513bbef02a71b4cf555466f1dcc65e42720cc7d938f8eb53d93cf5ecaccd");
        assert_eq!(deal.app, "0xC08C3def622Af1476f2Db0E3CC8CcaeAd07BE3bB");
        assert_eq!((deal.bot_first, deal.bot_size), (1, 3));
        assert!(deal.tasks.is_empty());
    }
}
