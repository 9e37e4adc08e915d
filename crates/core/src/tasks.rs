//! Finding and following a beneficiary's tasks: networks checked against their RPC, indexes
//! asked (subgraph, then market API), the chain asked to confirm (batched `viewTask`), all kept
//! in the [`Db`] cache. docs/design.md 3.2 and 3.3.

use std::time::Instant;

use alloy_primitives::{Address, B256, U256};
use serde::Serialize;

use crate::chain::{deal_final_time, task_id, Network, Rpc};
use crate::db::tasks::TaskRow;
use crate::db::Db;
use crate::error::{Error, ErrorKind, Result};
use crate::index::market::MarketApi;
use crate::index::subgraph::Subgraph;
use crate::index::DealSource;
use crate::progress::CancelToken;

/// Unix seconds now.
pub fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Checks that `network`'s RPC answers with its chain id and that its hub is an address.
///
/// Errors: `network` (RPC unreachable), `chain_mismatch` (another chain answers),
/// `invalid_address` (hub).
pub fn check_network(network: &Network) -> Result<u64> {
    crate::chain::parse_address(&network.hub)?;
    let id = Rpc::new(&network.rpc_url)?.chain_id()?;
    if id != network.chain_id {
        return Err(Error::new(
            ErrorKind::ChainMismatch,
            format!(
                "The RPC {} serves chain {id}, not chain {} ({}).",
                network.rpc_url, network.chain_id, network.label
            ),
            "Check the RPC URL: it must be an endpoint of this network. Nothing was saved.",
        ));
    }
    Ok(id)
}

fn hub(network: &Network) -> Result<Address> {
    crate::chain::parse_address(&network.hub)
}

/// What a refresh did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RefreshOutcome {
    /// Network name.
    pub network: String,
    /// Beneficiary, checksummed.
    pub address: String,
    /// Which index answered.
    pub source: DealSource,
    /// Deals the index returned in this refresh.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub deals_seen: u64,
    /// Tasks not in the cache before.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub new_tasks: u64,
    /// Tasks confirmed on chain in this refresh.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub confirmed: u64,
    /// Set when the subgraph failed and the market API answered instead, or when the chain could
    /// not confirm: the list may be incomplete or stale.
    pub warning: Option<String>,
    /// Milliseconds the index took.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub index_ms: u64,
    /// Milliseconds the chain confirmation took.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub confirm_ms: u64,
}

/// Progress of a refresh: deals found so far, then tasks confirmed of total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "stage", rename_all = "snake_case")]
pub enum RefreshProgress {
    /// Reading an index.
    Indexing {
        /// Deals so far.
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        deals: u64,
    },
    /// Asking the chain.
    Confirming {
        /// Tasks confirmed so far.
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        done: u64,
        /// Tasks to confirm.
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        total: u64,
    },
}

/// How much of the list a refresh confirms on chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirm {
    /// Nothing: the index's view only.
    None,
    /// Tasks no index described (computed from `botFirst`/`botSize`, or from the market API):
    /// without the chain they would have no state. The default: the list stays quick, and
    /// every download confirms its task on chain first anyway.
    Undescribed,
    /// Every task not final yet (one `viewTask` each, batched): the chain's view of everything.
    AllOpen,
}

