//! Tasks: ids, statuses as the reference client names them, and where the result is.

use alloy_primitives::{keccak256, B256, U256};
use serde::{Deserialize, Serialize};

use crate::chain::abi;

/// `taskid = keccak256(dealid ‖ uint256(idx))` (PoCo; docs/design.md 3.2).
pub fn task_id(deal_id: B256, idx: U256) -> B256 {
    let mut buf = [0u8; 64];
    buf[..32].copy_from_slice(deal_id.as_slice());
    buf[32..].copy_from_slice(&idx.to_be_bytes::<32>());
    keccak256(buf)
}

/// PoCo's `FINAL_DEADLINE_RATIO` (a constant of the hub, `FacetBase.sol`; also its view
/// `final_deadline_ratio()`): a task's final deadline is `deal.startTime + FINAL_DEADLINE_RATIO ×
/// category.workClockTimeRef` (PoCo's `initialize` writes exactly this into the task).
pub const FINAL_DEADLINE_RATIO: u64 = 10;

/// The final deadline of every task of a deal (unix seconds), from the deal's `startTime` and
/// its category's `workClockTimeRef` (seconds): what PoCo writes into a task when it is
/// initialised, and what the iexec SDK calls the deal's `finalTime`. A task still uninitialised
/// at that time never will be: the SDK shows it timed out (`deadlineReached`), and so does
/// Result Vault ([`TaskStatus::derive`] with status 0). Saturating: a hostile chain cannot
/// overflow it.
pub fn deal_final_time(start_time: u64, work_clock_time_ref: u64) -> u64 {
    start_time.saturating_add(FINAL_DEADLINE_RATIO.saturating_mul(work_clock_time_ref))
}

/// A task's state, with TIMEOUT derived as the iexec SDK does: status < COMPLETED and now at or
/// past the final deadline. For a task not initialised on chain (status 0), the final deadline
/// is its deal's final time ([`deal_final_time`]) when known, 0 (never times out) otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    /// 0: not initialised on chain.
    Unset,
    /// 1.
    Active,
    /// 2.
    Revealing,
    /// 3.
    Completed,
    /// 4.
    Failed,
    /// Derived.
    Timeout,
}

impl TaskStatus {
    /// From the on-chain status and final deadline (seconds), at `now` (seconds).
    pub fn derive(status: u8, final_deadline: u64, now: u64) -> Self {
        let s = match status {
            0 => TaskStatus::Unset,
            1 => TaskStatus::Active,
            2 => TaskStatus::Revealing,
            3 => TaskStatus::Completed,
            _ => TaskStatus::Failed,
        };
        if status < 3 && final_deadline > 0 && now >= final_deadline {
            TaskStatus::Timeout
        } else {
            s
        }
    }
}

/// Where a task's result is, from the `results` bytes (docs/design.md 3.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "storage", rename_all = "snake_case")]
pub enum ResultLocation {
    /// On IPFS at this location (`/ipfs/<CID>`), to append to a gateway URL.
    Ipfs {
        /// The location.
        location: String,
    },
    /// A callback task: the result is on chain, nothing to download.
    Ethereum,
    /// On Dropbox (not downloadable by Result Vault).
    Dropbox {
        /// The location.
        location: String,
    },
    /// No result (empty or unreadable `results`).
    None,
}

impl ResultLocation {
    /// Decodes the `results` bytes: UTF-8 JSON `{ "storage": ..., "location": ... }`.
    pub fn parse(results: &[u8]) -> Self {
        let Ok(v) = serde_json::from_slice::<serde_json::Value>(results) else { return ResultLocation::None };
        let location = v.get("location").and_then(|l| l.as_str()).unwrap_or_default().to_owned();
        match v.get("storage").and_then(|s| s.as_str()) {
            Some("ipfs") if !location.is_empty() => ResultLocation::Ipfs { location },
            Some("ethereum") => ResultLocation::Ethereum,
            Some("dropbox") => ResultLocation::Dropbox { location },
            _ => ResultLocation::None,
        }
    }
}

/// A task as read from the hub, with what Result Vault needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChainTask {
    /// `0x` + 64 hex.
    pub task_id: String,
    /// `0x` + 64 hex (zero for an uninitialised task).
    pub deal_id: String,
    /// Index in the deal.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub idx: u64,
    /// State, TIMEOUT derived.
    pub status: TaskStatus,
    /// Unix seconds.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub final_deadline: u64,
    /// `0x` + 64 hex, what the enclave attested (zero until completed).
    pub result_digest: String,
    /// Where the result is.
    pub result: ResultLocation,
    /// The raw `results` text, for the details pane.
    pub results_raw: String,
}

impl ChainTask {
    /// From a decoded `viewTask` struct, at `now` (unix seconds).
    pub fn from_abi(task_id: B256, t: &abi::Task, now: u64) -> Self {
        let final_deadline: u64 = t.finalDeadline.try_into().unwrap_or(u64::MAX);
        ChainTask {
            task_id: task_id.to_string(),
            deal_id: t.dealid.to_string(),
            idx: t.idx.try_into().unwrap_or(u64::MAX),
            status: TaskStatus::derive(t.status, final_deadline, now),
            final_deadline,
            result_digest: t.resultDigest.to_string(),
            result: ResultLocation::parse(&t.results),
            results_raw: String::from_utf8_lossy(&t.results).into_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_id_vector_from_the_design() {
        let deal: B256 = "0x2c97513bbef02a71b4cf555466f1dcc65e42720cc7d938f8eb53d93cf5ecaccd".parse().unwrap();
        assert_eq!(
            task_id(deal, U256::ZERO).to_string(),
            "0x52c74460f422beb2b247cb3fd9ba6ae48b75cb5b17b3212dc2ad8a121116a2fa"
        );
    }

    #[test]
    fn statuses_and_timeout() {
        assert_eq!(TaskStatus::derive(1, 100, 50), TaskStatus::Active);
        assert_eq!(TaskStatus::derive(1, 100, 100), TaskStatus::Timeout);
        assert_eq!(TaskStatus::derive(2, 100, 200), TaskStatus::Timeout);
        assert_eq!(TaskStatus::derive(3, 100, 200), TaskStatus::Completed);
        assert_eq!(TaskStatus::derive(4, 100, 200), TaskStatus::Failed);
        assert_eq!(TaskStatus::derive(0, 0, 200), TaskStatus::Unset);
        // Never initialised: timed out once the deal's final time has passed.
        let final_time = deal_final_time(1_000, 300);
        assert_eq!(final_time, 4_000);
        assert_eq!(TaskStatus::derive(0, final_time, 3_999), TaskStatus::Unset);
        assert_eq!(TaskStatus::derive(0, final_time, 4_000), TaskStatus::Timeout);
        assert_eq!(deal_final_time(u64::MAX - 1, u64::MAX), u64::MAX);
    }

    #[test]
    fn result_locations() {
        assert_eq!(
            ResultLocation::parse(br#"{ "storage": "ipfs", "location": "/ipfs/QmX" }"#),
            ResultLocation::Ipfs { location: "/ipfs/QmX".into() }
        );
        assert_eq!(ResultLocation::parse(br#"{"storage":"ethereum","location":"0x12"}"#), ResultLocation::Ethereum);
        assert_eq!(ResultLocation::parse(b""), ResultLocation::None);
        assert_eq!(ResultLocation::parse(b"not json"), ResultLocation::None);
    }
}
