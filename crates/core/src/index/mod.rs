//! Indexes that find a beneficiary's deals: the PoCo subgraph first, the market API as fallback
//! (docs/design.md 3.3). Both are hints: the chain is the truth ([`crate::chain::Rpc`] confirms).

pub mod market;
pub mod subgraph;

use serde::{Deserialize, Serialize};

use crate::chain::TaskStatus;

/// Which index (or the chain, or the user) told us about a deal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum DealSource {
    /// The PoCo subgraph.
    Subgraph,
    /// The market API (no task statuses).
    Market,
    /// Added by hand (a task or deal id), read from the chain.
    Manual,
}

impl DealSource {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            DealSource::Subgraph => "subgraph",
            DealSource::Market => "market",
            DealSource::Manual => "manual",
        }
    }

    /// From the stored name.
    pub fn parse(s: &str) -> Self {
        match s {
            "subgraph" => DealSource::Subgraph,
            "market" => DealSource::Market,
            _ => DealSource::Manual,
        }
    }
}

/// A deal as an index (or the chain) describes it. Ids lowercase `0x` + 64 hex; addresses
/// checksummed; times in unix seconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexedDeal {
    /// Deal id.
    pub deal_id: String,
    /// The app's address.
    pub app: String,
    /// The app's name, when the index knows it (the subgraph does).
    pub app_name: Option<String>,
    /// Who receives the results.
    pub beneficiary: String,
    /// Who paid.
    pub requester: String,
    /// Callback contract (zero address when none).
    pub callback: String,
    /// The deal's `params` (JSON, or a legacy string).
    pub params: String,
    /// Unix seconds.
    pub start_time: u64,
    /// First task index.
    pub bot_first: u64,
    /// Number of tasks.
    pub bot_size: u64,
    /// Category id.
    pub category: u64,
    /// The tasks the index knows (the subgraph lists initialised tasks only; the market none).
    pub tasks: Vec<IndexedTask>,
}

/// A task as the subgraph describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexedTask {
    /// Task id.
    pub task_id: String,
    /// Index in the deal.
    pub idx: u64,
    /// The subgraph's status (its `FAILLED` read as failed; TIMEOUT derived by the caller).
    pub status: TaskStatus,
    /// Unix seconds.
    pub final_deadline: u64,
    /// The `results` bytes as text (JSON), empty when none.
    pub results_raw: String,
    /// `0x` + 64 hex, when revealed.
    pub result_digest: Option<String>,
}

/// Whether a deal's `params` ask for encrypted results (`"iexec_result_encryption": true`).
/// `None` when `params` is not JSON (legacy string params).
pub fn params_ask_encryption(params: &str) -> Option<bool> {
    let v: serde_json::Value = serde_json::from_str(params).ok()?;
    let obj = v.as_object()?;
    Some(match obj.get("iexec_result_encryption") {
        Some(serde_json::Value::Bool(b)) => *b,
        Some(serde_json::Value::String(s)) => s == "true",
        _ => false,
    })
}

/// Parses a decimal or `0x` hex number as the indexes send them (strings or JSON numbers).
pub(crate) fn number(v: Option<&serde_json::Value>) -> u64 {
    match v {
        Some(serde_json::Value::Number(n)) => n.as_u64().unwrap_or(0),
        Some(serde_json::Value::String(s)) => match s.strip_prefix("0x") {
            Some(h) => u64::from_str_radix(h, 16).unwrap_or(0),
            None => s.parse().unwrap_or(0),
        },
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encryption_flag_from_params() {
        assert_eq!(params_ask_encryption(r#"{"iexec_result_encryption":true}"#), Some(true));
        assert_eq!(params_ask_encryption(r#"{"iexec_result_encryption":"true"}"#), Some(true));
        assert_eq!(params_ask_encryption(r#"{"iexec_args":"x"}"#), Some(false));
        assert_eq!(params_ask_encryption("legacy args"), None);
        assert_eq!(number(Some(&serde_json::json!("12"))), 12);
        assert_eq!(number(Some(&serde_json::json!("0x10"))), 16);
        assert_eq!(number(Some(&serde_json::json!(7))), 7);
        assert_eq!(number(None), 0);
    }
}