/// Refreshes the tasks of `beneficiary` on `network`: new deals from the subgraph (stopping at
/// the first page already known unless `full`), the market API if the subgraph fails, then
/// `viewTask` for the tasks `confirm` selects.
///
/// Errors: `network` when both indexes fail; `cancelled`. A chain failure after the index
/// answered is a warning in the outcome, not an error: the list is still useful.
pub fn refresh(
    db: &mut Db,
    network: &Network,
    beneficiary: &Address,
    full: bool,
    confirm: Confirm,
    on_progress: &dyn Fn(RefreshProgress),
    cancel: &CancelToken,
) -> Result<RefreshOutcome> {
    let started = Instant::now();
    let mut warning = None;
    let subgraph_answer = Subgraph::new(&network.subgraph_url).and_then(|s| {
        let known = |deals: &[crate::index::IndexedDeal]| {
            !full && {
                let ids: Vec<&str> = deals.iter().map(|d| d.deal_id.as_str()).collect();
                db.all_deals_known(&network.name, &ids).unwrap_or(false)
            }
        };
        s.deals_of(beneficiary, &known, &|n| on_progress(RefreshProgress::Indexing { deals: n as u64 }), cancel)
    });
    let (deals, source) = match subgraph_answer {
        Ok(d) => (d, DealSource::Subgraph),
        Err(e) if e.kind == ErrorKind::Cancelled => return Err(e),
        Err(subgraph_error) => {
            let market = MarketApi::new(&network.market_api_url)?;
            match market.deals_of(network.chain_id, beneficiary, cancel) {
                Ok(d) => {
                    // The technical cause goes to the caller's log; people get what it means.
                    warning = Some(format!(
                        "The task index (subgraph) did not answer, so the market API answered instead: task states were read from the chain, and app names are missing. ({})",
                        short_cause(&subgraph_error.message)
                    ));
                    (d, DealSource::Market)
                }
                Err(e) if e.kind == ErrorKind::Cancelled => return Err(e),
                Err(market_error) => {
                    return Err(Error::new(
                        ErrorKind::Network,
                        format!("{} {}", subgraph_error.message, market_error.message),
                        market_error.hint,
                    ))
                }
            }
        }
    };
    // Only the beneficiary's deals (an index answering for another address would mislead).
    let deals: Vec<_> =
        deals.into_iter().filter(|d| d.beneficiary.eq_ignore_ascii_case(&beneficiary.to_string())).collect();
    let counts = db.store_index(&network.name, &deals, source)?;
    let index_ms = started.elapsed().as_millis() as u64;
    let confirm_started = Instant::now();
    let mut confirmed = 0;
    if confirm != Confirm::None {
        let ids = db.tasks_to_confirm(&network.name, &beneficiary.to_string(), confirm == Confirm::AllOpen)?;
        match confirm_tasks(db, network, &ids, on_progress, cancel).and_then(|n| {
            fill_final_times(db, network, cancel)?;
            Ok(n)
        }) {
            Ok(n) => confirmed = n,
            Err(e) if e.kind == ErrorKind::Cancelled => return Err(e),
            Err(e) => {
                warning = Some(format!("The chain could not confirm the task states: {}", e.message));
            }
        }
    }
    let now = now();
    db.mark_refreshed(&network.name, beneficiary, source.as_str(), now)?;
    Ok(RefreshOutcome {
        network: network.name.clone(),
        address: beneficiary.to_checksum(None),
        source,
        deals_seen: deals.len() as u64,
        new_tasks: counts.new_tasks as u64,
        confirmed,
        warning,
        index_ms,
        confirm_ms: confirm_started.elapsed().as_millis() as u64,
    })
}

/// The first clause of an error message, without the URL-laden detail in parentheses.
fn short_cause(message: &str) -> String {
    let s = message.split(" (").next().unwrap_or(message).trim_end_matches('.');
    s.chars().take(120).collect()
}

/// Reads `task_ids` from the hub in batches and stores what the chain says.
///
/// Errors: `network` (RPC), `cancelled`.
pub fn confirm_tasks(
    db: &Db,
    network: &Network,
    task_ids: &[String],
    on_progress: &dyn Fn(RefreshProgress),
    cancel: &CancelToken,
) -> Result<u64> {
    let rpc = Rpc::new(&network.rpc_url)?;
    let hub = hub(network)?;
    let ids: Vec<B256> = task_ids.iter().filter_map(|t| t.parse().ok()).collect();
    let total = ids.len() as u64;
    let mut done = 0;
    on_progress(RefreshProgress::Confirming { done, total });
    for chunk in ids.chunks(crate::chain::rpc::BATCH_SIZE) {
        cancel.check()?;
        let now = now();
        for t in rpc.view_tasks(hub, chunk, now)?.into_iter().flatten() {
            // An uninitialised task reads back with a zero deal id: nothing to store yet.
            if t.deal_id.trim_start_matches("0x").chars().any(|c| c != '0') {
                db.store_chain_task(&network.name, &t, now)?;
            }
        }
        done += chunk.len() as u64;
        on_progress(RefreshProgress::Confirming { done, total });
    }
    Ok(done)
}

/// Gives the tasks never initialised on chain their deal's final time, read from the chain
/// (`viewDeal` for the deal's `startTime` and category, `viewCategory` for its
/// `workClockTimeRef`, both batched; [`deal_final_time`]), so that such a task reads as timed out
/// once that time has passed, as the iexec SDK shows it, instead of "not started" forever.
/// The indexes' start times and categories are not used: they are hints. A deal the chain does
/// not know, or a category it does not have (PoCo reverts), leaves its tasks as they are.
/// Returns the tasks given a final time.
///
/// Errors: `network` (RPC), `cancelled`.
pub fn fill_final_times(db: &Db, network: &Network, cancel: &CancelToken) -> Result<u64> {
    let deal_ids: Vec<B256> =
        db.deals_awaiting_final_time(&network.name)?.iter().filter_map(|d| d.parse().ok()).collect();
    if deal_ids.is_empty() {
        return Ok(0);
    }
    let rpc = Rpc::new(&network.rpc_url)?;
    let hub = hub(network)?;
    let mut deals = Vec::new();
    for chunk in deal_ids.chunks(crate::chain::rpc::BATCH_SIZE) {
        cancel.check()?;
        for (id, deal) in chunk.iter().zip(rpc.view_deals(hub, chunk)?) {
            let Ok(deal) = deal else { continue };
            if deal.beneficiary.is_zero() && deal.botSize.is_zero() {
                continue; // not a deal on this chain
            }
            let start: u64 = deal.startTime.try_into().unwrap_or(u64::MAX);
            let category: u64 = deal.category.try_into().unwrap_or(u64::MAX);
            deals.push((*id, start, category));
        }
    }
    let mut categories: Vec<u64> = deals.iter().map(|d| d.2).collect();
    categories.sort_unstable();
    categories.dedup();
    cancel.check()?;
    let refs: std::collections::HashMap<u64, u64> = categories
        .iter()
        .zip(rpc.view_categories(hub, &categories)?)
        .filter_map(|(c, r)| Some((*c, r.ok()?)))
        .collect();
    let mut changed = 0;
    for (id, start, category) in deals {
        if let Some(work_clock_time_ref) = refs.get(&category) {
            changed +=
                db.set_final_time(&network.name, &id.to_string(), deal_final_time(start, *work_clock_time_ref))?;
        }
    }
    Ok(changed as u64)
}

/// Adds a task or a deal by its id (pasted by the user), read from the chain: a task id adds its
/// task (and its deal); a deal id adds the deal and all its tasks. Returns the rows added.
///
/// Errors: `task_not_found` (not 32 bytes of hex, or unknown on this network), `network`.
pub fn add_by_id(db: &mut Db, network: &Network, id: &str) -> Result<Vec<TaskRow>> {
    let not_found = |why: &str| {
        Error::new(
            ErrorKind::TaskNotFound,
            format!("{why} on {}.", network.label),
            "Check the id (0x followed by 64 hexadecimal digits) and the network: a task of another network is not found here.",
        )
    };
    let id: B256 = id.trim().parse().map_err(|_| not_found("This is not a task or deal id"))?;
    let rpc = Rpc::new(&network.rpc_url)?;
    let hub = hub(network)?;
    let now = now();
    let task = rpc.view_task(hub, id, now)?;
    let deal_id: B256 = task.deal_id.parse().unwrap_or_default();
    let (deal_id, only_task) = if deal_id.is_zero() { (id, None) } else { (deal_id, Some(task)) };
    let deal = rpc.view_deal(hub, deal_id)?;
    if deal.botSize.is_zero() && deal.beneficiary.is_zero() {
        return Err(not_found("No task or deal has this id"));
    }
    db.store_chain_deal(&network.name, deal_id, &deal)?;
    let ids: Vec<String> = match &only_task {
        Some(t) => vec![t.task_id.clone()],
        None => {
            let first: u64 = deal.botFirst.try_into().unwrap_or(0);
            let size: u64 = deal.botSize.try_into().unwrap_or(0);
            (first..first.saturating_add(size.min(10_000)))
                .map(|i| task_id(deal_id, U256::from(i)).to_string())
                .collect()
        }
    };
    confirm_tasks(db, network, &ids, &|_| {}, &CancelToken::new())?;
    fill_final_times(db, network, &CancelToken::new())?;
    let mut rows = Vec::new();
    for t in &ids {
        if let Some(r) = db.task(&network.name, t, now)? {
            rows.push(r);
        }
    }
    Ok(rows)
}
